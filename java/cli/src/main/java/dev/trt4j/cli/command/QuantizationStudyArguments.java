package dev.trt4j.cli.command;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.RangePassArgument;
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.compare.CandidateEvaluator;
import dev.trt4j.compare.SampleSplit;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.evaluate.HeldOutMasks;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.ModelEqualizer;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizedOperators;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The options of the commands that quantize an FP32 model and judge the result against it on held-out samples
 * (compare-calibrators, sensitivity), and the setup they describe: the model, its calibration and held-out
 * samples, and the judge (a picocli {@code @Mixin}).
 */
public final class QuantizationStudyArguments {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizationStudyArguments.class);

    @Mixin
    DataArguments data;

    @Mixin
    HeldOutArguments evaluation;

    @Mixin
    QuantizationArguments quantization;

    @Mixin
    StateFeedbackArguments feedback;

    @Mixin
    RangePassArgument rangePass;

    @Option(names = "--equalize",
            description = "Equalize the model first, as `trt4j equalize` does (depthwise Convs, and SmoothQuant with "
                    + "alpha auto for MatMuls), on the calibration samples; the study then quantizes that model, "
                    + "which computes the same function, and judges it against the original. The equalized model is "
                    + "written to the output folder (<model>.eq.onnx). Needs real samples.")
    boolean equalize;

    @Option(names = "--no-smooth", paramLabel = "NAME|OPTYPE|REGEX",
            description = "With --equalize, leave " + NoSmoothOption.WHAT_IT_DOES)
    List<String> noSmooth = new ArrayList<>();

    @Mixin
    ExternalDataOption externalData;

    /** The MatMuls --no-smooth names, read by {@link #load} (the commands load one model). */
    private Set<String> unsmoothed = Set.of();

    /**
     * Loads {@code model} (null: the embedded default) and its quantization configuration.
     *
     * @throws InvalidOptionException if --no-smooth is given without --equalize, or selects nothing it could change
     */
    StudiedModel load(Path model) {
        if (!noSmooth.isEmpty() && !equalize) {
            throw new InvalidOptionException("--no-smooth applies with --equalize");
        }
        Path file = model != null ? model : DefaultModel.file();
        // every weight read in, past 2 GiB too: the candidates are quantized in memory, and share the weights they
        // leave unchanged with this model
        OnnxModel onnx = OnnxModel.loadWithAllWeights(file);
        // before anything reads the graph's types: an unknown operator leaves its outputs untyped, which would be
        // reported as a tensor that cannot be calibrated instead of as the operator ONNX Runtime refuses
        OperatorCheck.require(onnx.proto(), file.getFileName().toString(), "the study runs every model in it");
        // the study quantizes the model and scores it against itself as FP32: an integer graph would be scored as such
        Map<String, Integer> quantized = QuantizedOperators.in(onnx);
        if (!quantized.isEmpty()) {
            throw new Trt4jException(file.getFileName() + ": is quantized already ("
                    + QuantizedOperators.describe(quantized) + "); study the FP32 model");
        }
        QdqQuantizer.requireFp32(onnx.proto(), file.getFileName().toString()); // named by file, not graph name
        data.requireSequenceLengthFits(onnx);
        unsmoothed = NoSmoothOption.parse(onnx.proto(), file, noSmooth);
        return new StudiedModel(file, onnx, quantization.config(onnx.proto(), file));
    }

    /**
     * Refuses {@code --external-data} where the run writes no model: without {@code --equalize}, and without what
     * else makes the command write one ({@code writesModel}, e.g. sensitivity's {@code --target}).
     *
     * @param options the options that make the command write a model, e.g. {@code --target or --equalize}
     * @throws InvalidOptionException naming them
     */
    void requireModelForExternalData(boolean writesModel, String options) {
        if (externalData.enabled && !writesModel && !equalize) {
            throw new InvalidOptionException("--external-data applies only where the run writes a model (" + options
                    + ")");
        }
    }

    /** Whether the models the study writes get their weights in a data file beside them whatever their size. */
    boolean externalData() {
        return externalData.enabled;
    }

    /**
     * {@code fileName} and, where a model written under it may get one (asked for, or {@code model} exceeds 2 GiB
     * with its weights), its data file: the names the folder's checks must cover.
     */
    List<String> modelFileNames(String fileName, OnnxModel model) {
        return externalData.mayWrite(model) ? List.of(fileName, fileName + ".data") : List.of(fileName);
    }

    /**
     * The model the study quantizes: {@code studied} itself, or with {@code --equalize} its copy equalized on the
     * calibration samples of {@code split}, to be saved in {@code folder} once the study succeeds.
     */
    Subject subject(StudiedModel studied, SampleSplit split, Path folder) {
        if (!equalize) {
            return new Subject(studied.onnx(), null);
        }
        if (split.isSynthetic()) {
            // Ranges from random data would rescale the wrong channels.
            throw new InvalidOptionException("--equalize needs real samples: give --data (or --tokenizer for a "
                    + "text model)");
        }
        ModelEqualizer.Result result;
        try (CalibrationDataSource source = split.calibration(calibrationSamples())) {
            result = ModelEqualizer.searchingAlpha().withoutSmoothing(unsmoothed).equalize(studied.onnx(), source,
                    OrtRunnerOptions.defaults().withIntraOpThreads(threads()), feedback.feedback());
        }
        Path file = folder.resolve(equalizedFileName(studied));
        return new Subject(OnnxModel.fromProto(result.model(), file), result);
    }

    /** The files a study reads, for {@link OutputFiles}: the model, the samples and the evaluation's files. */
    OutputFiles inputs(StudiedModel studied) {
        return new OutputFiles().reads("the model", studied.file()).reads("--data", data.data())
                .reads("--tokenizer", data.tokenizer()).reads("--eval-data", evaluation.evalData)
                .reads("--keys", evaluation.evaluation.keys);
    }

    /**
     * The files {@link Subject#save} will write into the study's folder: the equalized model, if any, and its data
     * file where it may get one.
     */
    List<String> savedFileNames(StudiedModel studied) {
        return equalize ? modelFileNames(equalizedFileName(studied), studied.onnx()) : List.of();
    }

    private static String equalizedFileName(StudiedModel studied) {
        return studied.stem() + ".eq.onnx";
    }

    /** What a study quantizes, and how it was equalized (null if it was not). */
    record Subject(OnnxModel model, ModelEqualizer.Result equalized) {
        /**
         * Stages the equalized model (the ranges computed on it belong to it) in the study's output folder, which
         * holds its path, with its weights in a data file beside it where {@code externalData} asks for that or it
         * exceeds 2 GiB inline; nothing if none.
         *
         * @return what is written, empty if nothing
         */
        Optional<OnnxModelFile.Written> save(StagedWrites files, boolean externalData) {
            if (equalized == null) {
                return Optional.empty();
            }
            return Optional.of(OnnxModelFile.stage(files, model.path().getFileName().toString(), equalized.model(),
                    externalData));
        }

        /** A blank line and one line for the terminal, or empty if nothing was equalized. */
        String describe() {
            return equalized == null ? "" : String.format(Locale.ROOT,
                    "%nEqualized first: %s, the inputs of %s smoothed; "
                    + "the ranges belong to %s%n", Counts.of(equalized.equalized().size(), "depthwise Conv"),
                    Counts.of(equalized.smoothed().size(), "MatMul"), model.path());
        }
    }

    /**
     * The calibration sample count: {@code --samples}. 0 means all of them, which needs {@code --eval-data}: otherwise
     * the samples after the calibration ones are held out for evaluation.
     */
    long calibrationSamples() {
        long n = data.options().maxSamples();
        if (n == 0 && evaluation.hasEvalData()) {
            return Long.MAX_VALUE;
        }
        if (n < 1) {
            throw new InvalidOptionException("--samples must be positive: the samples after the calibration "
                    + "samples are held out for evaluation (or give --eval-data, and --samples 0 calibrates on all of "
                    + "--data)");
        }
        return n;
    }

    /**
     * Says so when the ranges came from fewer samples than an explicit {@code --samples} asked for (possible with
     * {@code --eval-data}, where every sample of {@code --data} may calibrate), as calibrate does.
     */
    void warnIfCalibrationCutShort(ParseResult parsed, long calibrated) {
        data.fewerSamplesThanAsked(parsed, calibrated).ifPresent(LOG::warn);
    }

    /** Calibration and held-out samples from {@code --data} (or the bundled sentences for OCR and text models). */
    SampleSplit split(OnnxModel model) {
        DataOptions options = dataOptions(model);
        boolean textModel = TextSource.readsTokenIds(model.inputs());
        boolean bundled = data.data() == null && (OcrModelRole.of(model.inputs(), model.outputs()).isPresent()
                || textModel && options.tokenizer() != null);
        return SampleSplit.of(data.data(), dataInputs(model), options, bundled);
    }

    /** Opens the evaluation samples: {@code --eval-data}, else those of {@code split} after the calibration ones. */
    Supplier<CalibrationDataSource> evaluationData(SampleSplit split, long calibrationSamples, OnnxModel model) {
        Supplier<CalibrationDataSource> held = evaluation.evaluationData(split, calibrationSamples, dataOptions(model),
                dataInputs(model));
        // both opened once now, as calibrate opens its data: held-out samples that are too few fail here, not after
        // calibrating, and an option neither reads is refused before the pass
        try (CalibrationDataSource judged = held.get();
             CalibrationDataSource first = split.calibration(calibrationSamples)) {
            data.requireSampleOptionsRead(List.of(first, judged));
            data.noteTextDrawnForAnImageModel(first, model.inputs(), model.outputs());
            if (model.inputs().stream().anyMatch(in -> in.name().equals("attention_mask"))) {
                // a held-out sample whose mask keeps no token fails the evaluation: found now, not after the pass
                HeldOutMasks.requireTokensInEvery(judged);
            }
        }
        return held;
    }

    /** Judges candidates against {@code model} with the task metric asked for. */
    CandidateEvaluator evaluator(OnnxModel model) {
        return evaluation.evaluator(model, feedback.feedback());
    }

    /** The state links of a streaming model ({@code --feedback}). */
    StateFeedback feedback() {
        return feedback.feedback();
    }

    /** How the statistics are collected: threads, state links and range pass; {@code maxSamples} left at 0. */
    StatisticsOptions statisticsOptions() {
        return StatisticsOptions.defaults().withThreads(threads()).withFeedback(feedback.feedback())
                .withRangePass(rangePass.enabled());
    }

    /** ONNX Runtime's threads, for the statistics pass too; 0 lets it choose. */
    int threads() {
        return evaluation.threads();
    }

    /** The inputs the data feeds: all but those fed back by {@code --feedback}, whose links are checked here. */
    private List<TensorSpec> dataInputs(OnnxModel model) {
        return feedback.dataInputs(model.path().toString(), model.inputs(), model.outputs());
    }

    /** The data options for {@code model}, adapted to what an OCR model reads. */
    private DataOptions dataOptions(OnnxModel model) {
        return data.options(model.inputs(), model.outputs());
    }
}
