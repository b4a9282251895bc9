package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InspectCommandTest {
    private static TensorSpec f(String name, long... dims) {
        return new TensorSpec(name, ElementType.FLOAT32, dims, null);
    }

    @Test
    void theEmbeddedModelIsDescribedWithTheSamplesItGetsWithoutData() throws Exception {
        CliRun text = CliRun.of("inspect");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("inputs     x FLOAT32 [?,3,?,?]")
                .contains("samples    without --data: text lines rendered from the bundled sentences, half of them "
                        + "turned 180 degrees (a PP-OCR direction classifier)");

        CliRun json = CliRun.of("inspect", "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.path("inputs").get(0).path("name").asText()).isEqualTo("x");
        assertThat(root.path("samplesWithoutData").asText()).startsWith("text lines rendered");
        assertThat(root.path("quantizableActivationTensors").size()).isPositive();
    }

    @Test
    void eachKindOfModelGetsItsOwnDefaultSamples() {
        TensorSpec image = f("x", -1, 3, -1, -1);
        assertThat(InspectCommand.defaultSamples(List.of(image), List.of(f("map", -1, 1, -1, -1))))
                .startsWith("pages of text lines").endsWith("(a PP-OCR text detector)");
        assertThat(InspectCommand.defaultSamples(List.of(image), List.of(f("y", -1, -1, 6625))))
                .endsWith("(a PP-OCR line recognizer)");
        assertThat(InspectCommand.defaultSamples(
                List.of(new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null)),
                List.of(f("y", -1, -1, 384)))).startsWith("the bundled sentences, tokenized")
                .endsWith("given --shapes input_ids:BxN)");
        // fixed by convert --fix-shapes: random ids need no --shapes, which calibrate does not ask for then
        assertThat(InspectCommand.defaultSamples(
                List.of(new TensorSpec("input_ids", ElementType.INT64, new long[] {1, 64}, null)),
                List.of(f("y", 1, 64, 384)))).endsWith("(without it: seeded random token ids)");
        assertThat(InspectCommand.defaultSamples(List.of(f("x", 1, 3, 224, 224)), List.of(f("y", 1, 1000))))
                .isEqualTo("seeded random data");
        assertThat(InspectCommand.defaultSamples(List.of(f("x", 1, 4),
                new TensorSpec("c", ElementType.INT8, new long[] {1}, null)), List.of(f("y", 1, 4))))
                .isEqualTo("none: input 'c' is INT8, which calibration data cannot feed (FLOAT32, FLOAT16, INT64, "
                        + "INT32 and BOOL only)");
    }

    @Test
    void aMissingModelIsOneLine(@TempDir Path dir) {
        CliRun run = CliRun.of("inspect", dir.resolve("nope.onnx").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: ").contains("nope.onnx");
        assertThat(run.out()).isEmpty();
    }

    /** The text report says "unknown" where the model names no producer; --json says null, not "". */
    @Test
    void aModelWithoutAProducerHasANullProducerInJson(@TempDir Path dir) throws Exception {
        Path model = dev.trt4j.cli.TestModels.relu(dir.resolve("relu.onnx"));
        CliRun text = CliRun.of("inspect", model.toString());
        CliRun json = CliRun.of("inspect", model.toString(), "--json");

        assertThat(text.out()).contains("unknown (IR ");
        assertThat(new ObjectMapper().readTree(json.out()).get("producer").isNull()).isTrue();
    }

    @Test
    void aGraphOnnxRuntimeRefusesAsBrokenIsRefusedHereToo(@TempDir Path dir) throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto relu = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(dev.trt4j.cli.TestModels.relu(dir.resolve("relu.onnx"))));
        ai.onnx.proto.OnnxMl.GraphProto g = relu.getGraph();
        // a second node writing y: the tensor is defined twice
        ai.onnx.proto.OnnxMl.GraphProto twice = g.toBuilder().addNode(g.getNode(0).toBuilder().setName("again"))
                .build();
        Path model = java.nio.file.Files.write(dir.resolve("twice.onnx"), relu.toBuilder().setGraph(twice).build()
                .toByteArray());

        CliRun run = CliRun.of("inspect", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: twice.onnx: ONNX Runtime refuses the model: ")
                .contains("Duplicate definition");
        assertThat(run.out()).isEmpty();
    }

    /**
     * A graph past {@link dev.trt4j.quantize.LoaderCheckLimit#MAX_NODES} is described without ONNX Runtime's load,
     * which at 2,000,000 nodes took minutes and gigabytes of native memory, and one warning line says so.
     */
    @Test
    void aGraphTooLargeForOnnxRuntimesLoaderIsDescribedWithoutItsCheck(@TempDir Path dir) throws Exception {
        int count = (int) dev.trt4j.quantize.LoaderCheckLimit.MAX_NODES + 1;
        ai.onnx.proto.OnnxMl.ModelProto relu = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(dev.trt4j.cli.TestModels.relu(dir.resolve("relu.onnx"))));
        ai.onnx.proto.OnnxMl.GraphProto.Builder chain = relu.getGraph().toBuilder().clearNode();
        for (int i = 0; i < count; i++) {
            chain.addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Relu")
                    .addInput(i == 0 ? "x" : "t" + (i - 1)).addOutput(i == count - 1 ? "y" : "t" + i));
        }
        Path model = java.nio.file.Files.write(dir.resolve("chain.onnx"), relu.toBuilder().setGraph(chain).build()
                .toByteArray());

        CliRun run = CliRun.of("inspect", model.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("operators  " + count + " nodes: Relu " + count);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: warning: chain.onnx: 100,001 nodes, "
                + "more than the 100,000 whose load by ONNX Runtime inspect waits for");
    }

    /** An output without a declared shape is not shown as a scalar: rank 0 and unknown rank differ. */
    @Test
    void anOutputWithoutADeclaredShapeIsNotAScalar(@TempDir Path dir) throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto relu = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(dev.trt4j.cli.TestModels.relu(dir.resolve("relu.onnx"))));
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = relu.getGraph().toBuilder();
        ai.onnx.proto.OnnxMl.ValueInfoProto.Builder y = g.getOutput(0).toBuilder();
        y.getTypeBuilder().getTensorTypeBuilder().clearShape();
        g.setOutput(0, y);
        Path model = java.nio.file.Files.write(dir.resolve("unshaped.onnx"), relu.toBuilder().setGraph(g).build()
                .toByteArray());

        CliRun text = CliRun.of("inspect", model.toString());
        CliRun json = CliRun.of("inspect", model.toString(), "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("outputs    y FLOAT32 (shape not declared)");
        com.fasterxml.jackson.databind.JsonNode out = new ObjectMapper().readTree(json.out()).get("outputs").get(0);
        assertThat(out.get("shape").isNull()).isTrue();
        assertThat(new ObjectMapper().readTree(json.out()).get("inputs").get(0).get("shape").isArray()).isTrue();
        // what the text's calibrate line lists, and its control line's counts (none here)
        com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("calibratedOperatorTypes")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .contains("Conv", "MatMul", "Gemm");
        assertThat(root.get("ifNodes").asLong()).isZero();
        assertThat(root.get("loopOrScanNodes").asLong()).isZero();
    }

    /** The labels sensitivity ranks and --exclude takes, listed before any run, with the nodes quantize makes INT8. */
    @Test
    void nodesAreListedByTheLabelsQuantizeUses(@TempDir Path dir) throws Exception {
        Path model = dev.trt4j.cli.TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        CliRun json = CliRun.of("inspect", model.toString(), "--nodes", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        JsonNode nodes = root.get("nodeList");
        assertThat(nodes).hasSize(root.get("nodes").asInt());
        List<String> int8 = new java.util.ArrayList<>();
        List<String> weighted = new java.util.ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.get("int8").asBoolean()) {
                int8.add(n.get("label").asText());
            }
            if (List.of("Conv", "MatMul", "Gemm").contains(n.get("opType").asText())) {
                weighted.add(n.get("label").asText());
            }
        }
        assertThat(int8).isNotEmpty().isEqualTo(weighted);

        CliRun text = CliRun.of("inspect", model.toString(), "--nodes");
        assertThat(text.out().lines().filter(l -> l.startsWith("  * "))).hasSize(int8.size());
        assertThat(text.out()).contains("  * " + int8.get(0) + " ");
        assertThat(root.get("notQuantizable").isNull()).isTrue();
        // without --nodes the same keys, null
        JsonNode plain = new ObjectMapper().readTree(CliRun.of("inspect", model.toString(), "--json").out());
        assertThat(plain.get("nodeList").isNull()).isTrue();
        assertThat(plain.get("notQuantizable").isNull()).isTrue();
        // a model quantize refuses says why, as the text's header does, and marks nothing
        Path quantized = dir.resolve("cls.int8.onnx");
        Path table = dir.resolve("cal").resolve("max.table.json");
        assertThat(CliRun.of("calibrate", model.toString(), "--samples", "4", "--method", "max", "--out",
                dir.resolve("cal").toString()).exitCode()).isZero();
        assertThat(CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                quantized.toString()).exitCode()).isZero();
        JsonNode refused = new ObjectMapper().readTree(CliRun.of("inspect", quantized.toString(), "--nodes",
                "--json").out());
        assertThat(refused.get("notQuantizable").asText()).contains("already quantized");
        assertThat(refused.get("nodeList")).allSatisfy(n -> assertThat(n.get("int8").asBoolean()).isFalse());
    }
}
