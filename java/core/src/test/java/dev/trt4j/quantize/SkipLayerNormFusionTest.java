package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.ort.OrtOptimizedGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;

/** The ONNX Runtime CPU layout writes a residual Add and the LayerNorm after it as one SkipLayerNormalization. */
class SkipLayerNormFusionTest {
    private static final long[] SHAPE = {2, 3, 16};
    private static final QuantizationConfig ORT = QuantizationConfig.builder()
            .target(QuantizationTarget.ONNXRUNTIME_CPU).reduceRange(true).build();

    /**
     * A transformer block's "add and normalize", as PyTorch exports it before opset 17: x → MatMul(w) + b → t;
     * s = t + x; y = (s − mean(s)) / sqrt(mean((s − mean(s))²) + ε) · γ + β over the last axis.
     *
     * @param axis the axis both ReduceMeans average over
     */
    private static ModelProto block(long axis) {
        return block(axis, "x");
    }

    /**
     * The same block with {@code residual} added to the MatMul's output instead of its input: {@code "offset"}, a
     * constant row, or {@code "pooled"}, the mean of x over its tokens (an activation broadcast over them); or, for
     * {@code "prenorm"}, x added while the MatMul reads x normalised (a pre-norm transformer block).
     */
    private static ModelProto block(long axis, String residual) {
        ModelBuilder b = new ModelBuilder("block", 13).input("x", SHAPE).output("y")
                .initializer("w", new long[] {16, 16}, gaussian(5, 256, 0.3))
                .initializer("b", new long[] {16}, gaussian(6, 16, 0.5))
                .initializer("gamma", new long[] {16}, ModelBuilder.uniform(7, 16, 0.5, 1.5))
                .initializer("beta", new long[] {16}, gaussian(8, 16, 0.2))
                .initializer("two", new long[] {}, new float[] {2})
                .initializer("eps", new long[] {}, new float[] {1e-12f})
                .initializer("offset", new long[] {1, 16}, gaussian(9, 16, 0.5));
        if (residual.equals("pooled")) {
            b.node("ReduceMean", "pool", List.of("x"), List.of("pooled"), ints("axes", 1));
        }
        String read = "x";
        if (residual.equals("prenorm")) {
            layerNorm(b, "pre_", "x", -1, "h");
            read = "h";
        }
        b.node("MatMul", "dense", List.of(read, "w"), List.of("t0"))
                .node("Add", "bias", List.of("b", "t0"), List.of("t"))
                .node("Add", "residual", List.of("t", residual.equals("prenorm") ? "x" : residual), List.of("s"));
        return layerNorm(b, "", "s", axis, "y").build();
    }

    /** {@code out} = LayerNorm of {@code in} over {@code axis} with γ and β, its nodes' and tensors' names prefixed. */
    private static ModelBuilder layerNorm(ModelBuilder b, String prefix, String in, long axis, String out) {
        return b.node("ReduceMean", prefix + "mean", List.of(in), List.of(prefix + "mu"), ints("axes", axis))
                .node("Sub", prefix + "deviation", List.of(in, prefix + "mu"), List.of(prefix + "d"))
                .node("Pow", prefix + "square", List.of(prefix + "d", "two"), List.of(prefix + "d2"))
                .node("ReduceMean", prefix + "variance", List.of(prefix + "d2"), List.of(prefix + "var"),
                        ints("axes", axis))
                .node("Add", prefix + "plus_eps", List.of(prefix + "var", "eps"), List.of(prefix + "ve"))
                .node("Sqrt", prefix + "std", List.of(prefix + "ve"), List.of(prefix + "sd"))
                .node("Div", prefix + "normalize", List.of(prefix + "d", prefix + "sd"), List.of(prefix + "n"))
                .node("Mul", prefix + "scale", List.of(prefix + "n", "gamma"), List.of(prefix + "g"))
                .node("Add", prefix + "shift", List.of(prefix + "g", "beta"), List.of(out));
    }

