package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.junit.jupiter.api.Test;


import static dev.trt4j.onnx.PositionGraphs.floatTable;
import static dev.trt4j.onnx.PositionGraphs.int64;
import static dev.trt4j.onnx.PositionGraphs.node;
import static dev.trt4j.onnx.PositionGraphs.rawCount;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link PositionTable} on synthetic graphs; on all-MiniLM-L6-v2 in the tests module (PositionTableEndToEndTest). */
class PositionTableTest {
    private static final int ROWS = 8;

    @Test
    void findsTheTableSlicedFromAPositionIdsInitializer() {
        // as HF BERT exports: Gather(pos_table, Slice(position_ids[1, P], 0, seq_len)), ids in raw_data
        GraphProto g = PositionGraphs.bertEmbedding(ROWS).build();

        assertThat(PositionTable.find(g)).contains(new PositionTable("positions", "wpe", ROWS));
    }

    @Test
    void findsIdsFromAConstantNodeOrARangeFromZero() {
        NodeProto ids = NodeProto.newBuilder().setOpType("Constant").setName("c").addOutput("ids")
                .addAttribute(AttributeProto.newBuilder().setName("value_ints").setType(AttributeProto.AttributeType.INTS)
                        .addInts(0).addInts(1).addInts(2).addInts(3)).build();
        GraphProto constant = GraphProto.newBuilder().addInitializer(floatTable("table", 4)).addNode(ids)
                .addNode(node("Slice", "s", "ids", "zero", "n", "s_ids"))
                .addNode(node("Unsqueeze", "u", "s_ids", "axes", "u_ids"))
                .addNode(node("Gather", "g", "table", "u_ids", "p")).build();
        assertThat(PositionTable.find(constant)).contains(new PositionTable("g", "table", 4));

        GraphProto range = GraphProto.newBuilder().addInitializer(floatTable("table", 16))
                .addInitializer(int64("zero", 0)).addInitializer(int64("one", 1))
                .addNode(node("Range", "r", "zero", "n", "one", "ids"))
                .addNode(node("Gather", "", "table", "ids", "p")).build();
        assertThat(PositionTable.find(range)).contains(new PositionTable("p", "table", 16));
    }

    @Test
    void idsNotCutToTheSequenceAreNoLimit() {
        // CLIP's vision tower reads all its patch positions (constant ids, no Slice), before the text tower whose
        // ids are sliced to the sequence; a Range up to a constant is as fixed
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(floatTable("patches", 4)).addInitializer(rawCount("patch_ids", 4))
                .addInitializer(floatTable("prefix", 3)).addInitializer(int64("zero", 0))
                .addInitializer(int64("one", 1)).addInitializer(int64("three", 3))
                .addInitializer(floatTable("wpe", ROWS)).addInitializer(rawCount("ids", ROWS))
                .addNode(node("Gather", "vision_positions", "patches", "patch_ids", "v"))
                .addNode(node("Range", "r", "zero", "three", "one", "prefix_ids"))
                .addNode(node("Gather", "prefix_tokens", "prefix", "prefix_ids", "q"))
                .addNode(node("Shape", "shape", "input_ids", "s"))
                .addNode(node("Gather", "len", "s", "one", "n"))
                .addNode(node("Slice", "slice", "ids", "zero", "n", "one", "one", "sliced"))
                .addNode(node("Gather", "text_positions", "wpe", "sliced", "p"))
                .build();

        assertThat(PositionTable.find(g)).contains(new PositionTable("text_positions", "wpe", ROWS));
        GraphProto visionOnly = g.toBuilder().removeNode(6).build();
        assertThat(PositionTable.find(visionOnly)).isEmpty();
    }

    @Test
    void namesAloneAreNotATable() {
        // position ids as a graph input, token types as a constant of zeros, word ids: no positions to count
        TensorProto zeros = TensorProto.newBuilder().setName("token_type_ids").setDataType(DataType.INT64_VALUE)
                .addDims(1).addDims(ROWS).addAllInt64Data(java.util.Collections.nCopies(ROWS, 0L)).build();
        GraphProto g = GraphProto.newBuilder()
                .addInitializer(floatTable("position_embeddings.weight", ROWS))
                .addInitializer(floatTable("token_type_embeddings.weight", ROWS)).addInitializer(zeros)
                .addNode(node("Gather", "position_embeddings", "position_embeddings.weight", "position_ids", "p"))
                .addNode(node("Gather", "token_type_embeddings", "token_type_embeddings.weight", "token_type_ids",
                        "t"))
                .build();

        assertThat(PositionTable.find(g)).isEmpty();
    }

    @Test
    void countsMustMatchTheTableRows() {
        // ids 0..P-1 of another length than the table: not this table's positions
        GraphProto g = GraphProto.newBuilder().addInitializer(floatTable("table", ROWS))
                .addInitializer(rawCount("ids", ROWS - 1)).addInitializer(int64("zero", 0))
                .addNode(node("Slice", "s", "ids", "zero", "n", "sliced"))
                .addNode(node("Gather", "g", "table", "sliced", "p")).build();

        assertThat(PositionTable.find(g)).isEmpty();
    }
}
