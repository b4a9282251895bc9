package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine build from request to files: reads the model, plans, checks that the native builder can run here,
 * opens the samples and computes trt4j's ranges on the CPU when asked to, asks the native builder, then writes
 * the engine, its sidecar and any cache atomically. Nothing is written unless the build succeeded, and an engine
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
     * @param ranges where the INT8 ranges came from (a table, a cache, ranges computed from the samples), when
     *        they were handed to TensorRT
     * @param calibrationCache the calibration cache TensorRT wrote, when it calibrated
     * @param timingCache the saved timing cache, when one was asked for
     */
    public record Outcome(Path engine, Path sidecar, EngineSidecar metadata, Optional<String> ranges,
            Optional<Path> calibrationCache, Optional<Path> timingCache) {
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
        return run(request, engineOut, EngineServices::engineBuilder, ProgressListener.NONE);
    }

    /** Builds with the given builder supplier (tests pass a fake). */
    public static Outcome run(EngineBuildRequest request, Path engineOut, Supplier<EngineBuilder> builders) {
        return run(request, engineOut, builders, ProgressListener.NONE);
    }

    /**
     * Builds with the given builder supplier, reporting the progress of the CPU pass.
     *
     * @param progress told how far the CPU pass that computes trt4j's ranges has got
     * @throws Trt4jException with one line on any failure; no output file exists then
     */
    public static Outcome run(EngineBuildRequest request, Path engineOut, Supplier<EngineBuilder> builders,
            ProgressListener progress) {
        // Before the plan reads --cache or --table: an output named like an input would be read, then replaced.
        requireDistinctFiles(request, engineOut, Optional.empty());
        ModelFacts model = ModelFacts.of(OnnxModel.load(request.model()));
        EngineBuildPlan plan = EngineBuildPlanner.plan(request, model, engineOut);
        requireDistinctFiles(request, engineOut, plan.calibration().flatMap(CalibrationPlan::writeBack));
        boolean computesRanges = plan.calibration().filter(CalibrationPlan::computesRanges).isPresent();
        // Usage errors first: the missing GPU must not hide them.
        if (!request.feedback().isEmpty() && !computesRanges) {
            throw new InvalidOptionException("--feedback " + request.feedback() + ": state is fed back only while "
                    + "trt4j computes INT8 ranges from --data with its own calibrators (max, entropy, percentile, "
                    + "mse), and this build "
                    + (plan.calibration().isEmpty() ? "does not calibrate" : "takes its ranges elsewhere"));
        }
        if (request.rangePass() && !computesRanges) {
            throw new InvalidOptionException("--range-pass applies when trt4j computes the INT8 ranges from --data "
                    + "with its own calibrators (max, entropy, percentile, mse), which this build does not");
        }
        if (computesRanges) {
            // A misspelt link is named as such, before the samples open and misread it as data that does not fit.
            request.feedback().start(model.name(), plan.model().inputs(), plan.model().onnx().outputs());
        }
        // An output that cannot be written is found now, not after minutes of building (nor hidden by a missing GPU).
        requireWritable(engineOut);
        requireWritable(EngineSidecarFile.pathFor(engineOut));
        plan.calibration().flatMap(CalibrationPlan::writeBack).ifPresent(EngineBuild::requireWritable);
        plan.timingCache().ifPresent(EngineBuild::requireWritable);
        // Samples that do not fit the calibration shapes (or options that do not apply to them) are usage errors the
        // missing GPU must not hide either; opening a source reads its headers, not its samples.
        try (CalibrationDataSource unused = openSamples(request, plan).orElse(null)) {
            LOG.debug("samples fit the calibration shapes");
        }
        EngineBuilder builder = builders.get();
        // before any sample is read: without the GPU libraries no calibration pass is worth running
        builder.availability().orThrow();
        if (computesRanges) {
            plan = withComputedRanges(request, plan, progress);
        }
        // After computed ranges the plan hands TensorRT a cache, so samples are opened only for TensorRT's calibrators.
        try (CalibrationDataSource samples = openSamples(request, plan).orElse(null)) {
            LOG.info("building {} at {} with {}", model.name(), plan.precision().cliName(), builder.name());
            try (BuiltEngine built = builder.build(plan, Optional.ofNullable(samples))) {
                return write(plan, built, engineOut);
            }
        }
    }

    /** The samples at the calibration shapes, when TensorRT calibrates on them or trt4j computes ranges. */
    private static Optional<CalibrationDataSource> openSamples(EngineBuildRequest request, EngineBuildPlan plan) {
        return openSamples(request, plan, false);
    }

    /** @param forRanges for trt4j's range pass ({@link CalibrationSamples#openForRanges}) */
    private static Optional<CalibrationDataSource> openSamples(EngineBuildRequest request, EngineBuildPlan plan,
                                                               boolean forRanges) {
        Optional<CalibrationPlan> calibration = plan.calibration().filter(c -> c.needsBatches() || c.computesRanges());
        if (calibration.isEmpty() || request.samples().isEmpty()) {
            return Optional.empty();
        }
        // Inputs fed back from the model's own outputs take no samples.
        List<TensorSpec> fromData = request.feedback().dataInputs(plan.model().inputs());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        calibration.get().staging().stream()
                .filter(slot -> fromData.stream().anyMatch(in -> in.name().equals(slot.name())))
                .forEach(slot -> shapes.put(slot.name(), slot.shape()));
        CalibrationSamples samples = request.samples().get();
        return Optional.of(forRanges ? samples.openForRanges(fromData, plan.model().onnx().outputs(), shapes)
                : samples.open(fromData, plan.model().onnx().outputs(), shapes));
    }

    private static EngineBuildPlan withComputedRanges(EngineBuildRequest request, EngineBuildPlan plan,
            ProgressListener progress) {
        CalibrationPlan calibration = plan.calibration().orElseThrow();
        StatisticsOptions options = StatisticsOptions.defaults().withFeedback(request.feedback())
                .withRangePass(request.rangePass());
        CalibrationTable table = ImplicitInt8Ranges.compute(plan.model().onnx(),
                () -> openSamples(request, plan, true).orElseThrow(), calibration.choice(), options, progress);
        CalibrationCacheHandoff handoff = CalibrationCacheHandoff.fromTable(table, calibration.handoff().algorithm(),
                plan.model());
        return plan.withCalibration(calibration.withRanges(handoff));
    }

    /**
     * Writes the engine, its sidecar and the caches the build produced as one set: all of them or none, so a failed
     * write neither leaves an engine without its sidecar nor removes the engine an earlier build left there.
     */
    private static Outcome write(EngineBuildPlan plan, BuiltEngine built, Path engineOut) {
        Optional<Path> writtenCache = Optional.empty();
        Optional<CalibrationCacheHandoff> handoff = plan.calibration().map(CalibrationPlan::handoff)
                .filter(CalibrationCacheHandoff::isPresent);
        Optional<String> calibrationSha = handoff.flatMap(h -> h.sha256(built.tensorRtVersion()));
        Optional<byte[]> cacheBytes = built.writtenCalibrationCache();
        Optional<Path> writeBack = plan.calibration().flatMap(CalibrationPlan::writeBack);
        Optional<Path> timing = plan.timingCache().filter(t -> built.timingCache().isPresent());
        try (AtomicFileSet files = new AtomicFileSet()) {
            Path engineFile = files.write(engineOut, built::writeEngine);
            if (cacheBytes.isPresent() && writeBack.isPresent()) {
                files.write(writeBack.get(), out -> out.write(cacheBytes.get()));
                writtenCache = writeBack;
                calibrationSha = Optional.of(Provenance.sha256(cacheBytes.get()));
            }
            EngineSidecar sidecar = EngineSidecar.of(plan, built.tensorRtVersion(), built.gpu(),
                    Provenance.sha256(engineFile), calibrationSha.orElse(null));
            Path sidecarFile = EngineSidecarFile.pathFor(engineOut);
            files.write(sidecarFile, out -> out.write(EngineSidecarFile.toJson(sidecar)
                    .getBytes(StandardCharsets.UTF_8)));
            if (timing.isPresent()) {
                files.write(timing.get(), out -> out.write(built.timingCache().get()));
            }
            files.commit();
            return new Outcome(engineOut, sidecarFile, sidecar, handoff.map(CalibrationCacheHandoff::source),
                    writtenCache, timing);
        }
    }

    /**
     * Refuses one file in two roles: an output over the model, the table or the cache it reads, or two outputs on
     * one path, where one would silently replace the other. {@code --cache} is one role even when TensorRT's
     * calibrators read it and write it back.
     *
     * @param writeBack the cache written back, once the plan knows it (the default sits beside the engine)
     * @throws InvalidOptionException naming both roles and the file
     */
    private static void requireDistinctFiles(EngineBuildRequest request, Path engineOut, Optional<Path> writeBack) {
        record Role(String name, Path file, boolean written) {
        }
        List<Role> roles = new ArrayList<>();
        roles.add(new Role("the model", request.model(), false));
        request.tableFile().ifPresent(t -> roles.add(new Role("--table", t, false)));
        if (request.calibrationCache().isPresent()) {
            roles.add(new Role("--cache", request.calibrationCache().get(), writeBack.isPresent()));
        } else {
            writeBack.ifPresent(c -> roles.add(new Role("the calibration cache", c, true)));
        }
        roles.add(new Role("--out", engineOut, true));
        roles.add(new Role("the engine's sidecar", EngineSidecarFile.pathFor(engineOut), true));
        request.timingCache().ifPresent(t -> roles.add(new Role("--timing-cache", t, true)));
        for (int i = 0; i < roles.size(); i++) {
            for (int j = i + 1; j < roles.size(); j++) {
                Role a = roles.get(i);
                Role b = roles.get(j);
                if ((a.written() || b.written()) && FileIdentity.same(a.file(), b.file())) {
                    throw new InvalidOptionException(a.name() + " and " + b.name() + " both name " + b.file() + "; "
                            + (a.written() && b.written() ? "give each output its own file"
                            : "an output must not replace what the build reads"));
                }
            }
        }
    }

    /**
     * Checks that {@code file} can be written, its missing folders created as {@link AtomicFiles#write} does, and that
     * it is no device ({@code --out /dev/null}), which the rename would replace.
     */
    private static void requireWritable(Path file) {
        if (Files.exists(file) && !Files.isDirectory(file)) {
            AtomicFiles.requireFolderFor(file);
            return;
        }
        Path absolute = file.toAbsolutePath();
        StagedWrites.requireWritable(absolute.getParent(), List.of(absolute.getFileName().toString()));
    }
}
