package dev.trt4j.bench;

import dev.trt4j.data.Batch;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.GraphOptimization;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where the statistics pass's time goes: ONNX Runtime alone, run as the pass runs it (outputs written in place, no
 * spin-wait), at each graph optimisation level, with and without the tensors that Q/DQ needs exposed as outputs
 * (outputs made and dropped, nothing binned). Picks the level the pass runs at; see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatisticsBreakdownBenchmark {
    /**
     * {@code minilm}: 64 sentences of 128 tokens in batches of 8, as {@link StatisticsOverheadBenchmark};
     * {@code ppocr-cls}: 256 rendered lines in batches of 32, as there; {@code ppocr-rec}: 64 seeded random
     * 48×320 inputs in batches of 8; {@code ppocr-det}: 16 seeded random 480×640 pages in batches of 4.
     */
    @Param({"minilm", "ppocr-cls", "ppocr-rec", "ppocr-det"})
    public String model;

    @Param({"NONE", "BASIC", "EXTENDED", "ALL"})
    public GraphOptimization level;

    @Param({"false", "true"})
    public boolean exposed;

    private final List<Batch> batches = new ArrayList<>();
    private OrtModelRunner runner;
    private List<String> outputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchModel loaded = BenchModel.load(model);
        OnnxModel onnx = loaded.onnx();
        batches.addAll(loaded.batches());
        Set<String> names = new LinkedHashSet<>();
        onnx.outputs().forEach(t -> names.add(t.name()));
        byte[] bytes = onnx.toBytes();
        if (exposed) {
            Set<String> inputs = new LinkedHashSet<>();
            onnx.inputs().forEach(t -> inputs.add(t.name()));
            List<String> extra = new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto())
                    .stream().filter(t -> !inputs.contains(t)).toList();
            bytes = onnx.withExtraOutputs(extra);
            names.addAll(extra);
        }
        outputs = List.copyOf(names);
        runner = OrtModelRunner.open(bytes, model, new OrtRunnerOptions(0, level, false));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
    }

    @Benchmark
    public float run() {
        float[] sink = new float[1];
        for (Batch batch : batches) {
            runner.runInPlace(batch, outputs, (name, shape, values) -> sink[0] += values.get(values.position()));
        }
        return sink[0];
    }
}
