package dev.trt4j.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ONNX Runtime tensors for BOOL model inputs (a mask, a Where's condition). Host tensors hold no booleans: synthetic
 * data and .npy/.npz bool arrays arrive as integers, which {@link HostTensorCodec} checks to be 0 or 1 as it does
 * for an engine's BOOL input, so a mask of 2s is an error rather than silently true.
 */
public final class BoolTensors {
    private BoolTensors() {
    }

    /**
     * A new BOOL tensor of {@code data}'s shape and values; the caller closes it.
     *
     * @param what names the input in messages, e.g. {@code "model.onnx: input 'mask'"}
     * @throws Trt4jException if {@code data} is no integer tensor or holds a value other than 0 or 1
     */
    public static OnnxTensor create(OrtEnvironment env, String what, HostTensor data) throws OrtException {
        if (data.type() != ElementType.INT32 && data.type() != ElementType.INT64) {
            throw new Trt4jException(what + " is BOOL but the data is " + data.type());
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(data.elementCount()))
                .order(ByteOrder.nativeOrder());
        HostTensorCodec.encode(what, data, ElementType.BOOL, bytes);
        return OnnxTensor.createTensor(env, bytes, data.shape(), OnnxJavaType.BOOL);
    }
}
