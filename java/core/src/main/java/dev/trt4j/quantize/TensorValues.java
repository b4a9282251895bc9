package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import dev.trt4j.Trt4jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reads and writes the payload of ONNX tensors (little-endian {@code raw_data}, as ONNX stores it). */
final class TensorValues {
    private TensorValues() {
    }

    /** The values of a FLOAT tensor, from {@code raw_data} or {@code float_data}. */
    static float[] floats(TensorProto t) {
        requireType(t, TensorProto.DataType.FLOAT);
        float[] v;
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            v = new float[b.remaining() / Float.BYTES];
            b.asFloatBuffer().get(v);
        } else {
            v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
        }
        requireCount(t, v.length);
        return v;
    }

    /** A FLOAT tensor with the given shape and values. */
    static TensorProto floatTensor(String name, List<Long> dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(dims).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** A FLOAT16 tensor with the given shape holding {@code values} rounded to half precision. */
    static TensorProto float16Tensor(String name, List<Long> dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Fp16Conversions.floatToFp16(v));
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addAllDims(dims).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** An INT8 tensor of zeros with the given shape. */
    static TensorProto int8Zeros(String name, List<Long> dims) {
        int n = Math.toIntExact(elementCount(dims));
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT8_VALUE)
                .addAllDims(dims).setRawData(ByteString.copyFrom(new byte[n])).build();
    }

    /** A 1-D INT64 tensor. */
    static TensorProto int64Vector(String name, List<Long> values) {
        ByteBuffer b = ByteBuffer.allocate(values.size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(b::putLong);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.size()).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** An INT8 tensor with the given shape and values. */
    static TensorProto int8Tensor(String name, List<Long> dims, byte[] values) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT8_VALUE)
                .addAllDims(dims).setRawData(ByteString.copyFrom(values)).build();
    }

    /** A UINT8 scalar. */
    static TensorProto uint8Scalar(String name, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("not a uint8 value: " + value);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.UINT8_VALUE)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) value})).build();
    }

    /** The value of a one-element UINT8 tensor, from {@code raw_data} or {@code int32_data}. */
    static int uint8Value(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.UINT8_VALUE || elementCount(t.getDimsList()) != 1) {
            throw new Trt4jException("tensor '" + t.getName() + "' is not a single UINT8 value");
        }
        return t.getRawData().isEmpty() ? t.getInt32Data(0) & 0xff : Byte.toUnsignedInt(t.getRawData().byteAt(0));
    }

    /** The values of an INT8 tensor, from {@code raw_data} or {@code int32_data}. */
    static byte[] int8s(TensorProto t) {
        requireType(t, TensorProto.DataType.INT8);
        byte[] v;
        if (!t.getRawData().isEmpty()) {
            v = t.getRawData().toByteArray();
        } else {
            v = new byte[t.getInt32DataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) t.getInt32Data(i);
            }
        }
        requireCount(t, v.length);
        return v;
    }

    /** The values of an INT32 tensor, from {@code raw_data} or {@code int32_data}. */
    static int[] int32s(TensorProto t) {
        requireType(t, TensorProto.DataType.INT32);
        int[] v;
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            v = new int[b.remaining() / Integer.BYTES];
            b.asIntBuffer().get(v);
        } else {
            v = t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
        }
        requireCount(t, v.length);
        return v;
    }

    private static void requireType(TensorProto t, TensorProto.DataType type) {
        if (t.getDataType() != type.getNumber()) {
            throw new Trt4jException("tensor '" + t.getName() + "' has element type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + "; expected " + type);
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            // OnnxModel leaves weights in their files only past 2 GiB; commands refuse such models before this
            throw new Trt4jException("tensor '" + t.getName() + "' keeps its data in an external file (the model "
                    + "exceeds 2 GiB with it read in); its values are read only for models up to 2 GiB");
        }
    }

    private static void requireCount(TensorProto t, int count) {
        long n = elementCount(t.getDimsList());
        if (count != n) {
            throw new Trt4jException("tensor '" + t.getName() + "' holds " + count + " values but its shape "
                    + t.getDimsList() + " needs " + n);
        }
    }

    /** An INT32 tensor with the given shape and values. */
    static TensorProto int32Tensor(String name, List<Long> dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT32_VALUE)
                .addAllDims(dims).setRawData(ByteString.copyFrom(b.array())).build();
    }

    static long elementCount(List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
