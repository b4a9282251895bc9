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
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** FP32 that cannot read the lines ranks the layers against a baseline that cannot do the task: said once. */
    @Test
    void aReferenceThatCannotDoTheTaskIsNamed() throws IOException {
        Path model = dev.trt4j.cli.TestModels.blindLineReader(dir.resolve("blind.onnx"), 5);
        Path keys = Files.writeString(dir.resolve("keys.txt"), "a\nb\nc\n");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "ctc", "--keys",
                keys.toString(), "--samples", "4", "--eval-samples", "4", "--shapes", "x:2x3x48x320", "--out",
                dir.resolve("blind").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly(EvaluateCommandTest.poorReference("FP32", "the layers are ranked",
                "4 held-out samples", 320));
    }

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
        // The data as comparison.json gives it: the evaluator's description and count of the held-out samples.
        assertThat(json.get("evaluationSamples").asLong()).isEqualTo(64);
        assertThat(json.get("evaluationData").asText()).startsWith("synthetic:").contains("64 samples")
                .doesNotContain("after the first");
        assertThat(json.get("calibrationSamples").asLong()).isEqualTo(64);
        assertThat(Files.readString(out.resolve("skip-list.txt"))).isEqualTo("fragile\n");
        assertThat(out.resolve("mlp.partial.int8.onnx")).isRegularFile();
        ModelProto partial = ModelProto.parseFrom(Files.readAllBytes(out.resolve("mlp.partial.int8.onnx")));
        assertThat(partial.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
                .isNotEmpty().noneMatch(n -> n.getOutput(0).startsWith("w2"));
        assertThat(SensitivityReport.read(out.resolve("sensitivity.json")).ranking()).hasSize(2);
    }

    @Test
    void theSkipListAlsoCarriesTheRunsOwnExclusionsSoQuantizeCanRepeatTheModel() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("excluded");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples", "64",
                "--eval-samples", "64", "--shapes", "x:16x" + WIDTH, "--target", "0.01", "--exclude", "first",
                "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        // fragile is the only layer left to rank: keeping it in FP32 too would leave no INT8 layer at all
        assertThat(run.out()).contains("NOT reached with 0 of 1 layers kept in FP32");
        assertThat(Files.readString(out.resolve("skip-list.txt"))).isEqualTo("first\n");
        ModelProto partial = ModelProto.parseFrom(Files.readAllBytes(out.resolve("mlp.partial.int8.onnx")));
        List<String> dequantized = partial.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("DequantizeLinear")).map(n -> n.getInput(0)).toList();
        assertThat(dequantized).as("first FP32, as the skip list says; fragile INT8")
                .noneMatch(t -> t.startsWith("w1")).anyMatch(t -> t.startsWith("w2"));
    }

    @Test
    void quantizeWithTheWrittenRangesAndSkipListWritesThePartialModelAgain() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("replay");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "percentile=99.9", "--task", "none",
                "--samples", "64", "--eval-samples", "64", "--shapes", "x:16x" + WIDTH, "--target", "0.01", "--out",
                out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path table = out.resolve("percentile-99.9.table.json");
        assertThat(run.out()).contains("Written: " + out.resolve("mlp.partial.int8.onnx") + ", "
                + out.resolve("skip-list.txt") + ", " + table);

        List<String> args = new ArrayList<>(List.of("quantize", model.toString(), "--table", table.toString(),
                "--out", dir.resolve("replayed.onnx").toString()));
        for (String line : Files.readAllLines(out.resolve("skip-list.txt"))) {
            args.addAll(List.of("--exclude", line));
        }
        CliRun quantize = CliRun.of(args.toArray(String[]::new));

        assertThat(quantize.exitCode()).as(quantize.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("replayed.onnx")))
                .isEqualTo(Files.readAllBytes(out.resolve("mlp.partial.int8.onnx")));
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
        assertThat(run.errLines()).isEmpty();

        // a run with --target left its partial model there: beside the new ranking it is named, not passed over
        CliRun withTarget = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none",
                "--samples", "32", "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--target", "0.01", "--out",
                out.toString());
        CliRun again = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples",
                "32", "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--out", out.toString());
        assertThat(withTarget.exitCode()).as(withTarget.err()).isZero();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.errLines()).containsExactly("trt4j: warning: " + out + " still holds max.table.json, "
                + "mlp.partial.int8.onnx, skip-list.txt of an earlier run, which this run did not write; delete them "
                + "or use another --out");

        // named through a folder that does not exist, the same folder: its files are found where the write put them
        Path through = dir.resolve("missing").resolve("..").resolve("ranking");
        CliRun throughMissing = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none",
                "--samples", "32", "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--out", through.toString());
        assertThat(throughMissing.exitCode()).as(throughMissing.err()).isZero();
        assertThat(throughMissing.errLines()).containsExactly("trt4j: warning: " + through + " still holds "
                + "max.table.json, mlp.partial.int8.onnx, skip-list.txt of an earlier run, which this run did not "
                + "write; delete them or use another --out");
    }

    @Test
    void biasCorrectionCorrectsTheJudgedModelsAndTheWrittenOne() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"), true);
        Path plainOut = dir.resolve("plain");
        Path out = dir.resolve("corrected");
        List<String> common = List.of("sensitivity", model.toString(), "--data", npy("calibration.npy", 1),
                "--eval-data", npy("evaluation.npy", 2), "--method", "max", "--task", "none", "--samples", "64",
                "--eval-samples", "64", "--batch", "16", "--target", "0.01");
        CliRun plain = run(common, "--out", plainOut.toString(), "--json");
        CliRun corrected = run(common, "--bias-correction=all", "--out", out.toString());

        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(corrected.exitCode()).as(corrected.err()).isZero();
        assertThat(corrected.out()).contains("(max activations, bias correction: all)");
        JsonNode p = new ObjectMapper().readTree(plain.out());
        JsonNode c = new ObjectMapper().readTree(Files.readString(out.resolve("sensitivity.json")));
        assertThat(p.get("biasCorrection").isNull()).isTrue();
        assertThat(c.get("biasCorrection").asText()).isEqualTo("all");
        // --json adds what the text says beside the report: the files written, and a metric note, none here since
        // --task none asked for cosine (asText() would read a JSON null as the word "null")
        assertThat(p.has("metricNote")).isTrue();
        assertThat(p.get("metricNote").isNull()).isTrue();
        assertThat(p.get("written").get("skipList").asText()).isEqualTo(plainOut.resolve("skip-list.txt").toString());
        assertThat(Path.of(p.get("written").get("partialModel").asText())).isRegularFile();
        assertThat(Path.of(p.get("written").get("table").asText())).isRegularFile();
        assertThat(c.has("written")).as("sensitivity.json itself holds no paths of this run").isFalse();
        assertThat(p.get("calibrationSamples").asLong()).as("--samples 64 calibrated the ranges").isEqualTo(64);
        assertThat(p.get("calibrationData").asText()).contains("calibration.npy");
        assertThat(c.get("quantizedScore").asDouble()).as("the fully quantized model is judged corrected")
                .isNotEqualTo(p.get("quantizedScore").asDouble());
        // "first" stays INT8 in the written model, and its bias is the corrected one.
        assertThat(c.get("search").get("skipped")).extracting(JsonNode::asText).doesNotContain("first");
        assertThat(initializers(out.resolve("mlp.partial.int8.onnx"))).contains("b1_corrected")
                .doesNotContain("b1");
        assertThat(c.get("biasCorrectionMode").asText()).isEqualTo("one-pass");

        Path layeredOut = dir.resolve("corrected-layered");
        CliRun layered = run(common, "--bias-correction=all", "--bias-correction-mode", "layer-by-layer", "--out",
                layeredOut.toString());
        assertThat(layered.exitCode()).as(layered.err()).isZero();
        assertThat(layered.out()).contains("(max activations, bias correction: all, layer-by-layer)");
        JsonNode l = new ObjectMapper().readTree(Files.readString(layeredOut.resolve("sensitivity.json")));
        assertThat(l.get("biasCorrectionMode").asText()).isEqualTo("layer-by-layer");
        assertThat(initializers(plainOut.resolve("mlp.partial.int8.onnx"))).contains("b1")
                .doesNotContain("b1_corrected");
    }

    @Test
    void equalizeFirstJudgesTheEqualizedModelAndWritesIt() throws IOException {
        Path out = dir.resolve("equalized");
        CliRun run = equalizedStudy(mlp(dir.resolve("mlp.onnx")), out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Equalized first: 0 depthwise Convs, the inputs of ")
                .contains(out.resolve("mlp.eq.onnx").toString());
        assertThat(out.resolve("mlp.eq.onnx")).isRegularFile();
        // Both MatMuls are still ranked: the Muls that smoothing adds are not quantizable layers.
        SensitivityReport report = SensitivityReport.read(out.resolve("sensitivity.json"));
        assertThat(report.ranking()).hasSize(2);
        // the ranking and skip list are the equalized model's, and the file says so, as comparison.json does
        assertThat(report.model()).isEqualTo("mlp.eq.onnx");
        assertThat(report.modelSha256()).isEqualTo(dev.trt4j.table.Provenance.sha256(out.resolve("mlp.eq.onnx")));
    }

    /**
     * A quantized model (Q/DQ, or ONNX Runtime's dynamic MatMulInteger) would be quantized on top and scored against
     * itself as if it were FP32: both studies refuse it before any work, naming the file.
     */
    @Test
    void bothStudiesRefuseAQuantizedModelNamingTheFile() throws IOException {
        Path fp32 = mlp(dir.resolve("mlp.onnx"));
        ModelProto q = new dev.trt4j.quantize.QdqQuantizer(dev.trt4j.quantize.QuantizationConfig.defaults())
                .quantize(ModelProto.parseFrom(Files.readAllBytes(fp32)), java.util.Map.of("x", 1f, "h", 1f)).model();
        Path qdq = Files.write(dir.resolve("mlp.int8.onnx"), q.toByteArray());
        Path dynamic = Files.write(dir.resolve("mlp.dynamic.onnx"),
                dynamicMatMul(ModelProto.parseFrom(Files.readAllBytes(fp32))).toByteArray());
        for (Path model : List.of(qdq, dynamic)) {
            for (String command : List.of("sensitivity", "compare-calibrators")) {
                Path out = dir.resolve(command + "-" + model.getFileName());
                CliRun run = CliRun.of(command, model.toString(), "--samples", "8", "--eval-samples", "8",
                        "--shapes", "x:8x" + WIDTH, "--out", out.toString());

                assertThat(run.exitCode()).as(command + " " + run.err()).isEqualTo(1);
                assertThat(run.err()).as(command).matches("trt4j: " + model.getFileName().toString()
                        .replace(".", "\\.") + ": is quantized already \\((\\d+ [A-Za-z]+(, )?)+\\); study the FP32 "
                        + "model\\n");
                assertThat(out).as(command).doesNotExist();
            }
        }
        assertThat(CliRun.of("sensitivity", dynamic.toString(), "--out", dir.resolve("d").toString()).err())
                .contains("(1 DynamicQuantizeLinear, 1 MatMulInteger); ");
    }

    /** {@code model} with one DynamicQuantizeLinear + MatMulInteger pair added on its input (never run). */
    private static ModelProto dynamicMatMul(ModelProto model) {
        return model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName("dq").addInput("x")
                        .addOutput("xq").addOutput("xs").addOutput("xz"))
                .addNode(NodeProto.newBuilder().setOpType("MatMulInteger").setName("mmi").addInput("xq")
                        .addInput("xq").addOutput("unused"))).build();
    }

    @Test
    void noSmoothThatLeavesNothingIsRefusedAndNeedsEqualize() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        // every MatMul left unsmoothed and no depthwise Conv: equalizing would change nothing, as equalize says
        CliRun run = equalizedStudy(model, dir.resolve("lean"), "--no-smooth", "MatMul");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: mlp.onnx: --no-smooth leaves nothing to equalize (no "
                + "depthwise Conv to equalize, and every MatMul or Gemm input is excluded from smoothing)");
        assertThat(dir.resolve("lean")).doesNotExist();

        CliRun alone = CliRun.of("sensitivity", model.toString(), "--no-smooth", "first");
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.errLines()).containsExactly("trt4j: --no-smooth applies with --equalize");
        CliRun typo = CliRun.of("compare-calibrators", model.toString(), "--data", npy("calibration.npy", 1),
                "--equalize", "--no-smooth", "frist", "--out", dir.resolve("typo").toString());
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.errLines()).containsExactly("trt4j: mlp.onnx: --no-smooth 'frist' matches no node name, "
                + "operator type or node-name pattern");
        assertThat(dir.resolve("typo")).doesNotExist();
    }

    /** sensitivity --equalize of {@code model} on 64 + 64 samples into {@code out}, with {@code more} options. */
    private CliRun equalizedStudy(Path model, Path out, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("sensitivity", model.toString(), "--data",
                npy("calibration.npy", 1), "--eval-data", npy("evaluation.npy", 2), "--method", "max", "--task",
                "none", "--samples", "64", "--eval-samples", "64", "--batch", "16", "--equalize", "--out",
                out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void equalizeOnRandomDataIsRefused() throws IOException {
        assertRefusedOnRandomData("--equalize");
    }

    @Test
    void biasCorrectionOnRandomDataIsRefused() throws IOException {
        Path model = assertRefusedOnRandomData("--bias-correction");
        CliRun badScope = CliRun.of("sensitivity", model.toString(), "--bias-correction=linear");
        assertThat(badScope.exitCode()).isEqualTo(2);
        assertThat(badScope.errLines()).containsExactly("trt4j: --bias-correction takes conv or all, not 'linear'");
        CliRun modeAlone = CliRun.of("sensitivity", model.toString(), "--bias-correction-mode", "layer-by-layer");
        assertThat(modeAlone.exitCode()).isEqualTo(2);
        assertThat(modeAlone.errLines()).containsExactly("trt4j: --bias-correction-mode applies to "
                + "--bias-correction; add --bias-correction or drop --bias-correction-mode");
    }

    @Test
    void aNegativeOrInfiniteTargetIsRefused() throws IOException {
        CliRun run = CliRun.of("sensitivity", mlp(dir.resolve("mlp.onnx")).toString(), "--target", "-1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --target must be a finite drop >= 0, got -1.0");
        // it was "reached with 0 layers kept", writing the fully quantized model as the partial one
        CliRun infinite = CliRun.of("sensitivity", mlp(dir.resolve("mlp.onnx")).toString(), "--target", "Infinity");
        assertThat(infinite.exitCode()).isEqualTo(2);
        assertThat(infinite.errLines()).containsExactly("trt4j: --target must be a finite drop >= 0, got Infinity");
    }

    /** The two layouts quantize differently, so a comparison's report says which one its numbers are for. */
    @Test
    void aComparisonNamesTheOnnxRuntimeLayout() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--samples", "16", "--eval-samples", "16",
                "--shapes", "x:16x" + WIDTH, "--methods", "max", "--runtime", "onnxruntime-cpu", "--json", "--out",
                dir.resolve("ort-layout").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).get("quantization").asText())
                .startsWith("ONNX Runtime CPU layout (7-bit weights, depthwise Convs FP32), per-channel max weights");
    }

    /** Exclusions that take every layer are a usage error, as in quantize, not "no tensors to calibrate". */
    @Test
    void exclusionsThatLeaveNothingToQuantizeAreAUsageError() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("all-excluded");
        CliRun run = CliRun.of("sensitivity", model.toString(), "--samples", "16", "--eval-samples", "16",
                "--shapes", "x:16x" + WIDTH, "--exclude", "MatMul", "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: mlp.onnx: --exclude keeps every quantizable node in FP32, "
                + "so every candidate would be the FP32 model; exclude fewer");
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--samples", "16", "--eval-samples", "16",
                "--shapes", "x:16x" + WIDTH, "--exclude", "first", "--exclude", "fragile", "--out", out.toString());
        assertThat(compare.exitCode()).isEqualTo(2);
        assertThat(compare.errLines()).containsExactly("trt4j: mlp.onnx: --exclude keeps every quantizable node in "
                + "FP32, so every candidate would be the FP32 model; exclude fewer");
        assertThat(out).doesNotExist();
    }

    @Test
    void aListOfMethodsIsRefusedBeforeTheModelLoads() {
        Path missing = dir.resolve("missing.onnx");
        CliRun run = CliRun.of("sensitivity", missing.toString(), "--method", "max,entropy");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --method takes one calibration method, got 'max,entropy'; "
                + "run sensitivity once per method, or compare methods with compare-calibrators");
    }

    /** One method with a decimal comma is not a list: the hint is calibrate's, the value to type. */
    @Test
    void aPercentileWithADecimalCommaIsNamedAsSuchNotAsAList() {
        Path missing = dir.resolve("missing.onnx");
        CliRun run = CliRun.of("sensitivity", missing.toString(), "--method", "percentile=99,9");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --method percentile=99,9: methods are separated by commas; "
                + "write the percentile with a decimal point (percentile=99.9)");
    }

    private static CliRun run(List<String> common, String... more) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** 64 samples of 8 values uniform in [0, 1): real (non-synthetic) data, as bias correction needs. */
    /** sensitivity with {@code option} on seeded random data fails in one line and writes nothing; the model used. */
    private Path assertRefusedOnRandomData(String option) throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"), true);
        Path out = dir.resolve("refused" + option);
        CliRun run = CliRun.of("sensitivity", model.toString(), "--shapes", "x:16x" + WIDTH, option, "--out",
                out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "trt4j: " + option + " needs real samples: give --data (or --tokenizer for a text model)");
        assertThat(out).doesNotExist();
        return model;
    }

    private String npy(String name, long seed) {
        Random random = new Random(seed);
        float[] x = new float[64 * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        Path file = dir.resolve(name);
        NpyFile.write(file, NpyArray.ofFloats(new long[] {64, WIDTH}, x));
        return file.toString();
    }

    private static List<String> initializers(Path model) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getInitializerList().stream()
                .map(TensorProto::getName).toList();
    }

    private static Path mlp(Path file) throws IOException {
        return mlp(file, false);
    }

    /**
     * {@code x[N,8] → MatMul "first" (w1) → h → MatMul "fragile" (w2) → y[N,8]}; {@code withBiases} adds a bias
     * Add after each MatMul (b1, b2: the Linear layers bias correction's {@code all} scope corrects).
     */
    private static Path mlp(Path file, boolean withBiases) throws IOException {
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
        GraphProto.Builder graph = GraphProto.newBuilder().setName("mlp")
                .addInput(floatInput("x")).addOutput(floatInput("y"))
                .addInitializer(tensor("w1", w1)).addInitializer(tensor("w2", w2));
        if (withBiases) {
            float[] b1 = new float[WIDTH];
            float[] b2 = new float[WIDTH];
            for (int c = 0; c < WIDTH; c++) {
                b1[c] = (float) random.nextGaussian() * 0.1f;
                b2[c] = (float) random.nextGaussian() * 0.1f;
            }
            graph.addInitializer(tensor("b1", b1)).addInitializer(tensor("b2", b2))
                    .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("first").addInput("x")
                            .addInput("w1").addOutput("m1"))
                    .addNode(NodeProto.newBuilder().setOpType("Add").setName("first_bias").addInput("m1")
                            .addInput("b1").addOutput("h"))
                    .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("fragile").addInput("h")
                            .addInput("w2").addOutput("m2"))
                    .addNode(NodeProto.newBuilder().setOpType("Add").setName("fragile_bias").addInput("m2")
                            .addInput("b2").addOutput("y"));
        } else {
            graph.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("first").addInput("x").addInput("w1")
                            .addOutput("h"))
                    .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("fragile").addInput("h")
                            .addInput("w2").addOutput("y"));
        }
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

    /** A float initializer: {@code [8, 8]} for 64 values, {@code [8]} for 8. */
    private static TensorProto tensor(String name, float[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(WIDTH);
        if (values.length > WIDTH) {
            t.addDims(WIDTH);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    @Test
    void anOutputFolderThatCannotBeMadeFailsBeforeTheDataIsReadHereAndInCompareCalibrators() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        String missing = dir.resolve("missing").toString();
        for (String command : List.of("sensitivity", "compare-calibrators")) {
            Path out = file.resolve(command);
            CliRun run = CliRun.of(command, model.toString(), "--data", missing, "--out", out.toString());
            assertThat(run.exitCode()).as(command).isNotZero();
            assertThat(run.errLines()).as(command).containsExactly("trt4j: " + out + ": cannot write there: " + file
                    + " is a file, not a folder");
        }
    }

    /**
     * A folder where one of the output folder's files goes is found before any work: the data does not exist either,
     * and it is the folder in the way that is named.
     */
    @Test
    void aFolderWhereAFileGoesIsFoundBeforeTheDataIsReadHereAndInCompareCalibrators() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        String missing = dir.resolve("missing").toString();
        Path out = dir.resolve("early-sensitivity");
        Path skipList = Files.createDirectories(out.resolve("skip-list.txt"));
        CliRun run = CliRun.of("sensitivity", model.toString(), "--data", missing, "--target", "0.01", "--out",
                out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + skipList + ": is a folder; cannot write the file "
                + "there (nothing was written)");

        Path comparison = dir.resolve("early-comparison");
        Path cache = Files.createDirectories(comparison.resolve("calibration/percentile-99.99.cache"));
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--data", missing, "--methods",
                "max,percentile=99.99", "--out", comparison.toString());
        assertThat(compare.exitCode()).isEqualTo(1);
        assertThat(compare.errLines()).containsExactly("trt4j: " + cache + ": is a folder; cannot write the file "
                + "there (nothing was written)");

        Files.delete(cache);
        Files.delete(comparison.resolve("calibration"));
        Files.writeString(comparison.resolve("calibration"), "a file where the ranges' folder goes");
        CliRun file = CliRun.of("compare-calibrators", model.toString(), "--data", missing, "--methods", "max",
                "--out", comparison.toString());
        assertThat(file.exitCode()).isEqualTo(1);
        assertThat(file.errLines()).containsExactly("trt4j: " + comparison.resolve("calibration/statistics.json")
                + ": cannot write there: " + comparison.resolve("calibration") + " is a file, not a folder");
    }

    /** A file that cannot be written (a folder in its place) leaves none of the others: all of the set or nothing. */
    @Test
    void aFileThatCannotBeWrittenLeavesNoneOfTheOthersHereAndInCompareCalibrators() throws IOException {
        Path model = mlp(dir.resolve("mlp.onnx"));
        Path out = dir.resolve("blocked-sensitivity");
        Files.createDirectories(out.resolve("sensitivity.json"));
        CliRun run = CliRun.of("sensitivity", model.toString(), "--method", "max", "--task", "none", "--samples", "32",
                "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--target", "0.01", "--out", out.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("trt4j: " + out.resolve("sensitivity.json") + ": is a folder; "
                + "cannot write the file there (nothing was written)");
        try (var left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("sensitivity.json");
        }

        Path comparison = dir.resolve("blocked-comparison");
        Files.createDirectories(comparison.resolve("comparison.md"));
        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--methods", "max", "--task", "none",
                "--samples", "32", "--eval-samples", "32", "--shapes", "x:16x" + WIDTH, "--out", comparison.toString());
        assertThat(compare.exitCode()).isNotZero();
        assertThat(compare.errLines()).containsExactly("trt4j: " + comparison.resolve("comparison.md") + ": is a "
                + "folder; cannot write the file there (nothing was written)");
        try (var left = Files.list(comparison)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("comparison.md");
        }
    }
}
