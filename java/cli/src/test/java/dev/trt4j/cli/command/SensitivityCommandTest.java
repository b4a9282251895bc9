package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.compare.SensitivityReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sensitivity on a two-layer MLP whose second layer's weights lose their signal in per-channel INT8: each column
 * holds one large value beside small ones that round to zero.
 */
class SensitivityCommandTest {
    private static final int WIDTH = 8;

    @TempDir
    Path dir;

    @Test
    void ranksTheFragileLayerFirstAndWritesThePartialModelAndSkipList() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("sensitivity");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples", "64",
                "--eval-samples", "64", "--shapes", "x:16x" + WIDTH, "--target", "0.01", "--out", out.toString(),
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("ranking").get(0).get("node").asText()).isEqualTo("fragile");
        assertThat(json.get("metric").asText()).isEqualTo("cosine(y)");
        assertThat(json.get("search").get("skipped")).extracting(JsonNode::asText).containsExactly("fragile");
        assertThat(json.get("search").get("reached").asBoolean()).isTrue();
        assertThat(Files.readString(out.resolve("skip-list.txt"))).isEqualTo("fragile\n");
        assertThat(out.resolve("mlp.partial.int8.onnx")).isRegularFile();
        ModelProto partial = ModelProto.parseFrom(Files.readAllBytes(out.resolve("mlp.partial.int8.onnx")));
        assertThat(partial.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
                .isNotEmpty().noneMatch(n -> n.getOutput(0).startsWith("w2"));
        assertThat(SensitivityReport.read(out.resolve("sensitivity.json")).ranking()).hasSize(2);
    }

    @Test
    void withoutATargetOnlyTheRankingIsWritten() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("ranking");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples", "32",
                "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| fragile (MatMul) |").contains("Written: " + out.resolve("sensitivity.json"));
        assertThat(out.resolve("skip-list.txt")).doesNotExist();
        assertThat(out.resolve("mlp.partial.int8.onnx")).doesNotExist();
    }

    @Test
    void aNegativeTargetIsRefused() throws IOException {
        CliRun run = CliRun.of("sensitivity", mlp(dir.resolve("mlp.onnx")).toString(), "--target", "-1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: --target must be a drop >= 0, got -1.0");
    }

    /** {@code x[N,8] → MatMul "first" (w1) → h → MatMul "fragile" (w2) → y[N,8]}. */
    private static Path mlp(Path file) throws IOException {
        Random random = new Random(5);
        float[] w1 = new float[WIDTH * WIDTH];
        float[] w2 = new float[WIDTH * WIDTH];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) random.nextGaussian() * 0.5f;
            w2[i] = (float) random.nextGaussian() * 0.1f;
        }
        for (int c = 0; c < WIDTH; c++) {
            w1[c * WIDTH] = 1e-4f; // h[0] stays near zero...
            w2[c] = 50f;           // ...and sets the range of every column of w2
        }
        GraphProto graph = GraphProto.newBuilder().setName("mlp")
                .addInput(floatInput("x")).addOutput(floatInput("y"))
                .addInitializer(tensor("w1", w1)).addInitializer(tensor("w2", w2))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("first").addInput("x").addInput("w1")
                        .addOutput("h"))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("fragile").addInput("h").addInput("w2")
                        .addOutput("y"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ValueInfoProto floatInput(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(WIDTH)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static TensorProto tensor(String name, float[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(WIDTH).addDims(WIDTH);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }
}
