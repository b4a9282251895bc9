package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.ModelBuilder.uniform;
import static org.assertj.core.api.Assertions.assertThat;

class BatchNormFolderTest {
    private final BatchNormFolder folder = new BatchNormFolder();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void foldedModelComputesTheSameAsTheOriginal(boolean weightsInConstants) throws Exception {
        ModelProto original = TinyModels.residual(13, weightsInConstants);
        BatchNormFolder.Result r = folder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("bn1", "bn2");
        List<NodeProto> nodes = r.model().getGraph().getNodeList();
        assertThat(nodes).noneMatch(n -> n.getOpType().equals("BatchNormalization"));
        NodeProto conv1 = nodes.stream().filter(n -> n.getName().equals("conv1")).findFirst().orElseThrow();
        NodeProto conv2 = nodes.stream().filter(n -> n.getName().equals("conv2")).findFirst().orElseThrow();
        assertThat(conv1.getOutput(0)).isEqualTo("bn1_out");
        assertThat(conv2.getOutput(0)).isEqualTo("bn2_out");
        assertThat(conv2.getInputCount()).as("conv2 gains a bias").isEqualTo(3);
        // Normalisation parameters are gone once nothing reads them.
        assertThat(r.model().getGraph().getInitializerList()).noneMatch(t -> t.getName().startsWith("bn"));

        float[] x = gaussian(100, 256, 1.0);
        float[] expected = OrtRunner.runOnce(original, "x", x, TinyModels.RESIDUAL_INPUT, "logits");
        float[] actual = OrtRunner.runOnce(r.model(), "x", x, TinyModels.RESIDUAL_INPUT, "logits");
        assertClose(actual, expected, 1e-5);
    }

    @Test
    void sharedWeightsGetOneFoldedCopyPerConv() throws Exception {
        ModelBuilder m = new ModelBuilder("shared", 13).input("x", 1, 2, 4, 4).output("y")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5));
        for (String p : List.of("a", "b")) {
            m.initializer(p + "_s", new long[] {3}, uniform(2, 3, 0.5, 2))
                    .initializer(p + "_b", new long[] {3}, gaussian(3, 3, 0.3))
                    .initializer(p + "_m", new long[] {3}, gaussian(4, 3, 0.3))
                    .initializer(p + "_v", new long[] {3}, uniform(5, 3, 0.2, 3))
                    .node("Conv", "conv_" + p, List.of("x", "w"), List.of("c_" + p), ints("kernel_shape", 1, 1))
                    .node("BatchNormalization", "bn_" + p, List.of("c_" + p, p + "_s", p + "_b", p + "_m", p + "_v"),
                            List.of("n_" + p));
        }
        ModelProto original = m.node("Add", "add", List.of("n_a", "n_b"), List.of("y")).build();

        BatchNormFolder.Result r = folder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("bn_a", "bn_b");
        List<String> weightInputs = r.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv")).map(n -> n.getInput(1)).toList();
        assertThat(weightInputs).doesNotHaveDuplicates().doesNotContain("w");
        assertThat(r.model().getGraph().getInitializerList()).noneMatch(t -> t.getName().equals("w"));
        float[] x = gaussian(7, 32, 1.0);
        long[] shape = {1, 2, 4, 4};
        assertClose(OrtRunner.runOnce(r.model(), "x", x, shape, "y"), OrtRunner.runOnce(original, "x", x, shape, "y"),
                1e-5);
    }

    @Test
    void aChainOfBatchNormsFoldsWhole() throws Exception {
        ModelBuilder m = new ModelBuilder("chain", 13).input("x", 1, 2, 4, 4).output("y")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5))
                .node("Conv", "conv", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1));
        String in = "c";
        for (String p : List.of("a", "b")) {
            m.initializer(p + "_s", new long[] {3}, uniform(2, 3, 0.5, 2))
                    .initializer(p + "_b", new long[] {3}, gaussian(3, 3, 0.3))
                    .initializer(p + "_m", new long[] {3}, gaussian(4, 3, 0.3))
                    .initializer(p + "_v", new long[] {3}, uniform(5, 3, 0.2, 3))
                    .node("BatchNormalization", "bn_" + p, List.of(in, p + "_s", p + "_b", p + "_m", p + "_v"),
                            List.of(p.equals("b") ? "y" : "n_" + p));
            in = "n_" + p;
        }
        ModelProto original = m.build();

        BatchNormFolder.Result r = folder.fold(original);

        assertThat(r.foldedNodes()).containsExactly("bn_a", "bn_b");
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly("Conv");
        float[] x = gaussian(7, 32, 1.0);
        long[] shape = {1, 2, 4, 4};
        assertClose(OrtRunner.runOnce(r.model(), "x", x, shape, "y"), OrtRunner.runOnce(original, "x", x, shape, "y"),
                1e-5);
    }

    @Test
    void convWhoseOutputHasAnotherReaderIsLeftAlone() {
        ModelProto model = new ModelBuilder("branch", 13).input("x", 1, 2, 4, 4).output("y").output("c")
                .initializer("w", new long[] {3, 2, 1, 1}, gaussian(1, 6, 0.5))
                .initializer("s", new long[] {3}, uniform(2, 3, 0.5, 2))
                .initializer("b", new long[] {3}, gaussian(3, 3, 0.3))
                .initializer("m", new long[] {3}, gaussian(4, 3, 0.3))
                .initializer("v", new long[] {3}, uniform(5, 3, 0.2, 3))
                .node("Conv", "conv", List.of("x", "w"), List.of("c"), ints("kernel_shape", 1, 1))
                .node("BatchNormalization", "bn", List.of("c", "s", "b", "m", "v"), List.of("y")).build();

        BatchNormFolder.Result r = folder.fold(model);

        assertThat(r.foldedNodes()).isEmpty();
        assertThat(r.model()).isSameAs(model);
    }

    static void assertClose(float[] actual, float[] expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("element %d", i)
                    .isLessThanOrEqualTo(relative * scale);
        }
    }
}
