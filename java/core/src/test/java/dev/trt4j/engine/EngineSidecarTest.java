package dev.trt4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineSidecarTest {
    @TempDir
    Path dir;

    private final EngineSidecar sidecar = new EngineSidecar(1, "e0", "10.15.1", "Tesla T4", "7.5", "int8", "implicit",
            false, "entropy", "c0", "m.onnx", "m0",
            List.of(Map.of("x", new ShapeRange(new long[] {1, 3}, new long[] {4, 3}, new long[] {8, 3}))));

    @Test
    void writesAndReadsBackNextToTheEngine() throws Exception {
        Path engine = dir.resolve("m.engine");
        EngineSidecarFile.write(engine, sidecar);
        assertThat(EngineSidecarFile.pathFor(engine)).isEqualTo(dir.resolve("m.engine.json"));
        String json = Files.readString(dir.resolve("m.engine.json"));
        assertThat(json).contains("\"tensorRtVersion\" : \"10.15.1\"", "\"computeCapability\" : \"7.5\"",
                "\"calibrator\" : \"entropy\"", "\"opt\" : [ 4, 3 ]");
        assertThat(EngineSidecarFile.read(engine)).contains(sidecar);
        assertThat(EngineSidecarFile.read(dir.resolve("other.engine"))).isEmpty();
    }

    @Test
    void unreadableSidecarIsOneLine() throws Exception {
        Path engine = dir.resolve("bad.engine");
        Files.writeString(EngineSidecarFile.pathFor(engine), "{ not json");
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessage(EngineSidecarFile.pathFor(engine)
                + ": not valid JSON at line 1, column 3: unexpected character 'n': was expecting double-quote to start "
                + "field name");
    }

    @Test
    void aSidecarLackingFieldsOrHoldingTheWrongOnesNamesThemNotJacksonsClasses() throws Exception {
        Path engine = dir.resolve("m.engine");
        Path file = EngineSidecarFile.pathFor(engine);

        Files.writeString(file, "{\"gpuName\": \"Tesla T4\", \"computeCapability\": null}");
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessage(file + ": unreadable engine sidecar: no "
                + "\"format\", \"engineSha256\", \"tensorRtVersion\", \"computeCapability\"");
        Files.writeString(file, "[]");
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessage(file + ": unreadable engine sidecar: "
                + "not a JSON object");
        Files.writeString(file, EngineSidecarFile.toJson(sidecar).replace("\"min\" : [ 1, 3 ]", "\"min\" : \"big\""));
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessage(file + ": unreadable engine sidecar: "
                + "\"profiles[0].x.min\" does not hold what a sidecar keeps there");
    }

    /** A hand-edited sidecar is read as strictly as a table: export-triton writes its shapes into Triton's config. */
    @Test
    void fractionsNumbersInStringsRepeatedKeysAndTrailingTextAreRefused() throws Exception {
        Path engine = dir.resolve("m.engine");
        Path file = EngineSidecarFile.pathFor(engine);
        String good = EngineSidecarFile.toJson(sidecar);

        Files.writeString(file, good.replace("\"max\" : [ 8, 3 ]", "\"max\" : [ 32.9, 3 ]"));
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessage(file + ": unreadable engine sidecar: "
                + "\"profiles[0].x.max[0]\" does not hold what a sidecar keeps there");
        Files.writeString(file, good.replace("\"max\" : [ 8, 3 ]", "\"max\" : [ \"64\", 3 ]"));
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessageContaining("\"profiles[0].x.max[0]\"");
        Files.writeString(file, good.replace("\"max\" : [ 8, 3 ]", "\"max\" : [ 8, 3 ], \"max\" : [ 16, 3 ]"));
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessageEndingWith("duplicate key 'max'");
        Files.writeString(file, good + "garbage");
        assertThatThrownBy(() -> EngineSidecarFile.read(engine)).hasMessageStartingWith(file + ": ");
        Files.writeString(file, good);
        assertThat(EngineSidecarFile.read(engine)).contains(sidecar);
    }

    @Test
    void compatibilityRefusesOtherTensorRtOrGpu() {
        Path engine = Path.of("engines/m.engine");
        GpuDevice t4 = new GpuDevice(0, "Tesla T4", 7, 5, 16L << 30);
        EngineCompatibility.check(engine, sidecar, new TensorRtVersion(10, 15, 1), t4);
        assertThatThrownBy(() -> EngineCompatibility.check(engine, sidecar, new TensorRtVersion(10, 16, 0), t4))
                .hasMessage("engines/m.engine was built with TensorRT 10.15.1 but this is TensorRT 10.16.0; rebuild it "
                        + "here with trt4j build");
        assertThatThrownBy(() -> EngineCompatibility.check(engine, sidecar, new TensorRtVersion(10, 15, 1),
                new GpuDevice(0, "NVIDIA H100 80GB HBM3", 9, 0, 80L << 30)))
                .hasMessage("engines/m.engine was built for Tesla T4 (SM 7.5) but this GPU is NVIDIA H100 80GB HBM3 (SM 9.0); "
                        + "rebuild it on this GPU with trt4j build");
    }
}
