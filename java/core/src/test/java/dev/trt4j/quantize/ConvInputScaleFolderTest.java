package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConvInputScaleFolderTest {
    private static final long[] SHAPE = {2, 3, 5, 5};

    /**
     * x → Relu → Mul(scale) → [Add(shift, per channel)] → Conv(3 → 4, 3×3, padded, bias) → y. The Relu keeps the
     * Mul's data input a computed tensor, as a hard-swish does in PP-LCNet.
     */
    private static ModelBuilder block(long[] scaleShape, float scale, boolean shift) {
        ModelBuilder m = new ModelBuilder("block", 13).input("x", SHAPE).output("y")
                .constant("scale", scaleShape, new float[] {scale})
                .initializer("shift", new long[] {1, 3, 1, 1}, gaussian(2, 3, 0.5))
                .initializer("w", new long[] {4, 3, 3, 3}, gaussian(1, 108, 0.4))
                .initializer("b", new long[] {4}, gaussian(3, 4, 0.3))
                .node("Relu", "relu", List.of("x"), List.of("r"))
                .node("Mul", "mul", List.of("r", "scale"), List.of("m"));
        if (shift) {
            m.node("Add", "add", List.of("shift", "m"), List.of("a"));
        }
        return m.node("Conv", "conv", List.of(shift ? "a" : "m", "w", "b"), List.of("y"), ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1));
    }

    @Test
    void scaleAndShiftFoldIntoTheConvWithPaddingAndComputeTheSame() throws Exception {
        ModelProto original = block(new long[] {1}, 0.7f, true).build();
        ConvInputScaleFolder.Result r = ConvInputScaleFolder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("mul");
        List<NodeProto> nodes = r.model().getGraph().getNodeList();
        assertThat(nodes).extracting(NodeProto::getOpType).containsExactly("Relu", "Add", "Conv");
        assertThat(nodes.get(1).getInputList()).contains("r");
        assertThat(r.rangeScales()).containsOnlyKeys("a");
        assertThat(r.rangeScales().get("a")).isCloseTo(1 / 0.7, within(1e-6));
        assertThat(r.model().getGraph().getInitializerList()).extracting(t -> t.getName())
                .doesNotContain("shift", "w");
        float[] x = gaussian(5, 150, 1.0);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                OrtRunner.runOnce(original, "x", x, SHAPE, "y"), 1e-5);
    }

    @Test
    void aScaleAloneFoldsAndTheConvReadsTheMulsInput() throws Exception {
        ModelProto original = block(new long[] {}, 2.5f, false).build();
        ConvInputScaleFolder.Result r = ConvInputScaleFolder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("mul");
        assertThat(r.rangeScales()).as("the Conv reads r, whose own range applies").isEmpty();
        NodeProto conv = r.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv"))
                .findFirst().orElseThrow();
        assertThat(conv.getInput(0)).isEqualTo("r");
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Relu", "Conv");
        float[] x = gaussian(6, 150, 1.0);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                OrtRunner.runOnce(original, "x", x, SHAPE, "y"), 1e-5);
    }

    @Test
    void aGroupedConvWithTheScaleFirstFoldsToo() throws Exception {
        long[] shape = {1, 4, 5, 5};
        ModelProto original = new ModelBuilder("grouped", 13).input("x", shape).output("y")
                .constant("scale", new long[] {}, new float[] {1.6f})
                .constant("shift", new long[] {1}, new float[] {-0.2f})
                .initializer("w", new long[] {4, 2, 3, 3}, gaussian(7, 72, 0.4))
                .node("Relu", "relu", List.of("x"), List.of("r"))
                .node("Mul", "mul", List.of("scale", "r"), List.of("m"))
                .node("Add", "add", List.of("m", "shift"), List.of("a"))
                .node("Conv", "conv", List.of("a", "w"), List.of("y"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 2)).build();
        ConvInputScaleFolder.Result r = ConvInputScaleFolder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("mul");
        float[] x = gaussian(8, 100, 1.0);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, shape, "y"),
                OrtRunner.runOnce(original, "x", x, shape, "y"), 1e-5);
    }

    @Test
    void scalesThatAreNotAPositiveScalarBeforeAConvAreLeftAlone() {
        Map<String, ModelProto> cases = Map.of(
                "negative", block(new long[] {1}, -0.5f, true).build(),
                "zero", block(new long[] {1}, 0f, true).build(),
                "rank 4, which could broadcast the input up", block(new long[] {1, 1, 1, 1}, 0.5f, true).build(),
                "read twice", block(new long[] {1}, 0.5f, true).output("m").build(),
                "the Add's output returned", block(new long[] {1}, 0.5f, true).output("a").build(),
                "a Relu between", new ModelBuilder("relu", 13).input("x", SHAPE).output("y")
                        .constant("scale", new long[] {1}, new float[] {0.5f})
                        .initializer("w", new long[] {4, 3, 1, 1}, gaussian(1, 12, 0.4))
                        .node("Relu", "relu", List.of("x"), List.of("r"))
                        .node("Mul", "mul", List.of("r", "scale"), List.of("m"))
                        .node("Relu", "relu2", List.of("m"), List.of("n"))
                        .node("Conv", "conv", List.of("n", "w"), List.of("y"), ints("kernel_shape", 1, 1)).build(),
                "per channel", new ModelBuilder("channels", 13).input("x", SHAPE).output("y")
                        .initializer("scale", new long[] {1, 3, 1, 1}, new float[] {0.5f, 1f, 2f})
                        .initializer("w", new long[] {4, 3, 1, 1}, gaussian(1, 12, 0.4))
                        .node("Relu", "relu", List.of("x"), List.of("r"))
                        .node("Mul", "mul", List.of("r", "scale"), List.of("m"))
                        .node("Conv", "conv", List.of("m", "w"), List.of("y"), ints("kernel_shape", 1, 1)).build());
        cases.forEach((name, model) -> {
            ConvInputScaleFolder.Result r = ConvInputScaleFolder.fold(model);
            assertThat(r.foldedNodes()).as(name).isEmpty();
            assertThat(r.model()).as(name).isSameAs(model);
        });
    }
}
