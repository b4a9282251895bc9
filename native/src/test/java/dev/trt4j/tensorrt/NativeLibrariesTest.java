package dev.trt4j.tensorrt;

import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLibrariesTest {
    @TempDir
    Path emptyDir;

    @Test
    void withoutTheDriverNothingIsLoadedAndTheDriverIsNamed() {
        NativeLibraries.LoadReport report = NativeLibraries.load(new NativeLibraryLocator(List.of(emptyDir), Optional.empty()));
        assertThat(report.driverFound()).isFalse();
        assertThat(report.cudaRuntimeLoaded()).isFalse();
        assertThat(report.tensorRtLoaded()).isFalse();
        assertThat(report.availability().available()).isFalse();
        assertThat(report.availability().reason())
                .isEqualTo(MissingComponent.cudaDriver("libcuda.so.1").line()); // MissingComponentTest: its words
    }

    @Test
    void serviceClassesInstantiateWithoutTouchingNativeCode() {
        // ServiceLoader creates these on any machine; only availability()/build()/open() may load libraries
        assertThat(new TrtEngineBuilder().name()).isEqualTo("tensorrt-javacpp");
        assertThat(new TrtEngineRuntime().name()).isEqualTo("tensorrt-javacpp");
        assertThat(new TrtGpuEnvironmentProbe().name()).contains("TensorRT 10.15");
    }
}
