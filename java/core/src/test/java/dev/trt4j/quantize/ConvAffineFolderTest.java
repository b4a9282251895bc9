package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.ModelBuilder.uniform;
import static org.assertj.core.api.Assertions.assertThat;

class ConvAffineFolderTest {
    private static final long[] SHAPE = {2, 3, 5, 5};

    /** x → Conv(3 → 4, 3×3, padded) → Mul(scalar) → Add([4,1,1]) → Sub([1]) → Div([1,4,1,1]) → Relu → y. */
    private static ModelProto chain(boolean bias) {
        ModelBuilder m = new ModelBuilder("chain", 13).input("x", SHAPE).output("y")
                .initializer("w", new long[] {4, 3, 3, 3}, gaussian(1, 108, 0.4))
                .constant("scale", new long[] {}, new float[] {1.7f})
                .initializer("shift", new long[] {4, 1, 1}, gaussian(2, 4, 0.5))
                .constant("offset", new long[] {1}, new float[] {0.25f})
                .initializer("divisor", new long[] {1, 4, 1, 1}, uniform(3, 4, 0.5, 2));
        List<String> convInputs = bias ? List.of("x", "w", "b") : List.of("x", "w");
        if (bias) {
            m.initializer("b", new long[] {4}, gaussian(4, 4, 0.3));
        }
        return m.node("Conv", "conv", convInputs, List.of("c"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1))
                .node("Mul", "mul", List.of("scale", "c"), List.of("m"))
                .node("Add", "add", List.of("m", "shift"), List.of("a"))
                .node("Sub", "sub", List.of("a", "offset"), List.of("s"))
                .node("Div", "div", List.of("s", "divisor"), List.of("d"))
                .node("Relu", "relu", List.of("d"), List.of("y")).build();
    }

    @Test
    void wholeChainFoldsIntoTheConvAndComputesTheSame() throws Exception {
        for (boolean bias : new boolean[] {false, true}) {
            ModelProto original = chain(bias);
            ConvAffineFolder.Result r = ConvAffineFolder.fold(original, true);

            assertThat(r.foldedNodes()).containsExactly("mul", "add", "sub", "div");
            List<NodeProto> nodes = r.model().getGraph().getNodeList();
            assertThat(nodes).extracting(NodeProto::getOpType).containsExactly("Conv", "Relu");
            assertThat(nodes.get(0).getOutput(0)).as("the Conv writes the chain's last tensor").isEqualTo("d");
            assertThat(r.model().getGraph().getInitializerList()).extracting(t -> t.getName())
                    .doesNotContain("shift", "divisor");
            float[] x = gaussian(5, 150, 1.0);
            BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                    OrtRunner.runOnce(original, "x", x, SHAPE, "y"), 1e-5);
        }
    }

    @Test
    void withoutShiftsTheChainEndsAtTheFirstAdd() throws Exception {
        ModelProto original = chain(true);
        ConvAffineFolder.Result r = ConvAffineFolder.fold(original, false);

        assertThat(r.foldedNodes()).containsExactly("mul");
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .filteredOn(op -> !op.equals("Constant")).containsExactly("Conv", "Add", "Sub", "Div", "Relu");
        float[] x = gaussian(6, 150, 1.0);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y"),
                OrtRunner.runOnce(original, "x", x, SHAPE, "y"), 1e-5);
    }

    @Test
    void nodesThatAreNotAPerChannelAffineMapAreLeftAlone() {
        // Each case breaks the chain at its first node, so nothing folds.
        String[][] cases = {
                {"Mul", "spatial"},   // a constant that varies along a spatial axis
                {"Sub", "reversed"},  // constant − conv, which flips the sign of the Conv's term
                {"Div", "zero"},      // a division by a zero channel
                {"Mul", "runtime"},   // a factor computed at run time
        };
        for (String[] c : cases) {
            ModelBuilder m = new ModelBuilder("alone", 13).input("x", 1, 2, 4, 4).input("r", 1, 3, 1, 1).output("y")
                    .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5))
                    .initializer("spatial", new long[] {1, 3, 4, 1}, uniform(2, 12, 0.5, 2))
                    .initializer("reversed", new long[] {1}, new float[] {2f})
                    .initializer("zero", new long[] {3, 1, 1}, new float[] {1f, 0f, 2f})
                    .node("Conv", "conv", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1));
            String operand = c[1].equals("runtime") ? "r" : c[1];
            List<String> inputs = c[1].equals("reversed") ? List.of(operand, "c") : List.of("c", operand);
            ModelProto model = m.node(c[0], "op", inputs, List.of("y")).build();
            ConvAffineFolder.Result r = ConvAffineFolder.fold(model, true);
            assertThat(r.foldedNodes()).as(c[1]).isEmpty();
            assertThat(r.model()).isSameAs(model);
        }
    }

    @Test
    void aConvOutputReadTwiceOrReturnedIsNotFolded() {
        ModelProto read = new ModelBuilder("two", 13).input("x", 1, 2, 4, 4).output("y").output("z")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5))
                .initializer("s", new long[] {1}, new float[] {3f})
                .node("Conv", "conv", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1))
                .node("Mul", "mul", List.of("c", "s"), List.of("y"))
                .node("Relu", "relu", List.of("c"), List.of("z")).build();
        assertThat(ConvAffineFolder.fold(read, true).foldedNodes()).isEmpty();

        ModelProto returned = new ModelBuilder("out", 13).input("x", 1, 2, 4, 4).output("y").output("c")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5))
                .initializer("s", new long[] {1}, new float[] {3f})
                .node("Conv", "conv", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1))
                .node("Mul", "mul", List.of("c", "s"), List.of("y")).build();
        assertThat(ConvAffineFolder.fold(returned, true).foldedNodes()).isEmpty();
    }
}
