package dev.trt4j.cli.command;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.compare.CandidateEvaluator;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.compare.TaskScore;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How commands that judge quantized candidates against FP32 pick their held-out samples and judge the candidates
 * (a picocli {@code @Mixin} of {@link QuantizationStudyArguments}).
 */
public final class HeldOutArguments {
    private static final Logger LOG = LoggerFactory.getLogger(HeldOutArguments.class);

    @Option(names = "--eval-data", paramLabel = "PATH",
            description = "Evaluation samples (same kinds as --data). Default: the samples of --data after the "
                    + "calibration samples (sentences that repeat one of those left out), or other random samples.")
    Path evalData;

    /** Null when not given: then {@link #DEFAULT_EVAL_SAMPLES}, and data that hold fewer are no surprise. */
    @Option(names = "--eval-samples", paramLabel = "N",
            description = "Evaluation samples (default " + DEFAULT_EVAL_SAMPLES + ").")
    Long evalSamplesGiven;

    private static final long DEFAULT_EVAL_SAMPLES = 256;

    // Between the held-out options and --pass-size, where the help has always listed them.
    @Mixin
    EvaluationArguments evaluation;

    @Option(names = "--pass-size", paramLabel = "N", defaultValue = "8",
            description = "Quantized models judged per pass over the evaluation data (default ${DEFAULT-VALUE}).")
    int passSize;

    /** ONNX Runtime's threads per model; 0 lets it choose. */
    int threads() {
        return evaluation.threads();
    }

    /**
     * Opens the evaluation samples: {@code --eval-data} (read like the calibration data, up to
     * {@code --eval-samples}), else those of {@code split} after {@code calibrationSamples}.
     */
    Supplier<CalibrationDataSource> evaluationData(SampleSplit split, long calibrationSamples,
                                                   DataOptions calibrationOptions, List<TensorSpec> inputs) {
        long evalSamples = evalSamples();
        long wanted = evalSamples == 0 && evalData != null ? Long.MAX_VALUE : evalSamples;
        if (wanted < 1) {
            throw new InvalidOptionException("--eval-samples must be at least 1" + (evalData != null ? ", or 0 for "
                    + "all of --eval-data" : "") + ", got " + evalSamples);
        }
        if (evalData == null) {
            return () -> split.evaluation(calibrationSamples, evalSamples);
        }
        DataOptions options = calibrationOptions.toBuilder().maxSamples(wanted == Long.MAX_VALUE ? 0 : wanted,
                "--eval-samples").build();
        // sentences equal to a calibration sentence, and calibration images a label file lists, are left out, as of
        // the held-out part of --data
        Optional<SampleSplit.HeldOut> text = split.heldOutText(evalData, calibrationSamples, options)
                .or(() -> split.heldOutImages(evalData, calibrationSamples, options));
        if (text.isPresent()) {
            if (text.get().repeated() > 0) {
                LOG.warn("--eval-data {}: {} equal to calibration samples left out, so that the scores are on "
                        + "held-out samples only", evalData, Counts.of(text.get().repeated(), "sample"));
            }
            return text.get().samples();
        }
        if (split.path().filter(data -> FileIdentity.same(data, evalData)).isPresent()) {
            // allowed (a single recording may be all the data there is), but the scores are then not held out
            LOG.warn("--eval-data names the --data samples ({}): the scores include the samples the ranges were "
                    + "chosen on; give other samples, or leave --eval-data out to evaluate on those after the "
                    + "first --samples", evalData);
        }
        return () -> DataSourceFactory.open(evalData, inputs, options);
    }

    private long evalSamples() {
        return evalSamplesGiven != null ? evalSamplesGiven : DEFAULT_EVAL_SAMPLES;
    }

    /**
     * Says so when the models were judged on fewer samples than {@code --eval-samples} asked for (the data ran out);
     * the count is in the report's header, but an explicit request cut short should not pass unnoticed.
     */
    void warnIfCutShort(long evaluated) {
        if (evalSamplesGiven != null && evalSamplesGiven > 0 && evaluated < evalSamplesGiven) {
            LOG.warn("--eval-samples {}: the evaluation data held {}, which the scores are on", evalSamplesGiven,
                    Counts.of(evaluated, "sample"));
        }
    }

    /** Whether {@code --eval-data} gives the evaluation samples (so none are held out of {@code --data}). */
    boolean hasEvalData() {
        return evalData != null;
    }

    /**
     * Why the candidates were ranked by an output's cosine rather than a task metric, where the task was left to
     * detection ({@code --task auto}) and found none: said as evaluate says it, since an OCR model fed images of
     * unknown labels drops from accuracy to cosine without a word otherwise.
     *
     * @param inJson whether the note is read in JSON, which has no table printed above it to point at
     */
    Optional<String> noTaskNote(String metric, OnnxModel model, boolean inJson) {
        if (!evaluation.taskName().equals("auto") || !TaskScore.isOutputCosine(metric)) {
            return Optional.empty();
        }
        // an OCR model given rendered samples gets its task metric: ranked by cosine, it was fed other images
        return Optional.of(EvaluateCommand.noTaskReason(OcrModelRole.of(model.inputs(), model.outputs()), inJson));
    }

    /** Judges candidates against {@code model} with the task metric asked for. */
    CandidateEvaluator evaluator(OnnxModel model, StateFeedback feedback) {
        Optional<TaskKind> kind = evaluation.taskKind();
        EvaluationOptions options = evaluation.options(model.inputs(), model.outputs()).withFeedback(feedback);
        if (passSize < 1) {
            throw new InvalidOptionException("--pass-size must be at least 1, got " + passSize);
        }
        return new CandidateEvaluator(model.path(), kind, options, passSize);
    }
}
