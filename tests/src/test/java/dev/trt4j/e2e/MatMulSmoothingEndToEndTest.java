package dev.trt4j.e2e;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.data.text.BundledSentences;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code equalize} on all-MiniLM-L6-v2: SmoothQuant moves the outlier channels of each MatMul input with constant
 * weights (LayerNorm and GELU outputs) into the weights, and static INT8 with every MatMul quantized then stays
 * closer to FP32.
 */
class MatMulSmoothingEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path model;
    static Path tokenizer;
    static Path calibration;
    static Path evaluation;

    @BeforeAll
    static void copyModelAndSentences() throws IOException {
        model = RealModels.copy(RealModels.MINILM, work);
        tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, work);
        List<String> sentences = BundledSentences.load();
        // Disjoint halves, as in docs/accuracy.md: ranges from one, accuracy on the other.
        calibration = Files.write(work.resolve("calib.txt"), sentences.subList(0, 64));
        evaluation = Files.write(work.resolve("eval.txt"), sentences.subList(1500, 1564));
    }

    @Test
    void smoothedStaticInt8IsCloserToFp32ThanUnsmoothed() throws IOException {
        Path smoothed = work.resolve("minilm.smooth.onnx");
        JsonNode eq = json(CliRun.of(withText("equalize", model.toString(), "--data", calibration.toString(),
                "--samples", "64", "--out", smoothed.toString(), "--json")));

        // Per layer, four inputs: the LayerNorm outputs feeding query/key/value and the FFN's first MatMul, the
        // attention context feeding its output projection, and the GELU output feeding the FFN's second MatMul. The
        // attention-score MatMuls have no constant weight. The searched strength may leave an input as it is.
        assertThat(eq.get("alphas").size()).isBetween(18, 24);
        assertThat(eq.get("smoothed").size()).isBetween(30, 36);
        assertThat(eq.get("smoothed").fieldNames()).toIterable().allMatch(name -> name.matches("/encoder/layer\\.[0-5]/"
                + "(attention/self/(query|key|value)|attention/output/dense|intermediate/dense|output/dense)/MatMul"));
        assertThat(eq.get("alphas").elements()).toIterable()
                .allSatisfy(a -> assertThat(a.asDouble()).isBetween(0.5, 1.0));
        JsonNode fp32Equivalent = json(CliRun.of(withText("evaluate", "--reference", model.toString(),
                "--candidate", smoothed.toString(), "--data", evaluation.toString(), "--samples", "16", "--json")));
        assertThat(fp32Equivalent.at("/outputs/0/cosine").asDouble()).isGreaterThan(0.99999);

        // Each searched input says how much smoothing cut its INT8 MatMuls' error (at least 1: none is made worse).
        assertThat(eq.get("alphaSearched").asBoolean()).isTrue();
        assertThat(eq.get("gains").size()).isEqualTo(24);
        assertThat(eq.get("gains").elements()).toIterable()
                .allSatisfy(g -> assertThat(g.asDouble()).isGreaterThanOrEqualTo(1.0));

        // The attention context's smoothing costs six Muls and, measured, buys no accuracy (docs/accuracy.md).
        Path lean = work.resolve("minilm.smooth-lean.onnx");
        JsonNode leanEq = json(CliRun.of(withText("equalize", model.toString(), "--data", calibration.toString(),
                "--samples", "64", "--no-smooth", "attention/output/dense", "--out", lean.toString(), "--json")));
        assertThat(leanEq.get("smoothed").fieldNames()).toIterable()
                .noneMatch(name -> name.contains("attention/output/dense")).hasSize(eq.get("smoothed").size() - 6);
        assertThat(leanEq.get("gains").size()).isEqualTo(18);

        double plain = int8MeanCosine(model, "plain");
        double smooth = int8MeanCosine(smoothed, "smooth");
        double leanSmooth = int8MeanCosine(lean, "lean");

        // Measured: 0.980 → 0.997 on 128 sentences of 128 tokens (docs/accuracy.md).
        assertThat(smooth).as("INT8 mean cosine, unsmoothed %.4f", plain).isGreaterThan(plain + 0.01)
                .isGreaterThan(0.99);
        assertThat(leanSmooth).as("INT8 mean cosine without the context's smoothing, all smoothed %.4f", smooth)
                .isGreaterThan(smooth - 0.002).isGreaterThan(0.99);
    }

    @Test
    void aDynamicFeedForwardOutputNeedsHalfTheMulsAndStaysAboveTheShippedDynamicModel() throws IOException {
        // SmoothQuant on the LayerNorm outputs only; the feed-forward output takes a range measured on each run.
        Path eq = work.resolve("minilm.smooth-ln.onnx");
        JsonNode equalized = json(CliRun.of(withText("equalize", model.toString(), "--data", calibration.toString(),
                "--samples", "64", "--no-smooth", "/output/dense", "--out", eq.toString(), "--json")));
        assertThat(equalized.get("gains").size()).as("smoothed inputs").isEqualTo(12);
        Path cal = work.resolve("cal-ln");
        CliRun calibrated = CliRun.of(withText("calibrate", eq.toString(), "--data", calibration.toString(),
                "--method", "max", "--all-tensors", "--samples", "64", "--out", cal.toString()));
        assertThat(calibrated.exitCode()).as(calibrated.err()).isZero();
        Path hybrid = work.resolve("minilm.hybrid.onnx");
        JsonNode q = json(CliRun.of("quantize", eq.toString(), "--table", cal.resolve("max.table.json").toString(),
                "--runtime", "onnxruntime-cpu", "--exclude", "self/MatMul", "--dynamic", "layer\\.\\d+/output/dense",
                "--out", hybrid.toString(), "--json"));
        assertThat(q.get("dynamicNodes")).hasSize(6).extracting(JsonNode::asText)
                .allMatch(n -> n.matches("/encoder/layer\\.[0-5]/output/dense/MatMul"));
        // Each layer's two "add and normalize" steps follow an integer MatMul; the embeddings' LayerNorm does not.
        List<NodeProto> nodes = ModelProto.parseFrom(Files.readAllBytes(hybrid)).getGraph().getNodeList();
        assertThat(nodes).filteredOn(n -> n.getOpType().equals("SkipLayerNormalization")).hasSize(12)
                .allMatch(n -> n.getDomain().equals("com.microsoft"));
        assertThat(nodes).filteredOn(n -> n.getOpType().equals("ReduceMean")).hasSize(2);
        assertThat(q.get("skipLayerNorms").asInt()).isEqualTo(12);

        Path shipped = RealModels.copy(RealModels.MINILM_DYNAMIC_INT8, work);
        double hybridCosine = cpuMeanCosine(hybrid);
        double shippedCosine = cpuMeanCosine(shipped);
        // Measured: 0.9941 against 0.9900 on 128 sentences of 128 tokens (docs/accuracy.md).
        assertThat(hybridCosine).as("hybrid static/dynamic INT8, shipped dynamic model %.4f", shippedCosine)
                .isGreaterThan(shippedCosine).isGreaterThan(0.99);
    }

    /** The mean cosine of {@code candidate} to FP32 with ONNX Runtime's integer kernels, as it runs in production. */
    private static double cpuMeanCosine(Path candidate) throws IOException {
        JsonNode r = json(CliRun.of(withText("evaluate", "--reference", model.toString(), "--candidate",
                candidate.toString(), "--data", evaluation.toString(), "--samples", "64", "--ort-optimizations",
                "--json")));
        return r.at("/task/candidate/meanCosine").asDouble();
    }

    /** calibrate (max) → quantize → evaluate against the original FP32 model: the INT8 model's mean cosine. */
    private static double int8MeanCosine(Path fp32, String name) throws IOException {
        Path cal = work.resolve("cal-" + name);
        CliRun calibrated = CliRun.of(withText("calibrate", fp32.toString(), "--data", calibration.toString(),
                "--method", "max", "--samples", "64", "--out", cal.toString()));
        assertThat(calibrated.exitCode()).as(calibrated.err()).isZero();
        Path int8 = work.resolve(name + ".int8.onnx");
        CliRun quantized = CliRun.of("quantize", fp32.toString(), "--table", cal.resolve("max.table.json").toString(),
                "--out", int8.toString());
        assertThat(quantized.exitCode()).as(quantized.err()).isZero();
        JsonNode r = json(CliRun.of(withText("evaluate", "--reference", model.toString(), "--candidate",
                int8.toString(), "--data", evaluation.toString(), "--samples", "64", "--json")));
        return r.at("/task/candidate/meanCosine").asDouble();
    }

    /** The command with MiniLM's tokenizer and sequence length appended. */
    private static String[] withText(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--tokenizer";
        all[args.length + 1] = tokenizer.toString();
        all[args.length + 2] = "--seq-len";
        all[args.length + 3] = "64";
        return all;
    }

    private static JsonNode json(CliRun run) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }
}
