package dev.trt4j.stats;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.AbsMaxCollector;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.StateCarrier;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.GraphOptimization;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ONNX Runtime opened on a model with the tensors to calibrate exposed as outputs, for any number of statistics
 * passes. Opening costs about as much as a few batches (the model is parsed, its kernels prepared, its output
 * buffers sized on the first run), so a caller that runs several passes over one model keeps one session. It holds
 * one batch of exposed outputs between passes, two where batches overlap ({@link BatchOverlap}). Made by
 * {@link ActivationStatisticsCollector#open()}; owns its ONNX Runtime session.
 *
 * <p>Not thread-safe.
 */
public final class StatisticsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatisticsSession.class);

    private final OnnxModel model;
    private final List<String> tensors;
    private final StatisticsOptions options;
    private final List<String> fromInputs;
    private final List<String> fromOutputs;
    private final OrtModelRunner runner;
    /** Set by {@link #close()}, which another thread may call during a pass. */
    private volatile boolean closed;

    /** @throws Trt4jException if ONNX Runtime cannot load the model */
    StatisticsSession(OnnxModel model, List<String> tensors, StatisticsOptions options) {
        this.model = model;
        this.tensors = tensors;
        this.options = options;
        List<String> graphInputs = model.inputs().stream().map(TensorSpec::name).toList();
        this.fromInputs = tensors.stream().filter(graphInputs::contains).toList();
        this.fromOutputs = tensors.stream().filter(t -> !graphInputs.contains(t)).toList();
        // ALL: fusions never remove a tensor that is a graph output, and the blocked (NCHWc) convolutions that ALL
        // adds pay for converting the exposed tensors back: on 2 cores the exposed graph ran 18-26 % faster than at
        // EXTENDED on the PP-OCR classifier, detector and recognizer, and as fast on MiniLM (docs/benchmarks.md).
        // No spin wait between runs: the histogram workers run while ONNX Runtime is idle, and on a 16-core Xeon its
        // threads, spinning on after each run, left them under 2 % of a core each. Within a run they still spin.
        OrtRunnerOptions runnerOptions = new OrtRunnerOptions(options.threads(), GraphOptimization.ALL, false);
        this.runner = OrtModelRunner.open(model.exposing(fromOutputs), model.path(), runnerOptions);
    }

    /** Runs a pass without reporting progress. */
    public ActivationStatistics collect(CalibrationDataSource source) {
        return collect(source, ProgressListener.NONE);
    }

    /**
     * Runs the model over {@code source} (up to {@link StatisticsOptions#maxSamples()} samples) and returns the
     * statistics of every chosen tensor, collected from scratch.
     *
     * @throws Trt4jException if the data delivers no samples, a batch does not fit the model, a tensor holds NaN or
     *                        infinity, or a tensor produced no values; each message is one line naming the tensor
     *                        or input
     * @throws IllegalStateException if the session is closed
     */
    public ActivationStatistics collect(CalibrationDataSource source, ProgressListener listener) {
        return collect(source, listener, Map.of());
    }

    /**
     * As {@link #collect(CalibrationDataSource, ProgressListener)}, with each tensor's histogram started at
     * {@code [0, range]} from {@code startRanges} (tensors without one, or with 0, start at their first batch's
     * range). With the ranges of a first pass over the same data ({@link #ranges}), no histogram grows past its
     * limit however the data is ordered.
     */
    public ActivationStatistics collect(CalibrationDataSource source, ProgressListener listener,
                                        Map<String, Float> startRanges) {
        Map<String, TensorStatisticsCollector> collectors = new LinkedHashMap<>();
        for (String name : tensors) {
            TensorStatisticsCollector collector = new TensorStatisticsCollector(name, options.numBins(),
                    options.skipZeros(), startRanges.getOrDefault(name, 0f));
            if (options.histogramsOptional()) {
                collector.dropHistogramOnOverflow();
            }
            collectors.put(name, collector);
        }
        long[] done = foldEachBatch(source, listener, (name, values) -> collectors.get(name).collect(values));
        long samples = done[0];
        Map<String, TensorStatistics> result = new LinkedHashMap<>();
        for (TensorStatisticsCollector collector : collectors.values()) {
            TensorStatistics stats = collector.statistics();
            if (stats.count() == 0) {
                throw new Trt4jException(model.path() + ": tensor '" + stats.name() + "' produced no values over "
                        + samples + " samples");
            }
            result.put(stats.name(), stats);
        }
        if (result.values().stream().allMatch(t -> t.absMax() == 0f)) {
            // Every range would be 0 and every quantized tensor would read as zeros.
            throw new Trt4jException(options.feedback().describe(source.describe()) + ": every calibrated tensor is 0 "
                    + "on these " + samples + " samples (silent audio? blank images?); calibrate on representative "
                    + "data");
        }
        LOG.debug("Collected statistics of {} tensors over {} samples in {} batches", result.size(), samples, done[1]);
        return new ActivationStatistics(result, samples, done[1], model.sha256(),
                options.feedback().describe(source.describe()));
    }

    /**
     * The first pass of a two-pass calibration: runs the model over {@code source} as {@link #collect} does and
     * returns each chosen tensor's largest magnitude, for {@link #collect(CalibrationDataSource, ProgressListener,
     * Map)} over the same data.
     *
     * @throws Trt4jException as {@link #collect(CalibrationDataSource, ProgressListener)}
     * @throws IllegalStateException if the session is closed
     */
    public Map<String, Float> ranges(CalibrationDataSource source, ProgressListener listener) {
        Map<String, AbsMaxCollector> maxima = new LinkedHashMap<>();
        tensors.forEach(name -> maxima.put(name, new AbsMaxCollector(name)));
        long samples = foldEachBatch(source, listener, (name, values) -> maxima.get(name).collect(values))[0];
        Map<String, Float> ranges = new LinkedHashMap<>();
        for (AbsMaxCollector m : maxima.values()) {
            if (m.count() == 0) {
                throw new Trt4jException(model.path() + ": tensor '" + m.name() + "' produced no values over "
                        + samples + " samples");
            }
            ranges.put(m.name(), m.absMax());
        }
        return ranges;
    }

    /** Folds one batch's values of one tensor into its statistics; one call per tensor and batch, in batch order. */
    private interface TensorFold {
        void fold(String tensor, FloatBuffer values);
    }

    /**
     * Runs a pass that folds each batch's tensors on the histogram workers, largest first, and, as
     * {@link StatisticsOptions#batchOverlap()} says, while the next batch runs.
     *
     * @return the samples and batches run
     */
    private long[] foldEachBatch(CalibrationDataSource source, ProgressListener listener, TensorFold fold) {
        BatchOverlap overlap = options.batchOverlap();
        try (ConcurrentCollectors folding = new ConcurrentCollectors(options.histogramWorkers(),
                overlap.mayOverlap(Runtime.getRuntime().availableProcessors()))) {
            return pass(source, listener, overlap, new BatchTensorsConsumer() {
                @Override
                public void accept(List<Map.Entry<String, FloatBuffer>> batchTensors) {
                    // Largest first: the workers then finish together instead of one folding the biggest tensor
                    // alone at the end of the batch (longest-processing-time-first scheduling).
                    batchTensors.sort(Comparator.comparingInt(
                            (Map.Entry<String, FloatBuffer> e) -> e.getValue().remaining()).reversed());
                    for (Map.Entry<String, FloatBuffer> e : batchTensors) {
                        folding.collect(values -> fold.fold(e.getKey(), values), e.getValue());
                    }
                }

                @Override
                public void await() {
                    folding.awaitBatch();
                }
            });
        }
    }

    /** What a pass does with the chosen tensors of each batch. */
    private interface BatchTensorsConsumer {
        /**
         * Takes one batch's tensors, which stay valid until {@link #await()} returns; may leave work running.
         */
        void accept(List<Map.Entry<String, FloatBuffer>> batchTensors);

        /** Waits for the work {@link #accept} left running. */
        void await();
    }

    /**
     * Runs the model over {@code source}, feeding back state, and hands each batch's chosen tensors to
     * {@code consumer}. Where {@code overlap} says so (decided on the first batch's size), the runs alternate between
     * two sets of output buffers and the consumer is awaited only after the next batch's run, so that its work on
     * one batch overlaps the next batch's run.
     *
     * @return the samples and batches run
     */
    private long[] pass(CalibrationDataSource source, ProgressListener listener, BatchOverlap overlap,
                        BatchTensorsConsumer consumer) {
        if (closed) {
            // before the source is read: a batch taken from it would be lost to the caller's next session
            throw new IllegalStateException("StatisticsSession for " + model.path() + " is closed");
        }
        long limit = options.maxSamples() > 0 ? options.maxSamples() : Long.MAX_VALUE;
        long total = source.sampleCount().map(n -> Math.min(n, limit)).orElse(-1L);
        long samples = 0;
        long batches = 0;
        StateCarrier state = options.feedback().start(model.path().toString(), model.inputs(), model.outputs());
        Set<String> fedBack = state.outputs();
        Set<String> chosen = Set.copyOf(tensors);
        List<String> wanted = new ArrayList<>(fromOutputs);
        fedBack.stream().filter(o -> !wanted.contains(o)).forEach(wanted::add);
        boolean overlapping = false;
        long pending = 0; // the batch whose tensors the consumer may still be working on, 0 if none
        Optional<Batch> next;
        try {
            while (samples < limit && requireGoOn(samples, source) && (next = source.next()).isPresent()) {
                Batch read = next.get();
                read.requireBatchDimension(source.describe(), model.inputs());
                Batch batch = samples + read.size() > limit
                        ? read.firstSamples((int) (limit - samples), model.inputs(), source.describe()) : read;
                batches++;
                long number = batches;
                batch.requireFinite(source.describe(), samples); // names the sample already, no batch needed
                Batch fed = inBatch(number, source, () -> state.feed(batch));
                List<Map.Entry<String, FloatBuffer>> batchTensors = new ArrayList<>();
                int bufferSet = overlapping ? (int) ((number - 1) % OrtModelRunner.BUFFER_SETS) : 0;
                inBatch(number, source, () -> {
                    for (String name : fromInputs) {
                        batchTensors.add(Map.entry(name, FloatBuffer.wrap(floats(name, fed.inputs().get(name)))));
                    }
                    runner.runInPlace(fed, wanted, bufferSet, (name, shape, values) -> {
                        if (fedBack.contains(name)) {
                            state.keep(name, shape, values);
                        }
                        if (chosen.contains(name)) {
                            batchTensors.add(Map.entry(name, values));
                        }
                    });
                    return null;
                });
                if (number == 1) {
                    overlapping = overlap.overlaps(Runtime.getRuntime().availableProcessors(),
                            outputBytes(batchTensors), Runtime.getRuntime().maxMemory());
                    LOG.debug("{}: binning each batch {}", model.path(), overlapping ? "while the next one runs"
                            : "between runs");
                }
                if (pending > 0) {
                    // the previous batch's tensors, in the buffer set the next run writes into
                    long previous = pending;
                    pending = 0;
                    awaitBatch(previous, source, consumer);
                }
                boolean awaitNow = !overlapping;
                inBatch(number, source, () -> {
                    consumer.accept(batchTensors);
                    if (awaitNow) {
                        consumer.await();
                    }
                    return null;
                });
                pending = overlapping ? number : 0;
                samples += fed.size();
                listener.progress(samples, total);
            }
        } catch (RuntimeException later) {
            if (pending > 0) {
                // The batch still being binned comes first: its failure is the one to report, as without overlap.
                try {
                    awaitBatch(pending, source, consumer);
                } catch (RuntimeException earlier) {
                    earlier.addSuppressed(later);
                    throw earlier;
                }
            }
            throw later;
        }
        if (pending > 0) {
            awaitBatch(pending, source, consumer);
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples to calibrate with");
        }
        return new long[] {samples, batches};
    }

    /**
     * Stops the pass between batches once the thread is interrupted (a cancelled job) or the session closed: without
     * a histogram worker to wait on, nothing else in a batch notices either. The interrupt stays set.
     *
     * @return true, to continue
     */
    private boolean requireGoOn(long samples, CalibrationDataSource source) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Trt4jException(model.path() + ": interrupted while collecting activation statistics, after "
                    + samples + " samples of " + source.describe());
        }
        if (closed) {
            throw new IllegalStateException("StatisticsSession for " + model.path() + " was closed during a pass, "
                    + "after " + samples + " samples");
        }
        return true;
    }

    private void awaitBatch(long number, CalibrationDataSource source, BatchTensorsConsumer consumer) {
        inBatch(number, source, () -> {
            consumer.await();
            return null;
        });
    }

    /** What the tensors ONNX Runtime wrote for one batch take (graph inputs, read from the data, are not counted). */
    private long outputBytes(List<Map.Entry<String, FloatBuffer>> batchTensors) {
        return batchTensors.stream().filter(e -> !fromInputs.contains(e.getKey()))
                .mapToLong(e -> (long) e.getValue().remaining() * Float.BYTES).sum();
    }

    /** Runs {@code work} for batch {@code number}, naming the batch in what it throws. */
    private <T> T inBatch(long number, CalibrationDataSource source, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (InvalidOptionException e) {
            // options that contradict each other hold for every batch: naming the first reads like a --batch given
            throw e;
        } catch (CalibrationException e) {
            throw new Trt4jException(model.path() + ": " + e.getMessage() + " (batch " + number + " of "
                    + source.describe() + ")", e);
        } catch (Trt4jException e) {
            // an interrupt seen while waiting for a histogram worker: named as the check between batches names it
            String model = e.getCause() instanceof InterruptedException ? this.model.path() + ": " : "";
            throw new Trt4jException(model + e.getMessage() + " (batch " + number + " of " + source.describe() + ")",
                    e);
        }
    }

    private float[] floats(String name, HostTensor tensor) {
        if (tensor == null) {
            throw new Trt4jException(model.path() + ": the data has no input '" + name + "'");
        }
        if (tensor.type() != ElementType.FLOAT32) {
            throw new Trt4jException(model.path() + ": tensor '" + name + "' produced " + tensor.type()
                    + " data, not float");
        }
        return tensor.floats();
    }

    /** Releases the ONNX Runtime session. Idempotent. */
    @Override
    public void close() {
        closed = true;
        runner.close();
    }
}
