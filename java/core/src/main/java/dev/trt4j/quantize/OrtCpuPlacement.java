package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Completes TensorRT's input-side placement into the QDQ node units ONNX Runtime's CPU execution provider fuses:
 * <ul>
 *   <li>Conv and ConvTranspose outputs get a Q/DQ pair, because ONNX Runtime makes QLinearConv only from
 *       DQ → Conv → Q. When a Conv's only reader is a Relu, the pair goes on the Relu's output instead, with an
 *       unsigned grid (zero point 0), so ONNX Runtime drops the Relu into the Q's clamp and still fuses.</li>
 *   <li>The constant bias of a quantized Conv, ConvTranspose or Gemm becomes INT32 with scale
 *       {@code input scale × weight scale}, because the fused kernels accept only a quantized bias.</li>
 *   <li>MatMul and Gemm outputs stay FP32: DQ → MatMul and DQ → Gemm already fuse into MatMulIntegerToFloat and
 *       QGemm with a float output, which saves a Q/DQ round trip.</li>
 * </ul>
 */
final class OrtCpuPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(OrtCpuPlacement.class);

    /**
     * A constant bias that becomes INT32.
     *
     * @param use        the bias input it feeds
     * @param tensor     the bias constant
     * @param activation the quantized data input of the same node (its scale is one factor of the bias scale)
     * @param weight     the quantized weight of the same node (the other factor)
     */
    record Bias(GraphIndex.Use use, String tensor, String activation, QdqPlacement.Weight weight) {
    }

    /**
     * @param layout   every activation and weight pair (outputs included), as {@link QdqPlacement} describes them
     * @param unsigned activations known to be non-negative (Relu outputs), quantized to {@code [0, amax]}
     * @param biases   biases to store as INT32
     */
    record Plan(QdqPlacement.Plan layout, Set<String> unsigned, List<Bias> biases) {
    }

    private OrtCpuPlacement() {
    }

    /** Extends {@code inputs}, the input-side plan of the same graph (without residual adds), as described above. */
    static Plan plan(GraphIndex index, QdqPlacement.Plan inputs) {
        Map<String, List<GraphIndex.Use>> activations = new LinkedHashMap<>();
        inputs.activations().forEach((t, uses) -> activations.put(t, new ArrayList<>(uses)));
        Map<String, String> readers = new LinkedHashMap<>(inputs.readers());
        Set<String> quantized = Set.copyOf(inputs.quantizedNodes());
        Map<GraphIndex.Use, QdqPlacement.Weight> weightOf = new LinkedHashMap<>();
        inputs.weights().forEach((w, uses) -> uses.forEach(u -> weightOf.put(u, w)));
        List<Bias> biases = new ArrayList<>();

        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!quantized.contains(index.label(i))) {
                continue;
            }
            String op = n.getOpType();
            if (op.equals("Conv") || op.equals("ConvTranspose")) {
                quantizeOutput(index, i, activations, readers);
            }
            if (op.equals("Conv") || op.equals("ConvTranspose") || op.equals("Gemm")) {
                bias(index, i, activations.keySet(), weightOf).ifPresent(biases::add);
            }
        }
        Set<String> unsigned = new LinkedHashSet<>();
        for (String t : activations.keySet()) {
            int p = index.producer(t);
            if (p >= 0 && index.node(p).getOpType().equals("Relu")
                    && GraphIndex.isDefaultDomain(index.node(p).getDomain())) {
                unsigned.add(t);
            }
        }
        for (List<GraphIndex.Use> uses : activations.values()) {
            uses.sort((x, y) -> x.node() != y.node() ? Integer.compare(x.node(), y.node())
                    : Integer.compare(x.input(), y.input()));
        }
        QdqPlacement.Plan layout = new QdqPlacement.Plan(activations, readers, inputs.weights(),
                inputs.quantizedNodes(), inputs.excludedNodes(), List.of());
        return new Plan(layout, unsigned, biases);
    }

    /** Puts a pair on the Conv's output (or its sole Relu's output), read by every reader of that tensor. */
    private static void quantizeOutput(GraphIndex index, int conv, Map<String, List<GraphIndex.Use>> activations,
                                       Map<String, String> readers) {
        String out = index.node(conv).getOutput(0);
        List<GraphIndex.Use> uses = index.consumers(out);
        if (uses.size() == 1 && !index.isGraphOutput(out)) {
            NodeProto reader = index.node(uses.get(0).node());
            if (reader.getOpType().equals("Relu") && GraphIndex.isDefaultDomain(reader.getDomain())) {
                out = reader.getOutput(0);
                uses = index.consumers(out);
            }
        }
        if (index.isGraphOutput(out) || uses.isEmpty() || uses.stream().anyMatch(u -> u.input() < 0)) {
            // A graph output keeps its FP32 value and a subgraph reader cannot be rewired: no fused Conv here.
            LOG.debug("output '{}' of '{}' stays FP32", out, index.label(conv));
            return;
        }
        List<GraphIndex.Use> readersOfOut = activations.computeIfAbsent(out, x -> new ArrayList<>());
        for (GraphIndex.Use u : uses) {
            if (!readersOfOut.contains(u)) {
                readersOfOut.add(u);
            }
        }
        readers.putIfAbsent(out, "output of " + index.node(conv).getOpType() + " '" + index.label(conv) + "'");
    }

    private static Optional<Bias> bias(GraphIndex index, int node, Set<String> activations,
                                       Map<GraphIndex.Use, QdqPlacement.Weight> weightOf) {
        NodeProto n = index.node(node);
        if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) {
            return Optional.empty();
        }
        String data = n.getInput(0);
        QdqPlacement.Weight weight = weightOf.get(new GraphIndex.Use(node, 1));
        Optional<TensorProto> bias = index.constant(n.getInput(2));
        if (!activations.contains(data) || weight == null || bias.isEmpty()
                || bias.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || bias.get().getDimsCount() != 1) {
            return Optional.empty();
        }
        if (n.getOpType().equals("Gemm") && Attributes.getFloat(n, "beta", 1f) != 1f) {
            return Optional.empty(); // QGemm adds the bias as is: beta must be 1
        }
        long channels = weight.axis() < 0 ? -1
                : index.constant(weight.tensor()).orElseThrow().getDims(weight.axis());
        if (channels >= 0 && bias.get().getDims(0) != channels) {
            return Optional.empty(); // a broadcast bias has no per-channel scale to match
        }
        return Optional.of(new Bias(new GraphIndex.Use(node, 2), n.getInput(2), data, weight));
    }
}
