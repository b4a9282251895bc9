package dev.trt4j.bench;

import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Time for each method to pick amax from a 2048-bin histogram of a realistic activation distribution. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EntropyAmaxBenchmark {
    @Param({"entropy", "mse", "percentile"})
    public String method;

    private TensorStatistics statistics;
    private Calibrator calibrator;
    private final CalibrationOptions options = CalibrationOptions.defaults();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        float[] data = new float[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() < 0.4 ? 0 : -Math.log(1 - random.nextDouble()));
        }
        TensorStatisticsCollector collector = new TensorStatisticsCollector("bench", 2048, false);
        collector.collect(data, 0, data.length);
        statistics = collector.statistics();
        calibrator = Calibrators.byName(method);
    }

    @Benchmark
    public float computeAmax() {
        return calibrator.computeAmax(statistics, options);
    }
}
