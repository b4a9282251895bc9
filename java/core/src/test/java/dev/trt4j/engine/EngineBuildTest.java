package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineBuildTest {
    @TempDir
    Path dir;

    private static final List<OptimizationProfile> PROFILES = List.of(new OptimizationProfile(
            Map.of("x", ShapeRange.fixed(new long[] {2, 3, 8, 8}))));
    private static final byte[] ENGINE = "serialized plan".getBytes(StandardCharsets.UTF_8);
    private static final GpuDevice T4 = new GpuDevice(0, "Tesla T4", 7, 5, 16L << 30);

    @Test
    void writesEngineSidecarAndTheCacheTensorRtComputed() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.int8.engine");
        byte[] written = "TRT-101501-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.of(written), null);
        EngineBuild.Outcome outcome = EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8)
                .calibrator(CalibratorChoice.TRT_ENTROPY2).data(emptyData()).profiles(PROFILES).build(), out, () -> fake);
        assertThat(Files.readAllBytes(out)).isEqualTo(ENGINE);
        assertThat(Files.readAllBytes(outcome.calibrationCache().orElseThrow())).isEqualTo(written);
        EngineSidecar sidecar = EngineSidecarFile.read(out).orElseThrow();
        assertThat(sidecar).isEqualTo(outcome.metadata());
        assertThat(sidecar.engineSha256()).isEqualTo(Sha256.of(ENGINE));
        assertThat(sidecar.calibrationSha256()).isEqualTo(Sha256.of(written));
        assertThat(sidecar.modelSha256()).isEqualTo(Sha256.ofFile(model));
        assertThat(sidecar.calibrator()).isEqualTo("trt-entropy2");
        assertThat(sidecar.gpuName()).isEqualTo("Tesla T4");
        assertThat(sidecar.profiles()).hasSize(1);
        assertThat(fake.closed).isTrue();
        assertThat(fake.seenPlan.calibration().orElseThrow().needsBatches()).isTrue();
    }

    @Test
    void failedOrUnavailableBuildLeavesNoFile() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.fp16.engine");
        EngineBuildRequest request = EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES).build();
        FakeBuilder unavailable = new FakeBuilder(Availability.no("CUDA driver: libcuda.so.1 not found; install it"),
                Optional.empty(), null);
        assertThatThrownBy(() -> EngineBuild.run(request, out, () -> unavailable)).isInstanceOf(Trt4jException.class)
                .hasMessage("CUDA driver: libcuda.so.1 not found; install it");
        assertThat(unavailable.seenPlan).isNull();
        FakeBuilder failing = new FakeBuilder(Availability.yes(), Optional.empty(),
                new Trt4jException("TensorRT build failed: out of memory"));
        assertThatThrownBy(() -> EngineBuild.run(request, out, () -> failing)).hasMessageContaining("out of memory");
        assertThat(out.getParent()).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(list(p)).isEmpty());
    }

    @Test
    void engineIsRemovedWhenItsSidecarCannotBeWritten() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.fp32.engine");
        Files.createDirectories(EngineSidecarFile.pathFor(out).resolve("blocker"));
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP32).profiles(PROFILES)
                .build(), out, () -> fake)).isInstanceOf(Trt4jException.class).hasMessageContaining("m.fp32.engine.json");
        assertThat(out).doesNotExist();
        assertThat(fake.closed).isTrue();
    }

    @Test
    void withoutTheNativeModuleTheBuilderLookupFailsWithOneLine() {
        assertThatThrownBy(EngineServices::engineBuilder).isInstanceOf(Trt4jException.class)
                .hasMessage("no TensorRT backend: trt4j-native: not on the class path; build trt4j with -Pgpu "
                        + "(see native/README.md)");
        assertThat(EngineServices.gpuEnvironmentProbe()).isInstanceOf(LibraryFileProbe.class);
    }

    @Test
    void defaultOutputGoesToEnginesFolder() {
        assertThat(EngineBuild.defaultOutput(Path.of("models/cls.onnx"), Precision.INT8))
                .isEqualTo(Path.of("engines", "cls.int8.engine"));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static CalibrationDataSource emptyData() {
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return Optional.empty();
            }

            @Override
            public String describe() {
                return "empty";
            }
        };
    }

    private static final class FakeBuilder implements EngineBuilder {
        private final Availability availability;
        private final Optional<byte[]> writtenCache;
        private final Trt4jException failure;
        EngineBuildPlan seenPlan;
        boolean closed;

        FakeBuilder(Availability availability, Optional<byte[]> writtenCache, Trt4jException failure) {
            this.availability = availability;
            this.writtenCache = writtenCache;
            this.failure = failure;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public TensorRtVersion tensorRtVersion() {
            return new TensorRtVersion(10, 15, 1);
        }

        @Override
        public BuiltEngine build(EngineBuildPlan plan, Optional<CalibrationDataSource> data) {
            seenPlan = plan;
            if (failure != null) {
                throw failure;
            }
            return new BuiltEngine() {
                @Override
                public long engineSize() {
                    return ENGINE.length;
                }

                @Override
                public void writeEngine(OutputStream out) throws IOException {
                    out.write(ENGINE);
                }

                @Override
                public TensorRtVersion tensorRtVersion() {
                    return new TensorRtVersion(10, 15, 1);
                }

                @Override
                public GpuDevice gpu() {
                    return T4;
                }

                @Override
                public Optional<byte[]> writtenCalibrationCache() {
                    return writtenCache;
                }

                @Override
                public Optional<byte[]> timingCache() {
                    return Optional.empty();
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }
}
