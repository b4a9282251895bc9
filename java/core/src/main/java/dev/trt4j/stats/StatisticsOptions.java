package dev.trt4j.stats;

import dev.trt4j.calibrators.HistogramCollector;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.ort.OrtRunnerOptions;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How {@link ActivationStatisticsCollector} gathers statistics.
 *
 * @param numBins    bins of each tensor's first histogram (default 2048, as NVIDIA's calibrators); histograms grow
 *                   to the right with the same bin width when later batches reach further
 * @param skipZeros  leave exact zeros out of the histograms (they still count in {@code count} and max |x|)
 * @param threads    ONNX Runtime intra-op threads, and threads filling histograms; 0 means ONNX Runtime's choice
 *                   and one histogram thread per processor, at most {@link #DEFAULT_MAX_HISTOGRAM_WORKERS}
 * @param maxSamples stop after this many samples, cutting the last batch short if needed; 0 reads all the data
 * @param feedback   the state links of a streaming model ({@link StateFeedback#NONE} for none): the pass runs the
 *                   batches as streams and feeds each run's state outputs to the next
 * @param rangePass  run the data twice when it can be opened twice
 *                   ({@link ActivationStatisticsCollector#collect(Supplier, ProgressListener)}): a first pass finds
 *                   each tensor's max |x|, and the histograms start at that range instead of the first batch's
 * @param histogramThreads threads filling histograms when they should differ from {@code threads}; 0 (the default)
 *                   follows {@code threads}. On many cores ONNX Runtime's threads and as many histogram threads
 *                   contend (docs/benchmarks.md), which this separates
 * @param batchOverlap whether to bin one batch's tensors while ONNX Runtime runs the next ({@link BatchOverlap#AUTO}
 *                   by default), which holds two batches of exposed tensors instead of one; the statistics are the
 *                   same either way
 * @param histogramsOptional whether a tensor whose histogram cannot grow as far as a later batch reaches (past
 *                   {@link HistogramCollector#MAX_BINS} bins: a first batch far quieter than the rest) keeps only
 *                   its max |x| ({@link TensorStatistics#droppedBecause()}) instead of failing the pass: for runs
 *                   whose methods read only max |x|. False by default, which fails at that batch
 */
public record StatisticsOptions(int numBins, boolean skipZeros, int threads, long maxSamples,
                                StateFeedback feedback, boolean rangePass, int histogramThreads,
                                BatchOverlap batchOverlap, boolean histogramsOptional) {
    /** NVIDIA's default histogram size. */
    public static final int DEFAULT_NUM_BINS = 2048;

    /**
     * Histogram workers when neither {@code threads} nor {@code histogramThreads} is set, on machines with more
     * processors. Filling histograms is bound by memory bandwidth; on a 16-core Xeon, 8 workers beside ONNX
     * Runtime's 16 threads made the pass 5–24 % faster than 16 workers, and 4 made it slower (docs/benchmarks.md).
     */
    public static final int DEFAULT_MAX_HISTOGRAM_WORKERS = 8;

    /**
     * Checks the options.
     *
     * @param numBins    bins of each tensor's first histogram, at least 1
     * @param skipZeros  leave exact zeros out of the histograms
     * @param threads    ONNX Runtime and histogram threads, 0 for automatic
     * @param maxSamples samples to read, 0 for all
     * @param feedback   the state links, {@link StateFeedback#NONE} for none; not null
     * @param rangePass  find each tensor's range in a first pass over the data
     * @param histogramThreads threads filling histograms, 0 to follow {@code threads}
     * @param batchOverlap whether to bin one batch while the next runs; not null
     * @param histogramsOptional keep only max |x| of a tensor whose histogram cannot grow, instead of failing
     * @throws IllegalArgumentException if {@code numBins} is below 1 or above {@link HistogramCollector#MAX_BINS}, or {@code threads}, {@code maxSamples} or
     *                                  {@code histogramThreads} is negative, or a thread count is above
     *                                  {@link OrtRunnerOptions#MAX_THREADS}
     * @throws NullPointerException     if {@code feedback} or {@code batchOverlap} is null
     */
    public StatisticsOptions {
        if (numBins < 1) {
            throw new IllegalArgumentException("num-bins must be at least 1, got " + numBins);
        }
        if (numBins > HistogramCollector.MAX_BINS) {
            throw new IllegalArgumentException("num-bins must be at most " + HistogramCollector.MAX_BINS + ", got "
                    + numBins);
        }
        OrtRunnerOptions.requireThreadCount("threads", "automatic", threads);
        if (maxSamples < 0) {
            throw new IllegalArgumentException("max-samples must be 0 (all) or more, got " + maxSamples);
        }
        OrtRunnerOptions.requireThreadCount("histogram-threads", "as threads", histogramThreads);
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(batchOverlap, "batchOverlap");
    }

    /**
     * Options whose histogram threads follow {@code threads}.
     *
     * @param numBins    bins of each tensor's first histogram, at least 1
     * @param skipZeros  leave exact zeros out of the histograms
     * @param threads    ONNX Runtime and histogram threads, 0 for automatic
     * @param maxSamples samples to read, 0 for all
     * @param feedback   the state links, {@link StateFeedback#NONE} for none; not null
     * @param rangePass  find each tensor's range in a first pass over the data
     * @throws IllegalArgumentException if {@code numBins} is below 1 or above {@link HistogramCollector#MAX_BINS}, or {@code threads} or {@code maxSamples} is
     *                                  negative
     * @throws NullPointerException     if {@code feedback} is null
     */
    public StatisticsOptions(int numBins, boolean skipZeros, int threads, long maxSamples, StateFeedback feedback,
                             boolean rangePass) {
        this(numBins, skipZeros, threads, maxSamples, feedback, rangePass, 0, BatchOverlap.AUTO, false);
    }

    /**
     * Options without state links or range pass.
     *
     * @param numBins    bins of each tensor's first histogram, at least 1
     * @param skipZeros  leave exact zeros out of the histograms
     * @param threads    ONNX Runtime and histogram threads, 0 for automatic
     * @param maxSamples samples to read, 0 for all
     * @throws IllegalArgumentException if {@code numBins} is below 1 or above {@link HistogramCollector#MAX_BINS}, or {@code threads} or {@code maxSamples} is
     *                                  negative
     */
    public StatisticsOptions(int numBins, boolean skipZeros, int threads, long maxSamples) {
        this(numBins, skipZeros, threads, maxSamples, StateFeedback.NONE, false);
    }

    /** {@return 2048 bins, zeros kept, ONNX Runtime's thread count, all samples, no state links, one pass} */
    public static StatisticsOptions defaults() {
        return new StatisticsOptions(DEFAULT_NUM_BINS, false, 0, 0);
    }

    /**
     * {@return these options with another first-histogram size}
     *
     * @param bins bins of each tensor's first histogram, at least 1 ({@value #DEFAULT_NUM_BINS} by default)
     * @throws IllegalArgumentException if {@code bins} is below 1
     */
    public StatisticsOptions withNumBins(int bins) {
        return new StatisticsOptions(bins, skipZeros, threads, maxSamples, feedback, rangePass, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with exact zeros left out of the histograms or kept}
     *
     * @param skip true to leave zeros out (they still count in {@code count} and max |x|); false by default
     */
    public StatisticsOptions withSkipZeros(boolean skip) {
        return new StatisticsOptions(numBins, skip, threads, maxSamples, feedback, rangePass, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with another thread count}
     *
     * @param n ONNX Runtime intra-op threads and histogram threads; 0 (the default) for ONNX Runtime's choice and
     *          one histogram thread per processor, at most {@link #DEFAULT_MAX_HISTOGRAM_WORKERS}
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public StatisticsOptions withThreads(int n) {
        return new StatisticsOptions(numBins, skipZeros, n, maxSamples, feedback, rangePass, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with another sample limit}
     *
     * @param n samples to read at most; 0 (the default) reads all the data
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public StatisticsOptions withMaxSamples(long n) {
        return new StatisticsOptions(numBins, skipZeros, threads, n, feedback, rangePass, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with or without a first pass for the ranges}
     *
     * @param twoPasses true to run the data twice where it can be opened twice (see {@link #rangePass()}); false
     *                  by default
     */
    public StatisticsOptions withRangePass(boolean twoPasses) {
        return new StatisticsOptions(numBins, skipZeros, threads, maxSamples, feedback, twoPasses, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with other state links}
     *
     * @param links the streaming model's state links; {@link StateFeedback#NONE} (the default) for none, not null
     * @throws NullPointerException if {@code links} is null
     */
    public StatisticsOptions withFeedback(StateFeedback links) {
        return new StatisticsOptions(numBins, skipZeros, threads, maxSamples, links, rangePass, histogramThreads,
                batchOverlap, histogramsOptional);
    }

    /**
     * {@return these options with their own histogram thread count}
     *
     * @param n threads filling histograms; 0 (the default) follows {@link #threads()}
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public StatisticsOptions withHistogramThreads(int n) {
        return new StatisticsOptions(numBins, skipZeros, threads, maxSamples, feedback, rangePass, n, batchOverlap,
                histogramsOptional);
    }

    /**
     * {@return these options with another choice of binning one batch while the next runs}
     *
     * @param overlap {@link BatchOverlap#AUTO} (the default), {@link BatchOverlap#ON} or {@link BatchOverlap#OFF}
     * @throws NullPointerException if {@code overlap} is null
     */
    public StatisticsOptions withBatchOverlap(BatchOverlap overlap) {
        return new StatisticsOptions(numBins, skipZeros, threads, maxSamples, feedback, rangePass, histogramThreads,
                overlap, histogramsOptional);
    }

    /**
     * {@return these options with another choice for a histogram that cannot grow far enough}
     *
     * @param optional true to keep only max |x| of such a tensor (for the max method), false to fail the pass
     */
    public StatisticsOptions withHistogramsOptional(boolean optional) {
        return new StatisticsOptions(numBins, skipZeros, threads, maxSamples, feedback, rangePass, histogramThreads,
                batchOverlap, optional);
    }

    /**
     * {@return the threads that fill histograms: {@link #histogramThreads()}, else {@link #threads()}, else one per
     * processor up to {@link #DEFAULT_MAX_HISTOGRAM_WORKERS}}
     */
    public int histogramWorkers() {
        return histogramWorkers(Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #histogramWorkers()} on a machine with {@code processors} processors. */
    int histogramWorkers(int processors) {
        int n = histogramThreads > 0 ? histogramThreads : threads;
        return n > 0 ? n : Math.min(processors, DEFAULT_MAX_HISTOGRAM_WORKERS);
    }
}
