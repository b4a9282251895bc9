package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.engine.EngineBuild;
import dev.trt4j.engine.EngineBuildRequest;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.OptimizationProfile;
import dev.trt4j.engine.Precision;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.TimingSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA-event timing loop on a real engine. Run on a GPU machine with
 * {@code ./mvnw -Pgpu -pl native -am verify -Dgroups=gpu}; elsewhere every test skips, saying what is missing.
 */
@Tag("gpu")
class TrtBenchmarkGpuTest {
    private static final TimingSettings SHORT = TimingSettings.builder().warmUpMs(50).minWarmUpQueries(5)
            .minIterations(20).durationMs(200).build();

    @TempDir
    static Path dir;
    static Path engine;

    @BeforeAll
    static void build() throws Exception {
        var availability = new TrtEngineBuilder().availability();
        assumeTrue(availability.available(), () -> "no usable GPU stack: " + availability.reason());
        Path model = GpuTestModels.write(dir, "tiny.onnx", false, false);
        engine = dir.resolve("tiny.engine");
        EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP32).profiles(List.of(new OptimizationProfile(
                Map.of("x", new ShapeRange(new long[] {1, 3, 8, 8}, new long[] {2, 3, 8, 8},
                        new long[] {4, 3, 8, 8}))))).build(), engine);
    }

    @BeforeEach
    void requireGpu() {
        var availability = new TrtBenchmark().availability();
        assumeTrue(availability.available(), () -> "no usable GPU stack: " + availability.reason());
    }

    private static BenchmarkResult run(int batch, TimingSettings settings) {
        return new TrtBenchmark().run(new BenchmarkRequest(engine, batch, Map.of(), BenchInputs.random(1), settings, 0));
    }

    @Test
    void defaultModeTimesComputeOnlyWithOneQueryQueuedAhead() {
        BenchmarkResult result = run(4, SHORT);
        PerformanceReport r = result.report();
        assertThat(r.mode().gpuEvents()).isTrue();
        assertThat(r.mode().dataTransfers()).isFalse();
        assertThat(r.queries()).isGreaterThanOrEqualTo(20);
        assertThat(r.samplesPerQuery()).isEqualTo(4);
        assertThat(r.compute().min()).isPositive();
        assertThat(r.h2d().max()).isZero();
        assertThat(r.d2h().max()).isZero();
        List<InferenceTrace> q = result.measured();
        assertThat(q.get(0).startComputeMs()).isGreaterThanOrEqualTo(50);
        assertThat(q.get(q.size() - 1).startComputeMs() - q.get(0).startComputeMs()).isGreaterThanOrEqualTo(200);
        for (int i = 1; i < q.size(); i++) {
            assertThat(q.get(i).startComputeMs()).isGreaterThanOrEqualTo(q.get(i - 1).endComputeMs());
        }
    }

    @Test
    void includedTransfersAreTimedApartFromCompute() {
        PerformanceReport r = run(2, SHORT.toBuilder().dataTransfers(true).cudaGraph(false).spinWait(false)
                .build()).report();
        assertThat(r.mode().dataTransfers()).isTrue();
        assertThat(r.mode().cudaGraph()).isFalse();
        assertThat(r.h2d().min()).isPositive();
        assertThat(r.d2h().min()).isPositive();
        assertThat(r.latency().mean()).isGreaterThan(r.compute().mean());
    }

    @Test
    void oneAtATimeAndGraphsBothMeasure() {
        PerformanceReport r = run(1, SHORT.toBuilder().pipelineDepth(1).build()).report();
        assertThat(r.queries()).isGreaterThanOrEqualTo(20);
        assertThat(r.mode().cudaGraph()).isTrue();
    }

    @Test
    void anEngineFromAnotherTensorRtIsRefusedBeforeLoading() throws Exception {
        Path copy = dir.resolve("foreign.engine");
        java.nio.file.Files.copy(engine, copy);
        EngineSidecar s = EngineSidecarFile.read(engine).orElseThrow();
        EngineSidecarFile.write(copy, new EngineSidecar(s.format(), s.engineSha256(), "10.3.0", s.gpuName(),
                s.computeCapability(), s.precision(), s.int8Mode(), s.stronglyTyped(), s.calibrator(),
                s.calibrationSha256(), s.modelFile(), s.modelSha256(), s.profiles()));
        assertThatThrownBy(() -> new TrtBenchmark().run(new BenchmarkRequest(copy, 1, Map.of(), BenchInputs.zeros(),
                SHORT, 0))).isInstanceOf(Trt4jException.class).hasMessageContaining("was built with TensorRT 10.3.0");
    }

    @Test
    void aBatchOutsideTheProfileIsOneLine() {
        assertThatThrownBy(() -> run(8, SHORT)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("cannot take batch 8: input 'x' takes batch 1 to 4");
    }
}
