package dev.trt4j.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Converts between {@link HostTensor} and ONNX Runtime tensors. Float32 data feeds float16 inputs (rounded to
 * nearest), int32/int64 feed each other (narrowing is range-checked) and BOOL, INT8 and UINT8 inputs (values in
 * their range only); float16 outputs are widened to float32.
 */
final class HostTensorConverter {
    private HostTensorConverter() {
    }

    /**
     * A new ONNX Runtime tensor holding {@code tensor}'s data as {@code spec}'s element type; the caller closes it.
     *
     * @throws InvalidInputException if the element types do not convert or a value does not fit the input's type
     */
    static OnnxTensor toOnnx(OrtEnvironment env, String modelName, TensorSpec spec, HostTensor tensor)
            throws OrtException {
        long[] shape = tensor.shape();
        ElementType want = spec.type();
        ElementType have = tensor.type();
        if (have == ElementType.FLOAT32 && want == ElementType.FLOAT32) {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor.floats()), shape);
        }
        if (have == ElementType.FLOAT32 && want == ElementType.FLOAT16) {
            return OnnxTensor.createTensor(env,
                    Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(tensor.floats())), shape,
                    OnnxJavaType.FLOAT16);
        }
        if (have == ElementType.INT64 && want == ElementType.INT64) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(tensor.longs()), shape);
        }
        if (have == ElementType.INT32 && want == ElementType.INT32) {
            return OnnxTensor.createTensor(env, IntBuffer.wrap(tensor.ints()), shape);
        }
        if (have == ElementType.INT32 && want == ElementType.INT64) {
            int[] src = tensor.ints();
            long[] wide = new long[src.length];
            for (int i = 0; i < src.length; i++) {
                wide[i] = src[i];
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(wide), shape);
        }
        if (have == ElementType.INT64 && want == ElementType.INT32) {
            long[] src = tensor.longs();
            int[] narrow = new int[src.length];
            for (int i = 0; i < src.length; i++) {
                narrow[i] = HostTensorCodec.toInt32(modelName + ": input '" + spec.name() + "'", src[i], i);
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
        }
        if (ByteTensors.holds(want)) {
            return ByteTensors.create(env, modelName + ": input '" + spec.name() + "'", tensor, want);
        }
        throw new InvalidInputException(modelName + ": input '" + spec.name() + "' is " + want + " but the data is "
                + have);
    }

    /**
     * Copies an ONNX Runtime output into a new {@link HostTensor} (float16 widened to float32).
     *
     * @throws Trt4jException        if the output's element type has no {@link HostTensor} form
     * @throws dev.trt4j.InvalidOptionException if the output is too large for ONNX Runtime's Java API
     *                                ({@link OrtTensorLimit}): the batch was
     */
    static HostTensor toHost(String modelName, String outputName, OnnxTensor value) {
        TensorInfo info = value.getInfo();
        long[] shape = info.getShape();
        // ONNX Runtime made it natively; its Java buffer over it would overflow an int
        OrtSpecs.elementType(info.type).ifPresent(type -> OrtTensorLimit.requireOutputFits(modelName, outputName,
                shape, type));
        int n = Math.toIntExact(info.getNumElements());
        return switch (info.type) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                float[] data = new float[n];
                value.getFloatBuffer().get(data);
                yield HostTensor.ofFloats(shape, data);
            }
            case INT64 -> {
                long[] data = new long[n];
                value.getLongBuffer().get(data);
                yield HostTensor.ofLongs(shape, data);
            }
            case INT32 -> {
                int[] data = new int[n];
                value.getIntBuffer().get(data);
                yield HostTensor.ofInts(shape, data);
            }
            default -> throw new Trt4jException(modelName + ": output '" + outputName + "' is " + info.type
                    + "; trt4j reads FLOAT32, FLOAT16, INT64 and INT32 outputs");
        };
    }
}
