package dev.trt4j.engine;

import dev.trt4j.table.TensorRtCalibrationCache;

import java.util.Arrays;
import java.util.Optional;

/**
 * TensorRT's calibrator classes that trt4j subclasses, with the algorithm token TensorRT writes into the
 * header of a calibration cache ({@code TRT-<version>-<token>}). TensorRT only accepts a cache whose token
 * matches the calibrator reading it.
 */
public enum TrtCalibrationAlgorithm {
    /** {@code IInt8EntropyCalibrator2}. */
    ENTROPY_CALIBRATION_2(TensorRtCalibrationCache.ENTROPY_CALIBRATION_2),
    /** {@code IInt8MinMaxCalibrator}. */
    MINMAX_CALIBRATION(TensorRtCalibrationCache.MIN_MAX_CALIBRATION);

    private final String cacheToken;

    TrtCalibrationAlgorithm(String cacheToken) {
        this.cacheToken = cacheToken;
    }

    /** The token in a cache header, e.g. {@code EntropyCalibration2}. */
    public String cacheToken() {
        return cacheToken;
    }

    /**
     * The calibrator class whose token {@code token} is: a cache header's, or the method of a table converted from
     * a cache; empty for any other text (trt4j's method names, TensorRT's older {@code EntropyCalibration}).
     */
    public static Optional<TrtCalibrationAlgorithm> ofCacheToken(String token) {
        return Arrays.stream(values()).filter(a -> a.cacheToken.equals(token)).findFirst();
    }
}
