package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes each residual Add and the LayerNorm after it as one ONNX Runtime {@code SkipLayerNormalization} node
 * ({@code com.microsoft}), as a transformer block's "add and normalize" after its attention output and its
 * feed-forward output.
 *
 * <p>Why: ONNX Runtime's CPU provider fuses a LayerNorm written out in primitive operators into a
 * {@code LayerNormalization} node, but not the residual Add before it, and its {@code LayerNormalization} kernel is
 * several times slower than its {@code SkipLayerNormalization} one: in all-MiniLM-L6-v2 at batch 1 on one thread,
 * 13 LayerNorms cost 4.4 ms of a 38 ms query, their fused form 1.3 ms with the Adds included. The node computes what
 * the nodes it replaces compute: {@code LayerNorm(input + skip) · γ + β} over the last axis, with their ε.
 *
 * <p>Matched: an Add of two tensors, one the output of an integer MatMul ({@code MatMulIntegerToFloat} or
 * {@code DynamicQuantizeMatMul}, bias fused) whose constant weight has as many columns as γ has values, read only
 * by the LayerNorm; and the LayerNorm written out as exporters write it before opset 17 ({@link LayerNormPattern}:
 * {@code ReduceMean}, {@code Sub}, {@code Pow} 2, {@code ReduceMean}, {@code Add} ε, {@code Sqrt}, {@code Div}, then
 * {@code Mul} γ and {@code Add} β with constant 1-D γ and β, both means over the last axis only, keeping it). The
 * MatMul's output is the block's full hidden state, so it is the node's {@code input}; the residual is its
 * {@code skip}, and must look like a stream of tokens of the same width ({@link #isTokenStream}). Other LayerNorms,
 * such as the embeddings', are left to ONNX Runtime.
 */
final class SkipLayerNormFusion {
    static final String OP = "SkipLayerNormalization";
    private static final Logger LOG = LoggerFactory.getLogger(SkipLayerNormFusion.class);
    private static final Set<String> INTEGER_MATMULS = Set.of(MatMulBiasFusion.OP, DynamicMatMulWriter.OP);

    /**
     * @param model the model with the pairs fused (the input model if none matched)
     * @param fused how many residual Add + LayerNorm pairs became one node
     */
    record Result(ModelProto model, int fused) {
    }

    /** One rewrite: the nodes it replaces and the node written where the last of them (β's Add) was. */
    private record Fused(List<Integer> removed, int last, NodeProto node) {
    }

    private SkipLayerNormFusion() {
    }

    /** {@code model} with every matching residual Add and LayerNorm fused; the model itself when none matches. */
    static Result fuse(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Fused> fused = index.matchEach(i -> match(index, i));
        if (fused.isEmpty()) {
            return new Result(model, 0);
        }
        LOG.info("'{}': {} residual Add + LayerNorm pairs written as {} {}", model.getGraph().getName(),
                fused.size(), MatMulBiasFusion.DOMAIN, OP);
        GraphSplice edit = new GraphSplice(index);
        List<String> constants = new ArrayList<>();
        for (Fused f : fused) {
            f.removed().forEach(edit::remove);
            edit.replace(f.last(), f.node());
            // the exponent 2 and ε the removed nodes read, unless something else still does
            f.removed().forEach(n -> constants.addAll(index.node(n).getInputList()));
        }
        GraphProto.Builder graph = edit.build().toBuilder();
        UnusedConstants.remove(graph, constants);
        return new Result(MatMulBiasFusion.withContribDomain(model, graph.build()), fused.size());
    }

    /**
     * A LayerNorm over the last axis as exporters write it, found from the ReduceMean of its mean.
     *
     * @param sub    the Sub of the mean
     * @param stats  the nodes from the square to the division, and ε
     * @param scale  the Mul by γ
     * @param gamma  γ, a constant 1-D float vector
     * @param hidden γ's length, the normalised axis's
     */
    private record LayerNorm(int sub, LayerNormPattern.Statistics stats, int scale, String gamma, long hidden) {
    }

    /** The LayerNorm whose mean is ReduceMean {@code m}, up to its Mul by γ, if it is one over the last axis. */
    private static Optional<LayerNorm> layerNorm(GraphIndex index, int m) {
        NodeProto mean = index.node(m);
        if (!GraphIndex.isDefaultOp(mean, "ReduceMean") || !overLastAxis(mean)) {
            return Optional.empty();
        }
        String input = mean.getInput(0);
        Optional<Integer> sub = index.consumers(input).stream().map(GraphIndex.Use::node)
                .filter(n -> GraphIndex.isDefaultOp(index.node(n), "Sub") && index.node(n).getInput(0).equals(input)
                        && index.node(n).getInput(1).equals(mean.getOutput(0))).findFirst();
        Optional<LayerNormPattern.Statistics> stats = sub.flatMap(n -> LayerNormPattern.statistics(index, n));
        if (stats.isEmpty() || !overLastAxis(index.node(stats.get().variance()))) {
            return Optional.empty();
        }
        int div = stats.get().division();
        Optional<Integer> scale = index.soleReader(index.node(div).getOutput(0))
                .filter(r -> GraphIndex.isDefaultOp(index.node(r), "Mul") && index.node(r).getInputCount() == 2);
        Optional<String> gamma = scale.flatMap(s -> otherConstantVector(index, s, index.node(div).getOutput(0)));
        return gamma.map(g -> new LayerNorm(sub.get(), stats.get(), scale.get(), g,
                index.constant(g).orElseThrow().getDims(0)));
    }

    /** The fusion whose ReduceMean of the mean is node {@code m}, if the whole pattern is there. */
    private static Optional<Fused> match(GraphIndex index, int m) {
        Optional<LayerNorm> norm = layerNorm(index, m);
        if (norm.isEmpty()) {
            return Optional.empty();
        }
        NodeProto mean = index.node(m);
        String sum = mean.getInput(0);
        int residual = index.producer(sum);
        // the Add's sum is read by the LayerNorm alone (its mean and the Sub), and the mean by the Sub alone
        if (residual < 0 || !GraphIndex.isDefaultOp(index.node(residual), "Add")
                || index.node(residual).getInputCount() != 2 || index.isGraphOutput(sum)
                || index.consumers(sum).size() != 2 || index.soleReader(mean.getOutput(0)).isEmpty()) {
            return Optional.empty();
        }
        long hidden = norm.get().hidden();
        int scale = norm.get().scale();
        LayerNormPattern.Statistics stats = norm.get().stats();
        // β is added as a Linear layer's bias is: a constant 1-D vector of the same length
        Optional<GraphIndex.Use> beta = index.constantBiasAdd(index.node(scale).getOutput(0), hidden);
        if (beta.isEmpty()) {
            return Optional.empty();
        }
        int shift = beta.get().node();
        NodeProto add = index.node(residual);
        int fromMatMul = -1;
        for (int k = 0; k < 2; k++) {
            if (integerMatMulOutput(index, add.getInput(k), hidden)) {
                fromMatMul = k;
            }
        }
        if (fromMatMul < 0 || !isTokenStream(index, add.getInput(1 - fromMatMul), hidden, 3)) {
            return Optional.empty();
        }
        NodeProto node = NodeProto.newBuilder().setOpType(OP).setDomain(MatMulBiasFusion.DOMAIN)
                .setName(index.node(shift).getName().isEmpty() ? "" : index.node(shift).getName() + "_skip")
                .addInput(add.getInput(fromMatMul)).addInput(add.getInput(1 - fromMatMul))
                .addInput(norm.get().gamma()).addInput(index.node(shift).getInput(beta.get().input()))
                .addOutput(index.node(shift).getOutput(0))
                .addAttribute(Attributes.ofFloat("epsilon", stats.epsilon())).build();
        List<Integer> removed = new ArrayList<>(List.of(residual, m, norm.get().sub(), scale));
        removed.addAll(stats.nodes());
        return Optional.of(new Fused(removed, shift, node));
    }

    /** A ReduceMean over the last axis only, keeping it (the default), with its axes as an attribute. */
    private static boolean overLastAxis(NodeProto n) {
        Optional<AttributeProto> axes = Attributes.find(n, "axes");
        return n.getInputCount() == 1 && Attributes.getInt(n, "keepdims", 1) == 1 && axes.isPresent()
                && axes.get().getIntsCount() == 1 && axes.get().getInts(0) == -1;
    }

    /** The input of binary node {@code n} other than {@code tensor}, if it is a constant 1-D float vector. */
    private static Optional<String> otherConstantVector(GraphIndex index, int n, String tensor) {
        NodeProto node = index.node(n);
        int k = node.getInput(0).equals(tensor) ? 1 : node.getInput(1).equals(tensor) ? 0 : -1;
        if (k < 0) {
            return Optional.empty();
        }
        return index.constant(node.getInput(k)).filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && t.getDimsCount() == 1).map(t -> node.getInput(k));
    }

    /**
     * Whether {@code tensor} is a stream of tokens {@code width} wide, as a transformer block's residual is: the first
     * input of a MatMul with constant weights of that many rows, or the input of a LayerNorm over its last axis with
     * that many γ values (the next block's pre-norm), directly or through at most {@code depth} SmoothQuant Muls by a
     * constant, QuantizeLinears and DequantizeLinears. {@code SkipLayerNormalization} takes a skip of the input's own
     * shape only, and an Add can broadcast (a constant row, a per-sample embedding added to every token), which the
     * node would refuse at run time; the graph does not carry the shapes that would tell. This is the transformer
     * block's sign, not a proof: a vector broadcast over the tokens that such a MatMul or LayerNorm also reads would
     * pass.
     */
    private static boolean isTokenStream(GraphIndex index, String tensor, long width, int depth) {
        if (index.isConstantDerived(tensor)) {
            return false;
        }
        for (GraphIndex.Use use : index.consumers(tensor)) {
            NodeProto reader = index.node(use.node());
            boolean integerMatMul = MatMulBiasFusion.DOMAIN.equals(reader.getDomain())
                    && INTEGER_MATMULS.contains(reader.getOpType());
            if ((integerMatMul || GraphIndex.isDefaultOp(reader, "MatMul")) && use.input() == 0
                    && reader.getInputCount() > 1 && weightRows(index, reader.getInput(1)) == width) {
                return true;
            }
            if (layerNorm(index, use.node()).filter(n -> n.hidden() == width).isPresent()) {
                return true;
            }
            boolean quantizes = (GraphIndex.isDefaultOp(reader, "QuantizeLinear")
                    || GraphIndex.isDefaultOp(reader, "DequantizeLinear")) && use.input() == 0;
            boolean smooths = GraphIndex.isDefaultOp(reader, "Mul") && reader.getInputCount() == 2
                    && index.isConstantDerived(reader.getInput(1 - use.input()));
            if ((quantizes || smooths) && depth > 0 && isTokenStream(index, reader.getOutput(0), width, depth - 1)) {
                return true;
            }
        }
        return false;
    }

    /** The rows of a constant 2-D weight, read through the DequantizeLinear of the Q/DQ layout; -1 if unknown. */
    private static long weightRows(GraphIndex index, String weight) {
        int p = index.producer(weight);
        String stored = p >= 0 && GraphIndex.isDefaultOp(index.node(p), "DequantizeLinear")
                ? index.node(p).getInput(0) : weight;
        Optional<TensorProto> w = index.constant(stored);
        return w.isPresent() && w.get().getDimsCount() == 2 ? w.get().getDims(0) : -1;
    }

    /** Whether {@code tensor} is an integer MatMul's output with {@code columns} columns, read only by one node. */
    private static boolean integerMatMulOutput(GraphIndex index, String tensor, long columns) {
        int p = index.producer(tensor);
        if (p < 0 || index.soleReader(tensor).isEmpty()) {
            return false;
        }
        NodeProto n = index.node(p);
        if (!MatMulBiasFusion.DOMAIN.equals(n.getDomain()) || !INTEGER_MATMULS.contains(n.getOpType())) {
            return false;
        }
        Optional<TensorProto> weight = index.constant(n.getInput(1));
        return weight.isPresent() && weight.get().getDimsCount() == 2 && weight.get().getDims(1) == columns;
    }
}
