package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.table.CalibrationFile;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides how a request is built for a given model: strong typing or precision flags, the checked
 * optimization profiles, and for implicit INT8 the calibrator, the cache hand-off and the staging layout.
 * Every inconsistency is reported here, before any native library is touched.
 */
final class EngineBuildPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(EngineBuildPlanner.class);

    private EngineBuildPlanner() {
    }

    /**
     * Plans a build.
     *
     * @param engineOut where the engine will be written (the default home of a TensorRT-written cache)
     * @throws Trt4jException naming what does not fit
     */
    public static EngineBuildPlan plan(EngineBuildRequest request, ModelFacts model, Path engineOut) {
        OrtIntegerOperators.reject(model);
        List<OptimizationProfile> profiles;
        try {
            // MiniLM's attention_mask takes the [batch_size,sequence_length] that input_ids's shapes give
            profiles = SharedProfileDimensions.fill(request.profiles(), model.inputs());
            OptimizationProfiles.validate(profiles, model.inputs());
        } catch (InvalidOptionException e) {
            // build takes several files (model, table, data): say which one the shapes do not fit
            throw new InvalidOptionException(model.name() + ": " + e.getMessage(), e);
        }
        boolean strong = request.stronglyTyped();
        boolean fp16Flag = false;
        boolean int8Flag = false;
        Int8Mode int8Mode = null;
        Optional<CalibrationPlan> calibration = Optional.empty();
        switch (request.precision()) {
            case FP32 -> rejectQdq(model, "--precision fp32");
            case FP16 -> {
                rejectQdq(model, "--precision fp16");
                if (model.hasFloat16()) {
                    LOG.info("{} has float16 tensors: strongly typed build (types come from the model)", model.name());
                    strong = true;
                } else if (strong) {
                    throw new InvalidOptionException(model.name() + " has only float32 tensors, so a strongly typed build would be "
                            + "FP32; convert it with trt4j convert --fp16, or drop --strongly-typed");
                } else {
                    fp16Flag = true;
                }
            }
            case INT8 -> {
                int8Mode = request.int8ModeFor(model.hasQdq()).orElseThrow();
                if (int8Mode == Int8Mode.EXPLICIT) {
                    if (!model.hasQdq()) {
                        throw new InvalidOptionException(model.name() + " has no QuantizeLinear/DequantizeLinear nodes: run trt4j "
                                + "quantize first, or use --int8-mode implicit");
                    }
                    strong = true;
                } else {
                    if (model.hasQdq()) {
                        throw new InvalidOptionException(model.name() + " already has Q/DQ nodes: " + (request.int8ModeChosen()
                                ? "build it with --int8-mode explicit"
                                : "their scales are its INT8 ranges, so drop the calibrator's options (--calibrator, --table, "
                                + "--cache, --data, --tokenizer, --calib-profile)"));
                    }
                    if (strong) {
                        throw EngineBuildRequest.stronglyTypedImplicit();
                    }
                    int8Flag = true;
                    calibration = Optional.of(planCalibration(request, profiles, model, engineOut));
                }
            }
            default -> throw new IllegalStateException("unknown precision " + request.precision());
        }
        return new EngineBuildPlan(model, request.precision(), Optional.ofNullable(int8Mode), strong, fp16Flag, int8Flag,
                profiles, calibration, request.timingCache(), request.workspaceBytes(),
                request.optimizationLevel());
    }

    private static CalibrationPlan planCalibration(EngineBuildRequest request, List<OptimizationProfile> profiles,
                                                   ModelFacts model, Path engineOut) {
        request.tableFile().ifPresent(EngineBuildPlanner::refuseCacheAsTable);
        // read once: its method names the calibrator, its ranges go to TensorRT
        Optional<CalibrationTable> fileTable = request.tableFile().filter(Files::isRegularFile)
                .map(CalibrationTable::read);
        Optional<Path> cacheFile = request.calibrationCache();
        // with no calibrator chosen the cache is trt4j's to read (it must exist): its header names the calibrator
        Optional<byte[]> cacheBytes = request.chosenCalibrator().isPresent() ? Optional.empty()
                : cacheFile.map(EngineBuildPlanner::readCache);
        Optional<String> rangesMethod = request.table().or(() -> fileTable).map(t -> t.provenance().method())
                .or(() -> cacheBytes.flatMap(b -> cacheAlgorithm(cacheFile.get(), b)));
        String rangesSource = request.tableFile().or(() -> cacheFile).map(Path::toString).orElse("the table");
        Calibrator calibrator = calibratorFor(request, rangesMethod, rangesSource);
        CalibratorChoice choice = calibrator.choice();
        TrtCalibrationAlgorithm algorithm = choice.trtAlgorithm();
        CalibrationCacheHandoff handoff;
        Optional<Path> writeBack = Optional.empty();
        if (choice.isTrt4jAlgorithm()) {
            if (request.tableFile().isPresent()) {
                Path file = request.tableFile().get();
                handoff = fileTable.map(t -> CalibrationCacheHandoff.fromTableFile(file, t, algorithm, model,
                                request.anyModelTable()))
                        .orElseGet(() -> CalibrationCacheHandoff.fromTableFile(file, algorithm, model,
                                request.anyModelTable()));
            } else if (request.table().isPresent()) {
                handoff = CalibrationCacheHandoff.fromTable(request.table().get(), algorithm, model,
                        request.anyModelTable());
            } else if (cacheFile.isPresent()) {
                handoff = CalibrationCacheHandoff.fromCache(cacheFile.get().toString(),
                        cacheBytes.orElseGet(() -> readCache(cacheFile.get())), choice, model);
            } else if (request.computesRanges()) {
                handoff = CalibrationCacheHandoff.none(algorithm);
            } else {
                throw new InvalidOptionException("--calibrator " + choice.cliName() + " needs trt4j's ranges: "
                        + "--table TABLE.json or --cache FILE from trt4j calibrate, or --data to compute them (or use "
                        + "--calibrator trt-entropy2|trt-minmax with "
                        + "--data)");
            }
        } else {
            if (request.tableFile().isPresent() || request.table().isPresent()) {
                throw new InvalidOptionException("--table holds trt4j's ranges and applies to --calibrator "
                        + "max|entropy|percentile|mse, not " + choice.cliName());
            }
            Path target = cacheFile.orElse(engineOut.resolveSibling(engineOut.getFileName() + ".calibration.cache"));
            writeBack = Optional.of(target);
            handoff = Files.exists(target)
                    ? CalibrationCacheHandoff.fromCache(target.toString(), readCache(target), choice, model)
                    : CalibrationCacheHandoff.none(algorithm);
            if (!handoff.isPresent() && request.samples().isEmpty()) {
                throw new InvalidOptionException("--calibrator " + choice.cliName() + " needs --data to calibrate "
                        + "on (no cache at "
                        + target + ")");
            }
            if (handoff.isPresent()) {
                LOG.info("reusing TensorRT calibration cache {} ({} tensors)", target, handoff.tensorCount());
            }
        }
        List<InputSlot> staging = new ArrayList<>();
        Map<String, long[]> shapes = OptimizationProfiles.calibrationShapes(profiles,
                request.calibrationProfile(), model.inputs());
        for (TensorSpec spec : model.inputs()) {
            staging.add(new InputSlot(spec.name(), spec.type(), shapes.get(spec.name())));
        }
        return new CalibrationPlan(choice, handoff, request.computesRanges(), request.calibrationProfile(), staging,
                writeBack, calibrator.name());
    }

    /** A TensorRT cache given as --table would otherwise be named only by a JSON parser's error about its header. */
    private static void refuseCacheAsTable(Path file) {
        TensorRtCalibrationCache.headerOf(file).ifPresent(header -> {
            throw new Trt4jException(file + ": a TensorRT calibration cache (" + header + "), not a trt4j table "
                    + "(JSON); give it with --cache instead of --table");
        });
    }

    private static byte[] readCache(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Trt4jException(file + ": calibration cache not found");
        } catch (IOException e) {
            throw ReadFailure.of(file, "calibration cache", e);
        }
    }

    /** The algorithm token of a cache's header; empty for a file that is no cache (its handoff names what it is). */
    private static Optional<String> cacheAlgorithm(Path file, byte[] bytes) {
        CalibrationFile parsed = CalibrationFile.parse(file, bytes);
        return parsed.isCache() ? Optional.of(parsed.cache().algorithm()) : Optional.empty();
    }

    /** The calibrator of a build, and the name its sidecar records. */
    private record Calibrator(CalibratorChoice choice, String name) {
        Calibrator(CalibratorChoice choice) {
            this(choice, choice.cliName());
        }
    }

    /**
     * The calibrator: the one the ranges record unless the caller chose one, so that the engine's sidecar names where
     * its ranges came from; a choice that contradicts the ranges is refused rather than recorded. A table records
     * trt4j's method; a cache's header (or a table converted from a cache) only TensorRT's calibrator class, which
     * names max for {@code MinMaxCalibration}, but for {@code EntropyCalibration2} any of entropy, percentile and mse:
     * those build alike (TensorRT reads the ranges, not the method), and the sidecar records the token.
     *
     * @param rangesMethod a table's provenance method, or the algorithm token of a cache's header
     * @param source the table or cache file, for messages
     */
    private static Calibrator calibratorFor(EngineBuildRequest request, Optional<String> rangesMethod, String source) {
        Optional<CalibratorChoice> method = rangesMethod.flatMap(CalibratorChoice::ofTableMethod);
        Optional<TrtCalibrationAlgorithm> token = rangesMethod.flatMap(TrtCalibrationAlgorithm::ofCacheToken);
        Optional<CalibratorChoice> chosen = request.chosenCalibrator();
        if (chosen.isPresent()) {
            CalibratorChoice c = chosen.get();
            if (c.isTrt4jAlgorithm() && method.isPresent() && c != method.get()) {
                throw new InvalidOptionException("--calibrator " + c.cliName() + ": " + source + " holds "
                        + rangesMethod.get() + " ranges; drop --calibrator (the table's method is used) or give a "
                        + "table calibrated with " + c.cliName());
            }
            if (c.isTrt4jAlgorithm() && token.isPresent() && c.trtAlgorithm() != token.get()) {
                throw new InvalidOptionException("--calibrator " + c.cliName() + ": " + source + " holds "
                        + rangesMethod.get() + " ranges, which " + c.cliName() + " does not make; pass "
                        + CalibratorChoice.optionFor(token.get(), true) + ", or drop --calibrator (the table's "
                        + "method is used)");
            }
            return new Calibrator(c);
        }
        if (method.isPresent()) {
            return new Calibrator(method.get());
        }
        if (token.isPresent()) {
            List<CalibratorChoice> readers = CalibratorChoice.reading(token.get(), true);
            return readers.size() == 1 ? new Calibrator(readers.get(0))
                    : new Calibrator(readers.get(0), token.get().cacheToken());
        }
        return new Calibrator(request.calibrator().orElseThrow());
    }

    private static void rejectQdq(ModelFacts model, String option) {
        if (model.hasQdq()) {
            throw new InvalidOptionException(model.name() + " has Q/DQ nodes, which " + option
                    + " would still run in INT8: build it with --precision int8");
        }
    }
}
