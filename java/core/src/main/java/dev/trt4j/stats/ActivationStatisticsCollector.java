package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.GraphOptimization;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs the FP32 model with ONNX Runtime over calibration data and gathers, in one pass, the statistics every
 * calibration method needs for each chosen tensor (histogram of |x| and max |x|, see
 * {@link TensorStatisticsCollector}).
 *
 * <p>The chosen tensors are exposed as extra graph outputs; graph inputs are read straight from the data. ONNX
 * Runtime writes the outputs into buffers reused from batch to batch, and each is folded into its statistics where
 * it lies (no heap copy), so memory stays bounded by one batch whatever the data size (two where batches overlap).
 * After each batch's run, histograms are filled on {@link StatisticsOptions#histogramWorkers()} worker threads,
 * largest tensors first: between runs, or while the next batch runs ({@link BatchOverlap}).
 *
 * <p>{@link #collect} opens ONNX Runtime for one pass; {@link #open} keeps a session for several passes over the
 * same model. The caller owns and closes the data source.
 */
public final class ActivationStatisticsCollector {
    private final OnnxModel model;
    private final List<String> tensors;
    private final StatisticsOptions options;

    /**
     * @param model       the FP32 model
     * @param tensorNames tensors to calibrate, e.g. {@link OnnxModel#quantizableActivationTensors()}
     * @throws Trt4jException if the list is empty, or a name is not a float32/float16 tensor of the model
     */
    public ActivationStatisticsCollector(OnnxModel model, List<String> tensorNames, StatisticsOptions options) {
        this.model = model;
        this.options = options;
        Set<String> distinct = new LinkedHashSet<>(tensorNames);
        if (distinct.isEmpty()) {
            throw new Trt4jException(model.path() + ": no tensors to calibrate");
        }
        for (String name : distinct) {
            if (!model.hasTensor(name)) {
                throw new Trt4jException(model.path() + ": no tensor named '" + name + "'");
            }
            if (!model.isFloatTensor(name)) {
                throw new Trt4jException(model.path() + ": tensor '" + name + "' is "
                        + model.elementTypeName(name).orElse("of unknown type")
                        + "; only FLOAT and FLOAT16 tensors can be calibrated");
            }
        }
        this.tensors = List.copyOf(distinct);
    }

    /** Runs the pass without reporting progress. */
    public ActivationStatistics collect(CalibrationDataSource source) {
        return collect(source, ProgressListener.NONE);
    }

    /**
     * Opens ONNX Runtime on the model, runs one pass over {@code source} (up to {@link StatisticsOptions#maxSamples()}
     * samples) and closes it again. To run several passes over the same model, {@link #open()} a session once.
     *
     * @throws Trt4jException as {@link StatisticsSession#collect(CalibrationDataSource, ProgressListener)}
     */
    public ActivationStatistics collect(CalibrationDataSource source, ProgressListener listener) {
        try (StatisticsSession session = open()) {
            return session.collect(source, listener);
        }
    }

    /**
     * As {@link #collect(CalibrationDataSource, ProgressListener)}, opening the data from {@code data}: twice with
     * {@link StatisticsOptions#rangePass()} (a first pass for the ranges, see {@link StatisticsSession#ranges}), once
     * otherwise. {@code listener} hears both passes as one run over twice the samples.
     *
     * @throws Trt4jException as {@link StatisticsSession#collect(CalibrationDataSource, ProgressListener)}
     */
    public ActivationStatistics collect(Supplier<? extends CalibrationDataSource> data, ProgressListener listener) {
        try (StatisticsSession session = open()) {
            Map<String, Float> ranges = Map.of();
            long[] firstPass = {0};
            if (options.rangePass()) {
                try (CalibrationDataSource source = data.get()) {
                    ranges = session.ranges(source, (done, total) -> {
                        firstPass[0] = done;
                        listener.progress(done, total < 0 ? -1 : 2 * total);
                    });
                }
            }
            ActivationStatistics statistics;
            try (CalibrationDataSource source = data.get()) {
                statistics = session.collect(source, (done, total) -> listener.progress(firstPass[0] + done,
                        total < 0 ? -1 : firstPass[0] + total), ranges);
            }
            if (!options.rangePass()) {
                return statistics;
            }
            if (statistics.samples() != firstPass[0]) {
                // Ranges from other samples would clip or waste the histograms without a word.
                throw new Trt4jException(statistics.dataDescription() + ": the range pass read " + firstPass[0]
                        + " samples but the second pass " + statistics.samples() + "; the data changed between the "
                        + "passes");
            }
            return new ActivationStatistics(statistics.tensors(), statistics.samples(), statistics.batches(),
                    statistics.modelSha256(), statistics.dataDescription() + ", histograms started at the data's range "
                    + "(range pass)");
        }
    }

    /**
     * Opens ONNX Runtime on the model with the chosen tensors exposed as outputs, for any number of passes. The
     * session runs at {@link GraphOptimization#ALL}: ONNX Runtime's fusions keep every exposed tensor, and its blocked
     * convolution layout converts each exposed tensor back to the model's layout. Its threads spin only while a run is
     * in progress, which leaves the cores to the histogram workers between runs.
     *
     * @throws Trt4jException if ONNX Runtime cannot load the model
     */
    public StatisticsSession open() {
        return new StatisticsSession(model, tensors, options);
    }
}
