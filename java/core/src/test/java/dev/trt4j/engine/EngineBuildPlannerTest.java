package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import dev.trt4j.table.TensorRtCalibrationCache;
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
    private static final CalibrationSamples NO_DATA = (inputs, outputs, shapes) -> new CalibrationDataSource() {
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
        plain = ModelFacts.of(OnnxModel.load(TinyOnnxModels.conv(dir, "m.onnx", false, false)));
        qdq = ModelFacts.of(OnnxModel.load(TinyOnnxModels.conv(dir, "m.int8.onnx", true, false)));
        half = ModelFacts.of(OnnxModel.load(TinyOnnxModels.conv(dir, "m.fp16.onnx", false, true)));
    }

    @Test
    void modelFactsSeeInputsTensorsQdqAndFloat16() {
        assertThat(plain.inputs()).hasSize(1);
        assertThat(plain.inputs().get(0).shapeText()).isEqualTo("[batch,3,8,8]");
        assertThat(plain.inputs().get(0).type()).isEqualTo(ElementType.FLOAT32);
        assertThat(List.of("x", "w", "conv_out", "y")).allMatch(plain::hasTensor);
        assertThat(plain.hasTensor("x_q")).isFalse();
        assertThat(qdq.hasTensor("x_q")).isTrue();
        assertThat(plain.hasQdq()).isFalse();
        assertThat(plain.hasFloat16()).isFalse();
        assertThat(qdq.hasQdq()).isTrue();
        assertThat(half.hasFloat16()).isTrue();
        assertThat(plain.sha256()).isEqualTo(Provenance.sha256(dir.resolve("m.onnx")));
        assertThat(plain.name()).isEqualTo("m.onnx");
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
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("trt4j convert --fp16");
    }

    /**
     * ONNX Runtime's integer operators (its dynamic quantizer's, or quantize --runtime onnxruntime-cpu's) are refused
     * at every precision before the GPU is touched: TensorRT's parser rejects them only once it runs.
     */
    @Test
    void onnxRuntimeIntegerOperatorsAreRefusedAtEveryPrecision() throws IOException {
        Path file = TinyOnnxModels.conv(dir, "m-dynamic.onnx", false, false);
        ai.onnx.proto.OnnxMl.ModelProto proto = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        g.addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName("dq")
                .addInput("x").addOutput("x_q").addOutput("x_s").addOutput("x_zp"));
        Files.write(file, proto.toBuilder().setGraph(g).build().toByteArray());
        ModelFacts dynamic = ModelFacts.of(OnnxModel.load(file));

        for (Precision precision : Precision.values()) {
            assertThatThrownBy(() -> plan(request(dynamic, precision).profiles(PROFILES), dynamic))
                    .isInstanceOf(Trt4jException.class).hasMessage("m-dynamic.onnx has ONNX Runtime integer operators "
                            + "(1 DynamicQuantizeLinear), which TensorRT's ONNX parser does not import: build the FP32 "
                            + "model (--precision int8 calibrates it), or a Q/DQ model from trt4j quantize without "
                            + "--runtime onnxruntime-cpu");
        }
        // Q/DQ pairs are TensorRT's explicit INT8, not refused
        assertThat(plan(request(qdq, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).profiles(PROFILES), qdq)).isNotNull();
    }

    @Test
    void explicitInt8NeedsQdqAndIsStronglyTyped() {
        EngineBuildPlan p = plan(request(qdq, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).profiles(PROFILES), qdq);
        assertThat(p.stronglyTyped()).isTrue();
        assertThat(p.int8Flag()).isFalse();
        assertThat(p.calibration()).isEmpty();
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).profiles(PROFILES), plain))
                .isInstanceOf(InvalidOptionException.class).hasMessage("m.onnx has no QuantizeLinear/DequantizeLinear nodes: run trt4j quantize first, or use "
                        + "--int8-mode implicit");
        assertThatThrownBy(() -> plan(request(qdq, Precision.FP32).profiles(PROFILES), qdq))
                .isInstanceOf(InvalidOptionException.class).hasMessage("m.int8.onnx has Q/DQ nodes, which --precision "
                        + "fp32 would still run in INT8: build it with --precision int8");
        assertThatThrownBy(() -> plan(request(qdq, Precision.INT8).int8Mode(Int8Mode.IMPLICIT).profiles(PROFILES), qdq))
                .isInstanceOf(InvalidOptionException.class).hasMessage("m.int8.onnx already has Q/DQ nodes: build it with "
                        + "--int8-mode explicit");
    }

    /** Left unset, the mode follows the model: its Q/DQ scales are its ranges, so there is nothing to calibrate. */
    @Test
    void anInt8BuildOfAQdqModelIsExplicitUnlessAskedOtherwise() {
        EngineBuildPlan auto = plan(request(qdq, Precision.INT8).profiles(PROFILES), qdq);
        assertThat(auto.int8Mode()).contains(Int8Mode.EXPLICIT);
        assertThat(auto.stronglyTyped()).isTrue();
        assertThat(auto.int8Flag()).isFalse();
        assertThat(auto.calibration()).isEmpty();

        EngineBuildPlan plainAuto = plan(request(plain, Precision.INT8).profiles(PROFILES).samples(NO_DATA), plain);
        assertThat(plainAuto.int8Mode()).contains(Int8Mode.IMPLICIT);
        assertThat(plainAuto.int8Flag()).isTrue();

        // calibrator options say the user meant a calibrated build, which a Q/DQ model cannot take
        assertThatThrownBy(() -> plan(request(qdq, Precision.INT8).calibrator(CalibratorChoice.MAX).profiles(PROFILES),
                qdq)).isInstanceOf(InvalidOptionException.class).hasMessage("m.int8.onnx already has Q/DQ nodes: their scales "
                        + "are its INT8 ranges, so drop the calibrator's options (--calibrator, --table, --cache, --data, "
                        + "--tokenizer, --calib-profile)");
    }

    @Test
    void trt4jCalibratorHandsItsTableToTensorRtAndStagesNothingItNeeds() {
        CalibrationTable table = new CalibrationTable(Map.of("x", 1f, "conv_out", 3f), Provenance.unknown());
        Path file = dir.resolve("t.table.json");
        table.write(file);
        for (EngineBuildRequest.Builder withTable : List.of(request(plain, Precision.INT8).table(table),
                request(plain, Precision.INT8).table(file))) {
            EngineBuildPlan p = plan(withTable.calibrator(CalibratorChoice.PERCENTILE).profiles(PROFILES), plain);
            CalibrationPlan c = p.calibration().orElseThrow();
            assertThat(p.int8Flag()).isTrue();
            assertThat(c.handoff().isTable()).isTrue();
            assertThat(c.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2);
            assertThat(c.needsBatches()).isFalse();
            assertThat(c.computesRanges()).isFalse();
            assertThat(c.writeBack()).isEmpty();
            assertThat(c.staging()).containsExactly(new InputSlot("x", ElementType.FLOAT32, new long[] {4, 3, 8, 8}));
        }
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.MSE).profiles(PROFILES),
                plain)).hasMessageContaining("--calibrator mse needs trt4j's ranges: --table");
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).table(dir.resolve("none.json")).profiles(PROFILES),
                plain)).isInstanceOf(Trt4jException.class).hasMessageEndingWith("none.json: calibration table not found");
    }

    @Test
    void aTablesOwnMethodNamesTheCalibratorUnlessOneIsChosenAndAContradictionIsRefused() {
        Provenance max = new Provenance("max", Map.of(), 8L, null, null, "test", null, null);
        CalibrationTable table = new CalibrationTable(Map.of("x", 1f, "conv_out", 3f), max);
        Path file = dir.resolve("max.table.json");
        table.write(file);
        for (EngineBuildRequest.Builder withTable : List.of(request(plain, Precision.INT8).table(table),
                request(plain, Precision.INT8).table(file))) {
            CalibrationPlan c = plan(withTable.profiles(PROFILES), plain).calibration().orElseThrow();
            assertThat(c.choice()).isEqualTo(CalibratorChoice.MAX);
            assertThat(c.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.MINMAX_CALIBRATION);
        }
        assertThat(plan(request(plain, Precision.INT8).table(file).calibrator(CalibratorChoice.MAX).profiles(PROFILES),
                plain).calibration().orElseThrow().choice()).isEqualTo(CalibratorChoice.MAX);
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).table(file).calibrator(CalibratorChoice.ENTROPY)
                .profiles(PROFILES), plain)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("--calibrator entropy: " + file + " holds max ranges; drop --calibrator (the table's "
                        + "method is used) or give a table calibrated with entropy");
        CalibrationTable percentile = new CalibrationTable(Map.of("x", 1f),
                new Provenance("percentile-99.99", Map.of(), 8L, null, null, "test", null, null));
        assertThat(plan(request(plain, Precision.INT8).table(percentile).profiles(PROFILES), plain).calibration()
                .orElseThrow().choice()).isEqualTo(CalibratorChoice.PERCENTILE);
    }

    /**
     * A cache given without --calibrator is read by the calibrator its header names: max for MinMaxCalibration.
     * EntropyCalibration2 is written by entropy, percentile and mse alike, so the sidecar records the token, not a
     * method the cache cannot tell; a chosen --calibrator is recorded as chosen, and one the header contradicts is
     * refused naming the one to pass.
     */
    @Test
    void aCacheWithoutCalibratorIsReadByTheCalibratorItsHeaderNames() throws IOException {
        Path minmax = Files.writeString(dir.resolve("max.cache"), "TRT-101501-MinMaxCalibration\nx: 3c010204\n");
        CalibrationPlan max = plan(request(plain, Precision.INT8).calibrationCache(minmax).profiles(PROFILES), plain)
                .calibration().orElseThrow();
        assertThat(max.choice()).isEqualTo(CalibratorChoice.MAX);
        assertThat(max.calibratorName()).isEqualTo("max");
        assertThat(max.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.MINMAX_CALIBRATION);

        Path entropy = Files.writeString(dir.resolve("e.cache"), "TRT-101501-EntropyCalibration2\nx: 3c010204\n");
        CalibrationPlan unknown = plan(request(plain, Precision.INT8).calibrationCache(entropy).profiles(PROFILES),
                plain).calibration().orElseThrow();
        assertThat(unknown.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2);
        assertThat(unknown.calibratorName()).isEqualTo("EntropyCalibration2");
        assertThat(plan(request(plain, Precision.INT8).calibrationCache(entropy).calibrator(CalibratorChoice.PERCENTILE)
                .profiles(PROFILES), plain).calibration().orElseThrow().calibratorName()).isEqualTo("percentile");

        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).calibrationCache(minmax)
                .calibrator(CalibratorChoice.ENTROPY).profiles(PROFILES), plain)).isInstanceOf(Trt4jException.class)
                .hasMessage(minmax + ": calibration cache rejected: written by TRT-101501-MinMaxCalibration but "
                        + "--calibrator entropy reads TensorRT's EntropyCalibration2; pass --calibrator max (or no "
                        + "--calibrator: the cache's header chooses)");
    }

    /**
     * A table converted from a cache records the cache's token as its method: it counts as a table's method does,
     * so entropy with a MinMaxCalibration table is refused, and without --calibrator the token chooses.
     */
    @Test
    void aTableConvertedFromACacheIsJudgedByItsCachesToken() {
        Path minmax = dir.resolve("conv-max.table.json");
        TensorRtCalibrationCache.parse("TRT-101501-MinMaxCalibration\nx: 3c010204\nconv_out: 3d418306\n", "c")
                .toTable("c").write(minmax);
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).table(minmax).calibrator(CalibratorChoice.ENTROPY)
                .profiles(PROFILES), plain)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("--calibrator entropy: " + minmax + " holds MinMaxCalibration ranges, which entropy does "
                        + "not make; pass --calibrator max, or drop --calibrator (the table's method is used)");
        CalibrationPlan max = plan(request(plain, Precision.INT8).table(minmax).profiles(PROFILES), plain)
                .calibration().orElseThrow();
        assertThat(max.choice()).isEqualTo(CalibratorChoice.MAX);
        assertThat(max.calibratorName()).isEqualTo("max");

        Path entropy = dir.resolve("conv-entropy.table.json");
        TensorRtCalibrationCache.parse("TRT-101501-EntropyCalibration2\nx: 3c010204\n", "c").toTable("c")
                .write(entropy);
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).table(entropy).calibrator(CalibratorChoice.MAX)
                .profiles(PROFILES), plain)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("--calibrator max: " + entropy + " holds EntropyCalibration2 ranges, which max does not "
                        + "make; pass --calibrator entropy, percentile or mse, or drop --calibrator (the table's method "
                        + "is used)");
        assertThat(plan(request(plain, Precision.INT8).table(entropy).calibrator(CalibratorChoice.MSE)
                .profiles(PROFILES), plain).calibration().orElseThrow().calibratorName()).isEqualTo("mse");
        assertThat(plan(request(plain, Precision.INT8).table(entropy).profiles(PROFILES), plain).calibration()
                .orElseThrow().calibratorName()).isEqualTo("EntropyCalibration2");
    }

    @Test
    void trt4jCalibratorWithSamplesComputesItsRangesAndFeedsTensorRtNoBatches() {
        CalibrationPlan c = plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.MAX).samples(NO_DATA)
                .profiles(PROFILES), plain).calibration().orElseThrow();
        assertThat(c.computesRanges()).isTrue();
        assertThat(c.handoff().isPresent()).isFalse();
        assertThat(c.needsBatches()).isFalse();
        assertThat(c.handoff().algorithm()).isEqualTo(TrtCalibrationAlgorithm.MINMAX_CALIBRATION);
        CalibrationPlan computed = c.withRanges(CalibrationCacheHandoff.fromTable(
                new CalibrationTable(Map.of("x", 2f), Provenance.unknown()), c.handoff().algorithm(), plain));
        assertThat(computed.computesRanges()).isFalse();
        assertThat(computed.handoff().isTable()).isTrue();
        assertThat(computed.needsBatches()).isFalse();
    }

    @Test
    void tensorRtCalibratorNeedsDataAndWritesItsCacheNextToTheEngine() throws IOException {
        Path out = dir.resolve("engines/m.int8.engine");
        assertThatThrownBy(() -> plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.TRT_MINMAX)
                .profiles(PROFILES), plain)).hasMessageContaining("needs --data");
        EngineBuildPlan p = EngineBuildPlanner.plan(request(plain, Precision.INT8).calibrator(CalibratorChoice.TRT_MINMAX)
                .profiles(PROFILES).samples(NO_DATA).build(), plain, out);
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
        assertThatThrownBy(() -> request(qdq, Precision.INT8).int8Mode(Int8Mode.EXPLICIT).samples(NO_DATA).build())
                .hasMessageContaining("--data does not apply");
        assertThatThrownBy(() -> request(plain, Precision.INT8).table(dir.resolve("t.json"))
                .calibrationCache(dir.resolve("c")).build()).hasMessage("give either --table or --cache, not both");
        assertThatThrownBy(() -> request(plain, Precision.INT8).table(new CalibrationTable(Map.of("x", 1f),
                Provenance.unknown())).calibrationCache(dir.resolve("c")).build())
                .hasMessage("give either --table or --cache, not both");
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
