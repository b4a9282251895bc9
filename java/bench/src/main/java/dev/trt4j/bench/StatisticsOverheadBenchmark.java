package dev.trt4j.bench;

import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.BatchOverlap;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.stats.StatisticsSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The cost of collecting activation statistics (every quantizable tensor exposed as an output and streamed into
 * its histogram) against bare FP32 inference over the same samples. Two models at the two ends of the range: the
 * PP-OCR direction classifier on rendered text lines (tiny convolutions, 2.8 M activation values per sample for
 * 3 ms of compute) and all-MiniLM-L6-v2 on tokenized sentences of 128 tokens (compute-bound). Both benchmarks of
 * a model process the same samples per invocation; the ratio of their times is the overhead recorded in
 * docs/benchmarks.md. The {@code collect*} passes open ONNX Runtime each time, as {@code trt4j calibrate} does, so
 * they compare with {@link #bareInferenceCold}; {@link #collectQdqStatisticsWarm} reuses one session and compares
 * with {@link #bareInference}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class StatisticsOverheadBenchmark {
    /**
     * {@code ppocr-cls}: 256 rendered text lines in batches of 32; {@code minilm}: 64 sentences in batches of 8.
     * Eight batches each, so that the histograms settle (the first batch and each growth read a tensor twice) as
     * they do in a real calibration run. {@code ppocr-cls-random}: the classifier on 256 seeded random 48×192 images
     * instead, for machines without the fonts that rendering needs (the work per value is the same; only the
     * histograms' growth follows the data). {@code ppocr-rec}: the PP-OCRv4 recognizer on 64 rendered text lines of
     * 48×320 in batches of 8, a model between the two (more compute per activation value than the classifier). Not in
     * the default set: {@code -p model=ppocr-cls-random} and {@code -p model=ppocr-rec}.
     */
    @Param({"ppocr-cls", "minilm"})
    public String model;

    /**
     * ONNX Runtime intra-op threads for bare inference and the pass alike, and the pass's histogram workers; 0 (the
     * default) is ONNX Runtime's choice and one worker per processor. On the 16-core Xeon, {@code -p threads=0,4,8}
     * tells whether the pass's cost there comes from its 16 workers contending with ONNX Runtime's 16 threads.
     */
    @Param({"0"})
    public int threads;

    /**
     * The pass's histogram workers when they should differ from {@link #threads}; 0 (the default) follows it. With
     * {@code -p threads=0 -p workers=4,8}, ONNX Runtime keeps every core while fewer workers bin: whether the
     * 16-core Xeon's contention (docs/benchmarks.md) goes without losing ONNX Runtime's speed.
     */
    @Param({"0"})
    public int workers;

    /**
     * Whether the pass bins one batch while ONNX Runtime runs the next ({@link BatchOverlap}: {@code AUTO} overlaps
     * on 8 processors or more). {@code -p overlap=OFF,ON} compares the two in one run; bare inference ignores it.
     */
    @Param({"AUTO"})
    public BatchOverlap overlap;

    private Path file;
    private OnnxModel onnx;
    private List<Batch> batches;
    private OrtModelRunner bare;
    /** Bare inference with the pass's thread setting (no spinning between runs), so that the sweeps get the cores. */
    private OrtModelRunner bareQuiet;
    private ActivationStatisticsCollector collector;
    private ActivationStatisticsCollector qdqCollector;
    private StatisticsSession qdqSession;
    private List<String> outputs;
    /** About what the workers read per MiniLM batch (120 MB of exposed tensors). */
    private static final int EVICT_BYTES = 128 << 20;
    private Map<String, Float> knownRanges;
    private float[] evict;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchModel loaded = BenchModel.load(model);
        file = loaded.file();
        onnx = loaded.onnx();
        batches = loaded.batches();
        // Bare inference as a user runs it (graph optimisations on, threads spinning between runs). The statistics pass
        // exposes its tensors as outputs, which ONNX Runtime must then write out; that cost is part of the overhead.
        OrtRunnerOptions runner = OrtRunnerOptions.defaults().withIntraOpThreads(threads);
        bare = OrtModelRunner.open(file, runner);
        bareQuiet = OrtModelRunner.open(file, runner.withSpinWait(false));
        outputs = onnx.outputs().stream().map(t -> t.name()).toList();
        StatisticsOptions statistics = StatisticsOptions.defaults().withThreads(threads).withHistogramThreads(workers)
                .withBatchOverlap(overlap);
        collector = new ActivationStatisticsCollector(onnx, onnx.quantizableActivationTensors(), statistics);
        qdqCollector = new ActivationStatisticsCollector(onnx,
                new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto()), statistics);
        qdqSession = qdqCollector.open();
        knownRanges = qdqSession.ranges(new ListSource(batches), ProgressListener.NONE);
        evict = new float[EVICT_BYTES / Float.BYTES];
        Arrays.fill(evict, 1f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bare.close();
        bareQuiet.close();
        qdqSession.close();
    }

    @Benchmark
    public int bareInference() {
        return runAll(bare);
    }

    /** What a user pays to run the model over the samples once: open a session, run, close it. */
    @Benchmark
    public int bareInferenceCold() {
        try (OrtModelRunner cold = OrtModelRunner.open(file, OrtRunnerOptions.defaults().withIntraOpThreads(threads))) {
            return runAll(cold);
        }
    }

    /**
     * Bare inference with a sweep over {@link #EVICT_BYTES} of unrelated memory on every core after each batch, as the
     * histogram workers read the exposed tensors between the pass's runs. Against {@link #evictOnly} and
     * {@link #bareInference} it tells whether the pass's runs are slower because that reading pushes the model out
     * of the caches (a question the 16-core Xeon raised; docs/benchmarks.md).
     */
    @Benchmark
    public double bareInferenceEvicting() {
        double sink = 0;
        for (Batch b : batches) {
            sink += bareQuiet.run(b, outputs).size();
            sink += sweep();
        }
        return sink;
    }

    /** The sweeps of {@link #bareInferenceEvicting} alone. */
    @Benchmark
    public double evictOnly() {
        double sink = 0;
        for (int i = 0; i < batches.size(); i++) {
            sink += sweep();
        }
        return sink;
    }

    private double sweep() {
        int parts = Runtime.getRuntime().availableProcessors();
        int step = evict.length / parts;
        return IntStream.range(0, parts).parallel().mapToDouble(p -> {
            float sum = 0;
            for (int i = p * step, end = i + step; i < end; i++) {
                sum += evict[i];
            }
            return sum;
        }).sum();
    }

    private int runAll(OrtModelRunner runner) {
        int n = 0;
        for (Batch b : batches) {
            n += runner.run(b, outputs).size();
        }
        return n;
    }

    /** Every input of a quantizable operator, what {@code trt4j calibrate} collects by default. */
    @Benchmark
    public ActivationStatistics collectStatistics() {
        return collector.collect(new ListSource(batches));
    }

    /** Only what explicit quantization needs (Conv/Gemm/MatMul inputs, residual adds), as compare-calibrators does. */
    @Benchmark
    public ActivationStatistics collectQdqStatistics() {
        return qdqCollector.collect(new ListSource(batches));
    }

    /** The same pass on a session opened once, as {@link #bareInference} runs: the cost per sample. */
    @Benchmark
    public ActivationStatistics collectQdqStatisticsWarm() {
        return qdqSession.collect(new ListSource(batches));
    }

    /**
     * The warm pass with every histogram started at the whole data's range (what {@code --range-pass} gives, without
     * the first pass's cost): no histogram grows and no first batch is scanned for its range, so the difference to
     * {@link #collectQdqStatisticsWarm} is what growing the histograms costs.
     */
    @Benchmark
    public ActivationStatistics collectQdqStatisticsWarmKnownRanges() {
        return qdqSession.collect(new ListSource(batches), ProgressListener.NONE, knownRanges);
    }

    /** Replays pre-built batches so both benchmarks see identical inputs and no preprocessing cost. */
    private static final class ListSource implements CalibrationDataSource {
        private final Iterator<Batch> it;

        ListSource(List<Batch> batches) {
            this.it = batches.iterator();
        }

        @Override
        public Optional<Batch> next() {
            return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
        }

        @Override
        public String describe() {
            return "pre-built batches";
        }
    }
}
