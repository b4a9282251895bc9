package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchmarkBackends;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.timing.InferenceTrace;
import dev.trt4j.timing.MeasuredTraces;
import dev.trt4j.timing.TimingMode;
import dev.trt4j.timing.TimingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the TensorRT benchmark says before it needs a GPU. */
class TrtBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void isFoundAsTheTensorrtBackend() {
        assertThat(BenchmarkBackends.all()).anyMatch(b -> b instanceof TrtBenchmark && b.name().equals("tensorrt"));
        var availability = new TrtBenchmark().availability();
        assertThat(availability.reason()).doesNotContain("\n");
    }

    @Test
    void aMissingEngineIsOneLine() {
        BenchmarkRequest request = new BenchmarkRequest(dir.resolve("cls.fp16.engine"), 8, Map.of(),
                BenchInputs.zeros(), TimingSettings.defaults(), 0);
        assertThatThrownBy(() -> new TrtBenchmark().run(request)).isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("cls.fp16.engine: no such engine file");
    }

    /**
     * A recurrent state [2, N, 8] before the audio [N, 4]: the batch is N, the first open first dimension, as ONNX
     * Runtime's runs count it; the state's fixed 2 made a TensorRT run report half its samples per second at batch 4.
     */
    @Test
    void theBatchIsTheFirstOpenFirstDimensionAsOnOnnxRuntime() {
        List<TensorSpec> inputs = List.of(new TensorSpec("state", ElementType.FLOAT32, new long[] {2, -1, 8}, null),
                new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 4}, null));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("state", new long[] {2, 4, 8});
        shapes.put("x", new long[] {4, 4});
        List<InferenceTrace> traces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            traces.add(InferenceTrace.withoutTransfers(i, i + 0.1, i, i + 1));
        }
        BenchmarkRequest request = new BenchmarkRequest(dir.resolve("vad.engine"), 4, Map.of(), BenchInputs.zeros(),
                TimingSettings.defaults(), 0);

        BenchmarkResult result = TrtBenchmark.result(request.file(), request, inputs, shapes,
                new MeasuredTraces(0, traces), TimingMode.gpu(true, true, false));

        assertThat(result.batch()).isEqualTo(4);
        assertThat(result.report().samplesPerSecond()).isEqualTo(4 * result.report().queriesPerSecond());
        assertThat(result.measured()).hasSize(10);
    }
}
