package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchmarkBackends;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.timing.TimingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
}
