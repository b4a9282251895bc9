package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightlessModelTest {
    @TempDir
    Path dir;

    @Test
    void dropsLargeTensorDataEverywhereAndKeepsTheStructure() throws IOException {
        int rows = 20_000; // a 320 KB position table, whose ids (160 KB) stay
        TensorProto bigFloats = TensorProto.newBuilder().setName("packed").setDataType(1).addDims(70_000)
                .addAllFloatData(java.util.Collections.nCopies(70_000, 0.5f)).build();
        NodeProto constant = NodeProto.newBuilder().setOpType("Constant").addOutput("c")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(PositionGraphs.floatTable("inside-constant", rows))).build();
        GraphProto body = GraphProto.newBuilder().setName("body").addInitializer(PositionGraphs.floatTable("deep", rows))
                .build();
        NodeProto branch = NodeProto.newBuilder().setOpType("If").addInput("cond").addOutput("o")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(body)).build();
        GraphProto graph = PositionGraphs.bertEmbedding(rows).addInitializer(bigFloats).addNode(constant)
                .addNode(branch).setName("g").build();
        ModelProto full = ModelProto.newBuilder().setIrVersion(8).setProducerName("test").setGraph(graph).build();
        Path file = Files.write(dir.resolve("m.onnx"), full.toByteArray());

        ModelProto light = WeightlessModel.read(file);

        assertThat(light.getSerializedSize()).isLessThan(full.getSerializedSize() / 3);
        assertThat(light.getProducerName()).isEqualTo("test");
        GraphProto g = light.getGraph();
        assertThat(g.getNodeList()).extracting(NodeProto::getName).isEqualTo(graph.getNodeList().stream()
                .map(NodeProto::getName).toList());
        TensorProto wpe = g.getInitializer(1);
        assertThat(wpe.getName()).isEqualTo("wpe");
        assertThat(wpe.getDimsList()).containsExactly(20_000L, 4L);
        assertThat(wpe.getRawData().isEmpty()).isTrue();
        assertThat(g.getInitializer(2).getRawData()).isEqualTo(graph.getInitializer(2).getRawData()); // ids kept
        assertThat(g.getInitializer(5).getFloatDataCount()).isZero();
        assertThat(g.getInitializer(5).getDimsList()).containsExactly(70_000L);
        assertThat(g.getNode(6).getAttribute(0).getT().getRawData().isEmpty()).isTrue();
        assertThat(g.getNode(7).getAttribute(0).getG().getInitializer(0).getRawData().isEmpty()).isTrue();
        assertThat(g.getNode(7).getAttribute(0).getG().getInitializer(0).getDimsList()).containsExactly(20_000L, 4L);

        assertThat(PositionTable.find(g)).isEqualTo(PositionTable.find(graph)).isPresent();
    }

    @Test
    void aFileThatIsNoModelIsAnIOException() throws IOException {
        Path file = Files.write(dir.resolve("x.onnx"), new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        assertThatThrownBy(() -> WeightlessModel.read(file)).isInstanceOf(IOException.class).hasMessageNotContaining("\n")
                .message().isNotBlank();
    }
}
