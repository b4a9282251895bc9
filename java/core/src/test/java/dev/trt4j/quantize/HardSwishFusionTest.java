package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.trt4j.quantize.ModelBuilder.real;
import static dev.trt4j.quantize.ModelBuilder.uniform;
import static org.assertj.core.api.Assertions.assertThat;

class HardSwishFusionTest {
    private static final long[] SHAPE = {4, 64};

    /** The spelled-out forms exporters write, from x to y. */
    private static ModelProto spelledOut(String form, long opset) {
        ModelBuilder m = new ModelBuilder(form, opset).input("x", SHAPE).output("y")
                .constant("three", new long[] {}, new float[] {3f})
                .constant("zero", new long[] {}, new float[] {0f})
                .constant("six", new long[] {1}, new float[] {6f})
                .initializer("sixth", new long[] {}, new float[] {1f / 6f});
        return switch (form) {
            case "mul-then-div" -> m.node("Add", "add", List.of("x", "three"), List.of("a"))
                    .node("Clip", "clip", List.of("a", "zero", "six"), List.of("c"))
                    .node("Mul", "mul", List.of("x", "c"), List.of("p"))
                    .node("Div", "div", List.of("p", "six"), List.of("y")).build();
            case "div-then-mul" -> m.node("Add", "add", List.of("three", "x"), List.of("a"))
                    .node("Clip", "clip", List.of("a", "zero", "six"), List.of("c"))
                    .node("Div", "div", List.of("c", "six"), List.of("g"))
                    .node("Mul", "mul", List.of("g", "x"), List.of("y")).build();
            case "times-a-sixth" -> m.node("Add", "add", List.of("x", "three"), List.of("a"))
                    .node("Clip", "clip", List.of("a", "zero", "six"), List.of("c"))
                    .node("Mul", "mul", List.of("c", "x"), List.of("p"))
                    .node("Mul", "scale", List.of("sixth", "p"), List.of("y")).build();
            case "hard-sigmoid" -> m.node("HardSigmoid", "hs", List.of("x"), List.of("g"), real("alpha", 1f / 6f),
                            real("beta", 0.5f))
                    .node("Mul", "mul", List.of("x", "g"), List.of("y")).build();
            default -> throw new IllegalArgumentException(form);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mul-then-div", "div-then-mul", "times-a-sixth", "hard-sigmoid"})
    void everyFormBecomesOneHardSwishThatComputesTheSame(String form) throws Exception {
        ModelProto original = spelledOut(form, 13);
        ModelProto fused = HardSwishFusion.fuse(original).model();

        List<NodeProto> nodes = fused.getGraph().getNodeList().stream()
                .filter(n -> !n.getOpType().equals("Constant")).toList();
        assertThat(nodes).extracting(NodeProto::getOpType).containsExactly("HardSwish");
        assertThat(nodes.get(0).getInputList()).containsExactly("x");
        assertThat(nodes.get(0).getOutputList()).containsExactly("y");
        assertThat(OpsetUpgrade.defaultOpset(fused)).isEqualTo(14);
        List<String> read = original.getGraph().getNodeList().stream().flatMap(n -> n.getInputList().stream())
                .filter(t -> !t.equals("x")).toList();
        assertThat(read).isNotEmpty();
        assertThat(fused.getGraph().getNodeList()).as("the constants it read go with it")
                .noneMatch(n -> n.getOpType().equals("Constant") && read.contains(n.getOutput(0)));
        assertThat(fused.getGraph().getInitializerList()).noneMatch(t -> read.contains(t.getName()));

        // Both sides of both kinks (-3 and 3) and the smooth part between.
        float[] x = uniform(7, 256, -6, 6);
        float[] expected = OrtRunner.runOnce(original, "x", x, SHAPE, "y");
        float[] actual = OrtRunner.runOnce(fused, "x", x, SHAPE, "y");
        for (int i = 0; i < x.length; i++) {
            assertThat(actual[i]).as("x = %s", x[i]).isCloseTo(expected[i],
                    org.assertj.core.data.Offset.offset(2e-6f * Math.max(1f, Math.abs(expected[i]))));
        }
    }

    /**
     * {@code Add(x, three) → Clip(0, hi) → Mul(multiplicand, ·) → Div(·, 6)} from initializers, with {@code three}
     * of the given shape; {@code z} is a second input to multiply by, and {@code extraOutputs} are graph outputs too.
     */
    private static ModelProto mulThenDiv(long[] threeDims, float three, float hi, String multiplicand,
                                         String... extraOutputs) {
        ModelBuilder m = new ModelBuilder("chain", 13).input("x", SHAPE).input("z", SHAPE).output("y");
        for (String o : extraOutputs) {
            m.output(o);
        }
        return m.initializer("three", threeDims, new float[] {three})
                .initializer("zero", new long[] {}, new float[] {0f})
                .initializer("hi", new long[] {}, new float[] {hi})
                .initializer("six", new long[] {}, new float[] {6f})
                .node("Add", "add", List.of("x", "three"), List.of("a"))
                .node("Clip", "clip", List.of("a", "zero", "hi"), List.of("c"))
                .node("Mul", "mul", List.of(multiplicand, "c"), List.of("p"))
                .node("Div", "div", List.of("p", "six"), List.of("y")).build();
    }

    @Test
    void nearMissesAreLeftAlone() {
        long[] scalar = {};
        assertThat(HardSwishFusion.fuse(mulThenDiv(scalar, 3f, 6f, "x")).fused())
                .as("the real thing, to show the others fail only by their difference").isEqualTo(1);
        assertThat(HardSwishFusion.fuse(mulThenDiv(scalar, 2.9f, 6f, "x")).fused()).as("not +3").isZero();
        assertThat(HardSwishFusion.fuse(mulThenDiv(scalar, 3f, 5f, "x")).fused()).as("clipped to 5").isZero();
        assertThat(HardSwishFusion.fuse(mulThenDiv(scalar, 3f, 6f, "z")).fused()).as("times another tensor")
                .isZero();
    }

    @Test
    void aConstantOfHigherRankIsNotTakenForAScalar() {
        // Add(x [4, 64], three [1, 1, 1]) broadcasts to [1, 4, 64]; HardSwish(x) would drop that axis.
        assertThat(HardSwishFusion.fuse(mulThenDiv(new long[] {1, 1, 1}, 3f, 6f, "x")).fused()).isZero();
        assertThat(HardSwishFusion.fuse(mulThenDiv(new long[] {1}, 3f, 6f, "x")).fused()).as("rank 1 is fine")
                .isEqualTo(1);
    }

    @Test
    void anIntermediateWithAnotherReaderKeepsTheChain() {
        ModelProto model = mulThenDiv(new long[] {}, 3f, 6f, "x", "c");
        assertThat(HardSwishFusion.fuse(model).model()).isSameAs(model);
    }

    @Test
    void aModelBelowOpset13IsRaisedFirst() throws Exception {
        ModelProto original = spelledOut("mul-then-div", 11);
        ModelProto fused = HardSwishFusion.fuse(original).model();
        assertThat(OpsetUpgrade.defaultOpset(fused)).isEqualTo(14);
        assertThat(fused.getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly("HardSwish");
        float[] x = uniform(8, 256, -6, 6);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(fused, "x", x, SHAPE, "y"),
                OrtRunner.runOnce(original, "x", x, SHAPE, "y"), 1e-5);
    }
}
