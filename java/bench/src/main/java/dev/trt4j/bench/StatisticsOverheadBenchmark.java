package dev.trt4j.bench;

import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cost of collecting activation statistics (every quantizable tensor exposed as an output and streamed into
 * its histogram) against bare FP32 inference over the same samples, on the PP-OCR direction classifier with
 * rendered text lines. Both benchmarks process the same 64 samples per invocation; the ratio of their times is
 * the overhead recorded in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class StatisticsOverheadBenchmark {
    private static final int SAMPLES = 64;
    private static final int BATCH = 16;

    private OnnxModel model;
    private List<Batch> batches;
    private OrtModelRunner bare;
    private ActivationStatisticsCollector collector;
    private List<String> outputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = Files.createTempFile("ppocr-cls", ".onnx");
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        model = OnnxModel.load(file);
        DataOptions options = DataOptions.builder().batchSize(BATCH).maxSamples(SAMPLES).rotateHalf(true).build();
        batches = new ArrayList<>();
        try (CalibrationDataSource source = DataSourceFactory.openBundledSentences(model.inputs(), options)) {
            for (Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
                batches.add(b.get());
            }
        }
        // Bare inference as a user runs it (graph optimisations on). The statistics pass turns them off so that
        // every intermediate tensor exists; that cost is part of the overhead measured.
        bare = OrtModelRunner.open(file, OrtRunnerOptions.defaults());
        outputs = model.outputs().stream().map(t -> t.name()).toList();
        collector = new ActivationStatisticsCollector(model, model.quantizableActivationTensors(),
                StatisticsOptions.defaults());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bare.close();
    }

    @Benchmark
    public int bareInference() {
        int n = 0;
        for (Batch b : batches) {
            n += bare.run(b, outputs).size();
        }
        return n;
    }

    @Benchmark
    public ActivationStatistics collectStatistics() {
        return collector.collect(new ListSource(batches));
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
