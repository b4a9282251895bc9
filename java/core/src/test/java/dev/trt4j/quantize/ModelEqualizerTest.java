package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelEqualizerTest {
    private static final long[] SHAPE = {2, 5, 4};

    /** x → Relu → t → MatMul(w [4, 3]) → y: one MatMul input, made by an operator no constant passes through. */
    private static OnnxModel model() {
        ModelProto proto = new ModelBuilder("mm", 13).input("x", 2, 5, 4).output("y")
                .initializer("w", new long[] {4, 3}, gaussian(3, 12, 0.5))
                .node("Relu", "relu", List.of("x"), List.of("t"))
                .node("MatMul", "mm", List.of("t", "w"), List.of("y")).build();
        return OnnxModel.fromProto(proto, Path.of("mm.onnx"));
    }

    /** Channel 2 of x is 30 times wider than the others. */
    private static List<float[]> batches() {
        float[] a = gaussian(21, 40, 1.0);
        float[] b = gaussian(22, 40, 1.0);
        for (int i = 2; i < 40; i += 4) {
            a[i] *= 30;
            b[i] *= 30;
        }
        return List.of(a, b);
    }

    @Test
    void aFixedStrengthSmoothsWithTheChannelRangesOfTheWholePass() {
        OnnxModel model = model();
        List<float[]> batches = batches();
        float[] channelMax = new float[4];
        for (float[] b : batches) {
            for (int i = 0; i < b.length; i++) {
                channelMax[i % 4] = Math.max(channelMax[i % 4], Math.max(b[i], 0f)); // after Relu
            }
        }

        ModelEqualizer.Result r = ModelEqualizer.withAlpha(0.5).equalize(model,
                FloatBatchSource.of("x", SHAPE, batches), OrtRunnerOptions.defaults());

        assertThat(r.equalized()).isEmpty();
        assertThat(r.alphas()).containsExactly(Map.entry("t", 0.5));
        assertThat(r.model()).isEqualTo(MatMulSmoother.smooth(model.proto(), Map.of("t", channelMax), 0.5).model());
    }

    @Test
    void theSearchedStrengthComesFromTheGridAndSmoothsTheOutlierChannel() {
        ModelEqualizer.Result r = ModelEqualizer.searchingAlpha().equalize(model(),
                FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults());

        assertThat(r.smoothed()).containsExactly(Map.entry("mm", "t"));
        assertThat(MatMulSmoother.ALPHA_GRID).contains(r.alphas().get("t"));
        assertThat(r.gains()).containsOnlyKeys("t");
        assertThat(r.gains().get("t")).isGreaterThan(1);
    }

    @Test
    void aMatMulLeftUnsmoothedKeepsItsInputAndAValueThatSelectsNoSmoothableMatMulIsRefused() {
        OnnxModel model = model();
        NodeSelection byType = NodeSelection.parse(model.proto().getGraph(), List.of("MatMul"));
        assertThat(ModelEqualizer.unsmoothedMatMuls(model.proto(), byType)).containsExactly("mm");

        // the only MatMul left unsmoothed and no depthwise Conv: the output would be the model unchanged
        assertThatThrownBy(() -> ModelEqualizer.searchingAlpha().withoutSmoothing(Set.of("mm")).equalize(model,
                FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults()))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class)
                .hasMessageEndingWith(": --no-smooth leaves nothing to equalize (no depthwise Conv to equalize, and "
                        + "every MatMul or Gemm input is excluded from smoothing)");
        NodeSelection relu = NodeSelection.parse(model.proto().getGraph(), List.of("relu"));
        assertThatThrownBy(() -> ModelEqualizer.unsmoothedMatMuls(model.proto(), relu))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'relu' selects no MatMul or Gemm whose input could be smoothed (1 could), so it changes "
                        + "nothing");
        assertThatThrownBy(() -> ModelEqualizer.withAlpha(0.5).withoutSmoothing(Set.of("mm")).equalize(model,
                FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults()))
                .isInstanceOf(dev.trt4j.InvalidOptionException.class).hasMessageContaining("--no-smooth");
    }

    /**
     * Unnamed nodes are known by {@code OpType#index}; the Muls smoothing inserts would move the indexes, so a
     * --no-smooth label, the report and the written model's nodes all keep the input model's labels.
     */
    @Test
    void unnamedNodesKeepTheInputModelsLabelsThroughTheRewrite() {
        ModelProto proto = new ModelBuilder("chain", 13).input("x", 2, 5, 4).output("y")
                .initializer("w1", new long[] {4, 4}, gaussian(3, 16, 0.5))
                .initializer("w2", new long[] {4, 3}, gaussian(4, 12, 0.5))
                .node("Relu", "", List.of("x"), List.of("t"))
                .node("MatMul", "", List.of("t", "w1"), List.of("h"))
                .node("Relu", "", List.of("h"), List.of("u"))
                .node("MatMul", "", List.of("u", "w2"), List.of("y")).build();
        OnnxModel model = OnnxModel.fromProto(proto, Path.of("chain.onnx"));
        NodeSelection second = NodeSelection.parse(proto.getGraph(), List.of("MatMul#3"));
        assertThat(ModelEqualizer.unsmoothedMatMuls(proto, second)).containsExactly("MatMul#3");

        ModelEqualizer.Result r = ModelEqualizer.withAlpha(0.5).withoutSmoothing(Set.of("MatMul#3")).equalize(model,
                FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults());

        assertThat(r.smoothed()).containsExactly(Map.entry("MatMul#1", "t"));
        assertThat(r.model().getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("MatMul"))
                .extracting(n -> n.getName()).containsExactly("MatMul#1", "MatMul#3");
        assertThat(r.model().getGraph().getNodeList()).filteredOn(n -> n.getName().equals("MatMul#3"))
                .singleElement().satisfies(n -> assertThat(n.getInput(0)).isEqualTo("u"));
    }

    @Test
    void aModelWithNothingToRescaleIsRefusedInOneLine() {
        ModelProto relu = new ModelBuilder("relu", 13).input("x", 2, 5, 4).output("y")
                .node("Relu", "relu", List.of("x"), List.of("y")).build();

        assertThat(ModelEqualizer.appliesTo(relu)).isFalse();
        assertThatThrownBy(() -> ModelEqualizer.searchingAlpha().equalize(OnnxModel.fromProto(relu,
                Path.of("relu.onnx")), FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessage("relu.onnx: no depthwise Conv whose input is made by a "
                        + "Mul by a constant, and no MatMul or Gemm with constant weights; nothing to equalize");
        assertThatThrownBy(() -> ModelEqualizer.withAlpha(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQuantizedModelIsRefusedAsSuch() {
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(TinyModels.matMul(13),
                java.util.Map.of("x", 1f)).model();

        assertThatThrownBy(() -> ModelEqualizer.searchingAlpha().equalize(OnnxModel.fromProto(q,
                Path.of("mm.int8.onnx")), FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessage("mm.int8.onnx: is quantized already (2 "
                        + "DequantizeLinear, 2 QuantizeLinear); equalize the FP32 model, then calibrate and quantize "
                        + "the result");
    }

    /** Its float16 weights are no constants the equalizer rescales: said as such, not "nothing to equalize". */
    @Test
    void anFp16ModelIsRefusedAsSuch() {
        ModelProto half = new Fp16Converter().convert(TinyModels.matMul(13)).model();

        assertThatThrownBy(() -> ModelEqualizer.searchingAlpha().equalize(OnnxModel.fromProto(half,
                Path.of("mm.fp16.onnx")), FloatBatchSource.of("x", SHAPE, batches()), OrtRunnerOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageStartingWith("model 'mm.fp16.onnx' is FP16 (")
                .hasMessageEndingWith("; equalize the FP32 model");
    }

    @Test
    void aStreamingModelIsMeasuredWithItsStateFedBack() {
        // stateN = 0.5 · state + x, r = mean of stateN's two rows, y = MatMul(r, w1): the data feeds x only
        OnnxModel model = OnnxModel.fromProto(dev.trt4j.onnx.TestModels.decayingState(0.5f), Path.of("stream.onnx"));
        float[] x = {1, 2, 3, 4};
        List<float[]> batches = List.of(x, x, x);

        ModelEqualizer.Result r = ModelEqualizer.withAlpha(0.5).equalize(model,
                FloatBatchSource.of("x", new long[] {1, 4}, batches), OrtRunnerOptions.defaults(),
                dev.trt4j.data.StateFeedback.parse(List.of("stateN=state")));

        // carried over three batches the state reaches x · (1 + 1/2 + 1/4); from a zero state each time, only x
        float[] carried = {1.75f, 3.5f, 5.25f, 7f};
        assertThat(r.alphas()).containsExactly(Map.entry("r", 0.5));
        assertThat(r.model()).isEqualTo(MatMulSmoother.smooth(NodeNames.nameUnnamed(model.proto()),
                Map.of("r", carried), 0.5).model());
    }
}
