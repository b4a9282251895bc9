package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which tensors get a Q→DQ pair, following TensorRT's explicit-quantization rules: the data and weight
 * inputs of quantizable operators, one shared pair per activation tensor for all its quantized readers, and the
 * residual input of an Add fed by a quantized Conv (so TensorRT fuses Conv + Add with INT8 in and out). Outputs
 * of quantizable operators and data-movement operators are left alone.
 */
final class QdqPlacement {
    /** A constant weight quantized along {@code axis} (-1: one scale for the whole tensor). */
    record Weight(String tensor, int axis) {
    }

    /**
     * @param activations    activation tensor → the node inputs that read its dequantized copy, in graph order
     * @param readers        activation tensor → the label of its first quantized reader (for messages)
     * @param weights        weight → the node inputs that read its dequantized copy
     * @param quantizedNodes labels of the nodes whose inputs are quantized
     * @param excludedNodes  labels of quantizable nodes left in FP32 by an exclusion (or as depthwise Convs)
     * @param residualAdds   labels of the Add nodes whose residual input is quantized
     */
    record Plan(Map<String, List<GraphIndex.Use>> activations, Map<String, String> readers,
                Map<Weight, List<GraphIndex.Use>> weights, List<String> quantizedNodes, List<String> excludedNodes,
                List<String> residualAdds) {
        boolean needsPerAxis() {
            return weights.keySet().stream().anyMatch(w -> w.axis() >= 0);
        }
    }

    private QdqPlacement() {
    }

    static Plan plan(GraphIndex index, QuantizationConfig config, Exclusions exclusions) {
        Map<String, List<GraphIndex.Use>> activations = new LinkedHashMap<>();
        Map<String, String> readers = new LinkedHashMap<>();
        Map<Weight, List<GraphIndex.Use>> weights = new LinkedHashMap<>();
        List<String> quantized = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        Set<Integer> quantizedConvs = new HashSet<>();
        boolean perChannel = config.weightGranularity() == WeightGranularity.PER_CHANNEL;

        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!GraphIndex.isDefaultDomain(n.getDomain()) || !config.opTypes().contains(n.getOpType())) {
                continue;
            }
            QuantizableOp op = QuantizableOp.of(n.getOpType()).orElseThrow();
            String label = index.label(i);
            if (staysFloat(index, i, config, exclusions)) {
                excluded.add(label);
                continue;
            }
            quantized.add(label);
            if (op == QuantizableOp.CONV) {
                quantizedConvs.add(i);
            }
            for (int k : op.quantizedInputs()) {
                if (k >= n.getInputCount() || n.getInput(k).isEmpty()) {
                    continue;
                }
                String t = n.getInput(k);
                Optional<TensorProto> constant = index.constant(t);
                if (constant.isPresent()) {
                    if (constant.get().getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                        int axis = perChannel ? op.weightAxis(n, k, constant.get().getDimsCount()) : -1;
                        weights.computeIfAbsent(new Weight(t, axis), w -> new ArrayList<>())
                                .add(new GraphIndex.Use(i, k));
                    }
                    continue;
                }
                if (index.isConstantDerived(t)) {
                    // ComputedWeightFolder could not run it: neither a weight nor an activation calibrate records
                    int producer = index.producer(t);
                    String by = producer < 0 ? "" : " (by " + index.node(producer).getOpType() + ")";
                    throw new Trt4jException(n.getOpType() + " '" + label + "': its weight '" + t + "' is computed "
                            + "from constants" + by + ", which quantize could not fold; export the model with "
                            + "constant folding, or keep the node in FP32 with --exclude " + label);
                }
                activations.computeIfAbsent(t, x -> new ArrayList<>()).add(new GraphIndex.Use(i, k));
                readers.putIfAbsent(t, n.getOpType() + " '" + label + "'");
            }
        }

        List<String> residualAdds = new ArrayList<>();
        // Residual Q/DQ serves TensorRT's Conv + Add fusion; ONNX Runtime's CPU kernels have no use for it.
        if (config.quantizeResidualAdds() && config.target() == QuantizationTarget.TENSORRT) {
            for (int i = 0; i < index.nodeCount(); i++) {
                NodeProto n = index.node(i);
                if (!n.getOpType().equals("Add") || !GraphIndex.isDefaultDomain(n.getDomain())
                        || n.getInputCount() != 2 || exclusions.excludes(n, index.label(i))) {
                    continue;
                }
                String a = n.getInput(0);
                String b = n.getInput(1);
                if (a.equals(b) || index.isConstantDerived(a) || index.isConstantDerived(b)) {
                    continue; // bias or scalar adds are not residual connections
                }
                int fa = fusibleConv(index, a, i, quantizedConvs);
                int fb = fusibleConv(index, b, i, quantizedConvs);
                if (fa < 0 && fb < 0) {
                    continue;
                }
                // The later Conv fuses with the Add; the other input is the residual (shortcut) branch.
                int residual = fa > fb ? 1 : 0;
                String t = n.getInput(residual);
                activations.computeIfAbsent(t, x -> new ArrayList<>()).add(new GraphIndex.Use(i, residual));
                readers.putIfAbsent(t, "residual Add '" + index.label(i) + "'");
                residualAdds.add(index.label(i));
            }
        }
        for (List<GraphIndex.Use> uses : activations.values()) {
            uses.sort((x, y) -> x.node() != y.node() ? Integer.compare(x.node(), y.node())
                    : Integer.compare(x.input(), y.input()));
        }
        return new Plan(activations, readers, weights, quantized, excluded, residualAdds);
    }

    /**
     * Whether the configuration leaves this node of an operator type it quantizes in FP32: excluded by the user, or a
     * depthwise Conv while depthwise Convs are skipped.
     */
    static boolean staysFloat(GraphIndex index, int node, QuantizationConfig config, Exclusions exclusions) {
        NodeProto n = index.node(node);
        return exclusions.excludes(n, index.label(node)) || (config.skipDepthwise() && isDepthwise(index, n));
    }

    /** A grouped Conv with one input channel per group (weights {@code [Cout, 1, k...]}). */
    static boolean isDepthwise(GraphIndex index, NodeProto n) {
        if (!n.getOpType().equals("Conv") || Attributes.getInt(n, "group", 1) <= 1 || n.getInputCount() < 2) {
            return false;
        }
        return index.constant(n.getInput(1)).map(w -> w.getDimsCount() > 1 && w.getDims(1) == 1).orElse(false);
    }

    /**
     * The index of the quantized Conv that produces {@code tensor} for this Add alone (looking through an
     * unfolded BatchNormalization, which TensorRT folds), or -1.
     */
    private static int fusibleConv(GraphIndex index, String tensor, int add, Set<Integer> quantizedConvs) {
        if (!soleReader(index, tensor, add)) {
            return -1;
        }
        int p = index.producer(tensor);
        if (p < 0) {
            return -1;
        }
        NodeProto producer = index.node(p);
        if (producer.getOpType().equals("BatchNormalization") && GraphIndex.isDefaultDomain(producer.getDomain())) {
            String convOut = producer.getInput(0);
            int q = index.producer(convOut);
            return q >= 0 && quantizedConvs.contains(q) && soleReader(index, convOut, p) ? q : -1;
        }
        return quantizedConvs.contains(p) ? p : -1;
    }

    private static boolean soleReader(GraphIndex index, String tensor, int node) {
        List<GraphIndex.Use> uses = index.consumers(tensor);
        return uses.size() == 1 && uses.get(0).node() == node && !index.isGraphOutput(tensor);
    }
}
