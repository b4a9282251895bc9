package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;

import java.util.List;
import java.util.Map;

/**
 * Writes a {@link QdqPlacement.Plan} into a graph: symmetric INT8 QuantizeLinear → DequantizeLinear pairs with
 * {@code scale = amax / 127} (a zero scale becomes 1.0) and INT8 zero points of 0. Activations get a scalar scale
 * and their pair right after the producer; FP32 weights keep their values and get a pair (per-axis when the plan
 * says so) right before their first reader. Names derive from the quantized tensor's name.
 */
final class QdqInserter {
    static final float INT8_BOUND = 127f;

    private final UniqueNames names;
    private final GraphSplice splice;

    private QdqInserter(GraphIndex index) {
        this.names = new UniqueNames(index.graph());
        this.splice = new GraphSplice(index);
    }

    /** The graph with the plan applied; {@code activationAmax} must hold every activation of the plan. */
    static GraphProto insert(GraphIndex index, QdqPlacement.Plan plan, Map<String, Float> activationAmax,
                             WeightCalibrator weightCalibrator) {
        QdqInserter inserter = new QdqInserter(index);
        for (Map.Entry<String, List<GraphIndex.Use>> e : plan.activations().entrySet()) {
            float amax = activationAmax.get(e.getKey());
            Pair pair = inserter.pair(e.getKey(), List.of(), new float[] {amax}, -1);
            inserter.splice.afterProducer(e.getKey(), pair.nodes());
            inserter.splice.rewire(e.getValue(), pair.dequantized());
        }
        for (Map.Entry<QdqPlacement.Weight, List<GraphIndex.Use>> e : plan.weights().entrySet()) {
            QdqPlacement.Weight w = e.getKey();
            TensorProto value = index.constant(w.tensor()).orElseThrow();
            float[] amax = weightCalibrator.amax(w.tensor(), TensorValues.floats(value), value.getDimsList(),
                    w.axis());
            List<Long> scaleDims = w.axis() < 0 ? List.of() : List.of((long) amax.length);
            Pair pair = inserter.pair(w.tensor(), scaleDims, amax, w.axis());
            inserter.splice.beforeFirst(e.getValue(), pair.nodes());
            inserter.splice.rewire(e.getValue(), pair.dequantized());
        }
        return inserter.splice.build();
    }

    /** The INT8 scale for an amax, as TensorRT and NVIDIA's exporters compute it. */
    static float scale(float amax) {
        float s = amax / INT8_BOUND;
        return s == 0f ? 1f : s;
    }

    private record Pair(List<NodeProto> nodes, String dequantized) {
    }

    /** Makes the Q→DQ pair of {@code tensor} and its scale and zero-point initializers. */
    private Pair pair(String tensor, List<Long> scaleDims, float[] amax, int axis) {
        float[] scales = new float[amax.length];
        for (int c = 0; c < amax.length; c++) {
            if (!(amax[c] >= 0) || Float.isInfinite(amax[c])) {
                throw new Trt4jException("tensor '" + tensor + "' has amax " + amax[c]
                        + "; it must be finite and >= 0");
            }
            scales[c] = scale(amax[c]);
        }
        String scaleName = names.take(tensor + "_scale");
        String zeroName = names.take(tensor + "_zero_point");
        String quantized = names.take(tensor + "_quantized");
        String dequantized = names.take(tensor + "_dequantized");
        splice.addInitializer(TensorValues.floatTensor(scaleName, scaleDims, scales));
        splice.addInitializer(TensorValues.int8Zeros(zeroName, scaleDims));
        NodeProto.Builder q = NodeProto.newBuilder().setOpType("QuantizeLinear")
                .setName(names.take(tensor + "_QuantizeLinear"))
                .addInput(tensor).addInput(scaleName).addInput(zeroName).addOutput(quantized);
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear")
                .setName(names.take(tensor + "_DequantizeLinear"))
                .addInput(quantized).addInput(scaleName).addInput(zeroName).addOutput(dequantized);
        if (axis >= 0) {
            q.addAttribute(Attributes.ofInt("axis", axis));
            dq.addAttribute(Attributes.ofInt("axis", axis));
        }
        return new Pair(List.of(q.build(), dq.build()), dequantized);
    }
}
