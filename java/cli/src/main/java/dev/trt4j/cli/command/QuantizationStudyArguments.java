package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.compare.CandidateEvaluator;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.onnx.OnnxModel;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The options of the commands that quantize an FP32 model and judge the result against it on held-out samples
 * (compare-calibrators, sensitivity), and the setup they describe: the model, its calibration and held-out
 * samples, and the judge (a picocli {@code @Mixin}).
 */
public final class QuantizationStudyArguments {
    @Mixin
    DataArguments data;

    @Mixin
    HeldOutArguments evaluation;

    @Mixin
    QuantizationArguments quantization;

    /** Loads {@code model} (null: the embedded default) and its quantization configuration. */
    StudiedModel load(Path model) {
        Path file = model != null ? model : DefaultModel.file();
        OnnxModel onnx = OnnxModel.load(file);
        return new StudiedModel(file, onnx, quantization.config(onnx.proto(), file));
    }

    /** The calibration sample count: {@code --samples}, which must be positive here. */
    long calibrationSamples() {
        long n = data.options().maxSamples();
        if (n < 1) {
            throw new Trt4jException("--samples must be positive: the samples after the calibration samples are "
                    + "held out for evaluation");
        }
        return n;
    }

    /** Calibration and held-out samples from {@code --data} (or the bundled sentences for OCR and text models). */
    SampleSplit split(OnnxModel model) {
        DataOptions options = dataOptions(model);
        boolean textModel = model.inputs().stream().anyMatch(i -> i.name().equals("input_ids"));
        boolean bundled = data.data() == null && (OcrModelRole.of(model.inputs(), model.outputs()).isPresent()
                || textModel && options.tokenizer() != null);
        return SampleSplit.of(data.data(), model.inputs(), options, bundled);
    }

    /** Opens the evaluation samples: {@code --eval-data}, else those of {@code split} after the calibration ones. */
    Supplier<CalibrationDataSource> evaluationData(SampleSplit split, long calibrationSamples, OnnxModel model) {
        return evaluation.evaluationData(split, calibrationSamples, dataOptions(model), model.inputs());
    }

    /** What the evaluation samples are, for reports. */
    String describeEvaluation(SampleSplit split, long calibrationSamples) {
        return evaluation.describeEvaluation(split, calibrationSamples);
    }

    /** Judges candidates against {@code model} with the task metric asked for. */
    CandidateEvaluator evaluator(OnnxModel model) {
        return evaluation.evaluator(model);
    }

    /** ONNX Runtime's threads, for the statistics pass too; 0 lets it choose. */
    int threads() {
        return evaluation.threads();
    }

    /** The data options for {@code model}, adapted to what an OCR model reads. */
    private DataOptions dataOptions(OnnxModel model) {
        return data.options(model.inputs(), model.outputs());
    }
}
