package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces each {@code Transpose} or {@code Identity} of a float constant with the constant it computes. Old
 * exporters write a Linear layer as {@code Transpose(W) → MatMul}, and PyTorch exports a tied weight (one used by two
 * layers) as {@code Identity(W)}; folded, the result is a weight the quantizer quantizes per channel, as TensorRT
 * folds it. Left in place, the layer's weight would be a computed tensor: neither a weight nor an activation that
 * {@code calibrate} records. Chains ({@code Identity(Transpose(W))}) fold too.
 */
final class ConstantWeightFolder {
    private ConstantWeightFolder() {
    }

    /** {@code model} with every foldable Transpose and Identity folded (the same object if there is none). */
    static ModelProto fold(ModelProto model) {
        ModelProto current = model;
        for (ModelProto next = foldOnce(current); next != current; next = foldOnce(current)) {
            current = next;
        }
        return current;
    }

    private static ModelProto foldOnce(ModelProto model) {
        GraphProto g = model.getGraph();
        GraphIndex index = new GraphIndex(g);
        GraphProto.Builder out = null;
        List<NodeProto> kept = new ArrayList<>();
        Set<Integer> foldedNodes = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            Optional<TensorProto> folded = foldable(index, n);
            if (folded.isEmpty()) {
                kept.add(n);
                continue;
            }
            if (out == null) {
                out = g.toBuilder();
            }
            out.addInitializer(folded.get());
            foldedNodes.add(i);
        }
        if (out == null) {
            return model;
        }
        out.clearNode().addAllNode(kept);
        // A weight whose every reader was a folded node is no longer needed, initializer or Constant node alike
        // (a Constant left behind kept a second, FP32 copy of the weight in the quantized model).
        Set<String> sources = new HashSet<>();
        foldedNodes.forEach(i -> sources.add(g.getNode(i).getInput(0)));
        UnusedConstants.remove(out, sources);
        return model.toBuilder().setGraph(out).build();
    }

    private static Optional<TensorProto> foldable(GraphIndex index, NodeProto n) {
        boolean transpose = n.getOpType().equals("Transpose");
        if (!(transpose || n.getOpType().equals("Identity")) || !GraphIndex.isDefaultDomain(n.getDomain())
                || n.getInputCount() != 1 || n.getOutputCount() != 1 || index.isGraphOutput(n.getOutput(0))) {
            return Optional.empty();
        }
        return index.constant(n.getInput(0))
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() > 0)
                .map(t -> transpose ? transposed(t, perm(n, t.getDimsCount()), n.getOutput(0))
                        : t.toBuilder().setName(n.getOutput(0)).build());
    }

    /** The node's permutation, or the reversal of the axes it defaults to. */
    private static int[] perm(NodeProto n, int rank) {
        Optional<AttributeProto> attr = Attributes.find(n, "perm");
        int[] perm = new int[rank];
        for (int d = 0; d < rank; d++) {
            perm[d] = attr.isPresent() ? (int) attr.get().getInts(d) : rank - 1 - d;
        }
        return perm;
    }

    private static TensorProto transposed(TensorProto t, int[] perm, String name) {
        int rank = perm.length;
        long[] dims = new long[rank];
        long[] outDims = new long[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = t.getDims(d);
        }
        for (int d = 0; d < rank; d++) {
            outDims[d] = dims[perm[d]];
        }
        long[] inStrides = strides(dims);
        float[] values = TensorValues.floats(t);
        float[] result = new float[values.length];
        int[] index = new int[rank];
        for (int o = 0; o < result.length; o++) {
            long from = 0;
            for (int d = 0; d < rank; d++) {
                from += index[d] * inStrides[perm[d]];
            }
            result[o] = values[(int) from];
            for (int d = rank - 1; d >= 0; d--) { // next output index, last axis fastest
                if (++index[d] < outDims[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        List<Long> shape = new ArrayList<>();
        for (long d : outDims) {
            shape.add(d);
        }
        return TensorValues.floatTensor(name, shape, result);
    }

    private static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long step = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            s[d] = step;
            step *= dims[d];
        }
        return s;
    }
}
