package dev.trt4j.bench;

import dev.trt4j.calibrators.HistogramCollector;
import dev.trt4j.data.Batch;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link HistogramCollectionBenchmark}'s two loops over a model's real activations instead of synthetic data: the
 * tensors explicit quantization calibrates, as ONNX Runtime gives them for the model's first calibration batch, each
 * binned into its own histogram (2048 bins, range fixed by a first pass, as in the steady state) against a plain sum
 * over the same arrays. Both visit every value once; the ratio of their times is the histogram's share of the plain
 * sum's throughput on the values a calibration run bins, zeros where the model's activations have them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistogramOnActivationsBenchmark {
    /** A {@link BenchModel} name. */
    @Param({"minilm", "ppocr-cls"})
    public String model;

    private float[][] activations;
    private HistogramCollector[] collectors;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchModel loaded = BenchModel.load(model);
        OnnxModel onnx = loaded.onnx();
        Set<String> inputs = Set.copyOf(onnx.inputs().stream().map(t -> t.name()).toList());
        // graph inputs are calibrated too, but they are the data, not an activation ONNX Runtime computes
        List<String> tensors = new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(onnx.proto())
                .stream().filter(t -> !inputs.contains(t)).toList();
        Batch first = loaded.batches().get(0);
        Map<String, HostTensor> outputs;
        try (OrtModelRunner runner = OrtModelRunner.open(onnx.withExtraOutputs(tensors), model,
                OrtRunnerOptions.defaults())) {
            outputs = runner.run(first, tensors);
        }
        List<float[]> values = new ArrayList<>();
        List<HistogramCollector> bins = new ArrayList<>();
        long count = 0;
        long zeros = 0;
        for (String t : tensors) {
            float[] v = outputs.get(t).floats();
            HistogramCollector c = new HistogramCollector(t, 2048, false);
            c.collect(v); // fixes the range, so every measured call takes the steady-state path
            values.add(v);
            bins.add(c);
            count += v.length;
            for (float x : v) {
                zeros += x == 0 ? 1 : 0;
            }
        }
        activations = values.toArray(new float[0][]);
        collectors = bins.toArray(new HistogramCollector[0]);
        System.out.printf(Locale.ROOT,
                "%n%s: %d tensors, %,d values per pass, %.1f %% zeros%n", model, activations.length, count,
                100.0 * zeros / count);
    }

    @Benchmark
    public void collectHistograms() {
        for (int i = 0; i < activations.length; i++) {
            collectors[i].collect(activations[i]);
        }
    }

    @Benchmark
    public float plainSums() {
        return PlainSum.of(activations);
    }
}
