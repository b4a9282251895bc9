package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * calibrate → quantize / convert --fp16 → evaluate on the embedded PP-OCR text-direction classifier with rendered
 * text lines, and the one-line errors of quantize and convert on bad input.
 */
class QuantizeEvaluateCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path table;

    @BeforeAll
    static void calibrate() {
        model = DefaultModel.file();
        CliRun run = CliRun.of("calibrate", "--samples", "64", "--method", "max", "--out",
                dir.resolve("cal").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        table = dir.resolve("cal").resolve("max.table.json");
        assertThat(table).exists();
    }

    @Test
    void qdqOnlyCalibratesExactlyWhatQuantizeNeeds() throws IOException {
        Path out = dir.resolve("cal-qdq");
        CliRun run = CliRun.of("calibrate", "--samples", "16", "--method", "max", "--qdq-only", "--out",
                out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path qdqTable = out.resolve("max.table.json");
        java.util.Set<String> tensors = new java.util.TreeSet<>();
        JSON.readTree(qdqTable.toFile()).get("tensors").fieldNames().forEachRemaining(tensors::add);
        OnnxModel onnx = OnnxModel.load(model);
        assertThat(tensors).containsExactlyInAnyOrderElementsOf(
                new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto()));
        assertThat(tensors.size()).isLessThan(onnx.quantizableActivationTensors().size());

        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", qdqTable.toString(), "--out",
                dir.resolve("cls.qdq-only.onnx").toString());
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();

        CliRun both = CliRun.of("calibrate", "--samples", "16", "--qdq-only", "--all-tensors", "--out",
                dir.resolve("cal-both").toString());
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.errLines()).containsExactly(
                "trt4j: --all-tensors and --qdq-only choose different tensors; give one of them");
        assertThat(dir.resolve("cal-both")).doesNotExist();
    }

    private static JsonNode json(CliRun run) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    @Test
    void int8ModelKeepsTheClassifierAccuracyWithinTwoPoints() throws IOException {
        Path int8 = dir.resolve("cls.int8.onnx");
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                int8.toString());
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();
        assertThat(quantize.out()).contains("nodes quantized").contains("BatchNorms folded")
                .contains("opset 11 → 13");

        JsonNode r = json(CliRun.of("evaluate", "--reference", model.toString(), "--candidate", int8.toString(),
                "--samples", "256", "--json"));

        assertThat(r.get("samples").asLong()).isEqualTo(256);
        // without --data, judged on the half of the bundled sentences that calibrate's default does not reach
        assertThat(r.get("data").asText()).contains("bundled sentences, second half");
        JsonNode task = r.get("task");
        assertThat(task.get("task").asText()).isEqualTo("classification");
        assertThat(r.get("noTaskReason").isNull()).as("present, null where a task metric applied").isTrue();
        double fp32 = task.get("reference").get("accuracy").asDouble();
        double int8Accuracy = task.get("candidate").get("accuracy").asDouble();
        assertThat(fp32).as("FP32 reads the rendered lines").isGreaterThan(0.9);
        assertThat(int8Accuracy).isGreaterThanOrEqualTo(fp32 - 0.02);
        JsonNode output = r.get("outputs").get(0);
        assertThat(output.get("top1Agreement").asDouble()).isGreaterThan(0.9);
        assertThat(output.get("cosine").asDouble()).isLessThan(1.0).isGreaterThan(0.9);
    }

    @Test
    void fp16ModelMatchesFp32AndTheTableShowsIt() {
        Path fp16 = dir.resolve("cls.fp16.onnx");
        CliRun convert = CliRun.of("convert", "--fp16", model.toString(), "--out", fp16.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        assertThat(convert.out()).contains("casts added");

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", fp16.toString(),
                "--samples", "64");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String line = run.out().lines().filter(l -> l.startsWith("save_infer_model/scale_0.tmp_1")).findFirst()
                .orElseThrow();
        double cosine = Double.parseDouble(line.trim().split("\\s+")[1]);
        assertThat(cosine).isGreaterThan(0.999);
        assertThat(run.out()).contains("Task classification on 64 samples").contains("accuracy *")
                .contains("  * the task's main metric (compare-calibrators and sensitivity rank by it)");

        // the emulation reaches the run: ONNX Runtime's CPU alone computes most FP16 operators in FP32, unrounded
        CliRun plain = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", fp16.toString(),
                "--samples", "64", "--no-fp16-emulation");
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        String plainLine = plain.out().lines().filter(l -> l.startsWith("save_infer_model/scale_0.tmp_1"))
                .findFirst().orElseThrow();
        assertThat(plainLine).isNotEqualTo(line);
    }

    @Test
    void biasCorrectionChangesBiasesOnlyAndReportsEachConv() throws IOException {
        Path plain = dir.resolve("cls.plain.onnx");
        Path corrected = dir.resolve("cls.corrected.onnx");
        assertThat(CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out", plain.toString())
                .exitCode()).isZero();

        // The default model: its samples are the bundled sentences, rendered.
        JsonNode r = json(CliRun.of("quantize", "--table", table.toString(), "--out", corrected.toString(),
                "--bias-correction=all", "--samples", "16", "--json"));

        JsonNode bc = r.get("biasCorrection");
        assertThat(bc.get("samples").asLong()).isEqualTo(16);
        // Every quantized layer of the classifier gets a corrected bias: its Convs and the MatMul + Add head.
        assertThat(bc.get("largestShift").size()).isEqualTo(r.get("quantizedNodes").size());
        ModelProto a = ModelProto.parseFrom(Files.readAllBytes(plain));
        ModelProto b = ModelProto.parseFrom(Files.readAllBytes(corrected));
        // Same computation; only Constant nodes that held a replaced bias may be gone.
        assertThat(b.getGraph().getNodeList()).filteredOn(n -> !n.getOpType().equals("Constant"))
                .extracting(NodeProto::getName)
                .containsExactlyElementsOf(a.getGraph().getNodeList().stream()
                        .filter(n -> !n.getOpType().equals("Constant")).map(NodeProto::getName).toList());
        assertThat(b).isNotEqualTo(a);
        assertThat(b.getGraph().getOutputList()).isEqualTo(a.getGraph().getOutputList());
    }

    @Test
    void biasCorrectionCorrectsConvsOnlyUnlessAskedForAll() throws IOException {
        JsonNode r = json(CliRun.of("quantize", "--table", table.toString(), "--out",
                dir.resolve("cls.conv-bc.onnx").toString(), "--bias-correction", "--samples", "16", "--json"));

        assertThat(r.get("biasCorrection").get("largestShift").fieldNames()).toIterable().isNotEmpty()
                .allMatch(name -> name.startsWith("Conv"));
    }

    @Test
    void layerByLayerBiasCorrectionCorrectsTheSameLayersMeasuringLaterOnesAfterEarlierCorrections()
            throws IOException {
        JsonNode onePass = json(CliRun.of("quantize", "--table", table.toString(), "--out",
                dir.resolve("cls.bc-one-pass.onnx").toString(), "--bias-correction", "--samples", "16", "--json"));
        JsonNode layered = json(CliRun.of("quantize", "--table", table.toString(), "--out",
                dir.resolve("cls.bc-layered.onnx").toString(), "--bias-correction", "--bias-correction-mode",
                "layer-by-layer", "--samples", "16", "--json"));

        assertThat(onePass.get("biasCorrection").get("mode").asText()).isEqualTo("one-pass");
        assertThat(layered.get("biasCorrection").get("mode").asText()).isEqualTo("layer-by-layer");
        JsonNode a = onePass.get("biasCorrection").get("largestShift");
        JsonNode b = layered.get("biasCorrection").get("largestShift");
        List<String> layers = new ArrayList<>();
        a.fieldNames().forEachRemaining(layers::add);
        assertThat(b.fieldNames()).toIterable().containsExactlyElementsOf(layers);
        // The first Conv reads the model's input in both: the same error. Later ones see corrected inputs and
        // the FP32 model's outputs as reference, so some differ.
        String first = layers.get(0);
        assertThat(b.get(first).asDouble()).isCloseTo(a.get(first).asDouble(),
                org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(layers.subList(1, layers.size())).anyMatch(l -> Math.abs(a.get(l).asDouble()
                - b.get(l).asDouble()) > 0.01 * Math.abs(a.get(l).asDouble()));
    }

    @Test
    void biasCorrectionModeNeedsBiasCorrectionAndAKnownName() throws IOException {
        Path out = dir.resolve("bc-mode.onnx");
        assertFailsWithOneLine(2, CliRun.of("quantize", "--table", table.toString(), "--out", out.toString(),
                "--bias-correction-mode", "layer-by-layer"), "--bias-correction-mode applies to --bias-correction; "
                + "add --bias-correction or drop --bias-correction-mode", out);
        assertFailsWithOneLine(2, CliRun.of("quantize", "--table", table.toString(), "--out", out.toString(),
                "--bias-correction", "--bias-correction-mode", "sequential", "--samples", "16"),
                "--bias-correction-mode takes one-pass or layer-by-layer, not 'sequential'", out);
        assertFailsWithOneLine(2, CliRun.of("quantize", "--table", table.toString(), "--out", out.toString(),
                "--bias-correction", "--exlude", "Conv@0"), "Unknown option: '--exlude'; did you mean --exclude or --external-data?", out);
    }

    @Test
    void biasCorrectionScopeMustBeConvOrAll() throws IOException {
        Path out = dir.resolve("bc-scope.onnx");
        assertFailsWithOneLine(2, CliRun.of("quantize", "--table", table.toString(), "--out", out.toString(),
                "--bias-correction=some"), "--bias-correction takes conv or all, not 'some'", out);
    }

    @Test
    void equalizeSaysWhenAModelHasNothingToEqualize() throws IOException {
        Path relu = TestModels.relu(dir.resolve("plain-eq/relu.onnx"));
        ByteBuffer samples = ByteBuffer.allocate(8 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            samples.putFloat(i - 3.5f);
        }
        Path data = Files.write(dir.resolve("plain-eq/x.raw"), samples.array());
        Path out = dir.resolve("plain-eq/relu.eq.onnx");
        assertFailsWithOneLine(1, CliRun.of("equalize", relu.toString(), "--data", data.toString(), "--shapes", "x:2x4",
                "--out", out.toString()), "relu.onnx: no depthwise Conv whose input is made by a Mul by a constant, "
                + "and no MatMul or Gemm with constant weights; nothing to equalize", out);
    }

    /**
     * A model equalize finds eligible inputs in but changes nothing of (no smoothing helps on all-zero samples) is
     * written with a warning saying so, as convert --fold and --fp16 warn: "smoothed the inputs of 0 MatMuls" alone
     * read as a summary of work done. A run that smooths gets no such warning.
     */
    @Test
    void equalizeWarnsWhenItChangesNothing() throws IOException {
        Path mm = TestModels.matMul(dir.resolve("unchanged-eq/mm.onnx"));
        Path zeros = dir.resolve("unchanged-eq/zeros.npy");
        dev.trt4j.data.npy.NpyFile.write(zeros, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4},
                new float[32]));
        Path out = dir.resolve("unchanged-eq/mm.eq.onnx");

        CliRun run = CliRun.of("equalize", mm.toString(), "--data", zeros.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: mm.onnx has nothing equalize changes (no "
                + "depthwise Conv input with a range to equalize, and no MatMul or Gemm input that smoothing helps on "
                + "these samples): mm.eq.onnx is written with no channel rescaled");
        assertThat(run.out()).startsWith("Equalized 0 depthwise Convs and smoothed the inputs of 0 MatMuls or Gemms");
        assertThat(out).exists();

        // one channel a hundred times the others: smoothing moves it into the weights, and nothing is said
        float[] outlier = new float[32];
        for (int i = 0; i < outlier.length; i++) {
            outlier[i] = (i % 4 == 0 ? 100f : 0.5f) * (i % 3 == 0 ? -1 : 1) + i * 0.01f;
        }
        Path wide = dir.resolve("unchanged-eq/outlier.npy");
        dev.trt4j.data.npy.NpyFile.write(wide, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4}, outlier));
        CliRun smoothed = CliRun.of("equalize", mm.toString(), "--data", wide.toString(), "--out",
                dir.resolve("unchanged-eq/mm.smoothed.onnx").toString(), "--alpha", "0.5");
        assertThat(smoothed.exitCode()).as(smoothed.err()).isZero();
        assertThat(smoothed.out()).contains("smoothed the inputs of 1 MatMul or Gemm");
        assertThat(smoothed.err()).doesNotContain("nothing equalize changes");
    }

    @Test
    void equalizeRefusesAnAlphaThatIsNotAutoOrInZeroToOne() throws IOException {
        Path out = dir.resolve("cls.alpha.onnx");
        assertFailsWithOneLine(2, CliRun.of("equalize", "--out", out.toString(), "--alpha", "1.5", "--samples", "16"),
                "--alpha must be auto or a number in [0, 1], got '1.5'", out);
        assertFailsWithOneLine(2, CliRun.of("equalize", "--out", out.toString(), "--alpha", "half", "--samples", "16"),
                "--alpha must be auto or a number in [0, 1], got 'half'", out);
        assertFailsWithOneLine(2, CliRun.of("equalize", "--out", out.toString(), "--alpha", "0,5", "--samples", "16"),
                "--alpha must be auto or a number in [0, 1], got '0,5'; write it with a decimal point (0.5)", out);
    }

    /** auto in capitals, as the methods and --batch-overlap take their words: it was refused. */
    @Test
    void equalizeTakesAutoInAnyCase() throws IOException {
        Path out = dir.resolve("cls.auto.onnx");
        JsonNode r = json(CliRun.of("equalize", "--out", out.toString(), "--alpha", "AUTO", "--samples", "16",
                "--json"));
        assertThat(r.get("alphaSearched").asBoolean()).isTrue();
        assertThat(out).exists();
    }

    @Test
    void equalizeWithoutSamplesIsRefusedForAModelThatWouldGetRandomData() throws IOException {
        Path relu = TestModels.relu(dir.resolve("plain/relu.onnx"));
        Path out = dir.resolve("plain/eq-nodata.onnx");
        assertFailsWithOneLine(2, CliRun.of("equalize", relu.toString(), "--out", out.toString()),
                "equalize needs real samples: give --data (or --tokenizer for a text model)", out);
    }

    @Test
    void biasCorrectionWithoutSamplesIsRefusedForAModelThatWouldGetRandomData() throws IOException {
        Path matMul = TestModels.matMul(dir.resolve("plain-mm/mm.onnx"));
        Path cal = dir.resolve("plain-mm/cal");
        CliRun calibrated = CliRun.of("calibrate", matMul.toString(), "--method", "max", "--out", cal.toString());
        assertThat(calibrated.exitCode()).as(calibrated.err()).isZero();
        Path out = dir.resolve("plain-mm/bc-nodata.onnx");
        assertFailsWithOneLine(2, CliRun.of("quantize", matMul.toString(), "--table",
                cal.resolve("max.table.json").toString(), "--out", out.toString(), "--bias-correction"),
                "--bias-correction needs real samples: give --data (or --tokenizer for a text model)", out);
    }

    @Test
    void anOcrModelGivenByPathGetsRenderedSamplesForBiasCorrectionAndEqualize() throws IOException {
        // The embedded classifier named as a file is no longer "a user's model on random data": it is recognised.
        Path out = dir.resolve("cls.path-bc.onnx");
        JsonNode r = json(CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--bias-correction", "--samples", "16", "--json"));
        assertThat(r.path("biasCorrection").path("samples").asLong()).isEqualTo(16);
        assertThat(out).exists();
        // Its depthwise Convs read hard-swish outputs, which no constant scale passes through; its MatMul head is
        // smoothed through a Mul of its own.
        Path eq = dir.resolve("cls.path-eq.onnx");
        JsonNode e = json(CliRun.of("equalize", model.toString(), "--out", eq.toString(), "--samples", "16",
                "--json"));
        assertThat(e.path("equalized").size()).isZero();
        assertThat(e.path("smoothed").size()).isEqualTo(e.path("alphas").size()).isLessThanOrEqualTo(1);
        assertThat(eq).exists();

        // its output equalized again would be scaled twice: warned, naming the model it came from
        Path twice = dir.resolve("cls.path-eq-twice.onnx");
        CliRun again = CliRun.of("equalize", eq.toString(), "--out", twice.toString(), "--samples", "16");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("trt4j: warning: cls.path-eq.onnx was written by trt4j equalize (from "
                + model.getFileName() + "); equalizing it again scales its channels a second time: equalize the "
                + "original model instead");
        CliRun thrice = CliRun.of("equalize", twice.toString(), "--out", dir.resolve("cls.path-eq-3.onnx").toString(),
                "--samples", "16");
        assertThat(thrice.err()).as("the mark keeps naming the original").contains("(from " + model.getFileName()
                + ")");
    }

    @Test
    void equalizeLeavesANamedMatMulUnsmoothedAndRefusesAValueThatSelectsNone() throws IOException {
        // the classifier's one smoothable input is its MatMul's: left unsmoothed, nothing is left to equalize
        Path eq = dir.resolve("cls.no-smooth.onnx");
        assertFailsWithOneLine(2, CliRun.of("equalize", model.toString(), "--out", eq.toString(), "--samples", "16",
                "--no-smooth", "MatMul"), model.getFileName() + ": --no-smooth leaves nothing to equalize (no "
                + "depthwise Conv to equalize, and every MatMul or Gemm input is excluded from smoothing)", eq);

        Path none = dir.resolve("cls.no-smooth-conv.onnx");
        assertFailsWithOneLine(2, CliRun.of("equalize", model.toString(), "--out", none.toString(), "--samples",
                "16", "--no-smooth", "Conv"), model.getFileName() + ": --no-smooth 'Conv' selects no MatMul or Gemm "
                + "whose input could be smoothed (1 could), so it changes nothing", none);
        assertFailsWithOneLine(2, CliRun.of("equalize", model.toString(), "--out", none.toString(), "--samples",
                "16", "--no-smooth", "no/such/node"), model.getFileName() + ": --no-smooth 'no/such/node' matches "
                + "no node name, operator type or node-name pattern", none);
        // An empty value (an unset shell variable) would have selected every node.
        for (String option : List.of("--no-smooth", "--exclude")) {
            List<String> args = new ArrayList<>(option.equals("--exclude")
                    ? List.of("quantize", model.toString(), "--table", table.toString())
                    : List.of("equalize", model.toString(), "--samples", "16"));
            args.addAll(List.of("--out", none.toString(), option, ""));
            assertFailsWithOneLine(2, CliRun.of(args.toArray(String[]::new)), model.getFileName() + ": " + option
                    + " '' is empty, which as a pattern would select every node; give a node name, an operator type "
                    + "or a pattern ('.' selects every node)", none);
        }
    }

    @Test
    void quantizeJsonListsWhatWasDoneAndExclusionsStayFp32() throws IOException {
        Path out = dir.resolve("partial.onnx");
        JsonNode r = json(CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--exclude", "MatMul", "--exclude", "Conv@0", "--exclude", "^Conv@1[0-9]$",
                "--per-tensor-weights", "--weight-method", "percentile=99.9", "--no-bn-fold", "--json"));

        assertThat(r.get("excludedNodes")).extracting(JsonNode::asText).contains("MatMul@0", "Conv@0", "Conv@10",
                "Conv@19").hasSize(12);
        assertThat(r.get("weightGranularity").asText()).isEqualTo("per-tensor");
        assertThat(r.get("weightMethod").asText()).isEqualTo("percentile-99.9");
        assertThat(r.get("biasCorrection").isNull()).as("present, null without --bias-correction").isTrue();
        assertThat(r.get("onnxruntimeCpu").isNull()).as("present, null for the TensorRT layout").isTrue();
        assertThat(out).exists();

        // what the model holds, not only what the report echoes: one scale per weight, and the BatchNorms kept
        var written = OnnxModel.load(out).proto().getGraph();
        java.util.Map<String, ai.onnx.proto.OnnxMl.TensorProto> constants = new java.util.HashMap<>();
        written.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        written.getNodeList().stream().filter(n -> n.getOpType().equals("Constant"))
                .forEach(n -> constants.put(n.getOutput(0), n.getAttribute(0).getT()));
        List<ai.onnx.proto.OnnxMl.NodeProto> weightQ = written.getNodeList().stream()
                .filter(n -> n.getOpType().equals("QuantizeLinear") && constants.containsKey(n.getInput(0)))
                .toList();
        assertThat(weightQ).hasSize(54 - r.get("excludedNodes").size()); // the 54 quantized Conv and MatMul weights
        assertThat(weightQ).allSatisfy(n -> assertThat(constants.get(n.getInput(1)).getDimsList().stream()
                .reduce(1L, Math::multiplyExact)).as(n.getInput(1)).isEqualTo(1L));
        long batchNorms = OnnxModel.load(model).operatorCounts().getOrDefault("BatchNormalization", 0);
        assertThat(batchNorms).isPositive();
        assertThat(OnnxModel.load(out).operatorCounts().getOrDefault("BatchNormalization", 0)).isEqualTo(
                (int) batchNorms);
        assertThat(r.get("foldedBatchNorms")).isEmpty();
    }

    @Test
    void aFolderGivenAsTheOutputModelIsRefusedBeforeAnyWork() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("out-folder.onnx"));
        for (CliRun run : List.of(
                CliRun.of("quantize", "--table", table.toString(), "--out", folder.toString(), "--bias-correction",
                        "--samples", "16"),
                CliRun.of("equalize", "--out", folder.toString(), "--samples", "16"))) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).containsExactly("trt4j: " + folder + ": cannot write: is a folder");
            assertThat(run.out()).isEmpty();
        }
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void sampleOptionsWithoutBiasCorrectionAreRefusedRatherThanIgnored() throws IOException {
        Path out = dir.resolve("ignored-shapes.onnx");
        CliRun run = CliRun.of("quantize", "--table", table.toString(), "--out", out.toString(), "--shapes",
                "y:1x3x48x192");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --shapes applies to the samples that --bias-correction "
                + "runs (the ranges come from --table); add --bias-correction or drop --shapes");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputModelThatIsTheInputIsAUsageError() throws IOException {
        Path input = Files.copy(model, dir.resolve("same-in.onnx"));
        byte[] before = Files.readAllBytes(input);
        CliRun run = CliRun.of("convert", "--fold", input.toString(), "--out", input.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --out names " + input + ", which is the input model this "
                + "command reads; write it elsewhere");
        assertThat(Files.readAllBytes(input)).isEqualTo(before);
    }

    @Test
    void anOutputThatLinksToTheInputModelOrTableIsRefusedToo() throws IOException {
        // A write follows a link to its file: before, quantize --out link-to-the-model replaced the model it read.
        Path input = Files.copy(model, dir.resolve("linked-in.onnx"));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-in.onnx"), input.getFileName());
        Path tableCopy = Files.copy(table, dir.resolve("linked.table.json"));
        Path tableLink = Files.createSymbolicLink(dir.resolve("link-to-table.onnx"), tableCopy.getFileName());
        byte[] model = Files.readAllBytes(input);
        byte[] ranges = Files.readAllBytes(tableCopy);

        CliRun toModel = CliRun.of("quantize", input.toString(), "--table", table.toString(), "--out", link.toString());
        CliRun toTable = CliRun.of("quantize", input.toString(), "--table", tableCopy.toString(), "--out",
                tableLink.toString());

        assertThat(toModel.exitCode()).isEqualTo(2);
        assertThat(toModel.errLines()).containsExactly("trt4j: --out names " + link + ", which is the input model "
                + "this command reads; write it elsewhere");
        assertThat(toTable.exitCode()).isEqualTo(2);
        assertThat(toTable.errLines()).containsExactly("trt4j: --out names " + tableLink + ", which is --table "
                + "this command reads; write it elsewhere");
        assertThat(Files.readAllBytes(input)).isEqualTo(model);
        assertThat(Files.readAllBytes(tableCopy)).isEqualTo(ranges);

        // the samples are read too: equalize --data s.txt --out s.txt replaced them with the model (exit 0)
        Path text = Files.writeString(dir.resolve("lines.txt"), "a line of text\nanother line\n");
        CliRun toData = CliRun.of("equalize", input.toString(), "--data", text.toString(), "--out", text.toString());
        assertThat(toData.exitCode()).isEqualTo(2);
        assertThat(toData.errLines()).containsExactly("trt4j: --out names " + text + ", which is --data this "
                + "command reads; write it elsewhere");
        assertThat(Files.readString(text)).isEqualTo("a line of text\nanother line\n");
    }

    private static void assertFailsWithOneLine(int exitCode, CliRun run, String message, Path out) throws IOException {
        assertThat(run.exitCode()).isEqualTo(exitCode);
        assertThat(run.errLines()).containsExactly("trt4j: " + message);
        assertThat(out).doesNotExist();
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files).noneMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    private static Path variant(String name, UnaryOperator<ModelProto> change) throws IOException {
        ModelProto m = change.apply(ModelProto.parseFrom(Files.readAllBytes(model)));
        Path file = dir.resolve(name);
        Files.write(file, m.toByteArray());
        return file;
    }

    @Test
    void tableOfAnotherModelIsRefusedUnlessForced() throws IOException {
        Path other = variant("other.onnx", m -> m.toBuilder().setProducerVersion("changed").build());
        Path out = dir.resolve("errors-hash").resolve("other.int8.onnx");
        Files.createDirectories(out.getParent());
        String madeFor = Provenance.sha256(model).substring(0, 12);
        String is = Provenance.sha256(other).substring(0, 12);

        assertFailsWithOneLine(1, CliRun.of("quantize", other.toString(), "--table", table.toString(), "--out",
                out.toString()), table + ": made for model sha256 " + madeFor + "… but other.onnx is " + is
                + "… (--force uses it anyway)", out);
        assertThat(CliRun.of("quantize", other.toString(), "--table", table.toString(), "--out", out.toString(),
                "--force").exitCode()).isZero();
    }

    @Test
    void entropyAsWeightMethodIsAUsageError() throws IOException {
        Path out = dir.resolve("errors-weight-method").resolve("m.onnx");
        Files.createDirectories(out.getParent());

        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--weight-method", "entropy"), "entropy is not a weight calibration method; use max, "
                + "percentile or mse", out);
    }

    @Test
    void outNamingTheTableIsRefusedAndLeavesTheTableAsItWas() throws IOException {
        Path copy = Files.copy(table, dir.resolve("out-is-table.table.json"));
        byte[] before = Files.readAllBytes(copy);

        CliRun run = CliRun.of("quantize", model.toString(), "--table", copy.toString(), "--out", copy.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --out names " + copy + ", which is --table this "
                + "command reads; write it elsewhere");
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
    }

    @Test
    void tableMissingTensorsNamesTheFirstFew() throws IOException {
        CalibrationTable full = CalibrationTable.read(table);
        Map<String, Float> some = new LinkedHashMap<>(full.amaxByTensor());
        some.remove("x");
        some.remove("relu_0.tmp_0");
        Path partial = dir.resolve("partial.table.json");
        new CalibrationTable(some, full.provenance()).write(partial);
        Path out = dir.resolve("errors-missing").resolve("m.onnx");
        Files.createDirectories(out.getParent());

        CliRun run = CliRun.of("quantize", model.toString(), "--table", partial.toString(), "--out", out.toString());

        assertFailsWithOneLine(1, run, partial + ": lacks 2 of the tensors " + model.getFileName()
                + " needs: 'x', 'relu_0.tmp_0' (calibrate this model again, or use a table made for it)", out);
    }

    @Test
    void tableCalibratedForAnotherGridIsRefusedEvenWithForce() throws IOException {
        CalibrationTable full = CalibrationTable.read(table);
        Path out = dir.resolve("errors-bits").resolve("m.onnx");
        Files.createDirectories(out.getParent());
        Path fourBit = withParameter(full, "4bit.table.json", "numBits", "4");
        Path unsigned = withParameter(full, "unsigned.table.json", "unsigned", "true");

        assertFailsWithOneLine(1, CliRun.of("quantize", model.toString(), "--table", fourBit.toString(), "--out",
                out.toString(), "--force"), fourBit + ": calibrated with \"numBits\": \"4\" but quantize writes "
                + "signed 8-bit Q/DQ, and the amax of a 4-bit calibration is no 8-bit range (calibrate again without "
                + "--num-bits)", out);
        assertFailsWithOneLine(1, CliRun.of("quantize", model.toString(), "--table", unsigned.toString(), "--out",
                out.toString()), unsigned + ": calibrated with \"unsigned\": \"true\" but quantize writes signed "
                + "8-bit Q/DQ, and the amax of an unsigned calibration is no signed range (calibrate again without "
                + "--unsigned)", out);
        // The default settings, spelled out, are what quantize expects.
        Path explicit = withParameter(full, "8bit.table.json", "numBits", "8");
        assertThat(CliRun.of("quantize", model.toString(), "--table", explicit.toString(), "--out",
                out.toString()).exitCode()).isZero();
    }

    private static Path withParameter(CalibrationTable t, String name, String key, String value) throws IOException {
        Provenance p = t.provenance();
        Map<String, String> parameters = new LinkedHashMap<>(p.parameters());
        parameters.put(key, value);
        Path file = dir.resolve(name);
        new CalibrationTable(t.amaxByTensor(), new Provenance(p.method(), parameters, p.sampleCount(),
                p.modelFileName(), p.modelSha256(), p.trt4jVersion(), p.dataDescription(), p.createdAt()))
                .write(file);
        return file;
    }

    /** A table that names no model and lacks the model's tensors: the error says both, in one line. */
    @Test
    void aTableForNoKnownModelThatDoesNotFitSaysSo() throws IOException {
        Path mm = TestModels.matMul(dir.resolve("unnamed-mm.onnx"));
        Path table = dir.resolve("unnamed.table.json");
        new CalibrationTable(Map.of("other", 1f), Provenance.unknown()).write(table);
        Path out = dir.resolve("unnamed.int8.onnx");

        assertFailsWithOneLine(1, CliRun.of("quantize", mm.toString(), "--table", table.toString(), "--out",
                out.toString()), table + ": lacks 1 of the tensors unnamed-mm.onnx needs: 'x'; it does not say which "
                + "model it was made for (calibrate this model again, or use a table made for it)", out);
    }

    @Test
    void aNegativeThreadCountIsAUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--threads", "-1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --threads must be 0 (automatic) to 1024, got -1");
        CliRun huge = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--threads", "2147483647");
        assertThat(huge.exitCode()).isEqualTo(2);
        assertThat(huge.errLines()).containsExactly("trt4j: --threads must be 0 (automatic) to 1024, got 2147483647");
    }

    /** Entropy is refused as a weight method: the list of methods an unknown name gets leaves it out. */
    @Test
    void anUnknownWeightMethodListsTheWeightMethods() {
        CliRun run = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--weight-method", "foo",
                "--out", dir.resolve("foo.onnx").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --weight-method foo: unknown weight calibration method "
                + "'foo'; available: max, mse, percentile");
        CliRun label = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--weight-method",
                "percentile-99.9", "--out", dir.resolve("label.onnx").toString());
        assertThat(label.errLines()).singleElement().asString().endsWith("(give a percentile as percentile=99.9)");
    }

    /** A weight percentile with a decimal comma (German, French) is refused with the value to type. */
    @Test
    void aWeightPercentileWithADecimalCommaNamesTheValueToType() throws IOException {
        Path out = dir.resolve("comma.onnx");
        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--weight-method", "percentile=99,9"), "--weight-method percentile=99,9: '99,9' is "
                + "not a number; write the percentile with a decimal point (percentile=99.9)", out);
    }

    @Test
    void aWeightPercentileOfZeroIsRefused() throws IOException {
        Path out = dir.resolve("pct0.onnx");
        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--weight-method", "percentile=0"), "--weight-method percentile must be above 0 (a "
                + "weight range of 0 zeroes every weight), got 0", out);
        // a percentile out of range names the option, not only "method": the table has a method too
        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--weight-method", "percentile=101"), "--weight-method percentile=101: percentile "
                + "must be in range 0 <= percentile <= 100, got 101.0", out);
    }

    @Test
    void exclusionThatMatchesNothingIsRefused() throws IOException {
        Path out = dir.resolve("errors-exclude").resolve("m.onnx");
        Files.createDirectories(out.getParent());

        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--exclude", "Conv@0", "--exclude", "conv_typo"),
                model.getFileName() + ": --exclude 'conv_typo' matches no node name, operator type or node-name "
                        + "pattern", out);
        // Excluding every layer is no partial quantization: the "quantized" model would be the FP32 one.
        assertFailsWithOneLine(2, CliRun.of("quantize", model.toString(), "--table", table.toString(), "--out",
                out.toString(), "--exclude", "Conv", "--exclude", "MatMul"),
                model.getFileName() + ": --exclude keeps every quantizable node in FP32 (54), so the output would be "
                        + "the FP32 model; exclude fewer", out);
    }

    @Test
    void opsetTooOldForQdqIsRefused() throws IOException {
        Path old = variant("opset5.onnx", m -> m.toBuilder().setOpsetImport(0,
                m.getOpsetImport(0).toBuilder().setVersion(5)).build());
        Path out = dir.resolve("errors-opset").resolve("m.onnx");
        Files.createDirectories(out.getParent());

        CliRun run = CliRun.of("quantize", old.toString(), "--table", table.toString(), "--out", out.toString(),
                "--force");

        assertFailsWithOneLine(1, run, "opset5.onnx: model 'paddle-onnx' has opset 5; trt4j raises opsets from 6 on; "
                + "re-export the model at opset 13 or later", out);
    }

    @Test
    void convertRaisesTheOpsetAndTheModelStillReadsTheLines() throws IOException {
        Path raised = dir.resolve("cls.opset13.onnx");
        JsonNode r = json(CliRun.of("convert", "--opset", "13", model.toString(), "--out", raised.toString(),
                "--json"));

        assertThat(r.get("sourceOpset").asLong()).isEqualTo(11);
        assertThat(r.get("opset").asLong()).isEqualTo(13);
        assertThat(r.get("precision").asText()).isEqualTo("fp32");
        assertThat(r.get("fixedShapes").isNull()).isTrue();
        assertThat(ModelProto.parseFrom(Files.readAllBytes(raised)).getOpsetImport(0).getVersion()).isEqualTo(13);
        JsonNode e = json(CliRun.of("evaluate", "--reference", model.toString(), "--candidate", raised.toString(),
                "--samples", "16", "--json"));
        assertThat(e.get("outputs").get(0).get("maxAbsoluteError").asDouble()).isLessThan(1e-5);

        CliRun neither = CliRun.of("convert", model.toString(), "--out", dir.resolve("none.onnx").toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("give --fp16, --fold, --opset 13, --fix-input or --fix-shapes");
    }

    @Test
    void convertFixesInputShapesAndRefusesAValueOfTheWrongSize() throws IOException {
        Path fixed = dir.resolve("cls.fixed.onnx");
        JsonNode r = json(CliRun.of("convert", model.toString(), "--fix-shapes", "x:1x3x48x192", "--out",
                fixed.toString(), "--json"));

        assertThat(r.get("foldedIfs")).isEmpty();
        assertThat(r.get("fixedShapes").get("x")).extracting(JsonNode::asLong).containsExactly(1L, 3L, 48L, 192L);
        assertThat(r.get("castsAdded").isNull()).as("no --fp16: the key is there, null").isTrue();
        var dims = ModelProto.parseFrom(Files.readAllBytes(fixed)).getGraph().getInput(0).getType().getTensorType()
                .getShape().getDimList();
        assertThat(dims).extracting(d -> d.getDimValue()).containsExactly(1L, 3L, 48L, 192L);

        Path bad = dir.resolve("errors-fix").resolve("m.onnx");
        Files.createDirectories(bad.getParent());
        assertFailsWithOneLine(2, CliRun.of("convert", model.toString(), "--fix-input", "x=1,2", "--out",
                bad.toString()), model.getFileName() + ": --fix-input: input 'x' has a dimension that is not fixed "
                + "(?); only fixed shapes can be fixed: give it one with --fix-shapes, or give one to an input that "
                + "shares its dimension names", bad);
    }

    @Test
    void calibratingAModelWhoseNetworkSitsInAnIfPointsToTheFold() throws IOException {
        // The classifier's whole graph moved into both branches of an If on a constant condition.
        Path wrapped = variant("wrapped.onnx", m -> {
            var body = m.getGraph().toBuilder().clearInput().clearInitializer().setName("body");
            var branch = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                    .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body);
            var g = m.getGraph().toBuilder().clearNode().addNode(NodeProto.newBuilder().setOpType("Constant")
                    .setName("always").addOutput("cond").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                            .setName("value").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                            .setT(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setDataType(9)
                                    .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1})))))
                    .addNode(NodeProto.newBuilder().setOpType("If").setName("wrap").addInput("cond")
                            .addOutput(m.getGraph().getOutput(0).getName())
                            .addAttribute(branch.clone().setName("then_branch"))
                            .addAttribute(branch.clone().setName("else_branch")));
            return m.toBuilder().setGraph(g).build();
        });
        Path out = dir.resolve("errors-wrapped");

        CliRun run = CliRun.of("calibrate", wrapped.toString(), "--out", out.toString(), "--samples", "8");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + wrapped + ": no activation tensors to calibrate in the "
                + "main graph; it holds 1 If node(s), whose branches are not calibrated or converted until folded "
                + "(trt4j convert --fix-input NAME=VALUE and/or --fix-shapes SPEC)");
        assertThat(out).doesNotExist();
        JsonNode inspected = json(CliRun.of("inspect", wrapped.toString(), "--json"));
        assertThat(inspected.get("controlFlowNodes").asLong()).isEqualTo(1);
        assertThat(inspected.get("ifNodes").asLong()).as("foldable by convert --fix-input").isEqualTo(1);
        assertThat(inspected.get("loopOrScanNodes").asLong()).isZero();
        assertThat(CliRun.of("inspect", wrapped.toString()).out()).contains("control    1 If node(s), whose branches are not calibrated or converted until folded");
        assertThat(json(CliRun.of("inspect", model.toString(), "--json")).get("controlFlowNodes").asLong()).isZero();
    }

    @Test
    void fp16KeepsAnOperatorOfAnotherDomainInFp32() throws IOException {
        Path custom = variant("custom.onnx", m -> withMystery(m, true));
        Path out = dir.resolve("custom.fp16.onnx");

        JsonNode r = json(CliRun.of("convert", "--fp16", custom.toString(), "--out", out.toString(), "--json"));

        assertThat(r.get("fp32Nodes")).extracting(JsonNode::asText).contains("mystery");
        assertThat(out).exists();
    }

    @Test
    void fp16OfAnUntypedTensorIsRefused() throws IOException {
        Path custom = variant("untyped.onnx", m -> withMystery(m, false));
        Path out = dir.resolve("errors-fp16").resolve("m.onnx");
        Files.createDirectories(out.getParent());

        assertFailsWithOneLine(1, CliRun.of("convert", "--fp16", custom.toString(), "--out", out.toString()),
                "untyped.onnx: FP16 conversion cannot tell the element type of output 'mystery_out' of node "
                        + "'mystery' (com.example.Mystery), and ONNX Runtime cannot either", out);
    }

    /** The model with a com.example.Mystery node after its first output; {@code declared}: it writes that output. */
    private static ModelProto withMystery(ModelProto m, boolean declared) {
        var g = m.getGraph().toBuilder();
        String output = g.getOutput(0).getName();
        g.addNode(NodeProto.newBuilder().setOpType("Mystery").setDomain("com.example").setName("mystery")
                .addInput(output).addOutput("mystery_out"));
        if (declared) {
            g.setOutput(0, g.getOutput(0).toBuilder().setName("mystery_out"));
        } else {
            g.addNode(NodeProto.newBuilder().setOpType("Identity").setName("after").addInput("mystery_out")
                    .addOutput("after_out"));
            g.setOutput(0, g.getOutput(0).toBuilder().setName("after_out"));
        }
        return m.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1))
                .setGraph(g).build();
    }

    @Test
    void fp16KeepsWhatKeepFp32NamesAndRefusesATypo() throws IOException {
        Path out = dir.resolve("cls.keep.fp16.onnx");
        JsonNode r = json(CliRun.of("convert", "--fp16", model.toString(), "--out", out.toString(), "--json",
                "--keep-fp32", "Conv", "--keep-fp32", "^Relu@"));

        List<String> fp32 = new ArrayList<>();
        r.get("fp32Nodes").forEach(n -> fp32.add(n.asText()));
        JsonNode plain = json(CliRun.of("convert", "--fp16", model.toString(), "--out",
                dir.resolve("cls.plain.fp16.onnx").toString(), "--json"));
        assertThat(fp32).contains("Conv@0", "Conv@52", "Relu@0").hasSize(plain.get("fp32Nodes").size() + 53 + 15);

        Path bad = dir.resolve("errors-keep").resolve("m.onnx");
        Files.createDirectories(bad.getParent());
        assertFailsWithOneLine(2, CliRun.of("convert", "--fp16", model.toString(), "--out", bad.toString(),
                "--keep-fp32", "NoSuchLayer"), model.getFileName() + ": --keep-fp32 'NoSuchLayer' matches no node name, "
                + "operator type or node-name pattern", bad);
    }

    @Test
    void evaluateTaskThatDoesNotFitTheModelSaysWhy() {
        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--task", "ctc", "--samples", "8");

        assertThat(run.exitCode()).as("a --task the model contradicts is a usage error").isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: task ctc needs the recognizer's keys file (--keys)");

        CliRun detection = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--task", "detection", "--samples", "8");

        assertThat(detection.exitCode()).isEqualTo(2);
        assertThat(detection.errLines()).containsExactly("trt4j: task detection: the model has no image input "
                + "[N,3,H,W] and probability-map output [N,1,H,W]; its outputs are [save_infer_model/scale_0.tmp_1 "
                + "[?,2]]");
    }
}