    @Test
    void theResidualAddAndLayerNormBecomeOneNodeThatComputesTheSame() throws Exception {
        ModelProto model = block(-1);
        ModelProto q = new QdqQuantizer(ORT).quantize(model, Map.of("x", 2.5f)).model();
        ModelProto unfused = unfused(q, model);
        ModelProto refused = SkipLayerNormFusion.fuse(unfused).model();
        assertThat(nodes(refused, SkipLayerNormFusion.OP)).as("the fusion alone writes the node quantize wrote")
                .isEqualTo(nodes(q, SkipLayerNormFusion.OP));
        assertThat(refused.getGraph().getInitializerList()).as("the exponent and ε go with their nodes")
                .noneMatch(t -> t.getName().equals("two") || t.getName().equals("eps"));

        NodeProto skip = nodes(q, SkipLayerNormFusion.OP).get(0);
        assertThat(skip.getDomain()).isEqualTo("com.microsoft");
        assertThat(skip.getInputList()).as("the MatMul's output is the input, the residual the skip")
                .containsExactly("t", "x", "gamma", "beta");
        assertThat(skip.getOutputList()).containsExactly("y");
        assertThat(skip.getAttribute(0).getName()).isEqualTo("epsilon");
        assertThat(skip.getAttribute(0).getF()).isEqualTo(1e-12f);
        for (String op : List.of("ReduceMean", "Sub", "Pow", "Sqrt", "Div", "Mul", "Add")) {
            assertThat(nodes(q, op)).as(op).isEmpty();
        }
        assertThat(OrtOptimizedGraph.of(q).count("com.microsoft:SkipLayerNormalization")).isEqualTo(1);

        float[] x = ModelBuilder.uniform(3, 96, -2.4, 2.4);
        float[] y = OrtRunner.runOnce(q, "x", x, SHAPE, "y");
        float[] separate = OrtRunner.runOnce(unfused, "x", x, SHAPE, "y");
        BatchNormFolderTest.assertClose(y, separate, 1e-4);
    }

    @Test
    void quantizeWritesItForOnnxRuntimeAndNotForTensorRt() {
        QuantizationResult result = new QdqQuantizer(ORT).quantize(block(-1), Map.of("x", 2.5f));
        ModelProto ort = result.model();
        assertThat(nodes(ort, SkipLayerNormFusion.OP)).hasSize(1);
        assertThat(result.report().skipLayerNorms()).isEqualTo(1);
        assertThat(result.report().summary()).contains("1 residual Add + LayerNorm pair as SkipLayerNormalization");
        ModelProto trt = new QdqQuantizer(QuantizationConfig.defaults()).quantize(block(-1), Map.of("x", 2.5f))
                .model();
        assertThat(nodes(trt, SkipLayerNormFusion.OP)).isEmpty();
    }

    @Test
    void aPreNormBlocksResidualIsFusedToo() throws Exception {
        // x is read by the block's first LayerNorm, not by the MatMul: still a stream of tokens of the hidden width
        ModelProto model = block(-1, "prenorm");
        ModelProto q = new QdqQuantizer(ORT).quantize(model, Map.of("x", 2.5f, "h", 3f)).model();
        assertThat(nodes(q, SkipLayerNormFusion.OP)).hasSize(1);
        assertThat(nodes(q, "ReduceMean")).as("the first LayerNorm has no residual Add before it").hasSize(2);
        float[] x = ModelBuilder.uniform(5, 96, -2.4, 2.4);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, SHAPE, "y"),
                OrtRunner.runOnce(model, "x", x, SHAPE, "y"), 0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {"offset", "pooled"})
    void aBroadcastAddBeforeTheLayerNormIsNoResidual(String added) throws Exception {
        // SkipLayerNormalization's skip has the input's shape; ONNX Runtime refuses a broadcast one at run time
        ModelProto model = block(-1, added);
        QuantizationResult result = new QdqQuantizer(ORT).quantize(model, Map.of("x", 2.5f));
        ModelProto q = result.model();
        assertThat(nodes(q, SkipLayerNormFusion.OP)).isEmpty();
        assertThat(result.report().skipLayerNorms()).isZero();
        assertThat(result.report().summary()).doesNotContain("SkipLayerNormalization");
        float[] x = ModelBuilder.uniform(4, 96, -2.4, 2.4);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, SHAPE, "y"),
                OrtRunner.runOnce(model, "x", x, SHAPE, "y"), 0.05);
    }

    @Test
    void aLayerNormOverAnotherAxisIsLeftAlone() {
        ModelProto q = new QdqQuantizer(ORT).quantize(block(1), Map.of("x", 2.5f)).model();
        assertThat(nodes(q, SkipLayerNormFusion.OP)).isEmpty();
        assertThat(nodes(q, "ReduceMean")).hasSize(2);
    }

    /**
     * The quantized block as quantize wrote it before this fusion: the fused node replaced by the block's own Add and
     * LayerNorm nodes, with the constants they read.
     */
    private static ModelProto unfused(ModelProto fused, ModelProto block) {
        List<NodeProto> original = block.getGraph().getNodeList();
        List<NodeProto> addAndNorm = original.subList(2, original.size());
        var g = fused.getGraph().toBuilder().clearNode();
        for (NodeProto n : fused.getGraph().getNodeList()) {
            if (n.getOpType().equals(SkipLayerNormFusion.OP)) {
                g.addAllNode(addAndNorm);
            } else {
                g.addNode(n);
            }
        }
        block.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("two")
                || t.getName().equals("eps")).forEach(g::addInitializer);
        return fused.toBuilder().setGraph(g).build();
    }
}
