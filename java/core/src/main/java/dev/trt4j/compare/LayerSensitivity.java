package dev.trt4j.compare;

import java.util.Comparator;

/**
 * How much the task metric suffers when only one layer is quantized and every other stays FP32.
 *
 * @param node   the layer's node name (unnamed nodes are {@code OpType#index})
 * @param opType its operator type
 * @param score  the metric with only this layer in INT8
 * @param drop   how much worse than FP32 that is (negative when better)
 * @param cosine cosine similarity of the first model output to FP32's
 * @param snrDb  SNR of the first model output against FP32's, in dB
 */
public record LayerSensitivity(String node, String opType, double score, double drop, double cosine,
                               double snrDb) {

    /**
     * Most sensitive first: the larger metric drop, then (a metric counted on few samples often ties) the lower
     * output cosine, then the node name, so the order is total and repeatable.
     */
    public static final Comparator<LayerSensitivity> MOST_SENSITIVE_FIRST = Comparator
            .comparingDouble(LayerSensitivity::drop).reversed()
            .thenComparingDouble(LayerSensitivity::cosine)
            .thenComparing(LayerSensitivity::node);
}
