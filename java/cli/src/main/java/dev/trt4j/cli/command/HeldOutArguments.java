package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.compare.CandidateEvaluator;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.TaskKind;
import dev.trt4j.onnx.OnnxModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How commands that judge quantized candidates against FP32 pick their held-out samples and judge the candidates
 * (a picocli {@code @Mixin}, used with {@link DataArguments} for the calibration samples).
 */
public final class HeldOutArguments {
    @Option(names = "--eval-data", paramLabel = "PATH",
            description = "Evaluation samples (same kinds as --data). Default: the samples after the calibration "
                    + "samples of the same sentences, or other random samples; other data needs --eval-data.")
    Path evalData;

    @Option(names = "--eval-samples", paramLabel = "N", defaultValue = "256",
            description = "Evaluation samples (default ${DEFAULT-VALUE}).")
    long evalSamples;

    // Between the held-out options and --pass-size, where the help has always listed them.
    @Mixin
    EvaluationArguments evaluation;

    @Option(names = "--pass-size", paramLabel = "N", defaultValue = "8",
            description = "Quantized models judged per pass over the evaluation data (default ${DEFAULT-VALUE}).")
    int passSize;

    /** The calibration data options for {@code model}: PP-OCR's direction classifier sees half its lines turned. */
    static DataOptions dataOptions(DataArguments data, OnnxModel model) {
        DataOptions options = data.options();
        if (ModelDefaults.readsTextLines(model.inputs(), model.outputs())
                && ModelDefaults.classifiesDirection(model.outputs())) {
            options = options.toBuilder().rotateHalf(true).build();
        }
        return options;
    }

    /** Calibration and held-out samples from {@code --data} (or the bundled sentences for OCR and text models). */
    static SampleSplit split(DataArguments data, OnnxModel model) {
        DataOptions options = dataOptions(data, model);
        boolean textModel = model.inputs().stream().anyMatch(i -> i.name().equals("input_ids"));
        boolean bundled = data.data() == null && (ModelDefaults.readsTextLines(model.inputs(), model.outputs())
                || textModel && options.tokenizer() != null);
        return SampleSplit.of(data.data(), model.inputs(), options, bundled);
    }

    /** The calibration sample count: {@code --samples}, which must be positive here. */
    static long calibrationSamples(DataArguments data) {
        long n = data.options().maxSamples();
        if (n < 1) {
            throw new Trt4jException("--samples must be positive: the samples after the calibration samples are "
                    + "held out for evaluation");
        }
        return n;
    }

    /** ONNX Runtime's threads per model; 0 lets it choose. */
    int threads() {
        return evaluation.threads();
    }

    /** Opens the evaluation samples: {@code --eval-data}, else the samples after {@code calibrationSamples}. */
    Supplier<CalibrationDataSource> evaluationData(SampleSplit split, long calibrationSamples, DataArguments data,
                                                   OnnxModel model) {
        if (evalSamples < 1) {
            throw new Trt4jException("--eval-samples must be positive, got " + evalSamples);
        }
        if (evalData == null) {
            split.evaluation(calibrationSamples, evalSamples).close(); // fail now, not after calibrating
            return () -> split.evaluation(calibrationSamples, evalSamples);
        }
        DataOptions options = dataOptions(data, model).toBuilder().maxSamples(evalSamples).build();
        return () -> DataSourceFactory.open(evalData, model.inputs(), options);
    }

    /** What the evaluation samples are, for reports. */
    String describeEvaluation(SampleSplit split, long calibrationSamples) {
        return evalData != null ? evalData.toString()
                : split.describe() + " after the first " + calibrationSamples + " (calibration) samples";
    }

    /** Judges candidates against {@code model} with the task metric asked for. */
    CandidateEvaluator evaluator(OnnxModel model) {
        Optional<TaskKind> kind = evaluation.taskKind();
        EvaluationOptions options = evaluation.options(model.outputs());
        if (passSize < 1) {
            throw new Trt4jException("--pass-size must be at least 1, got " + passSize);
        }
        return new CandidateEvaluator(model.path(), kind, options, passSize);
    }
}
