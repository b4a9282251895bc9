package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalibrationCacheHandoffTest {
    private static final TensorRtVersion V = new TensorRtVersion(10, 15, 1);
    private static final List<TensorSpec> INPUTS = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {1, 3}, null));
    private static final Set<String> TENSORS = Set.of("x", "conv_out", "y");

    @Test
    void tableIsRenderedForTheRunningTensorRtWithTheCalibratorsToken() {
        AmaxTable table = new AmaxTable(Map.of("x", 1f), "abc", "t.json");
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromTable(table, TrtCalibrationAlgorithm.MINMAX_CALIBRATION,
                TENSORS, "m.onnx");
        assertThat(h.isPresent()).isTrue();
        assertThat(new String(h.bytesFor(V).orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("TRT-101501-MinMaxCalibration\nx: 3c010204\n");
        assertThat(new String(h.bytesFor(new TensorRtVersion(10, 3, 0)).orElseThrow(), StandardCharsets.UTF_8))
                .startsWith("TRT-100300-MinMaxCalibration\n");
        assertThat(h.sha256()).contains("abc");
    }

    @Test
    void tableForAnotherModelIsRejected() {
        AmaxTable table = new AmaxTable(Map.of("x", 1f, "encoder.0.out", 2f), "abc", "t.json");
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTable(table, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                TENSORS, "m.onnx")).isInstanceOf(Trt4jException.class)
                .hasMessage("t.json: rejected: 1 of its 2 tensors are not in m.onnx (e.g. 'encoder.0.out'); "
                        + "the table was made for another model");
    }

    @Test
    void matchingCacheIsHandedOverByteForByte() {
        byte[] bytes = "TRT-101501-EntropyCalibration2\nx: 3c010204\nconv_out: 3d418306\n".getBytes(StandardCharsets.UTF_8);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromCache("c", bytes,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, INPUTS, "m.onnx");
        assertThat(h.bytesFor(V)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        assertThat(h.tensorCount()).isEqualTo(2);
        assertThat(h.sha256()).contains(Sha256.of(bytes));
    }

    @Test
    void cacheOfAnotherCalibratorVersionOrModelIsRejectedNeverReused() {
        byte[] minmax = "TRT-101501-MinMaxCalibration\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", minmax,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, INPUTS, "m.onnx"))
                .hasMessageContaining("c: calibration cache rejected: written by TRT-101501-MinMaxCalibration")
                .hasMessageContaining("EntropyCalibration2");
        byte[] old = "TRT-8601-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromCache("c", old,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, INPUTS, "m.onnx");
        assertThatThrownBy(() -> h.bytesFor(V)).hasMessageContaining("written by TRT-8601-EntropyCalibration2 but this is "
                + "TensorRT 10.15.1 (TRT-101501-EntropyCalibration2)");
        byte[] other = "TRT-101501-EntropyCalibration2\ninput_ids: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", other,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, INPUTS, "m.onnx"))
                .hasMessageContaining("no range for input(s) [x] of m.onnx");
    }

    @Test
    void noneLetsTensorRtCalibrate() {
        CalibrationCacheHandoff h = CalibrationCacheHandoff.none(TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2);
        assertThat(h.isPresent()).isFalse();
        assertThat(h.bytesFor(V)).isEmpty();
        assertThat(h.sha256()).isEmpty();
    }
}
