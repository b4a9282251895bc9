package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.stats.ChannelMaxCollector;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.floats;
import static dev.trt4j.quantize.QdqModels.node;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DepthwiseEqualizerTest {
    private static final long[] SHAPE = {2, 3, 5, 5};

    /** x → Mul(a) → Add(b) → depthwise 3×3 Conv (3 channels) → y, or a pointwise Conv when {@code group} is 1. */
    private static ModelProto model(long group) {
        return new ModelBuilder("dw", 13).input("x", 2, 3, 5, 5).output("y")
                .initializer("a", new long[] {1}, new float[] {2f})
                .initializer("b", new long[] {}, new float[] {0.5f})
                .initializer("w", group == 1 ? new long[] {3, 3, 1, 1} : new long[] {3, 1, 3, 3},
                        gaussian(3, group == 1 ? 9 : 27, 0.5))
                .initializer("bias", new long[] {3}, new float[] {0.1f, 0.2f, 0.3f})
                .node("Mul", "mul", List.of("a", "x"), List.of("m"))
                .node("Add", "add", List.of("m", "b"), List.of("t"))
                .node("Conv", "conv", List.of("t", "w", "bias"), List.of("y"), integer("group", group),
                        ints("pads", group == 1 ? 0 : 1, group == 1 ? 0 : 1, group == 1 ? 0 : 1,
                                group == 1 ? 0 : 1))
                .build();
    }

    @Test
    void scalesChannelsToOneRangeWithoutChangingTheFunction() throws Exception {
        ModelProto fp32 = model(3);
        assertThat(DepthwiseEqualizer.equalizableInputs(fp32)).containsExactly("t");

        DepthwiseEqualizer.Result r = DepthwiseEqualizer.equalize(fp32, Map.of("t", new float[] {4f, 0.4f, 0f}));

        assertThat(r.equalized()).containsExactly(Map.entry("conv", "t"));
        ModelProto eq = r.model();
        // Channel 1 spans a tenth of channel 0: scaled by 10; the all-zero channel 2 keeps its scale.
        String a = node(eq, "mul").getInput(0);
        assertThat(tensor(eq, a).getDimsList()).containsExactly(1L, 3L, 1L, 1L);
        assertThat(floats(eq, a)).containsExactly(2f, 20f, 2f);
        assertThat(floats(eq, node(eq, "add").getInput(1))).containsExactly(0.5f, 5f, 0.5f);
        // The replaced weights and constants are gone, not carried alongside their replacements.
        assertThat(eq.getGraph().getInitializerList()).extracting(t -> t.getName())
                .doesNotContain("w", "a", "b").contains("bias");
        float[] x = gaussian(5, 150, 1.0);
        float[] before = OrtRunner.runOnce(fp32, "x", x, SHAPE, "y");
        float[] after = OrtRunner.runOnce(eq, "x", x, SHAPE, "y");
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i]).isCloseTo(before[i], org.assertj.core.api.Assertions.within(1e-4f));
        }
    }

    @Test
    void leavesPointwiseConvsAndSharedInputsAlone() {
        assertThat(DepthwiseEqualizer.equalizableInputs(model(1))).isEmpty();
        ModelProto shared = model(3).toBuilder().setGraph(model(3).getGraph().toBuilder()
                .addOutput(ModelBuilder.valueInfo("t", 1, null))).build();
        assertThat(DepthwiseEqualizer.equalizableInputs(shared)).isEmpty();
    }

    @Test
    void refusesMissingRanges() {
        assertThatThrownBy(() -> DepthwiseEqualizer.equalize(model(3), Map.of("t", new float[] {1f})))
                .isInstanceOf(Trt4jException.class).hasMessage("equalize: tensor 't' needs 3 channel ranges, got 1");
    }

    @Test
    void channelMaxCollectorGivesEachChannelsLargestMagnitude() {
        ModelProto fp32 = model(3);
        float[] x = new float[150];
        x[0] = -3f;       // channel 0 → t = 2·(−3) + 0.5 = −5.5
        x[25 + 7] = 1f;   // channel 1 → t = 2.5
        float[] rest = new float[150];
        List<float[]> batches = List.of(x, rest);
        CalibrationDataSource source = FloatBatchSource.of("x", SHAPE, batches);

        Map<String, float[]> max = new ChannelMaxCollector(OnnxModel.fromProto(fp32, Path.of("dw.onnx")),
                List.of("t")).collect(source, OrtRunnerOptions.defaults()).max();

        assertThat(max.get("t")).containsExactly(5.5f, 2.5f, 0.5f);
    }
}
