package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationTarget;
import picocli.CommandLine.Option;

/**
 * {@code --bias-correction[=conv|all]} of the commands that judge quantized candidates (compare-calibrators,
 * sensitivity), a picocli {@code @Mixin}: one wording, one meaning and one refusal of random data for both.
 */
public final class BiasCorrectionArguments {
    @Option(names = "--bias-correction", arity = "0..1", fallbackValue = "conv", paramLabel = "conv|all",
            preprocessor = BiasCorrectionScopeValue.class,
            description = "Apply quantize's bias correction to every candidate, on the calibration samples its "
                    + "ranges came from ('all' also corrects MatMuls followed by a bias Add).")
    String biasCorrection;

    @Option(names = "--bias-correction-mode", paramLabel = "one-pass|layer-by-layer",
            description = "How --bias-correction measures the errors, as in quantize: 'one-pass' (default) or "
                    + "'layer-by-layer' (one pass per layer for every candidate: slower).")
    String mode;

    /**
     * The bias correction asked for, or null when {@code --bias-correction} is absent.
     *
     * @param split    the samples the candidates are calibrated (and so corrected) on
     * @param feedback the study's state links: bias correction runs its samples without them
     * @param config   how the candidates are quantized
     * @throws Trt4jException if the value is neither conv nor all, the mode is given without bias correction, or bias
     *                        correction is asked for on random data, for a streaming model or for the
     *                        onnxruntime-cpu layout
     */
    BiasCorrection.Choice choice(SampleSplit split, StateFeedback feedback, QuantizationConfig config) {
        BiasCorrection.Scope scope = biasCorrection == null ? null : BiasCorrection.Scope.named(biasCorrection);
        BiasCorrection.Mode chosenMode = mode(scope != null, mode);
        requireTensorRtLayout(scope != null, config);
        if (scope != null && !feedback.isEmpty()) {
            throw new InvalidOptionException("--bias-correction runs its samples without feeding state back, so it "
                    + "cannot correct a streaming model (--feedback " + feedback + ")");
        }
        if (scope != null && split.isSynthetic()) {
            // Random data would "correct" the biases towards noise: insist on real samples.
            throw new InvalidOptionException("--bias-correction needs real samples: give --data (or --tokenizer "
                    + "for a text model)");
        }
        return scope == null ? null : new BiasCorrection.Choice(scope, chosenMode);
    }

    /**
     * The {@code --bias-correction-mode} of quantize and of the studies: one-pass unless named. quantize declares the
     * option itself, with its own wording, so both read it through here.
     *
     * @param corrected whether {@code --bias-correction} is given
     * @param name      the mode's name, or null when the option is absent
     * @throws InvalidOptionException if a mode is named without bias correction, or the name is unknown
     */
    static BiasCorrection.Mode mode(boolean corrected, String name) {
        if (!corrected && name != null) {
            throw new InvalidOptionException("--bias-correction-mode applies to --bias-correction; add "
                    + "--bias-correction or drop --bias-correction-mode");
        }
        return name == null ? BiasCorrection.Mode.ONE_PASS : BiasCorrection.Mode.named(name);
    }

    /**
     * Refuses bias correction for the onnxruntime-cpu layout, whose INT32 biases and INT8-stored weights leave
     * nothing for it to correct (it would fail later, saying the model has no quantized Conv).
     */
    static void requireTensorRtLayout(boolean biasCorrection, QuantizationConfig config) {
        if (biasCorrection && config.target() == QuantizationTarget.ONNXRUNTIME_CPU) {
            throw new InvalidOptionException("--bias-correction corrects the FP32 biases of the TensorRT layout; "
                    + "--runtime onnxruntime-cpu stores biases as INT32, so use one or the other");
        }
    }
}
