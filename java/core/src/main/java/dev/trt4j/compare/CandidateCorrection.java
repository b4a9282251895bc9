package dev.trt4j.compare;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.QuantizationResult;
import dev.trt4j.stats.ProgressListener;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What turns a freshly quantized model into the candidate that is judged: {@code quantize --bias-correction}'s
 * {@link BiasCorrection} on the calibration samples the model's ranges came from, or nothing.
 *
 * <p>Why one class: {@link CalibratorComparison} and {@link SensitivityAnalysis} must both judge the model a user
 * ships after "calibrate, quantize --bias-correction", and do it the same way. Correcting on the calibration
 * samples (never the evaluation samples) keeps the held-out score honest.
 */
public final class CandidateCorrection {
    private static final CandidateCorrection NONE = new CandidateCorrection(null, null, null);

    private final BiasCorrection.Choice choice;
    private final Supplier<CalibrationDataSource> calibration;
    private final OrtRunnerOptions options;

    private CandidateCorrection(BiasCorrection.Choice choice, Supplier<CalibrationDataSource> calibration,
                                OrtRunnerOptions options) {
        this.choice = choice;
        this.calibration = calibration;
        this.options = options;
    }

    /** Candidates judged as quantized. */
    public static CandidateCorrection none() {
        return NONE;
    }

    /**
     * Bias correction in {@code scope} on the samples of {@code calibration}, which opens a fresh source each time
     * (once per corrected candidate, or once per layer group with {@link BiasCorrection.Mode#LAYER_BY_LAYER});
     * {@code choice} null = {@link #none()}.
     *
     * @param options how ONNX Runtime runs the models being corrected (graph optimisations are turned off anyway)
     */
    public static CandidateCorrection biasCorrection(BiasCorrection.Choice choice,
                                                     Supplier<CalibrationDataSource> calibration,
                                                     OrtRunnerOptions options) {
        if (choice == null) {
            return NONE;
        }
        return new CandidateCorrection(choice, Objects.requireNonNull(calibration, "calibration"),
                Objects.requireNonNull(options, "options"));
    }

    /** The bias correction applied; null when none is. */
    public BiasCorrection.Choice choice() {
        return choice;
    }

    /**
     * {@code quantized} as it is judged. With bias correction, a model with no layer to correct is refused: the
     * user asked for a correction that would not happen.
     *
     * @throws dev.trt4j.Trt4jException if bias correction finds no layer to correct or cannot run on the samples
     */
    public ModelProto apply(ModelProto quantized) {
        if (choice == null) {
            return quantized;
        }
        try (CalibrationDataSource source = calibration.get()) {
            return BiasCorrection.apply(quantized, source, options, choice.scope(), choice.mode(),
                    ProgressListener.NONE).model();
        }
    }

    /**
     * Like {@link #apply(ModelProto)}, but a model with no layer to correct is returned as it is. For models with
     * only some layers quantized: a lone MatMul without a bias Add, say, is not an error there, just nothing to
     * correct.
     */
    public ModelProto applyWhereAny(ModelProto quantized) {
        if (choice == null || !BiasCorrection.hasLayersToCorrect(quantized, choice.scope())) {
            return quantized;
        }
        return apply(quantized);
    }

    /** {@link #applyWhereAny(ModelProto)} on a quantization result; the report stays (placement is unchanged). */
    QuantizationResult applyWhereAny(QuantizationResult quantized) {
        ModelProto corrected = applyWhereAny(quantized.model());
        return corrected == quantized.model() ? quantized : new QuantizationResult(corrected, quantized.report());
    }

    /** {@link #apply(ModelProto)} on a quantization result; the report stays (placement is unchanged). */
    QuantizationResult apply(QuantizationResult quantized) {
        ModelProto corrected = apply(quantized.model());
        return corrected == quantized.model() ? quantized : new QuantizationResult(corrected, quantized.report());
    }

    /** How reports say it: {@code bias correction (conv)}; null when none. */
    public String describe() {
        return choice == null ? null : "bias correction (" + choice.label() + ")";
    }
}
