package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The nodes that cannot compute in FP16 on real data: those that read or write a tensor whose largest magnitude on
 * the samples lies beyond FP16's largest finite value. In FP16 such a tensor becomes infinity, and everything after
 * it NaN or garbage. Silero VAD v4, for one, scales its spectrum by 2^20 before a logarithm, to 1.7 × 10^7. Handed
 * to {@link Fp16Converter} as nodes to keep, they compute in FP32, and a node reading an out-of-range value does too.
 * The ranges come from an FP32 pass over the samples (e.g. {@code StatisticsSession#ranges}).
 */
public final class Fp16RangeCheck {
    /** FP16's largest finite value. */
    public static final float FP16_MAX = 65504f;

    /**
     * A node kept in FP32, and the tensor that made it so.
     *
     * @param node   the node's label (its name, or {@code OpType#index})
     * @param tensor its input or output of largest magnitude
     * @param absMax that tensor's largest magnitude on the samples
     */
    public record Finding(String node, String tensor, float absMax) {
    }

    private Fp16RangeCheck() {
    }

    /**
     * The main-graph nodes with an input or output beyond {@code limit}, in graph order.
     *
     * @param absMax largest magnitude of each float tensor on the samples; tensors without one are in range
     * @param limit  the largest magnitude that may stay in FP16, normally {@link #FP16_MAX}
     */
    public static List<Finding> beyond(ModelProto model, Map<String, Float> absMax, float limit) {
        GraphProto graph = model.getGraph();
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            String worst = null;
            float worstMax = limit;
            for (List<String> tensors : List.of(n.getInputList(), n.getOutputList())) {
                for (String t : tensors) {
                    Float m = absMax.get(t);
                    if (m != null && m > worstMax) {
                        worst = t;
                        worstMax = m;
                    }
                }
            }
            if (worst != null) {
                findings.add(new Finding(GraphIndex.label(n, i), worst, worstMax));
            }
        }
        return findings;
    }
}
