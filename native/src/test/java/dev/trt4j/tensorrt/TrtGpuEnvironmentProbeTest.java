package dev.trt4j.tensorrt;

import dev.trt4j.engine.DoctorReport;
import dev.trt4j.engine.GpuEnvironment;
import dev.trt4j.engine.MissingComponent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TrtGpuEnvironmentProbeTest {
    @Test
    void theOnnxParserVersionIsItsOwnNotTensorRts() {
        // TensorRT 10.15.1's parser answered 100 on an H200; doctor printed "100" before.
        assertThat(TrtGpuEnvironmentProbe.onnxParserVersion(100)).isEqualTo("0.1.0");
        assertThat(TrtGpuEnvironmentProbe.onnxParserVersion(10203)).isEqualTo("1.2.3");
    }

    /**
     * Loading finds cuBLAS missing before the device query finds the driver too old; the verdict led with cuBLAS,
     * although a new cuBLAS would not help while every CUDA call fails on the old driver.
     */
    @Test
    void aDriverTooOldLeadsTheVerdictBeforeAMissingLibrary() {
        MissingComponent cublas = LinkErrorDiagnosis.diagnose("TensorRT",
                new UnsatisfiedLinkError("libcublas.so.13: cannot open shared object file: No such file or directory"));
        MissingComponent driver = MissingComponent.driverTooOld("13.1", "12.4");
        MissingComponent noGpu = MissingComponent.gpu("no CUDA device found");
        List<MissingComponent> ordered = TrtGpuEnvironmentProbe.blockersFirst(List.of(cublas, noGpu, driver));
        assertThat(ordered).containsExactly(driver, noGpu, cublas);
        assertThat(TrtGpuEnvironmentProbe.blockersFirst(List.of(cublas))).containsExactly(cublas);

        GpuEnvironment env = new GpuEnvironment("probe", Optional.of("12.4"), Optional.of("13.1"), Optional.empty(),
                Optional.empty(), List.of(), ordered, List.of());
        assertThat(new DoctorReport(env).verdictLine()).isEqualTo("not ready: CUDA driver: too old for the CUDA 13.1 "
                + "runtime (it supports CUDA 12.4); install NVIDIA driver r580 or newer (and 2 more, listed in the "
                + "report)");
    }

    @Test
    void aDriverTooOldIsOneLineForCommandsAndAComponentForDoctor() {
        MissingComponentException e = new MissingComponentException(MissingComponent.driverTooOld("13.1", "12.4"));
        assertThat(e.getMessage()).isEqualTo("CUDA driver: too old for the CUDA 13.1 runtime (it supports CUDA 12.4); "
                + "install NVIDIA driver r580 or newer");
        assertThat(e.component().component()).isEqualTo("CUDA driver");
    }
}
