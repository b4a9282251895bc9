package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The values of an integer tensor held in a model, as longs, wherever the tensor keeps them. */
public final class IntegerTensors {
    private IntegerTensors() {
    }

    /**
     * {@return the values of an int64 or int32 tensor, from its raw bytes or its typed field; null for another type}
     * A tensor whose data lies in an external file reads as none.
     */
    public static long[] values(TensorProto t) {
        boolean int64 = t.getDataType() == DataType.INT64_VALUE;
        if (!int64 && t.getDataType() != DataType.INT32_VALUE) {
            return null;
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] values = new long[raw.remaining() / (int64 ? 8 : 4)];
            for (int i = 0; i < values.length; i++) {
                values[i] = int64 ? raw.getLong() : raw.getInt();
            }
            return values;
        }
        return int64 ? t.getInt64DataList().stream().mapToLong(Long::longValue).toArray()
                : t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
    }
}
