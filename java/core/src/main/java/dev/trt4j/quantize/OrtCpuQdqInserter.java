package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.ControlCharacters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an {@link OrtCpuPlacement.Plan} into a graph in the types ONNX Runtime's CPU kernels take:
 * <ul>
 *   <li>activations: UINT8 Q → DQ, scale {@code amax / 127} and zero point 128 (the symmetric INT8 grid, shifted),
 *       or scale {@code amax / 255} and zero point 0 for non-negative tensors;</li>
 *   <li>weights: stored as INT8 (round half to even) with a DQ, scale {@code amax / 127}, or {@code amax / 64}
 *       with reduced range;</li>
 *   <li>biases: stored as INT32 with a DQ, scale {@code input scale × weight scale}.</li>
 * </ul>
 * A zero scale becomes 1.0; a weight scale is widened where its channel's bias would not fit INT32. The FP32
 * weights and biases that nothing reads any more are removed.
 */
final class OrtCpuQdqInserter {
    static final int SIGNED_ZERO_POINT = 128;
    static final float SIGNED_BOUND = 127f;
    static final float UNSIGNED_BOUND = 255f;
    static final int WEIGHT_BOUND = 127;
    /** 7-bit weights: 255 × 64 × 2 = 32640 fits the int16 that AVX2's vpmaddubsw adds a pair of products into. */
    static final int REDUCED_WEIGHT_BOUND = 64;
    /** Largest INT32 bias written, with room for float rounding of its scale. */
    private static final double BIAS_LIMIT = Integer.MAX_VALUE - 1024.0;
    private static final Logger LOG = LoggerFactory.getLogger(OrtCpuQdqInserter.class);

    private final GraphIndex index;
    private final UniqueNames names;
    private final GraphSplice splice;
    private final Map<String, Float> activationScales = new HashMap<>();
    private final Map<QdqPlacement.Weight, float[]> weightScales = new HashMap<>();
    private final Set<String> replaced = new HashSet<>();

    private OrtCpuQdqInserter(GraphIndex index) {
        this.index = index;
        this.names = new UniqueNames(index.graph());
        this.splice = new GraphSplice(index);
    }

    /** The graph with the plan applied; {@code activationAmax} must hold every activation of the plan. */
    static GraphProto insert(GraphIndex index, OrtCpuPlacement.Plan plan, Map<String, Float> activationAmax,
                             WeightCalibrator weightCalibrator, boolean reduceRange) {
        OrtCpuQdqInserter inserter = new OrtCpuQdqInserter(index);
        plan.layout().activations().forEach((t, uses) ->
                inserter.activation(t, uses, activationAmax.get(t), plan.unsigned().contains(t)));
        int bound = reduceRange ? REDUCED_WEIGHT_BOUND : WEIGHT_BOUND;
        plan.layout().weights().keySet().forEach(w -> inserter.weightScales(w, weightCalibrator, bound));
        plan.biases().forEach(inserter::fitBias);
        plan.layout().weights().forEach((w, uses) -> inserter.weight(w, uses, bound));
        plan.biases().forEach(inserter::bias);
        return inserter.pruned(inserter.splice.build());
    }

    /** The scale of an activation with this amax: the grid's step. */
    static float activationScale(float amax, boolean unsigned) {
        float s = amax / (unsigned ? UNSIGNED_BOUND : SIGNED_BOUND);
        return s == 0f ? 1f : s;
    }

    private void activation(String tensor, List<GraphIndex.Use> uses, float amax, boolean unsigned) {
        float scale = activationScale(amax, unsigned);
        activationScales.put(tensor, scale);
        String scaleName = names.take(tensor + "_scale");
        String zeroName = names.take(tensor + "_zero_point");
        String quantized = names.take(tensor + "_quantized");
        String dequantized = names.take(tensor + "_dequantized");
        splice.addInitializer(TensorValues.floatTensor(scaleName, List.of(), new float[] {scale}));
        splice.addInitializer(TensorValues.uint8Scalar(zeroName, unsigned ? 0 : SIGNED_ZERO_POINT));
        NodeProto q = NodeProto.newBuilder().setOpType("QuantizeLinear").setName(names.take(tensor + "_QuantizeLinear"))
                .addInput(tensor).addInput(scaleName).addInput(zeroName).addOutput(quantized).build();
        splice.afterProducer(tensor, List.of(q, dequantize(tensor, quantized, scaleName, zeroName, dequantized, -1)));
        splice.rewire(uses, dequantized);
    }

    private void weightScales(QdqPlacement.Weight w, WeightCalibrator calibrator, int bound) {
        TensorProto value = index.constant(w.tensor()).orElseThrow();
        float[] amax = calibrator.amax(w.tensor(), TensorValues.floats(value), value.getDimsList(), w.axis());
        float[] scales = new float[amax.length];
        for (int c = 0; c < amax.length; c++) {
            float scale = amax[c] / bound;
            scales[c] = scale == 0f ? 1f : scale; // a subnormal amax / 64 can underflow to 0, as 0 can
        }
        weightScales.put(w, scales);
    }

