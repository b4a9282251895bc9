package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which algorithm decides the INT8 ranges of an implicit build. The first four are trt4j's own (computed in
 * Java by {@code trt4j calibrate}, handed to TensorRT as a calibration cache); the last two let TensorRT
 * calibrate on trt4j's sample batches and persist what it computed.
 */
public enum CalibratorChoice {
    /** trt4j's max |x|; cached with TensorRT's min-max header. */
    MAX("max", true, TrtCalibrationAlgorithm.MINMAX_CALIBRATION),
    /** trt4j's entropy (KL divergence) method, the default. */
    ENTROPY("entropy", true, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2),
    /** trt4j's percentile method. */
    PERCENTILE("percentile", true, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2),
    /** trt4j's mean-squared-error method. */
    MSE("mse", true, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2),
    /** TensorRT's {@code IInt8EntropyCalibrator2}, calibrating on trt4j's sample batches. */
    TRT_ENTROPY2("trt-entropy2", false, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2),
    /** TensorRT's {@code IInt8MinMaxCalibrator}, calibrating on trt4j's sample batches. */
    TRT_MINMAX("trt-minmax", false, TrtCalibrationAlgorithm.MINMAX_CALIBRATION);

    private final String cliName;
    private final boolean trt4jAlgorithm;
    private final TrtCalibrationAlgorithm trtAlgorithm;

    CalibratorChoice(String cliName, boolean trt4jAlgorithm, TrtCalibrationAlgorithm trtAlgorithm) {
        this.cliName = cliName;
        this.trt4jAlgorithm = trt4jAlgorithm;
        this.trtAlgorithm = trtAlgorithm;
    }

    /** The spelling on the command line and in sidecars, e.g. {@code trt-entropy2}. */
    public String cliName() {
        return cliName;
    }

    /** True when trt4j computes the ranges and TensorRT only reads them. */
    public boolean isTrt4jAlgorithm() {
        return trt4jAlgorithm;
    }

    /**
     * The TensorRT calibrator class used. For trt4j's algorithms it only decides the cache header TensorRT
     * expects: max is a min-max rule, the histogram methods are entropy-family.
     */
    public TrtCalibrationAlgorithm trtAlgorithm() {
        return trtAlgorithm;
    }

    /**
     * The trt4j algorithm a calibration table's provenance names ({@code max}, {@code entropy}, {@code percentile}
     * or {@code percentile-P}, {@code mse}); empty for a table of unknown origin or a user's own calibrator.
     */
    public static Optional<CalibratorChoice> ofTableMethod(String method) {
        if (method == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(c -> c.trt4jAlgorithm)
                .filter(c -> method.equals(c.cliName) || method.startsWith(c.cliName + "-")).findFirst();
    }

    /**
     * The calibrators of one kind (trt4j's own, or TensorRT's) that hand TensorRT a cache with {@code algorithm}'s
     * token, in declaration order: max for {@code MinMaxCalibration}; entropy, percentile and mse for
     * {@code EntropyCalibration2}.
     */
    public static List<CalibratorChoice> reading(TrtCalibrationAlgorithm algorithm, boolean trt4jAlgorithm) {
        return Arrays.stream(values()).filter(c -> c.trt4jAlgorithm == trt4jAlgorithm && c.trtAlgorithm == algorithm)
                .toList();
    }

    /**
     * The option that suits ranges written with {@code algorithm}'s token, for messages: {@code --calibrator max},
     * {@code --calibrator entropy, percentile or mse}.
     */
    public static String optionFor(TrtCalibrationAlgorithm algorithm, boolean trt4jAlgorithm) {
        List<String> names = reading(algorithm, trt4jAlgorithm).stream().map(CalibratorChoice::cliName).toList();
        return "--calibrator " + (names.size() == 1 ? names.get(0) : String.join(", ", names.subList(0,
                names.size() - 1)) + " or " + names.get(names.size() - 1));
    }

    /** Parses a command-line spelling. */
    public static CalibratorChoice fromCli(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (CalibratorChoice c : values()) {
            if (c.cliName.equals(t)) {
                return c;
            }
        }
        throw new InvalidOptionException("unknown calibrator '" + text + "'; use one of "
                + Arrays.stream(values()).map(CalibratorChoice::cliName).collect(Collectors.joining("|")));
    }
}
