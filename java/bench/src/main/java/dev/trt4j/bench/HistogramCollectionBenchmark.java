package dev.trt4j.bench;

import dev.trt4j.calibrators.HistogramCollector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Histogram collection throughput against a plain sum over the same float array. Both report elements per second;
 * their ratio is the figure in docs/benchmarks.md. Measured two ways: on one array read again and again, so that it
 * stays in the cache ({@code collectHistogram}, {@code plainSum}), and on {@value #COLD_COPIES} copies of it read in
 * turn ({@code ...Cold}: 151 MB, more than any cache holds, as a calibration pass reads the tensors ONNX Runtime just
 * wrote), where the plain sum is the memory-bound limit of one pass over the data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistogramCollectionBenchmark {
    /** One activation tensor's worth of values (e.g. 64×48×192 after a conv). */
    @Param({"589824"})
    public int size;

    /** How many copies the cold benchmarks read in turn; with {@link #size} 589,824, 151 MB. */
    static final int COLD_COPIES = 64;

    private float[] data;
    private float[][] copies;
    private HistogramCollector collector;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        data = new float[size];
        for (int i = 0; i < size; i++) {
            // ReLU-like activations: half zeros, a long positive tail.
            double g = random.nextDouble() < 0.5 ? 0 : -Math.log(1 - random.nextDouble());
            data[i] = (float) g;
        }
        copies = new float[COLD_COPIES][];
        for (int k = 0; k < COLD_COPIES; k++) {
            copies[k] = data.clone();
        }
        collector = new HistogramCollector("bench", 2048, false);
        collector.collect(data); // fix the range so every measured call takes the steady-state path
    }

    @Benchmark
    @OperationsPerInvocation(589824)
    public void collectHistogram() {
        collector.collect(data, 0, size);
    }

    @Benchmark
    @OperationsPerInvocation(589824)
    public float plainSum() {
        return PlainSum.of(data);
    }

    @Benchmark
    @OperationsPerInvocation(589824 * COLD_COPIES)
    public void collectHistogramCold() {
        for (float[] copy : copies) {
            collector.collect(copy, 0, size);
        }
    }

    @Benchmark
    @OperationsPerInvocation(589824 * COLD_COPIES)
    public float plainSumCold() {
        return PlainSum.of(copies);
    }
}
