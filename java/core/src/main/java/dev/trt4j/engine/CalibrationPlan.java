package dev.trt4j.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an implicit INT8 build calibrates.
 *
 * @param choice the calibrator the user chose
 * @param handoff what {@code readCalibrationCache} returns
 * @param computesRanges true while trt4j's ranges are still to be computed from the sample batches on the CPU
 *        (before the native build; {@link #withRanges} then holds them)
 * @param profileIndex the calibration profile (its opt shapes are the calibration shapes)
 * @param staging the host staging layout of one sample batch, in model input order
 * @param writeBack where the cache TensorRT writes is saved after a successful build (TensorRT's own
 *        calibrators only)
 * @param calibratorName the calibrator the sidecar names: the choice's name, or the algorithm token of a cache or
 *        converted table that none was chosen for and that several of trt4j's methods write
 *        ({@code EntropyCalibration2}), so that the sidecar claims no method the ranges do not record
 */
public record CalibrationPlan(CalibratorChoice choice, CalibrationCacheHandoff handoff, boolean computesRanges,
        int profileIndex, List<InputSlot> staging, Optional<Path> writeBack, String calibratorName) {
    /**
     * Copies {@code staging}.
     *
     * @param choice the calibrator the user chose
     * @param handoff what {@code readCalibrationCache} returns
     * @param computesRanges true while trt4j's ranges are still to be computed from the sample batches on the CPU
     *        (before the native build; {@link #withRanges} then holds them)
     * @param profileIndex the calibration profile (its opt shapes are the calibration shapes)
     * @param staging the host staging layout of one sample batch, in model input order
     * @param writeBack where the cache TensorRT writes is saved after a successful build (TensorRT's own
     *        calibrators only)
     * @param calibratorName the calibrator the sidecar names
     * @throws IllegalArgumentException if {@code computesRanges} is set for TensorRT's own calibrators or with a
     *                                  handoff already present
     */
    public CalibrationPlan {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(handoff, "handoff");
        staging = List.copyOf(staging);
        Objects.requireNonNull(writeBack, "writeBack");
        Objects.requireNonNull(calibratorName, "calibratorName");
        if (computesRanges && (!choice.isTrt4jAlgorithm() || handoff.isPresent())) {
            throw new IllegalArgumentException("only trt4j's calibrators compute ranges, and only when none are given");
        }
    }

    /**
     * A plan whose sidecar names {@code choice}; the parameters as for the canonical constructor.
     */
    public CalibrationPlan(CalibratorChoice choice, CalibrationCacheHandoff handoff, boolean computesRanges,
            int profileIndex, List<InputSlot> staging, Optional<Path> writeBack) {
        this(choice, handoff, computesRanges, profileIndex, staging, writeBack, choice.cliName());
    }

    /** True when TensorRT will calibrate and therefore call {@code getBatch}. */
    public boolean needsBatches() {
        return !handoff.isPresent() && !computesRanges;
    }

    /** This plan with the ranges computed on the CPU handed over. */
    public CalibrationPlan withRanges(CalibrationCacheHandoff computed) {
        if (!computesRanges || !computed.isTable()) {
            throw new IllegalStateException("the plan computes no ranges, or these are not trt4j's table");
        }
        return new CalibrationPlan(choice, computed, false, profileIndex, staging, writeBack, calibratorName);
    }
}
