package dev.trt4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.tensor.HostTensor;
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
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where the statistics pass's time goes: ONNX Runtime alone, over the same 64 MiniLM sentences as
 * {@link StatisticsOverheadBenchmark}, at each graph optimisation level, with and without the tensors that Q/DQ
 * needs exposed as outputs (outputs made and released, nothing binned).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatisticsBreakdownBenchmark {
    @Param({"NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT"})
    public String level;

    @Param({"false", "true"})
    public boolean exposed;

    private OrtEnvironment env;
    private OrtSession session;
    private final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
    private Set<String> outputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Path file = BenchResources.extract("all-minilm-l6-v2.onnx", ".onnx");
        OnnxModel onnx = OnnxModel.load(file);
        DataOptions options = DataOptions.builder().batchSize(8).maxSamples(64).sequenceLength(128)
                .tokenizer(BenchResources.extract("all-minilm-l6-v2-tokenizer.json", ".json")).build();
        env = OrtEnvironment.getEnvironment();
        try (CalibrationDataSource source = DataSourceFactory.openBundledSentences(onnx.inputs(), options)) {
            for (Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                for (Map.Entry<String, HostTensor> e : b.get().inputs().entrySet()) {
                    feed.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(e.getValue().longs()),
                            e.getValue().shape()));
                }
                feeds.add(feed);
            }
        }
        outputs = new LinkedHashSet<>();
        onnx.outputs().forEach(t -> outputs.add(t.name()));
        byte[] model = onnx.toBytes();
        if (exposed) {
            List<String> qdq = new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto());
            Set<String> inputs = new LinkedHashSet<>(feeds.get(0).keySet());
            List<String> extra = qdq.stream().filter(t -> !inputs.contains(t)).toList();
            model = onnx.withExtraOutputs(extra);
            outputs.addAll(extra);
        }
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.valueOf(level));
            session = env.createSession(model, opts);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        session.close();
        feeds.forEach(f -> f.values().forEach(OnnxTensor::close));
    }

    @Benchmark
    public float run() throws OrtException {
        float sink = 0;
        for (Map<String, OnnxTensor> feed : feeds) {
            try (OrtSession.Result r = session.run(feed, outputs)) {
                FloatBuffer first = ((OnnxTensor) r.get(0)).getFloatBuffer();
                sink += first.get(0);
            }
        }
        return sink;
    }
}
