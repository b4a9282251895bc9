package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.quantize.BiasCorrection;
import picocli.CommandLine.Option;

/**
 * {@code --bias-correction[=conv|all]} of the commands that judge quantized candidates (compare-calibrators,
 * sensitivity), a picocli {@code @Mixin}: one wording, one meaning and one refusal of random data for both.
 */
public final class BiasCorrectionArguments {
    @Option(names = "--bias-correction", arity = "0..1", fallbackValue = "conv", paramLabel = "conv|all",
            description = "Apply quantize's bias correction to every candidate, on the calibration samples its "
                    + "ranges came from ('all' also corrects MatMuls followed by a bias Add).")
    String biasCorrection;

    /**
     * The scope asked for, or null when the option is absent.
     *
     * @param split    the samples the candidates are calibrated (and so corrected) on
     * @param feedback the study's state links: bias correction runs its samples without them
     * @throws Trt4jException if the value is neither conv nor all, or bias correction is asked for on random data or
     *                        for a streaming model
     */
    BiasCorrection.Scope scope(SampleSplit split, StateFeedback feedback) {
        BiasCorrection.Scope scope = biasCorrection == null ? null : BiasCorrection.Scope.named(biasCorrection);
        if (scope != null && !feedback.isEmpty()) {
            throw new Trt4jException("--bias-correction runs its samples without feeding state back, so it cannot "
                    + "correct a streaming model (--feedback " + feedback + ")");
        }
        if (scope != null && split.isSynthetic()) {
            // Random data would "correct" the biases towards noise: insist on real samples.
            throw new Trt4jException("--bias-correction needs real samples: give --data (or --tokenizer for a text "
                    + "model)");
        }
        return scope;
    }
}
