package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.table.TensorRtCalibrationCache;
import dev.trt4j.table.Provenance;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
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
        RecordingSamples samples = new RecordingSamples(List.of());
        EngineBuild.Outcome outcome = EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8)
                .calibrator(CalibratorChoice.TRT_ENTROPY2).samples(samples).profiles(PROFILES).build(), out, () -> fake);
        assertThat(Files.readAllBytes(out)).isEqualTo(ENGINE);
        assertThat(Files.readAllBytes(outcome.calibrationCache().orElseThrow())).isEqualTo(written);
        assertThat(outcome.ranges()).isEmpty();
        EngineSidecar sidecar = EngineSidecarFile.read(out).orElseThrow();
        assertThat(sidecar).isEqualTo(outcome.metadata());
        assertThat(sidecar.engineSha256()).isEqualTo(Provenance.sha256(ENGINE));
        assertThat(sidecar.calibrationSha256()).isEqualTo(Provenance.sha256(written));
        assertThat(sidecar.modelSha256()).isEqualTo(Provenance.sha256(model));
        assertThat(samples.openedAt).containsOnlyKeys("x");
        assertThat(samples.openedAt.get("x")).containsExactly(2, 3, 8, 8);
        assertThat(samples.closed).isTrue();
        assertThat(fake.seenData).isPresent();
        assertThat(sidecar.calibrator()).isEqualTo("trt-entropy2");
        assertThat(sidecar.gpuName()).isEqualTo("Tesla T4");
        assertThat(sidecar.profiles()).hasSize(1);
        assertThat(fake.closed).isTrue();
        assertThat(fake.seenPlan.calibration().orElseThrow().needsBatches()).isTrue();
    }

    /**
     * A cache given without --calibrator: the sidecar names max for a MinMaxCalibration cache, and for an
     * EntropyCalibration2 one (entropy, percentile and mse all write it) the token, not a method it cannot tell.
     */
    @Test
    void theSidecarOfACacheBuildNamesOnlyWhatTheCacheTells() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        for (String token : List.of("MinMaxCalibration", "EntropyCalibration2")) {
            Path cache = Files.writeString(dir.resolve(token + ".cache"), "TRT-101501-" + token + "\nx: 3c010204\n"
                    + "conv_out: 3d418306\ny: 40008102\n");
            Path out = dir.resolve("engines/" + token + ".engine");
            FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
            EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8).calibrationCache(cache)
                    .profiles(PROFILES).build(), out, () -> fake);
            assertThat(EngineSidecarFile.read(out).orElseThrow().calibrator())
                    .isEqualTo(token.equals("MinMaxCalibration") ? "max" : "EntropyCalibration2");
            assertThat(fake.seenPlan.calibration().orElseThrow().handoff().algorithm().cacheToken()).isEqualTo(token);
        }
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
        RecordingSamples samples = new RecordingSamples(List.of(new Batch(1, Map.of("x",
                HostTensor.ofFloats(new long[] {1, 3, 8, 8}, new float[3 * 8 * 8])))));
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8).samples(samples)
                .profiles(PROFILES).build(), dir.resolve("engines/m.int8.engine"), () -> unavailable))
                .hasMessage("CUDA driver: libcuda.so.1 not found; install it");
        // opened (their shapes are checked against the model before the GPU is), but not read, and closed again
        assertThat(samples.openedAt).as("samples checked before the GPU libraries").isNotNull();
        assertThat(samples.remaining()).as("no sample is read before the GPU libraries are found").isEqualTo(1);
        assertThat(samples.closed).isTrue();
        FakeBuilder failing = new FakeBuilder(Availability.yes(), Optional.empty(),
                new Trt4jException("TensorRT build failed: out of memory"));
        assertThatThrownBy(() -> EngineBuild.run(request, out, () -> failing)).hasMessageContaining("out of memory");
        assertThat(out.getParent()).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(list(p)).isEmpty());
    }

    @Test
    void engineIsRemovedWhenItsSidecarCannotBeWritten() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.fp32.engine");
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        // a folder in the sidecar's way before the build is refused up front; one that appears during it is not
        fake.duringBuild = () -> {
            try {
                Files.createDirectories(EngineSidecarFile.pathFor(out).resolve("blocker"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP32).profiles(PROFILES)
                .build(), out, () -> fake)).isInstanceOf(Trt4jException.class).hasMessageContaining("m.fp32.engine.json");
        assertThat(out).doesNotExist();
        assertThat(fake.closed).isTrue();
    }

    @Test
    void trt4jRangesAreComputedFromTheSamplesOnTheCpuAndHandedToTensorRt() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.int8.engine");
        SplittableRandom random = new SplittableRandom(7);
        List<Batch> batches = new ArrayList<>();
        float maxAbsX = 0;
        for (int b = 0; b < 3; b++) {
            float[] x = new float[2 * 3 * 8 * 8];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-3, 3);
                maxAbsX = Math.max(maxAbsX, Math.abs(x[i]));
            }
            batches.add(new Batch(2, Map.of("x", HostTensor.ofFloats(new long[] {2, 3, 8, 8}, x))));
        }
        RecordingSamples samples = new RecordingSamples(batches);
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        EngineBuild.Outcome outcome = EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8)
                .calibrator(CalibratorChoice.MAX).samples(samples).profiles(PROFILES).build(), out, () -> fake);

        CalibrationPlan c = fake.seenPlan.calibration().orElseThrow();
        assertThat(c.computesRanges()).isFalse();
        assertThat(c.needsBatches()).isFalse();
        assertThat(c.handoff().isTable()).isTrue();
        assertThat(samples.remaining()).as("one pass over every sample").isZero();
        assertThat(samples.closed).isTrue();
        TensorRtVersion v = new TensorRtVersion(10, 15, 1);
        String cache = new String(c.handoff().bytesFor(v).orElseThrow(), StandardCharsets.UTF_8);
        List<String> lines = cache.lines().toList();
        assertThat(lines.get(0)).isEqualTo("TRT-101501-MinMaxCalibration");
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.lastIndexOf(": ")))
                .containsExactly("x", "conv_out", "y");
        TensorRtCalibrationCache handed = TensorRtCalibrationCache.parse(cache, "handed over");
        assertThat(handed.scale("x")).as("max |x| over every sample, / 127").isEqualTo(maxAbsX / 127f);
        assertThat(handed.scale("y")).isPositive().isLessThanOrEqualTo(handed.scale("conv_out"));
        EngineSidecar sidecar = EngineSidecarFile.read(out).orElseThrow();
        assertThat(sidecar.calibrator()).isEqualTo("max");
        assertThat(sidecar.calibrationSha256()).isEqualTo(Provenance.sha256(cache.getBytes(StandardCharsets.UTF_8)));
        assertThat(outcome.ranges()).hasValueSatisfying(r -> assertThat(r).startsWith("trt4j max ranges from "));
    }

    @Test
    void aMissingOrBrokenModelFailsWithOneLineAndNoOutput() throws Exception {
        Path out = dir.resolve("engines/m.fp32.engine");
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(dir.resolve("nope.onnx"), Precision.FP32)
                .build(), out, () -> fake)).isInstanceOf(Trt4jException.class).hasMessageContaining("nope.onnx")
                .message().doesNotContain("\n");
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(junk, Precision.FP32).build(), out,
                () -> fake)).isInstanceOf(Trt4jException.class).hasMessageContaining("junk.onnx: not an ONNX model");
        assertThat(fake.seenPlan).isNull();
        assertThat(out.getParent()).doesNotExist();
    }

    @Test
    void withoutTheNativeModuleTheBuilderLookupFailsWithOneLine() {
        // without the driver as well, both missing pieces are named, so a rebuild with -Pgpu is not the last step
        boolean noDriver = NativeLibraryLocator.system().find(NativeLibraryLocator.CUDA_DRIVER).isEmpty();
        assertThatThrownBy(EngineServices::engineBuilder).isInstanceOf(Trt4jException.class)
                .hasMessage(EngineServices.missingBackendLine(noDriver, ContainerEnvironment.system()))
                .message().startsWith("no TensorRT backend: trt4j-native: ");
        assertThat(EngineServices.gpuEnvironmentProbe()).isInstanceOf(LibraryFileProbe.class);
    }

    /** The CPU side of TensorRtGpuTest.timingCacheIsSavedAndLoadedAgain, which runs only with a GPU. */
    @Test
    void theTimingCacheAskedForIsHandedToTheBuilderAndWhatItEndsWithIsSaved() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path timing = dir.resolve("caches/timing.cache");
        byte[] merged = "timing entries".getBytes(StandardCharsets.UTF_8);
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        fake.timing = Optional.of(merged);

        EngineBuild.Outcome outcome = EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP32)
                .profiles(PROFILES).timingCache(timing).build(), dir.resolve("engines/m.fp32.engine"), () -> fake);

        assertThat(fake.seenPlan.timingCache()).contains(timing);
        assertThat(outcome.timingCache()).contains(timing);
        assertThat(Files.readAllBytes(timing)).isEqualTo(merged);

        // without --timing-cache nothing is written, whatever the builder holds
        FakeBuilder other = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        other.timing = Optional.of(merged);
        EngineBuild.Outcome untimed = EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP32)
                .profiles(PROFILES).build(), dir.resolve("engines/untimed.engine"), () -> other);
        assertThat(other.seenPlan.timingCache()).isEmpty();
        assertThat(untimed.timingCache()).isEmpty();
        assertThat(list(dir.resolve("caches"))).containsExactly(timing);
    }

    @Test
    void defaultOutputGoesToEnginesFolder() {
        assertThat(EngineBuild.defaultOutput(Path.of("models/cls.onnx"), Precision.INT8))
                .isEqualTo(Path.of("engines", "cls.int8.engine"));
    }

    @Test
    void refusesOneFileInTwoRoles() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        byte[] modelBytes = Files.readAllBytes(model);
        FakeBuilder fake = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        Path out = dir.resolve("e.engine");
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES)
                .build(), model, () -> fake)).isInstanceOf(InvalidOptionException.class)
                .hasMessage("the model and --out both name " + model + "; an output must not replace what the build "
                        + "reads");
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES)
                .timingCache(dir.resolve("sub/../e.engine")).build(), out, () -> fake))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--out and --timing-cache both name " + dir.resolve("sub/../e.engine")
                        + "; give each output its own file");
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES)
                .timingCache(dir.resolve("e.engine.json")).build(), out, () -> fake))
                .hasMessageStartingWith("the engine's sidecar and --timing-cache both name ");
        RecordingSamples samples = new RecordingSamples(List.of());
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.INT8)
                .calibrator(CalibratorChoice.TRT_ENTROPY2).samples(samples).calibrationCache(out).profiles(PROFILES)
                .build(), out, () -> fake)).hasMessageStartingWith("--cache and --out both name ");
        assertThat(fake.seenPlan).as("refused before any build").isNull();
        assertThat(Files.readAllBytes(model)).isEqualTo(modelBytes);
        assertThat(list(dir)).containsExactly(model);
    }

    @Test
    void failedWriteKeepsThePreviousEngineAndItsSidecar() throws Exception {
        Path model = TinyOnnxModels.conv(dir, "m.onnx", false, false);
        Path out = dir.resolve("engines/m.fp16.engine");
        EngineBuildRequest request = EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES)
                .timingCache(dir.resolve("engines/timing.cache")).build();
        FakeBuilder good = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        good.timing = Optional.of(new byte[] {1, 2, 3});
        EngineBuild.run(request, out, () -> good);
        byte[] engine = Files.readAllBytes(out);
        byte[] sidecar = Files.readAllBytes(EngineSidecarFile.pathFor(out));
        FakeBuilder diskFull = new FakeBuilder(Availability.yes(), Optional.empty(), null);
        diskFull.timing = Optional.of(new byte[] {4, 5, 6});
        diskFull.writeFailure = new IOException("No space left on device");
        assertThatThrownBy(() -> EngineBuild.run(request, out, () -> diskFull)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(out + ": cannot write: ");
        assertThat(Files.readAllBytes(out)).isEqualTo(engine);
        assertThat(Files.readAllBytes(EngineSidecarFile.pathFor(out))).isEqualTo(sidecar);
        assertThat(Files.readAllBytes(dir.resolve("engines/timing.cache"))).containsExactly(1, 2, 3);
        assertThat(list(out.getParent())).as("no temporary file left").hasSize(3);
        Path fresh = dir.resolve("fresh/sub/m.engine");
        assertThatThrownBy(() -> EngineBuild.run(EngineBuildRequest.builder(model, Precision.FP16).profiles(PROFILES)
                .build(), fresh, () -> diskFull)).hasMessageStartingWith(fresh + ": cannot write: ");
        assertThat(dir.resolve("fresh")).as("the folders the failed build created are gone").doesNotExist();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Samples from a list of batches, remembering the shapes they were opened at and whether they were closed. */
    private static final class RecordingSamples implements CalibrationSamples {
        private final List<Batch> batches;
        private int next;
        Map<String, long[]> openedAt;
        boolean closed;

        RecordingSamples(List<Batch> batches) {
            this.batches = batches;
        }

        int remaining() {
            return batches.size() - next;
        }

        @Override
        public CalibrationDataSource open(List<dev.trt4j.tensor.TensorSpec> inputs,
                                          List<dev.trt4j.tensor.TensorSpec> outputs, Map<String, long[]> shapes) {
            openedAt = shapes;
            return new CalibrationDataSource() {
                @Override
                public Optional<Batch> next() {
                    return next < batches.size() ? Optional.of(batches.get(next++)) : Optional.empty();
                }

                @Override
                public String describe() {
                    return "in-test batches";
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    private static final class FakeBuilder implements EngineBuilder {
        private final Availability availability;
        private final Optional<byte[]> writtenCache;
        private final Trt4jException failure;
        EngineBuildPlan seenPlan;
        Optional<CalibrationDataSource> seenData;
        /** What the built engine's builder config holds as timing cache after the build. */
        Optional<byte[]> timing = Optional.empty();
        boolean closed;
        /** Thrown by the built engine's writer after part of the engine, as a full disk would. */
        IOException writeFailure;
        /** Runs when the build starts, as something outside trt4j could then change the file system. */
        Runnable duringBuild = () -> { };

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
            seenData = data;
            duringBuild.run();
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
                    out.write(ENGINE, 0, writeFailure == null ? ENGINE.length : ENGINE.length / 2);
                    if (writeFailure != null) {
                        throw writeFailure;
                    }
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
                    return timing;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }
}
