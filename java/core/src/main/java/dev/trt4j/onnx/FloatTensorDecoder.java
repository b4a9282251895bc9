package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.trt4j.Trt4jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the values of a floating-point {@link TensorProto} as float32, from whichever field the exporter used:
 * {@code raw_data} (always little-endian), {@code float_data}, {@code double_data}, or {@code int32_data} (which
 * holds float16 and bfloat16 bit patterns). Double values are rounded to float32.
 */
final class FloatTensorDecoder {
    private FloatTensorDecoder() {
    }

    /** Number of elements the tensor's dims describe (checked when the model was loaded: see {@link TensorSizes}). */
    static long elementCount(TensorProto t) {
        return TensorSizes.elementCount(t).orElseThrow(() -> new ArithmeticException("tensor '" + t.getName()
                + "': shape " + t.getDimsList() + " has a negative dimension or more values than a long counts"));
    }

    /**
     * The tensor's values as float32.
     *
     * @param where names the model and tensor in error messages
     * @throws Trt4jException if the stored values do not match the dims, the type is not floating-point, or the values
     *                        stay in a data file
     */
    static float[] decode(TensorProto t, String where) {
        if (ExternalDataInliner.isExternal(t)) {
            throw new Trt4jException(where + " keeps its data in an external file (the model exceeds 2 GiB with it "
                    + "read in); its values are read only for models up to 2 GiB");
        }
        int n = Math.toIntExact(elementCount(t));
        float[] out = new float[n];
        int type = t.getDataType();
        boolean raw = !t.getRawData().isEmpty();
        ByteBuffer bytes = raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        int found;
        switch (type) {
            case DataType.FLOAT_VALUE -> {
                found = raw ? bytes.remaining() / 4 : t.getFloatDataCount();
                check(found, n, raw, bytes, 4, where);
                for (int i = 0; i < n; i++) {
                    out[i] = raw ? bytes.getFloat(4 * i) : t.getFloatData(i);
                }
            }
            case DataType.DOUBLE_VALUE -> {
                found = raw ? bytes.remaining() / 8 : t.getDoubleDataCount();
                check(found, n, raw, bytes, 8, where);
                for (int i = 0; i < n; i++) {
                    out[i] = (float) (raw ? bytes.getDouble(8 * i) : t.getDoubleData(i));
                }
            }
            case DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> {
                found = raw ? bytes.remaining() / 2 : t.getInt32DataCount();
                check(found, n, raw, bytes, 2, where);
                boolean half = type == DataType.FLOAT16_VALUE;
                for (int i = 0; i < n; i++) {
                    short bits = raw ? bytes.getShort(2 * i) : (short) t.getInt32Data(i);
                    out[i] = half ? Fp16Conversions.fp16ToFloat(bits) : Float.intBitsToFloat((bits & 0xffff) << 16);
                }
            }
            default -> throw new Trt4jException(where + " is " + OnnxElementTypes.name(type)
                    + ", not a floating-point tensor");
        }
        return out;
    }

    private static void check(int found, int expected, boolean raw, ByteBuffer bytes, int width, String where) {
        if (found != expected || (raw && bytes.remaining() % width != 0)) {
            throw new Trt4jException(where + " should hold " + expected + " values for its dims but holds "
                    + (raw ? bytes.remaining() + " bytes of raw data" : found + " values"));
        }
    }
}
