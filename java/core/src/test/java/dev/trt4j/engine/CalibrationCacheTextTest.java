package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalibrationCacheTextTest {
    private static final TensorRtVersion TRT_10_15_1 = new TensorRtVersion(10, 15, 1);

    @Test
    void rendersScalesAsHexOfAmaxOver127() {
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("x", 1.0f);
        amax.put("conv_out", 6.0f);
        amax.put("(Unnamed Layer* 64) [Shuffle]_output", 0f);
        amax.put("sat", 255.0f);
        String text = new String(CalibrationCacheText.render(TRT_10_15_1, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                amax), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("TRT-101501-EntropyCalibration2\n" + "x: 3c010204\n" + "conv_out: 3d418306\n"
                + "(Unnamed Layer* 64) [Shuffle]_output: 0\n" + "sat: 40008102\n");
    }

    @Test
    void parsesTensorRtSampleCacheWithAwkwardNames() {
        String cache = "TRT-7000-EntropyCalibration2\r\ndata: 3c008912\r\nconv1: 3c88edfc\r\n\r\n"
                + "input_1:0: 3c010a14\n(Unnamed Layer* 64) [Shuffle]_output: 0\n";
        CalibrationCacheText.Parsed parsed = CalibrationCacheText.parse("c", cache.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.versionCode()).isEqualTo(7000);
        assertThat(parsed.algorithmToken()).isEqualTo("EntropyCalibration2");
        assertThat(parsed.header()).isEqualTo("TRT-7000-EntropyCalibration2");
        assertThat(parsed.scales().keySet())
                .containsExactly("data", "conv1", "input_1:0", "(Unnamed Layer* 64) [Shuffle]_output");
        assertThat(parsed.scales().get("data") * 127).isEqualTo(0.9963379f);
        assertThat(parsed.scales().get("conv1") * 127).isEqualTo(2.1228104f);
        assertThat(parsed.scales().get("(Unnamed Layer* 64) [Shuffle]_output")).isZero();
    }

    @Test
    void renderedTextParsesBackToTheSameScales() {
        Map<String, Float> amax = Map.of("a", 254.87549f, "b", 255.0625f);
        CalibrationCacheText.Parsed parsed = CalibrationCacheText.parse("t", CalibrationCacheText.render(TRT_10_15_1,
                TrtCalibrationAlgorithm.MINMAX_CALIBRATION, amax));
        assertThat(parsed.header()).isEqualTo("TRT-101501-MinMaxCalibration");
        assertThat(Integer.toHexString(Float.floatToRawIntBits(parsed.scales().get("a")))).isEqualTo("400070f2");
        assertThat(Integer.toHexString(Float.floatToRawIntBits(parsed.scales().get("b")))).isEqualTo("40008912");
    }

    @Test
    void rejectsMalformedCachesAndRanges() {
        assertThatThrownBy(() -> CalibrationCacheText.parse("c.cache", "hello\nx: 1\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("c.cache: not a TensorRT calibration cache");
        assertThatThrownBy(() -> CalibrationCacheText.parse("c.cache",
                "TRT-8601-MinMaxCalibration\nx 3c010204\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 2 'x 3c010204'");
        assertThatThrownBy(() -> CalibrationCacheText.render(TRT_10_15_1, TrtCalibrationAlgorithm.MINMAX_CALIBRATION,
                Map.of("bad", Float.NaN))).hasMessageContaining("tensor 'bad' has amax NaN");
    }
}
