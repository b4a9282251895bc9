package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.tensor.ElementType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineBuildPlannerTest {
    @TempDir
    static Path dir;
    static ModelFacts plain;
    static ModelFacts qdq;
    static ModelFacts half;

    private static final List<OptimizationProfile> PROFILES = List.of(new OptimizationProfile(Map.of("x",
            new ShapeRange(new long[] {1, 3, 8, 8}, new long[] {4, 3, 8, 8}, new long[] {8, 3, 8, 8}))));
    private static final CalibrationDataSource NO_DATA = new CalibrationDataSource() {
        @Override
        public Optional<Batch> next() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "empty";
        }
    };

    @BeforeAll
    static void models() throws IOException {
        plain = ModelFacts.read(TinyOnnxModels.conv(dir, "m.onnx", false, false));
        qdq = ModelFacts.read(TinyOnnxModels.conv(dir, "m.int8.onnx", true, false));
        half = ModelFacts.read(TinyOnnxModels.conv(dir, "m.fp16.onnx", false, true));
    }

    @Test
    void modelFactsSeeInputsTensorsQdqAndFloat16() {
        assertThat(plain.inputs()).hasSize(1);
        assertThat(plain.inputs().get(0).shapeText()).isEqualTo("[batch,3,8,8]");
        assertThat(plain.inputs().get(0).type()).isEqualTo(ElementType.FLOAT32);
        assertThat(plain.tensorNames()).contains("x", "w", "conv_out", "y").doesNotContain("x_q");
        assertThat(plain.hasQdq()).isFalse();
        assertThat(plain.hasFloat16()).isFalse();
        assertThat(qdq.hasQdq()).isTrue();
        assertThat(half.hasFloat16()).isTrue();
        assertThat(plain.sha256()).isEqualTo(Sha256.ofFile(dir.resolve("m.onnx")));
    }

    @Test
    void modelFactsRejectMissingAndNonOnnxFiles() throws IOException {
        assertThatThrownBy(() -> ModelFacts.read(dir.resolve("nope.onnx"))).hasMessageEndingWith("nope.onnx: model not found");
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");
        assertThatThrownBy(() -> ModelFacts.read(junk)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("junk.onnx: not an ONNX model");
    }

    @Test
    void fp16UsesTheBuilderFlagOnFloat32ModelsAndStrongTypingOnFloat16Models() {
        EngineBuildPlan weak = plan(request(plain, Precision.FP16).profiles(PROFILES), plain);
        assertThat(weak.fp16Flag()).isTrue();
        assertThat(weak.stronglyTyped()).isFalse();
        EngineBuildPlan strong = plan(request(half, Precision.FP16).profiles(PROFILES), half);
        assertThat(strong.fp16Flag()).isFalse();
        assertThat(strong.stronglyTyped()).isTrue();
        assertThatThrownBy(() -> plan(request(plain, Precision.FP16).profiles(PROFILES).stronglyTyped(true), plain))
                .hasMessageContaining("trt4j convert --fp16");
    }

    @Test
    void explicitInt8NeedsQdqAndIsStronglyTyped() {
        EngineBuildPlan p = plan(request(qdq, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).profiles(PROFILES), qdq);
        assertThat(p.stronglyTyped()).isTrue();
        assertThat(p.int8Flag()).isFalse();
        assertThat(p.calibration()).isEmpty();
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).profiles(PROFILES), plain))
                .hasMessage("m.onnx has no QuantizeLinear/DequantizeLinear nodes: run trt4j quantize first, or use "
                        + "--int8-mode implicit");
        assertThatThrownBy(() -> plan(request(qdq, Precision.FP32).profiles(PROFILES), qdq))
                .hasMessageContaining("--int8-mode explicit");
        assertThatThrownBy(() -> plan(request(qdq, Precision.INT8).profiles(PROFILES), qdq))
                .hasMessageContaining("already has Q/DQ nodes");
    }

    @Test
    void trt4jCalibratorHandsItsTableToTensorRtAndStagesNothingItNeeds() {
        AmaxTable table = new AmaxTable(Map.of("x", 1f, "conv_out", 3f), "sha", "t.json");
        EngineBuildPlan p = plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.PERCENTILE).table(table)
                .profiles(PROFILES), plain);
        CalibrationPlan c = p.calibration().orElseThrow();
        assertThat(p.int8Flag()).isTrue();
        assertThat(c.handoff().isTable()).isTrue();
        assertThat(c.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2);
        assertThat(c.needsBatches()).isFalse();
        assertThat(c.writeBack()).isEmpty();
        assertThat(c.staging()).containsExactly(new InputSlot("x", ElementType.FLOAT32, new long[] {4, 3, 8, 8}));
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.MSE).profiles(PROFILES),
                plain)).hasMessageContaining("--calibrator mse needs trt4j's ranges: --table");
    }

    @Test
    void tensorRtCalibratorNeedsDataAndWritesItsCacheNextToTheEngine() throws IOException {
        Path out = dir.resolve("engines/m.int8.engine");
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.TRT_MINMAX)
                .profiles(PROFILES), plain)).hasMessageContaining("needs --data");
        EngineBuildPlan p = EngineBuildPlanner.plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.TRT_MINMAX)
                .profiles(PROFILES).data(NO_DATA).build(), plain, out);
        CalibrationPlan c = p.calibration().orElseThrow();
        assertThat(c.needsBatches()).isTrue();
        assertThat(c.writeBack()).contains(dir.resolve("engines/m.int8.engine.calibration.cache"));

        Path cache = Files.writeString(dir.resolve("trt.cache"), "TRT-101501-MinMaxCalibration\nx: 3c010204\n");
        CalibrationPlan reuse = EngineBuildPlanner.plan(request(plain, Precision.INT8)
                .calibrator(CalibratorChoice.TRT_MINMAX).calibrationCache(cache).profiles(PROFILES).build(), plain, out)
                .calibration().orElseThrow();
        assertThat(reuse.needsBatches()).isFalse();
        assertThat(reuse.writeBack()).contains(cache);
        assertThatThrownBy(() -> EngineBuildPlanner.plan(request(plain, Precision.INT8)
                .calibrator(CalibratorChoice.TRT_ENTROPY2).calibrationCache(cache).profiles(PROFILES).build(), plain, out))
                .hasMessageContaining("calibration cache rejected");
    }

    @Test
    void requestRejectsOptionsThatDoNotApply() {
        assertThatThrownBy(() -> request(plain, Precision.FP16).calibrator(CalibratorChoice.MAX).build())
                .hasMessage("--calibrator does not apply to --precision fp16");
        assertThatThrownBy(() -> request(plain, Precision.FP32).int8Mode(Int8Mode.EXPLICIT).build())
                .hasMessage("--int8-mode applies only to --precision int8");
        assertThatThrownBy(() -> request(qdq, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).data(NO_DATA).build())
                .hasMessageContaining("--data does not apply");
        assertThatThrownBy(() -> request(plain, Precision.INT8).table(new AmaxTable(Map.of("x", 1f), "s", "t"))
                .calibrationCache(dir.resolve("c")).build()).hasMessage("give either --table or --cache, not both");
        assertThatThrownBy(() -> request(plain, Precision.FP32).optimizationLevel(6).build())
                .hasMessage("--opt-level must be 0..5, got 6");
        assertThat(request(plain, Precision.INT8).build().calibrator()).contains(CalibratorChoice.ENTROPY);
    }

    @Test
    void dynamicModelWithoutProfilesIsRejectedBeforeAnyNativeWork() {
        assertThatThrownBy(() -> plan(request(plain, Precision.FP32), plain))
                .hasMessageContaining("model input 'x' has dynamic shape [batch,3,8,8]");
    }

    private static EngineBuildRequest.Builder request(ModelFacts model, Precision precision) {
        return EngineBuildRequest.builder(model.file(), precision);
    }

    private static EngineBuildPlan plan(EngineBuildRequest.Builder request, ModelFacts model) {
        return EngineBuildPlanner.plan(request.build(), model, dir.resolve("engines/out.engine"));
    }
}
