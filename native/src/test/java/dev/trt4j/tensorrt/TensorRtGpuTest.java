package dev.trt4j.tensorrt;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.CalibratorChoice;
import dev.trt4j.engine.EngineBuild;
import dev.trt4j.engine.EngineBuildRequest;
import dev.trt4j.engine.EngineRuntime;
import dev.trt4j.engine.EngineServices;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.Int8Mode;
import dev.trt4j.engine.OptimizationProfile;
import dev.trt4j.engine.Precision;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import dev.trt4j.table.TensorRtCalibrationCache;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds every precision and calibrator on a tiny model with the real TensorRT, then loads and runs each engine
 * against a Java reference. Run on a GPU machine with {@code ./mvnw -Pgpu -pl native -am verify -Dgroups=gpu};
 * elsewhere every test skips, saying which library is missing.
 */
@Tag("gpu")
class TensorRtGpuTest {
    private static final int BATCH = 2;
    private static final List<OptimizationProfile> PROFILES = List.of(new OptimizationProfile(Map.of("x",
            new ShapeRange(new long[] {1, 3, 8, 8}, new long[] {BATCH, 3, 8, 8}, new long[] {4, 3, 8, 8}))));

    @TempDir
    static Path dir;
    static Path fp32Model;
    static Path fp16Model;
    static Path qdqModel;

    @BeforeAll
    static void writeModels() throws Exception {
        fp32Model = GpuTestModels.write(dir, "tiny.onnx", false, false);
        fp16Model = GpuTestModels.write(dir, "tiny.fp16.onnx", false, true);
        qdqModel = GpuTestModels.write(dir, "tiny.int8.onnx", true, false);
    }

    @BeforeEach
    void requireGpu() {
        var availability = new TrtEngineBuilder().availability();
        assumeTrue(availability.available(), () -> "no usable GPU stack: " + availability.reason());
    }

