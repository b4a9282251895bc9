package dev.trt4j.compare;

import dev.trt4j.quantize.QuantizationResult;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of keeping the most sensitive layers in FP32 until the quantized model's metric drop is within a
 * target.
 *
 * @param targetDrop the largest drop accepted
 * @param skipped    the layers kept in FP32, most sensitive first (empty when the fully quantized model is
 *                   within target)
 * @param score      the metric of the chosen model against FP32
 * @param reached    whether the chosen model is within target (false only when even skipping every ranked layer
 *                   was not enough)
 * @param steps      every model tried, in order: 0, 1, 2, … layers skipped
 * @param model      the chosen partially quantized model
 */
public record PartialQuantization(double targetDrop, List<String> skipped, TaskScore score, boolean reached,
                                  List<Step> steps, QuantizationResult model) {
    public PartialQuantization {
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(score, "score");
        steps = List.copyOf(steps);
        Objects.requireNonNull(model, "model");
    }

    /**
     * One model tried.
     *
     * @param skippedLayers how many of the most sensitive layers stayed FP32
     * @param lastSkipped   the layer added to the skip list at this step; null for the fully quantized model
     * @param score         its metric
     * @param drop          its drop against FP32
     */
    public record Step(int skippedLayers, String lastSkipped, double score, double drop) {
    }
}
