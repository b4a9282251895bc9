package dev.trt4j.compare;

import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.stats.StatisticsOptions;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CalibratorComparison} compares.
 *
 * @param methods            activation calibration methods, one column each (at least one)
 * @param config             how models are quantized (weights, BatchNorm folding, exclusions)
 * @param statistics         how activation statistics are collected; its {@code maxSamples} is ignored
 * @param calibrationSamples samples the statistics are collected on
 * @param sampleSweep        calibration sample counts for the metric-against-samples table; empty = no such table
 * @param weightsStudy       also compare per-channel and per-tensor weights, with and without BatchNorm folding
 * @param studyMethod        the activation method of the weights study; null = the best of {@code methods}
 * @param biasCorrection     bias correction applied to every candidate, on the samples its ranges came from;
 *                           null = none
 */
public record ComparisonSettings(List<MethodSpec> methods, QuantizationConfig config, StatisticsOptions statistics,
                                 long calibrationSamples, List<Long> sampleSweep, boolean weightsStudy,
                                 MethodSpec studyMethod, BiasCorrection.Choice biasCorrection) {
    /**
     * Copies the lists.
     *
     * @param methods activation calibration methods, one column each (at least one)
     * @param config how models are quantized (weights, BatchNorm folding, exclusions)
     * @param statistics how activation statistics are collected; its {@code maxSamples} is ignored
     * @param calibrationSamples samples the statistics are collected on
     * @param sampleSweep calibration sample counts for the metric-against-samples table; empty = no such table
     * @param weightsStudy also compare per-channel and per-tensor weights, with and without BatchNorm folding
     * @param studyMethod the activation method of the weights study; null = the best of {@code methods}
     * @param biasCorrection bias correction applied to every candidate, on the samples its ranges came from;
     *        null = none
     * @throws IllegalArgumentException if there are no methods, or a sample count is below 1
     */
    public ComparisonSettings {
        methods = List.copyOf(methods);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no methods to compare");
        }
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(statistics, "statistics");
        if (calibrationSamples < 1) {
            throw new IllegalArgumentException("calibration samples must be positive, got " + calibrationSamples);
        }
        sampleSweep = List.copyOf(sampleSweep);
        for (long n : sampleSweep) {
            if (n < 1) {
                throw new IllegalArgumentException("sample counts must be positive, got " + n);
            }
        }
    }

    /** Settings without bias correction. */
    public ComparisonSettings(List<MethodSpec> methods, QuantizationConfig config, StatisticsOptions statistics,
                              long calibrationSamples, List<Long> sampleSweep, boolean weightsStudy,
                              MethodSpec studyMethod) {
        this(methods, config, statistics, calibrationSamples, sampleSweep, weightsStudy, studyMethod, null);
    }

    /** The most calibration samples any step uses: evaluation samples must come after these. */
    public long maxCalibrationSamples() {
        return sampleSweep.stream().mapToLong(Long::longValue).reduce(calibrationSamples, Math::max);
    }
}
