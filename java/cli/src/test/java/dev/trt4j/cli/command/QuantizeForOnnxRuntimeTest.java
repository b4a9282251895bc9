package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.table.CalibrationTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code quantize --runtime onnxruntime-cpu} on the embedded PP-OCR classifier: ONNX Runtime fuses every quantized
 * Conv into QLinearConv, the fused model keeps the classifier's accuracy, and the table must hold the Conv outputs.
 */
class QuantizeForOnnxRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path allTensors;

    @BeforeAll
    static void calibrate() {
        model = DefaultModel.file();
        CliRun run = CliRun.of("calibrate", "--samples", "64", "--method", "max", "--all-tensors", "--out",
                dir.resolve("cal").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        allTensors = dir.resolve("cal").resolve("max.table.json");
    }

    @Test
    void everyQuantizedConvIsFusedAndTheFusedModelKeepsTheAccuracy() throws IOException {
        Path out = dir.resolve("cls.ort.onnx");
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--runtime",
                "onnxruntime-cpu", "--out", out.toString(), "--json");
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();
        JsonNode q = JSON.readTree(quantize.out());
        assertThat(q.get("runtime").asText()).isEqualTo("onnxruntime-cpu");
        assertThat(q.get("reduceRange").asBoolean()).as("7-bit weights by default").isTrue();
        assertThat(q.get("residualAdds")).isEmpty();
        // The classifier's 11 depthwise Convs stay FP32 by default; each of the other 42 becomes a QLinearConv.
        assertThat(q.get("excludedNodes")).hasSize(11);
        assertThat(q.get("quantizedNodes")).extracting(JsonNode::asText).filteredOn(n -> n.startsWith("Conv"))
                .hasSize(42);
        // Two depthwise Convs sit between a DequantizeLinear and a QuantizeLinear, so ONNX Runtime quantizes them
        // itself: 44 QLinearConvs, and the output names the two so that the counts add up.
        JsonNode ort = q.get("onnxruntimeCpu");
        assertThat(ort.get("fp32ConvsQuantizedByOnnxRuntime")).extracting(JsonNode::asText)
                .containsExactly("Conv@7", "Conv@10");
        assertThat(q.get("excludedNodes")).extracting(JsonNode::asText).contains("Conv@7", "Conv@10");
        assertThat(ort.get("integerKernels").get("com.microsoft:QLinearConv").asInt()).isEqualTo(42 + 2);
        assertThat(ort.get("floatKernels").path("com.microsoft.nchwc:Conv").asInt()
                + ort.get("floatKernels").path("Conv").asInt()).isEqualTo(11 - 2);

        CliRun evaluate = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", out.toString(),
                "--samples", "128", "--ort-optimizations", "--json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        JsonNode task = JSON.readTree(evaluate.out()).get("task");
        double fp32 = task.get("reference").get("accuracy").asDouble();
        assertThat(task.get("candidate").get("accuracy").asDouble()).isGreaterThanOrEqualTo(fp32 - 0.03);
    }

    @Test
    void eightBitWeightsAndDepthwiseConvsOnRequestAndTheTextSaysWhatOnnxRuntimeRuns() {
        Path out = dir.resolve("cls.ort8.onnx");
        CliRun run = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--runtime",
                "onnxruntime-cpu", "--no-reduce-range", "--no-skip-depthwise", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("laid out for onnxruntime-cpu").doesNotContain("7-bit")
                .contains("ONNX Runtime CPU, integer kernels: ").contains("QLinearConv 53")
                .doesNotContain("quantizes itself");
    }

    @Test
    void theTextNamesTheFp32ConvsOnnxRuntimeQuantizesItself() {
        Path out = dir.resolve("cls.ort.text.onnx");
        CliRun run = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--runtime",
                "onnxruntime-cpu", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("43 nodes quantized (11 kept in FP32,").contains("QLinearConv 44")
                .contains("ONNX Runtime CPU, QLinearConv includes 2 Convs kept in FP32 here that it quantizes itself "
                        + "(one INT8 weight scale per tensor; each reads a DequantizeLinear and feeds a "
                        + "QuantizeLinear): Conv@7, Conv@10");
    }

    @Test
    void aTableWithoutTheConvOutputsAsksForAllTensors() throws IOException {
        // Keep only what the TensorRT layout reads: the inputs of quantized operators.
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        List<String> inputs = new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(proto);
        CalibrationTable full = CalibrationTable.read(allTensors);
        Map<String, Float> some = new LinkedHashMap<>();
        inputs.forEach(t -> some.put(t, full.amaxByTensor().get(t)));
        Path table = dir.resolve("inputs.table.json");
        new CalibrationTable(some, full.provenance()).write(table);
        Path out = dir.resolve("missing.onnx");

        CliRun run = CliRun.of("quantize", model.toString(), "--table", table.toString(), "--runtime",
                "onnxruntime-cpu", "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: " + table + ": lacks ")
                .endsWith("(--runtime onnxruntime-cpu also quantizes Conv outputs: calibrate with --all-tensors)");
        assertThat(out).doesNotExist();
    }

    @Test
    void reducedRangeIsRefusedForTensorRt() {
        CliRun run = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--reduce-range",
                "--out", dir.resolve("x.onnx").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --reduce-range is for --runtime onnxruntime-cpu, not tensorrt: "
                + "that layout always writes 8-bit weights");

        CliRun full = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--no-reduce-range",
                "--out", dir.resolve("x.onnx").toString());
        assertThat(full.exitCode()).isEqualTo(2);
        assertThat(full.errLines()).singleElement().asString()
                .isEqualTo("trt4j: --no-reduce-range is for --runtime onnxruntime-cpu, not tensorrt: that layout always "
                        + "writes 8-bit weights");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void anUnknownRuntimeIsNamed() {
        CliRun run = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--runtime",
                "openvino", "--out", dir.resolve("y.onnx").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .contains("unknown quantization target 'openvino'; use tensorrt or onnxruntime-cpu");
    }

    @Test
    void biasCorrectionIsRefusedForThisLayoutBeforeAnySampleIsRun() {
        Path out = dir.resolve("corrected.onnx");
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--runtime",
                "onnxruntime-cpu", "--bias-correction", "--out", out.toString());
        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: --bias-correction corrects the FP32 biases of the "
                + "TensorRT layout; --runtime onnxruntime-cpu stores biases as INT32, so use one or the other");
        assertThat(out).doesNotExist();

        CliRun sensitivity = CliRun.of("sensitivity", model.toString(), "--runtime", "onnxruntime-cpu",
                "--bias-correction", "--out", dir.resolve("s").toString());
        assertThat(sensitivity.exitCode()).isEqualTo(2);
        assertThat(sensitivity.errLines().get(0)).contains("--bias-correction corrects the FP32 biases");
    }

    @Test
    void samplesWithoutBiasCorrectionAreRefusedRatherThanIgnored() {
        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--data",
                dir.toString(), "--out", dir.resolve("unused.onnx").toString());
        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: --data is read only by --bias-correction (the "
                + "ranges come from --table); add --bias-correction or drop --data");
        CliRun tokenizer = CliRun.of("quantize", model.toString(), "--table", allTensors.toString(), "--tokenizer",
                dir.resolve("tokenizer.json").toString(), "--out", dir.resolve("unused.onnx").toString());
        assertThat(tokenizer.errLines()).containsExactly("trt4j: --tokenizer is read only by --bias-correction (the "
                + "ranges come from --table); add --bias-correction or drop --tokenizer");
    }

    @Test
    void aModelOfDepthwiseConvsOnlyNamesTheDefaultThatKeepsThemInFp32() throws IOException {
        Path dw = dev.trt4j.cli.TestModels.depthwise(dir.resolve("dw.onnx"));
        CliRun calibrate = CliRun.of("calibrate", dw.toString(), "--method", "max", "--all-tensors", "--samples", "4",
                "--out", dir.resolve("dw-cal").toString());
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        Path out = dir.resolve("dw.ort.onnx");

        CliRun quantize = CliRun.of("quantize", dw.toString(), "--table",
                dir.resolve("dw-cal").resolve("max.table.json").toString(), "--runtime", "onnxruntime-cpu",
                "--out", out.toString());

        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: dw.onnx: --skip-depthwise (the default for "
                + "onnxruntime-cpu) keeps every quantizable node in FP32 (1), so the output would be the FP32 model; "
                + "add --no-skip-depthwise");
        assertThat(out).doesNotExist();
    }

    /** A model without Convs has no depthwise Conv to skip: the exclusion alone is named (it blamed --skip-depthwise). */
    @Test
    void excludingEveryMatMulOfAModelWithoutConvsNamesTheExclusionAlone() throws Exception {
        Path mm = dev.trt4j.cli.TestModels.matMul(dir.resolve("mm-only.onnx"));
        CliRun calibrate = CliRun.of("calibrate", mm.toString(), "--samples", "8", "--method", "max", "--out",
                dir.resolve("mm-only-cal").toString());
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();

        CliRun quantize = CliRun.of("quantize", mm.toString(), "--table",
                dir.resolve("mm-only-cal").resolve("max.table.json").toString(), "--runtime", "onnxruntime-cpu",
                "--exclude", "MatMul", "--out", dir.resolve("mm-only.ort.onnx").toString());

        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: mm-only.onnx: --exclude keeps every quantizable node in "
                + "FP32 (1), so the output would be the FP32 model; exclude fewer");
    }
}