    @Test
    void fp32EngineMatchesTheReference() {
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.FP32).profiles(PROFILES)
                .workspaceBytes(64L << 20).optimizationLevel(1), "fp32");
        assertRunsClose(engine, 1e-4f);
    }

    @Test
    void fp16ByBuilderFlagAndByStrongTyping() {
        assertRunsClose(build(EngineBuildRequest.builder(fp32Model, Precision.FP16).profiles(PROFILES), "fp16flag"), 2e-2f);
        Path strong = build(EngineBuildRequest.builder(fp16Model, Precision.FP16).profiles(PROFILES), "fp16typed");
        assertThat(EngineSidecarFile.read(strong).orElseThrow().stronglyTyped()).isTrue();
        assertRunsClose(strong, 2e-2f);
    }

    @ParameterizedTest
    @EnumSource(value = CalibratorChoice.class, names = {"MAX", "ENTROPY", "PERCENTILE", "MSE"})
    void trt4jRangesAreHandedToTensorRt(CalibratorChoice choice) {
        CalibrationTable table = new CalibrationTable(Map.of("x", 1f, "conv_out", 4f, "y", 4f), Provenance.unknown());
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.INT8).calibrator(choice).table(table)
                .profiles(PROFILES), "int8-" + choice.cliName());
        EngineSidecar sidecar = EngineSidecarFile.read(engine).orElseThrow();
        assertThat(sidecar.calibrator()).isEqualTo(choice.cliName());
        byte[] handedOver = TensorRtCalibrationCache.fromTable(table, new TrtEngineBuilder().tensorRtVersion().code(),
                choice.trtAlgorithm().cacheToken()).toText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sidecar.calibrationSha256()).isEqualTo(Provenance.sha256(handedOver));
        assertRunsClose(engine, 0.15f);
    }

    @ParameterizedTest
    @EnumSource(value = CalibratorChoice.class, names = {"MAX", "ENTROPY", "PERCENTILE", "MSE"})
    void trt4jRangesComputedFromTheSamplesOnTheCpuAreHandedToTensorRt(CalibratorChoice choice) {
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.INT8).calibrator(choice)
                .samples((inputs, outputs, shapes) -> new SeededBatches(8)).profiles(PROFILES), "int8-computed-" + choice.cliName());
        EngineSidecar sidecar = EngineSidecarFile.read(engine).orElseThrow();
        assertThat(sidecar.calibrator()).isEqualTo(choice.cliName());
        assertThat(sidecar.calibrationSha256()).matches("[0-9a-f]{64}");
        assertRunsClose(engine, 0.15f);
    }

    @ParameterizedTest
    @EnumSource(value = CalibratorChoice.class, names = {"TRT_ENTROPY2", "TRT_MINMAX"})
    void tensorRtCalibratesOnSampleBatchesAndTheCacheIsSavedAndReused(CalibratorChoice choice) throws Exception {
        Path cache = dir.resolve(choice.cliName() + ".cache");
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.INT8).calibrator(choice).calibrationCache(cache)
                .samples((inputs, outputs, shapes) -> new SeededBatches(8)).profiles(PROFILES), "int8-" + choice.cliName());
        String header = Files.readAllLines(cache).get(0);
        assertThat(header).isEqualTo("TRT-" + new TrtEngineBuilder().tensorRtVersion().code() + "-"
                + choice.trtAlgorithm().cacheToken());
        assertRunsClose(engine, 0.15f);
        byte[] first = Files.readAllBytes(cache);
        build(EngineBuildRequest.builder(fp32Model, Precision.INT8).calibrator(choice).calibrationCache(cache)
                .profiles(PROFILES), "int8-" + choice.cliName() + "-reused");
        assertThat(Files.readAllBytes(cache)).isEqualTo(first);
    }

    @Test
    void explicitInt8BuildsTheQdqModelStronglyTyped() {
        Path engine = build(EngineBuildRequest.builder(qdqModel, Precision.INT8).int8Mode(Int8Mode.EXPLICIT)
                .profiles(PROFILES), "int8-explicit");
        assertThat(EngineSidecarFile.read(engine).orElseThrow().stronglyTyped()).isTrue();
        assertRunsClose(engine, 0.15f);
    }

    @Test
    void timingCacheIsSavedAndLoadedAgain() throws Exception {
        Path timing = dir.resolve("timing.cache");
        build(EngineBuildRequest.builder(fp32Model, Precision.FP32).profiles(PROFILES).timingCache(timing), "timed1");
        assertThat(timing).isNotEmptyFile();
        build(EngineBuildRequest.builder(fp32Model, Precision.FP32).profiles(PROFILES).timingCache(timing), "timed2");
        assertThat(timing).isNotEmptyFile();
    }

    @Test
    void engineForAnotherTensorRtIsRefused() throws Exception {
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.FP32).profiles(PROFILES), "foreign");
        EngineSidecar s = EngineSidecarFile.read(engine).orElseThrow();
        EngineSidecarFile.write(engine, new EngineSidecar(s.format(), s.engineSha256(), "10.3.0", s.gpuName(),
                s.computeCapability(), s.precision(), s.int8Mode(), s.stronglyTyped(), s.calibrator(), s.calibrationSha256(),
                s.modelFile(), s.modelSha256(), s.profiles()));
        assertThatThrownBy(() -> EngineServices.engineRuntime().open(engine)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("was built with TensorRT 10.3.0");
    }

    @Test
    void parserErrorsNameTheNode() throws Exception {
        byte[] model = Files.readAllBytes(fp32Model);
        // rename the Conv operator to an unknown one; the model stays valid protobuf
        Path broken = Files.write(dir.resolve("broken.onnx"),
                new String(model, java.nio.charset.StandardCharsets.ISO_8859_1).replace("Conv", "Cnov")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> build(EngineBuildRequest.builder(broken, Precision.FP32).profiles(PROFILES), "broken"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("ONNX parser failed").hasMessageContaining("Cnov");
    }

    /** A service answers these as bad requests: each is the caller's to correct, not a failure of TensorRT. */
    @Test
    void inputsTheEngineCannotTakeAreInvalidInputs() {
        Path engine = build(EngineBuildRequest.builder(fp32Model, Precision.FP32).profiles(PROFILES)
                .workspaceBytes(64L << 20).optimizationLevel(1), "profile");
        try (EngineSession session = EngineServices.engineRuntime().open(engine)) {
            HostTensor eight = HostTensor.ofFloats(new long[] {8, 3, 8, 8}, new float[8 * 3 * 8 * 8]);
            assertThatThrownBy(() -> session.run(Map.of("x", eight))).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith(engine + ": input 'x' shape [8, 3, 8, 8] is outside the engine's profile 0");
            HostTensor one = HostTensor.ofFloats(new long[] {1, 3, 8, 8}, new float[3 * 8 * 8]);
            assertThatThrownBy(() -> session.run(Map.of("x", one, "z", one))).isInstanceOf(InvalidInputException.class)
                    .hasMessage(engine + ": unknown input 'z'; engine inputs are [x]");
            assertThatThrownBy(() -> session.run(Map.of())).isInstanceOf(InvalidInputException.class)
                    .hasMessage(engine + ": missing input 'x'; engine inputs are [x]");
        }
    }

    private static Path build(EngineBuildRequest.Builder request, String name) {
        Path out = dir.resolve("engines/" + name + ".engine");
        EngineBuild.run(request.build(), out);
        assertThat(out).isNotEmptyFile();
        return out;
    }

    private static void assertRunsClose(Path engine, float tolerance) {
        EngineRuntime runtime = EngineServices.engineRuntime();
        float[] x = new SeededBatches(1).sample(BATCH);
        try (EngineSession session = runtime.open(engine)) {
            Map<String, HostTensor> out = session.run(Map.of("x", HostTensor.ofFloats(new long[] {BATCH, 3, 8, 8}, x)));
            float[] y = out.get("y").floats();
            float[] expected = GpuTestModels.reference(x, BATCH);
            assertThat(out.get("y").shape()).containsExactly(BATCH, 4, 6, 6);
            for (int i = 0; i < expected.length; i++) {
                assertThat(y[i]).as("y[%d] of %s", i, engine.getFileName())
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance * Math.max(1, Math.abs(expected[i]))));
            }
        }
    }

    /** Seeded uniform [-1, 1) samples in batches of {@link #BATCH}. */
    static final class SeededBatches implements CalibrationDataSource {
        private final Random random = new Random(42);
        private int left;

        SeededBatches(int batches) {
            this.left = batches;
        }

        float[] sample(int batch) {
            float[] x = new float[batch * 3 * 8 * 8];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat() * 2 - 1;
            }
            return x;
        }

        @Override
        public Optional<Batch> next() {
            if (left-- <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Batch(BATCH, Map.of("x", HostTensor.ofFloats(new long[] {BATCH, 3, 8, 8}, sample(BATCH)))));
        }

        @Override
        public String describe() {
            return "seeded uniform";
        }
    }
}
