package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The FP32 Convs of a Q/DQ model that ONNX Runtime's CPU provider runs as QLinearConv all the same. Its
 * WeightBiasQuantization optimisation gives a Conv whose data input is dequantized with one scale and whose weight is
 * a float initializer a symmetric per-tensor INT8 weight (and an INT32 bias); where the Conv's output is then
 * quantized (directly, or through a Relu that the Q absorbs) the unit fuses like any planned one. So a Conv kept in
 * FP32, for example a depthwise Conv between two quantized Convs, can end up an integer kernel, with a weight scale
 * trt4j did not choose; the quantize command names these so that its counts add up.
 */
public final class OrtImplicitQuantization {
    private OrtImplicitQuantization() {
    }

    /**
     * Names (labels) of the float Convs and ConvTransposes of {@code model} that ONNX Runtime quantizes and fuses
     * itself, in graph order.
     */
    public static List<String> fusedFloatConvs(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, NodeProto> producers = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
            n.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
        g.getOutputList().forEach(o -> consumers.computeIfAbsent(o.getName(), k -> new ArrayList<>()).add(null));
        Map<String, TensorProto> initializers = new HashMap<>();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        List<String> fused = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (!GraphIndex.isDefaultDomain(n.getDomain()) || n.getInputCount() < 2
                    || !(n.getOpType().equals("Conv") || n.getOpType().equals("ConvTranspose"))) {
                continue;
            }
            NodeProto data = producers.get(n.getInput(0));
            boolean perTensorInput = data != null && data.getOpType().equals("DequantizeLinear")
                    && data.getInputCount() > 1 && constant(data.getInput(1), producers, initializers)
                    .map(s -> elements(s) == 1).orElse(false);
            boolean floatWeight = constant(n.getInput(1), producers, initializers)
                    .map(w -> w.getDataType() == TensorProto.DataType.FLOAT_VALUE).orElse(false);
            boolean constantBias = n.getInputCount() < 3 || n.getInput(2).isEmpty()
                    || constant(n.getInput(2), producers, initializers).map(b -> b.getDimsCount() == 1).orElse(false);
            if (perTensorInput && floatWeight && constantBias
                    && quantizedOutput(n.getOutput(0), consumers, producers, initializers)) {
                fused.add(GraphIndex.label(n, i));
            }
        }
        return List.copyOf(fused);
    }

    /**
     * Whether every reader of {@code tensor} is a QuantizeLinear, looking through one sole Relu reader whose readers
     * are QuantizeLinears with the zero point at the bottom of their grid (which ONNX Runtime lets the Relu fall into).
     */
    private static boolean quantizedOutput(String tensor, Map<String, List<NodeProto>> consumers,
                                           Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        List<NodeProto> readers = consumers.getOrDefault(tensor, List.of());
        boolean throughRelu = readers.size() == 1 && readers.get(0) != null
                && readers.get(0).getOpType().equals("Relu") && GraphIndex.isDefaultDomain(readers.get(0).getDomain());
        if (throughRelu) {
            readers = consumers.getOrDefault(readers.get(0).getOutput(0), List.of());
        }
        return !readers.isEmpty() && readers.stream().allMatch(r -> r != null
                && r.getOpType().equals("QuantizeLinear") && GraphIndex.isDefaultDomain(r.getDomain())
                && (!throughRelu || clampsAtZero(r, producers, initializers)));
    }

    /** A Q whose zero point is the lowest value of its type: UINT8 0 or INT8 -128. */
    private static boolean clampsAtZero(NodeProto q, Map<String, NodeProto> producers,
                                        Map<String, TensorProto> initializers) {
        if (q.getInputCount() < 3 || q.getInput(2).isEmpty()) {
            return true; // no zero point: UINT8 with 0
        }
        Optional<TensorProto> zp = constant(q.getInput(2), producers, initializers);
        if (zp.isEmpty() || elements(zp.get()) != 1) {
            return false;
        }
        TensorProto t = zp.get();
        int value = t.getRawData().isEmpty() ? t.getInt32Data(0) : t.getRawData().byteAt(0);
        return t.getDataType() == TensorProto.DataType.UINT8_VALUE ? value == 0
                : t.getDataType() == TensorProto.DataType.INT8_VALUE && value == -128;
    }

    /** The value of an initializer, or of a Constant node's {@code value} (ONNX Runtime makes those initializers). */
    private static Optional<TensorProto> constant(String name, Map<String, NodeProto> producers,
                                                  Map<String, TensorProto> initializers) {
        if (initializers.containsKey(name)) {
            return Optional.of(initializers.get(name));
        }
        NodeProto p = producers.get(name);
        if (p == null || !p.getOpType().equals("Constant")) {
            return Optional.empty();
        }
        return p.getAttributeList().stream().filter(a -> a.getName().equals("value") && a.hasT())
                .map(a -> a.getT()).findFirst();
    }

    private static long elements(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }
}
