package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Graph pieces of token models with a position table, for tests of {@link PositionTable} and its users. */
public final class PositionGraphs {
    private PositionGraphs() {
    }

    /**
     * As HF BERT exports: token vectors from {@code wte} [10, 4] plus position vectors from {@code wpe} [rows, 4],
     * the positions sliced from ids [1, rows] to the length of {@code input_ids}; the Gather of positions is named
     * {@code positions}, the sum is {@code y}. No inputs or outputs are declared.
     */
    public static GraphProto.Builder bertEmbedding(int rows) {
        return GraphProto.newBuilder()
                .addInitializer(floatTable("wte", 10)).addInitializer(floatTable("wpe", rows))
                .addInitializer(rawCount("ids", rows)).addInitializer(int64("zero", 0)).addInitializer(int64("one", 1))
                .addNode(node("Gather", "words", "wte", "input_ids", "w"))
                .addNode(node("Shape", "shape", "input_ids", "s"))
                .addNode(node("Gather", "len", "s", "one", "n"))
                .addNode(node("Slice", "slice", "ids", "zero", "n", "one", "one", "sliced"))
                .addNode(node("Gather", "positions", "wpe", "sliced", "p"))
                .addNode(node("Add", "add", "w", "p", "y"));
    }

    /** A node with one output, the last of {@code inputsThenOutput}. */
    public static NodeProto node(String op, String name, String... inputsThenOutput) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
        for (int i = 0; i < inputsThenOutput.length - 1; i++) {
            b.addInput(inputsThenOutput[i]);
        }
        return b.addOutput(inputsThenOutput[inputsThenOutput.length - 1]).build();
    }

    /** A float table [rows, 4] of zeros. */
    public static TensorProto floatTable(String name, int rows) {
        return TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE).addDims(rows).addDims(4)
                .setRawData(ByteString.copyFrom(new byte[rows * 4 * Float.BYTES])).build();
    }

    /** int64 [1, n] holding 0 .. n-1 in raw_data, as PyTorch exports write it. */
    public static TensorProto rawCount(String name, int n) {
        ByteBuffer raw = ByteBuffer.allocate(n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            raw.putLong(i);
        }
        return TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE).addDims(1).addDims(n)
                .setRawData(ByteString.copyFrom(raw.array())).build();
    }

    /** int64 [1] holding {@code value}. */
    public static TensorProto int64(String name, long value) {
        return TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE).addDims(1)
                .addInt64Data(value).build();
    }
}
