package dev.trt4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorReportTest {
    @Test
    void notReadyReportNamesWhatIsMissingAndHowToGetIt() throws Exception {
        GpuEnvironment env = new GpuEnvironment("JavaCPP", Optional.empty(), Optional.of("13.1"), Optional.empty(),
                Optional.empty(), List.of(), List.of(MissingComponent.cudaDriver("libcuda.so.1"),
                        MissingComponent.tensorRt("libnvinfer.so.10")), List.of());
        DoctorReport report = new DoctorReport(env);
        assertThat(report.ready()).isFalse();
        assertThat(report.lines()).contains("CUDA driver:  missing", "CUDA runtime: 13.1", "TensorRT:     missing",
                "GPUs:         none found", "status:       not ready");
        assertThat(report.verdictLine()).startsWith("not ready: " + MissingComponent.cudaDriver("libcuda.so.1").line())
                .endsWith("(and 1 more, listed in the report)").doesNotContain("\n");
        assertThat(report.toJson()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.get("ready").asBoolean()).isFalse();
        assertThat(json.get("missing").get(1).get("component").asText()).isEqualTo("TensorRT");
        assertThat(json.get("missing").get(1).get("remedy").asText()).contains("-Pgpu");
    }

    @Test
    void readyReportShowsEachGpuWithItsComputeCapabilityAndFastPath() throws Exception {
        GpuEnvironment env = new GpuEnvironment("JavaCPP", Optional.of("13.0"), Optional.of("13.1"),
                Optional.of(new TensorRtVersion(10, 15, 1)), Optional.of("10.15.1"),
                List.of(new GpuDevice(0, "Tesla T4", 7, 5, 16L << 30), new GpuDevice(1, "Tesla V100", 7, 0, 32L << 30)),
                List.of(), List.of());
        DoctorReport report = new DoctorReport(env);
        assertThat(report.ready()).isTrue();
        assertThat(report.lines()).contains("GPU 0:        Tesla T4, SM 7.5, 16.0 GiB, fast FP16/INT8: yes");
        assertThat(report.lines()).anyMatch(l -> l.startsWith("GPU 1:        Tesla V100, SM 7.0") && l.contains("no (needs SM 7.5+"));
        assertThat(report.verdictLine()).isEqualTo("ready: TensorRT 10.15.1 on Tesla T4");
        JsonNode gpu = new ObjectMapper().readTree(report.toJson()).get("gpus").get(0);
        assertThat(gpu.get("computeCapability").asText()).isEqualTo("7.5");
        assertThat(gpu.get("fastFp16Int8").asBoolean()).isTrue();
    }

    @Test
    void withoutTheBuilderKernelsEnginesStillRunButNoneCanBeBuilt() throws Exception {
        GpuDevice h200 = new GpuDevice(0, "NVIDIA H200", 9, 0, 143L << 30);
        GpuEnvironment env = new GpuEnvironment("JavaCPP", Optional.of("13.0"), Optional.of("13.0"),
                Optional.of(new TensorRtVersion(10, 15, 1)), Optional.of("0.1.0"), List.of(h200),
                List.of(MissingComponent.builderKernels("libnvinfer_builder_resource_sm90.so.10.15.1", h200)), List.of());
        DoctorReport report = new DoctorReport(env);
        assertThat(report.ready()).isFalse();
        assertThat(report.lines()).contains("status:       runs engines, cannot build them");
        assertThat(report.verdictLine()).startsWith("not ready: TensorRT builder kernels: "
                + "libnvinfer_builder_resource_sm90.so.10.15.1 not found for NVIDIA H200 (SM 9.0)");
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.get("runsEngines").asBoolean()).isTrue();
        assertThat(new DoctorReport(new GpuEnvironment("JavaCPP", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(MissingComponent.cudaDriver("libcuda.so.1")), List.of()))
                .environment().runsEngines()).isFalse();
    }
}
