package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmallValueTypesTest {
    @Test
    void tensorRtVersionCodesFollowNvTensorrtVersion() {
        assertThat(new TensorRtVersion(10, 15, 1).code()).isEqualTo(101501);
        assertThat(TensorRtVersion.fromCode(101501)).isEqualTo(new TensorRtVersion(10, 15, 1));
        assertThat(TensorRtVersion.fromCode(8601)).isEqualTo(new TensorRtVersion(8, 6, 1));
        assertThat(new TensorRtVersion(8, 6, 1).code()).isEqualTo(8601);
        assertThat(TensorRtVersion.parse("10.15.1.29")).hasToString("10.15.1");
        assertThatThrownBy(() -> TensorRtVersion.parse("ten")).isInstanceOf(Trt4jException.class)
                .hasMessage("not a TensorRT version: 'ten' (expected e.g. 10.15.1)");
    }

    @Test
    void byteSizesUseTrtexecUnitsWithMibDefault() {
        assertThat(ByteSize.parse("--workspace", "1G")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("--workspace", "512")).isEqualTo(512L << 20);
        assertThat(ByteSize.parse("--workspace", "1.5g")).isEqualTo(3L << 29);
        assertThat(ByteSize.parse("--workspace", "64KiB")).isEqualTo(64L << 10);
        assertThat(ByteSize.parse("--workspace", "4096B")).isEqualTo(4096);
        assertThatThrownBy(() -> ByteSize.parse("--workspace", "lots")).hasMessageContaining("--workspace: 'lots'");
    }

    @Test
    void cliNamesParseBack() {
        for (CalibratorChoice c : CalibratorChoice.values()) {
            assertThat(CalibratorChoice.fromCli(c.cliName())).isEqualTo(c);
        }
        assertThat(Precision.fromCli("FP16")).isEqualTo(Precision.FP16);
        assertThat(Int8Mode.fromCli("explicit")).isEqualTo(Int8Mode.EXPLICIT);
        assertThatThrownBy(() -> CalibratorChoice.fromCli("kl")).hasMessageContaining("max|entropy|percentile|mse");
        assertThat(CalibratorChoice.MAX.trtAlgorithm()).isEqualTo(TrtCalibrationAlgorithm.MINMAX_CALIBRATION);
        assertThat(CalibratorChoice.TRT_ENTROPY2.isTrt4jAlgorithm()).isFalse();
    }

    @Test
    void gpuFastPathStartsAtTuring() {
        assertThat(new GpuDevice(0, "Tesla V100", 7, 0, 0).hasFastFp16AndInt8()).isFalse();
        assertThat(new GpuDevice(0, "Tesla T4", 7, 5, 0).hasFastFp16AndInt8()).isTrue();
        assertThat(new GpuDevice(0, "H100", 9, 0, 0).hasFastFp16AndInt8()).isTrue();
        assertThat(new GpuDevice(0, "H100", 9, 0, 0).computeCapability()).isEqualTo("9.0");
    }
}
