package dev.trt4j.tensorrt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrtGpuEnvironmentProbeTest {
    @Test
    void theOnnxParserVersionIsItsOwnNotTensorRts() {
        // TensorRT 10.15.1's parser answered 100 on an H200; doctor printed "100" before.
        assertThat(TrtGpuEnvironmentProbe.onnxParserVersion(100)).isEqualTo("0.1.0");
        assertThat(TrtGpuEnvironmentProbe.onnxParserVersion(10203)).isEqualTo("1.2.3");
    }
}