    /**
     * Widens the weight scale of any channel whose bias would not fit INT32 at {@code input scale × weight scale}
     * (a channel of near-zero weights with a sizeable bias), as ONNX Runtime's own quantizer does: clipping the
     * bias would shift that channel's output, while a coarser grid for tiny weights costs almost nothing.
     */
    private void fitBias(OrtCpuPlacement.Bias b) {
        float[] v = TensorValues.floats(index.constant(b.tensor()).orElseThrow());
        double inputScale = activationScales.get(b.activation());
        float[] w = weightScales.get(b.weight());
        for (int c = 0; c < v.length; c++) {
            int k = b.weight().axis() >= 0 ? c : 0;
            double needed = Math.abs(v[c]) / (inputScale * BIAS_LIMIT);
            if (w[k] < needed) {
                LOG.debug("bias '{}'[{}] = {}: weight scale of '{}' widened from {} to {} to fit INT32", b.tensor(),
                        c, v[c], b.weight().tensor(), w[k], needed);
                w[k] = Math.nextUp((float) needed);
            }
        }
    }

    private void weight(QdqPlacement.Weight w, List<GraphIndex.Use> uses, int bound) {
        TensorProto value = index.constant(w.tensor()).orElseThrow();
        float[] v = TensorValues.floats(value);
        float[] scales = weightScales.get(w);
        int inner = 1;
        for (int d = w.axis() + 1; w.axis() >= 0 && d < value.getDimsCount(); d++) {
            inner = Math.multiplyExact(inner, Math.toIntExact(value.getDims(d)));
        }
        byte[] q = new byte[v.length];
        for (int k = 0; k < v.length; k++) {
            float s = scales[w.axis() < 0 ? 0 : (k / inner) % scales.length];
            q[k] = (byte) Math.max(-bound, Math.min(bound, Math.rint(v[k] / s)));
        }
        List<Long> scaleDims = w.axis() < 0 ? List.of() : List.of((long) scales.length);
        String dataName = names.take(w.tensor() + "_quantized");
        String scaleName = names.take(w.tensor() + "_scale");
        String zeroName = names.take(w.tensor() + "_zero_point");
        String dequantized = names.take(w.tensor() + "_dequantized");
        splice.addInitializer(TensorValues.int8Tensor(dataName, value.getDimsList(), q));
        splice.addInitializer(TensorValues.floatTensor(scaleName, scaleDims, scales));
        splice.addInitializer(TensorValues.int8Zeros(zeroName, scaleDims));
        splice.beforeFirst(uses, List.of(dequantize(w.tensor(), dataName, scaleName, zeroName, dequantized, w.axis())));
        splice.rewire(uses, dequantized);
        replaced.add(w.tensor());
    }

    private void bias(OrtCpuPlacement.Bias b) {
        TensorProto value = index.constant(b.tensor()).orElseThrow();
        float[] v = TensorValues.floats(value);
        float inputScale = activationScales.get(b.activation());
        float[] w = weightScales.get(b.weight());
        boolean perChannel = b.weight().axis() >= 0;
        float[] scales = new float[perChannel ? v.length : 1];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = inputScale * w[perChannel ? c : 0];
        }
        int[] q = new int[v.length];
        int clipped = 0;
        for (int c = 0; c < v.length; c++) {
            double x = Math.rint(v[c] / (double) scales[perChannel ? c : 0]);
            if (Math.abs(x) > Integer.MAX_VALUE) {
                clipped++;
            }
            q[c] = (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE, x));
        }
        if (clipped > 0) {
            LOG.warn("bias '{}': {} values exceed the INT32 range of scale input × weight and are clipped",
                    ControlCharacters.escape(b.tensor()), clipped);
        }
        List<Long> scaleDims = perChannel ? List.of((long) scales.length) : List.of();
        String dataName = names.take(b.tensor() + "_quantized");
        String scaleName = names.take(b.tensor() + "_scale");
        String zeroName = names.take(b.tensor() + "_zero_point");
        String dequantized = names.take(b.tensor() + "_dequantized");
        splice.addInitializer(TensorValues.int32Tensor(dataName, value.getDimsList(), q));
        splice.addInitializer(TensorValues.floatTensor(scaleName, scaleDims, scales));
        splice.addInitializer(TensorValues.int32Tensor(zeroName, scaleDims, new int[scales.length]));
        splice.beforeFirst(List.of(b.use()),
                List.of(dequantize(b.tensor(), dataName, scaleName, zeroName, dequantized, perChannel ? 0 : -1)));
        splice.rewire(List.of(b.use()), dequantized);
        replaced.add(b.tensor());
    }

    private NodeProto dequantize(String tensor, String data, String scale, String zero, String out, int axis) {
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear")
                .setName(names.take(tensor + "_DequantizeLinear"))
                .addInput(data).addInput(scale).addInput(zero).addOutput(out);
        if (axis >= 0) {
            dq.addAttribute(Attributes.ofInt("axis", axis));
        }
        return dq.build();
    }

    /** Drops the FP32 weights and biases (initializers or Constant nodes) that were replaced and are read no more. */
    private GraphProto pruned(GraphProto graph) {
        GraphIndex after = new GraphIndex(graph);
        Set<String> unused = new HashSet<>();
        for (String t : replaced) {
            if (after.consumers(t).isEmpty() && !after.isGraphOutput(t) && !after.isGraphInput(t)) {
                unused.add(t);
            }
        }
        GraphProto.Builder b = graph.toBuilder().clearInitializer().clearNode();
        graph.getInitializerList().stream().filter(t -> !unused.contains(t.getName())).forEach(b::addInitializer);
        graph.getNodeList().stream().filter(n -> !(GraphIndex.isConstantNode(n) && unused.contains(n.getOutput(0))))
                .forEach(b::addNode);
        return b.build();
    }
}
