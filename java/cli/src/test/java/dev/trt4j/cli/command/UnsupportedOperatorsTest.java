package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * quantize and convert on a model with an operator ONNX does not define, an opset newer than ONNX Runtime's, or a
 * node of a plugin domain: one line naming the file and the node, exit 1 and no output, before any work; plugin
 * nodes are kept (with a warning) unless the result is to run in ONNX Runtime.
 */
class UnsupportedOperatorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path table;

    @BeforeAll
    static void calibrate() throws IOException {
        Path plain = model("plain.onnx", "Relu", "", 13);
        CliRun run = CliRun.of("calibrate", plain.toString(), "--samples", "8", "--method", "max", "--out",
                dir.resolve("cal").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        table = dir.resolve("cal").resolve("max.table.json");
    }

    /** {@code y = OP(MatMul(x, w))}, the MatMul named 'mm', the other node 'act' of {@code domain}. */
    private static Path model(String name, String op, String domain, long opset) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData(i % 5 == 0 ? 1f : -0.25f);
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("g").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setDomain(domain).setName("act").addInput("h")
                        .addOutput("y"))
                .build();
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph);
        if (!domain.isEmpty()) {
            m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1));
        }
        return Files.write(dir.resolve(name), m.build().toByteArray());
    }

    private static OnnxMl.ValueInfoProto batchOfFour(String name) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    private static CliRun quantize(Path model, Path out, String... options) {
        String[] args = new String[7 + options.length];
        String[] fixed = {"quantize", model.toString(), "--table", table.toString(), "--force", "--out",
            out.toString()};
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        System.arraycopy(options, 0, args, fixed.length, options.length);
        return CliRun.of(args);
    }

    @Test
    void commandsThatRunTheModelNameTheNodeOnnxRuntimeRefuses() throws IOException {
        Path bad = model("calibrate-bad.onnx", "Relx", "", 13);
        Path out = dir.resolve("cal-bad");
        CliRun calibrate = CliRun.of("calibrate", bad.toString(), "--samples", "8", "--method", "max", "--out",
                out.toString());
        CliRun evaluate = CliRun.of("evaluate", "--reference", bad.toString(), "--candidate", bad.toString(),
                "--samples", "8");
        CliRun compare = CliRun.of("compare-calibrators", bad.toString(), "--samples", "8", "--eval-samples", "8",
                "--methods", "max", "--out", out.toString());
        CliRun sensitivity = CliRun.of("sensitivity", bad.toString(), "--samples", "8", "--eval-samples", "8",
                "--out", out.toString());
        CliRun bench = CliRun.of("bench", bad.toString(), "--duration", "0.1", "--warmup", "0");

        for (CliRun run : new CliRun[] {calibrate, evaluate, compare, sensitivity, bench}) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err().lines().filter(l -> l.startsWith("trt4j: ")).toList()).singleElement().asString()
                    .contains("node 'act' has operator Relx, which ONNX opset 13 does not define")
                    .doesNotContain("tensor(float)", "ORT_", "unknown type");
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void anOperatorOnnxDoesNotDefineIsRefusedByQuantizeAndConvertNamingTheNode() throws IOException {
        Path model = model("relux.onnx", "Relux", "", 13);
        String line = "trt4j: relux.onnx: node 'act' has operator Relux, which ONNX opset 13 does not define (a "
                + "custom operator needs a domain of its own)";
        for (String runtime : new String[] {"tensorrt", "onnxruntime-cpu"}) {
            Path out = dir.resolve("relux." + runtime + ".onnx");
            CliRun run = quantize(model, out, "--runtime", runtime);

            assertThat(run.exitCode()).as(runtime).isEqualTo(1);
            assertThat(run.errLines()).as(runtime).containsExactly(line);
            assertThat(out).doesNotExist();
        }
        for (String option : new String[] {"--fp16", "--fold", "--opset"}) {
            Path out = dir.resolve("relux.convert.onnx");
            CliRun run = option.equals("--opset")
                    ? CliRun.of("convert", model.toString(), "--opset", "13", "--out", out.toString())
                    : CliRun.of("convert", model.toString(), option, "--out", out.toString());

            assertThat(run.exitCode()).as(option).isEqualTo(1);
            assertThat(run.errLines()).as(option).containsExactly(line);
            assertThat(out).doesNotExist();
        }
    }

    /**
     * ONNX Runtime 1.29 supports the default domain up to opset 26 and names that limit when it refuses a newer one;
     * an ONNX Runtime that supports opset 27 fails this test, which then moves to the next unsupported opset.
     */
    @Test
    void anOpsetNewerThanOnnxRuntimeSupportsIsRefusedWithItsLimit() throws IOException {
        Path model = model("new.onnx", "Relu", "", 27);
        String line = "trt4j: new.onnx: opset 27 is newer than ONNX Runtime 1.29.0 supports (up to opset 26); export "
                + "the model at opset 26 or earlier";
        Path out = dir.resolve("new.q.onnx");
        CliRun run = quantize(model, out);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly(line);
        assertThat(out).doesNotExist();

        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--out", out.toString());
        assertThat(convert.exitCode()).isEqualTo(1);
        assertThat(convert.errLines()).containsExactly(line);
        assertThat(out).doesNotExist();

        Path supported = model("opset26.onnx", "Relu", "", 26);
        assertThat(CliRun.of("convert", supported.toString(), "--fold", "--out", out.toString()).exitCode())
                .isZero();
    }

    @Test
    void aPluginNodeIsKeptUnquantizedForTensorRtWithAWarning() throws IOException {
        Path model = model("plugin.onnx", "MyPlugin", "trt.plugins", 13);
        Path out = dir.resolve("plugin.q.onnx");
        CliRun run = quantize(model, out, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: plugin.onnx: 1 node of a domain ONNX does not define, "
                + "taken for a TensorRT plugin and kept as it is (no Q/DQ, no FP16): 'act' (trt.plugins:MyPlugin)");
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("quantizedNodes")).extracting(JsonNode::asText).containsExactly("mm");
        OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out)).getGraph();
        OnnxMl.NodeProto plugin = graph.getNodeList().stream().filter(n -> n.getName().equals("act")).findFirst()
                .orElseThrow();
        assertThat(plugin.getDomain()).isEqualTo("trt.plugins");
        assertThat(plugin.getInputList()).containsExactly("h");
        assertThat(graph.getNodeList()).filteredOn(n -> n.getOpType().equals("QuantizeLinear")).hasSize(2);

        Path half = dir.resolve("plugin.fp16.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--out", half.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        assertThat(convert.errLines()).hasSize(1).allMatch(l -> l.startsWith("trt4j: warning: ")
                && l.contains("'act' (trt.plugins:MyPlugin)"));
    }

    @Test
    void anUnknownOperatorAfterAPluginNodeIsStillFound() throws IOException {
        OnnxMl.ModelProto plugin = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model("p.onnx", "MyPlugin",
                "trt.plugins", 13)));
        OnnxMl.GraphProto.Builder g = plugin.getGraph().toBuilder();
        g.setNode(1, g.getNode(1).toBuilder().setOutput(0, "p"));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relux").setName("after").addInput("p").addOutput("y"));
        Path model = Files.write(dir.resolve("plugin-relux.onnx"), plugin.toBuilder().setGraph(g).build()
                .toByteArray());
        Path out = dir.resolve("plugin-relux.q.onnx");
        CliRun run = quantize(model, out);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: plugin-relux.onnx: node 'after' has operator Relux, which "
                + "ONNX opset 13 does not define (a custom operator needs a domain of its own)");
        assertThat(out).doesNotExist();
    }

    @Test
    void aPluginNodeIsRefusedWhereTheModelIsToRunInOnnxRuntime() throws IOException {
        Path model = model("plugin-ort.onnx", "MyPlugin", "trt.plugins", 13);
        Path out = dir.resolve("plugin.ort.onnx");
        CliRun run = quantize(model, out, "--runtime", "onnxruntime-cpu");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: plugin-ort.onnx: node 'act' has operator MyPlugin of "
                + "domain 'trt.plugins', which ONNX Runtime cannot run (--runtime onnxruntime-cpu)");
        assertThat(out).doesNotExist();

        Path data = dir.resolve("x.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {2, 4}, new float[8]));
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--data", data.toString(), "--out",
                out.toString());
        assertThat(convert.exitCode()).isEqualTo(1);
        assertThat(convert.errLines()).containsExactly("trt4j: plugin-ort.onnx: node 'act' has operator MyPlugin of "
                + "domain 'trt.plugins', which ONNX Runtime cannot run (--data runs it in ONNX Runtime for FP16's "
                + "range check)");
        assertThat(out).doesNotExist();
    }

    @Test
    void aCallOfALocalFunctionIsNoPlugin() throws IOException {
        // PyTorch's exporters write modules as local functions of a domain of their own, which ONNX Runtime expands
        OnnxMl.ModelProto plain = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model("f.onnx", "MyRelu",
                "local.fn", 13)));
        OnnxMl.FunctionProto myRelu = OnnxMl.FunctionProto.newBuilder().setName("MyRelu").setDomain("local.fn")
                .addInput("X").addOutput("Y").addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("X").addOutput("Y")).build();
        Path model = Files.write(dir.resolve("function.onnx"), plain.toBuilder().addFunctions(myRelu).build()
                .toByteArray());

        for (String runtime : new String[] {"tensorrt", "onnxruntime-cpu"}) {
            Path out = dir.resolve("function." + runtime + ".onnx");
            CliRun run = quantize(model, out, "--runtime", runtime);

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).as(runtime).doesNotContain("plugin", "cannot run");
            assertThat(out).exists();
        }
        Path data = dir.resolve("f.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {2, 4}, new float[8]));
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--data", data.toString(), "--out",
                dir.resolve("function.fp16.onnx").toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        assertThat(convert.err()).doesNotContain("plugin", "cannot run");
    }

    @Test
    void aCallOfALocalFunctionAroundAPluginIsAPlugin() throws IOException {
        OnnxMl.ModelProto plain = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model("fp.onnx", "Wrapped",
                "local.fn", 13)));
        OnnxMl.FunctionProto wrapped = OnnxMl.FunctionProto.newBuilder().setName("Wrapped").setDomain("local.fn")
                .addInput("X").addOutput("Y").addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("trt.plugins").setVersion(1))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MyPlugin").setDomain("trt.plugins").addInput("X")
                        .addOutput("Y")).build();
        Path model = Files.write(dir.resolve("function-plugin.onnx"), plain.toBuilder().addFunctions(wrapped)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("trt.plugins").setVersion(1))
                .build().toByteArray());
        Path out = dir.resolve("function-plugin.q.onnx");
        CliRun run = quantize(model, out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: function-plugin.onnx: 1 node of a domain ONNX does not "
                + "define, taken for a TensorRT plugin and kept as it is (no Q/DQ, no FP16): 'act' (local.fn:Wrapped)");
    }
}
