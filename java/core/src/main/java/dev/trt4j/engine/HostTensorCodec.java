package dev.trt4j.engine;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntToLongFunction;

/**
 * Copies {@link HostTensor}s into the raw element layout an engine binding expects, and back. Buffers are
 * read and written in native byte order from their position 0, whatever their own order setting.
 *
 * <p>Conversions on the way in: float32 → float16 (ONNX Runtime's {@link Fp16Conversions}: round to nearest
 * even, overflow to infinity), int64 ↔ int32, and int64 or int32 → int8, uint8 or bool (refusing values that do
 * not fit; bool takes only 0 and 1, so that a mask of 2s is an error rather than silently true). On the way out:
 * float16 becomes float32; int8, uint8 and bool become int32.
 */
public final class HostTensorCodec {
    private HostTensorCodec() {
    }

    /**
     * Writes {@code tensor} into {@code target} as elements of {@code type}.
     *
     * @param what names the tensor in error messages, e.g. {@code "input 'x'"}
     * @throws InvalidInputException when the types cannot be converted or a value does not fit
     * @throws Trt4jException        when {@code target} is too small for the tensor
     */
    public static void encode(String what, HostTensor tensor, ElementType type, ByteBuffer target) {
        ByteBuffer out = target.duplicate().order(ByteOrder.nativeOrder());
        out.clear();
        long needed = Math.multiplyExact(tensor.elementCount(), (long) type.bytes());
        if (needed > out.capacity()) {
            throw new Trt4jException(what + " needs " + needed + " bytes but its buffer holds " + out.capacity());
        }
        switch (tensor.type()) {
            case FLOAT32 -> encodeFloats(what, tensor.floats(), type, out);
            case INT64 -> encodeLongs(what, tensor.longs(), type, out);
            case INT32 -> encodeInts(what, tensor.ints(), type, out);
            default -> throw cannot(what, tensor.type(), type);
        }
    }

    /** Reads a tensor of {@code type} and {@code shape} from the start of {@code source}. */
    public static HostTensor decode(ElementType type, long[] shape, ByteBuffer source) {
        ByteBuffer in = source.duplicate().order(ByteOrder.nativeOrder());
        in.clear();
        int n = Math.toIntExact(HostTensor.elementCount(shape));
        switch (type) {
            case FLOAT32 -> {
                float[] f = new float[n];
                in.asFloatBuffer().get(f);
                return HostTensor.ofFloats(shape, f);
            }
            case FLOAT16 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Fp16Conversions.fp16ToFloat(in.getShort(2 * i));
                }
                return HostTensor.ofFloats(shape, f);
            }
            case INT64 -> {
                long[] l = new long[n];
                in.asLongBuffer().get(l);
                return HostTensor.ofLongs(shape, l);
            }
            case INT32 -> {
                int[] v = new int[n];
                in.asIntBuffer().get(v);
                return HostTensor.ofInts(shape, v);
            }
            case INT8, BOOL -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.get(i);
                }
                return HostTensor.ofInts(shape, v);
            }
            case UINT8 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.get(i) & 0xff;
                }
                return HostTensor.ofInts(shape, v);
            }
            default -> throw new IllegalArgumentException("unsupported element type " + type);
        }
    }

    private static void encodeFloats(String what, float[] data, ElementType type, ByteBuffer out) {
        switch (type) {
            case FLOAT32 -> out.asFloatBuffer().put(data);
            case FLOAT16 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putShort(2 * i, Fp16Conversions.floatToFp16(data[i]));
                }
            }
            default -> throw cannot(what, ElementType.FLOAT32, type);
        }
    }

    private static void encodeLongs(String what, long[] data, ElementType type, ByteBuffer out) {
        switch (type) {
            case INT64 -> out.asLongBuffer().put(data);
            case INT32 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putInt(4 * i, toInt32(what, data[i], i));
                }
            }
            case INT8, UINT8, BOOL -> encodeBytes(what, i -> data[i], data.length, type, out);
            default -> throw cannot(what, ElementType.INT64, type);
        }
    }

    /**
     * {@code value}, element {@code index} of int64 data, narrowed for an INT32 input. Shared with ONNX Runtime's
     * staging so that both backends refuse the same value in the same words.
     *
     * @param what names the tensor in the message, e.g. {@code "model.onnx: input 'ids'"}
     * @throws InvalidInputException when {@code value} does not fit 32 bits: wrapped, it would be another token id
     */
    public static int toInt32(String what, long value, int index) {
        if (value != (int) value) {
            throw new InvalidInputException(what + ": value " + value + " at element " + index + " does not fit INT32 ("
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")");
        }
        return (int) value;
    }

    private static void encodeInts(String what, int[] data, ElementType type, ByteBuffer out) {
        switch (type) {
            case INT32 -> out.asIntBuffer().put(data);
            case INT64 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putLong(8 * i, data[i]);
                }
            }
            case INT8, UINT8, BOOL -> encodeBytes(what, i -> data[i], data.length, type, out);
            default -> throw cannot(what, ElementType.INT32, type);
        }
    }

    /**
     * Narrows integers to the one-byte {@code type}; host tensors have no byte arrays, so INT8, UINT8 and BOOL inputs
     * arrive as int32 or int64 data (from .npy files, token ids, bench's generated values).
     */
    private static void encodeBytes(String what, IntToLongFunction value, int n, ElementType type, ByteBuffer out) {
        long min = type == ElementType.INT8 ? Byte.MIN_VALUE : 0;
        long max = switch (type) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            default -> 1;
        };
        for (int i = 0; i < n; i++) {
            long v = value.applyAsLong(i);
            if (v < min || v > max) {
                // not "the engine's": ONNX Runtime's BOOL, INT8 and UINT8 inputs are staged here too
                throw new InvalidInputException(what + ": value " + v + " at element " + i + " does not fit " + type
                        + " (" + (type == ElementType.BOOL ? "0 or 1" : min + " to " + max) + ")");
            }
            out.put(i, (byte) v);
        }
    }

    /** The caller's data of a type the input does not take: theirs to correct, as a value out of range is. */
    private static InvalidInputException cannot(String what, ElementType from, ElementType to) {
        return new InvalidInputException(what + " holds " + from + " data but the engine expects " + to);
    }
}
