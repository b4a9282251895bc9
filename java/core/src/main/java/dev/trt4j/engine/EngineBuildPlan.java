package dev.trt4j.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The exact TensorRT configuration of one build, decided in plain Java by {@link EngineBuildPlanner}. The
 * native builder applies it as it stands and decides nothing itself.
 *
 * @param model the model and what was learned from it
 * @param precision the precision asked for
 * @param int8Mode the INT8 mode (INT8 builds only)
 * @param stronglyTyped create the network with {@code kSTRONGLY_TYPED} (explicit INT8, FP16 models)
 * @param fp16Flag set {@code BuilderFlag::kFP16} (weakly typed FP16)
 * @param int8Flag set {@code BuilderFlag::kINT8} (implicit INT8)
 * @param profiles optimization profiles, validated against the model's inputs
 * @param calibration how to calibrate (implicit INT8 only)
 * @param timingCache the timing cache file to load, merge and save
 * @param workspaceBytes the workspace memory-pool limit
 * @param optimizationLevel the builder optimization level
 */
public record EngineBuildPlan(ModelFacts model, Precision precision, Optional<Int8Mode> int8Mode,
        boolean stronglyTyped, boolean fp16Flag, boolean int8Flag, List<OptimizationProfile> profiles,
        Optional<CalibrationPlan> calibration, Optional<Path> timingCache, OptionalLong workspaceBytes,
        OptionalInt optimizationLevel) {
    /**
     * Copies {@code profiles}.
     *
     * @param model the model and what was learned from it
     * @param precision the precision asked for
     * @param int8Mode the INT8 mode (INT8 builds only)
     * @param stronglyTyped create the network with {@code kSTRONGLY_TYPED} (explicit INT8, FP16 models)
     * @param fp16Flag set {@code BuilderFlag::kFP16} (weakly typed FP16)
     * @param int8Flag set {@code BuilderFlag::kINT8} (implicit INT8)
     * @param profiles optimization profiles, validated against the model's inputs
     * @param calibration how to calibrate (implicit INT8 only)
     * @param timingCache the timing cache file to load, merge and save
     * @param workspaceBytes the workspace memory-pool limit
     * @param optimizationLevel the builder optimization level
     * @throws IllegalArgumentException if a strongly typed plan sets a precision flag
     */
    public EngineBuildPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(precision, "precision");
        profiles = List.copyOf(profiles);
        if (stronglyTyped && (fp16Flag || int8Flag)) {
            throw new IllegalArgumentException("a strongly typed network takes no precision flags");
        }
    }

    /** This plan with another calibration (e.g. once trt4j's ranges are computed). */
    public EngineBuildPlan withCalibration(CalibrationPlan replacement) {
        return new EngineBuildPlan(model, precision, int8Mode, stronglyTyped, fp16Flag, int8Flag, profiles,
                Optional.of(replacement), timingCache, workspaceBytes, optimizationLevel);
    }
}
