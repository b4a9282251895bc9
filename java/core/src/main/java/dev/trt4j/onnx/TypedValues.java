package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor's values held in typed fields ({@code float_data}, {@code int32_data}, {@code int64_data},
 * {@code double_data}, {@code uint64_data}) as the little-endian bytes ONNX's {@code raw_data} holds them in: what
 * a data file stores. {@code int32_data} carries every type of 32 bits or fewer, each value in the low bits.
 */
final class TypedValues {
    private TypedValues() {
    }

    /**
     * The values as {@code raw_data} would hold them; empty where the tensor has none in typed fields, of a type
     * not converted (strings, complex numbers, 4-bit types), or of fewer than {@code minBytes} bytes.
     */
    static ByteString asRawData(TensorProto t, long minBytes) {
        int width = width(t.getDataType());
        long count = switch (t.getDataType()) {
            case DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            case DataType.INT64_VALUE -> t.getInt64DataCount();
            case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> t.getUint64DataCount();
            default -> width > 0 ? t.getInt32DataCount() : 0;
        };
        if (width <= 0 || count == 0 || count * width < minBytes || count * width > Integer.MAX_VALUE) {
            return ByteString.EMPTY;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (count * width)).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case DataType.FLOAT_VALUE -> t.getFloatDataList().forEach(b::putFloat);
            case DataType.DOUBLE_VALUE -> t.getDoubleDataList().forEach(b::putDouble);
            case DataType.INT64_VALUE -> t.getInt64DataList().forEach(b::putLong);
            case DataType.UINT64_VALUE -> t.getUint64DataList().forEach(b::putLong);
            case DataType.UINT32_VALUE -> t.getUint64DataList().forEach(v -> b.putInt(v.intValue()));
            default -> t.getInt32DataList().forEach(v -> {
                switch (width) {
                    case 1 -> b.put(v.byteValue());
                    case 2 -> b.putShort(v.shortValue());
                    default -> b.putInt(v);
                }
            });
        }
        b.flip();
        return UnsafeByteOperations.unsafeWrap(b);
    }

    /** {@code t} without its typed values, once they are held elsewhere. */
    static TensorProto.Builder cleared(TensorProto.Builder t) {
        return t.clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data().clearUint64Data();
    }

    /** Bytes per element of the types converted; 0 for the others. */
    private static int width(int type) {
        return switch (type) {
            case DataType.BOOL_VALUE, DataType.INT8_VALUE, DataType.UINT8_VALUE -> 1;
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> 2;
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE, DataType.UINT32_VALUE -> 4;
            case DataType.DOUBLE_VALUE, DataType.INT64_VALUE, DataType.UINT64_VALUE -> 8;
            default -> 0;
        };
    }
}
