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
 * @param profileIndex the calibration profile (its opt shapes are the calibration shapes)
 * @param staging the host staging layout of one sample batch, in model input order
 * @param writeBack where the cache TensorRT writes is saved after a successful build (TensorRT's own
 *        calibrators only)
 */
public record CalibrationPlan(CalibratorChoice choice, CalibrationCacheHandoff handoff, int profileIndex,
        List<InputSlot> staging, Optional<Path> writeBack) {
    public CalibrationPlan {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(handoff, "handoff");
        staging = List.copyOf(staging);
        Objects.requireNonNull(writeBack, "writeBack");
    }

    /** True when TensorRT will calibrate and therefore call {@code getBatch}. */
    public boolean needsBatches() {
        return !handoff.isPresent();
    }
}
