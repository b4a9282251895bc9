package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine build from request to files: reads the model, plans, asks the native builder, then writes the
 * engine, its sidecar and any cache atomically. Nothing is written unless the build succeeded, and an engine
 * is never left without its sidecar.
 */
public final class EngineBuild {
    private static final Logger LOG = LoggerFactory.getLogger(EngineBuild.class);

    /**
     * What a build wrote.
     *
     * @param engine the engine file
     * @param sidecar the sidecar file
     * @param metadata the sidecar's content
     * @param calibrationCache the calibration cache TensorRT wrote, when it calibrated
     * @param timingCache the saved timing cache, when one was asked for
     */
    public record Outcome(Path engine, Path sidecar, EngineSidecar metadata, Optional<Path> calibrationCache,
            Optional<Path> timingCache) {
    }

    private EngineBuild() {
    }

    /** {@code engines/<model stem>.<precision>.engine}, trt4j's default output. */
    public static Path defaultOutput(Path model, Precision precision) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return Path.of("engines", stem + "." + precision.cliName() + ".engine");
    }

    /**
     * Builds with the engine builder found on the class path.
     *
     * @throws Trt4jException with one line on any failure; no output file exists then
     */
    public static Outcome run(EngineBuildRequest request, Path engineOut) {
        return run(request, engineOut, EngineServices::engineBuilder);
    }

    /** Builds with the given builder supplier (tests pass a fake). */
    public static Outcome run(EngineBuildRequest request, Path engineOut, Supplier<EngineBuilder> builders) {
        ModelFacts model = ModelFacts.read(request.model());
        EngineBuildPlan plan = EngineBuildPlanner.plan(request, model, engineOut);
        EngineBuilder builder = builders.get();
        builder.availability().orThrow();
        LOG.info("building {} at {} with {}", model.name(), plan.precision().cliName(), builder.name());
        try (BuiltEngine built = builder.build(plan, request.data())) {
            String engineSha = writeEngine(engineOut, built);
            try {
                return writeCompanions(plan, built, engineOut, engineSha);
            } catch (RuntimeException e) {
                // an engine without its sidecar (or with half of what the build produced) is a partial output
                deleteQuietly(EngineSidecarFile.pathFor(engineOut));
                deleteQuietly(engineOut);
                throw e;
            }
        }
    }

    private static Outcome writeCompanions(EngineBuildPlan plan, BuiltEngine built, Path engineOut, String engineSha) {
        Optional<Path> writtenCache = Optional.empty();
        Optional<String> calibrationSha = plan.calibration().flatMap(c -> c.handoff().sha256());
        Optional<byte[]> cacheBytes = built.writtenCalibrationCache();
        Optional<Path> writeBack = plan.calibration().flatMap(CalibrationPlan::writeBack);
        if (cacheBytes.isPresent() && writeBack.isPresent()) {
            AtomicFiles.writeBytes(writeBack.get(), cacheBytes.get());
            writtenCache = writeBack;
            calibrationSha = Optional.of(Sha256.of(cacheBytes.get()));
        }
        EngineSidecar sidecar = EngineSidecar.of(plan, built.tensorRtVersion(), built.gpu(), engineSha,
                calibrationSha.orElse(null));
        EngineSidecarFile.write(engineOut, sidecar);
        Optional<Path> timing = Optional.empty();
        if (plan.timingCache().isPresent() && built.timingCache().isPresent()) {
            AtomicFiles.writeBytes(plan.timingCache().get(), built.timingCache().get());
            timing = plan.timingCache();
        }
        return new Outcome(engineOut, EngineSidecarFile.pathFor(engineOut), sidecar, writtenCache, timing);
    }

    private static String writeEngine(Path engineOut, BuiltEngine built) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        AtomicFiles.write(engineOut, out -> {
            DigestOutputStream digesting = new DigestOutputStream(out, md);
            built.writeEngine(digesting);
            digesting.flush();
        });
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove {} after a failed build: {}", file, e.getMessage());
        }
    }
}
