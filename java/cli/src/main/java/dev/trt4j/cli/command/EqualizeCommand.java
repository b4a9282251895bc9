package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DecimalValue;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.quantize.ModelEqualizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code trt4j equalize}: an FP32 model that computes the same function with the channel ranges of its
 * depthwise-Conv inputs equalized and its MatMul inputs smoothed, so that calibrating and quantizing it loses less.
 */
@Command(name = "equalize", sortOptions = false, resourceBundle = "dev.trt4j.cli.command.EqualizeCommand",
        description = {"Writes an FP32 model that computes the same function, with the input channels of each "
                + "depthwise Conv scaled to one range (measured on the samples) and the weights scaled back, and "
                + "the outlier channels of each MatMul (or Gemm) input moved into its constant weights "
                + "(SmoothQuant), so that INT8's per-tensor activation scale fits every channel. A depthwise input "
                + "must be made by a Mul by a constant, optionally followed by Adds of constants, which take the "
                + "scales. A MatMul input takes them the same way when per-channel constants make it and the "
                + "MatMuls are its only readers; otherwise one Mul is added before the MatMuls. Calibrate and "
                + "quantize the result."})
public final class EqualizeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The equalized model to write.")
    Path out;

    @Option(names = "--alpha", paramLabel = "A|auto", defaultValue = "auto",
            description = "How much of a MatMul input's outlier range moves into the weights (SmoothQuant's "
                    + "migration strength): channel j is divided by max|x_j|^A / max|w_j|^(1-A), A in [0, 1]. "
                    + "auto (default) tries 0.5, 0.6, ..., 1.0 and no smoothing for each input, and keeps the one "
                    + "whose INT8 MatMul output is closest to FP32 on " + ModelEqualizer.SAMPLED_ROWS + " sampled rows.")
    String alpha;

    @Option(names = "--no-smooth", paramLabel = "NAME|OPTYPE|REGEX", description = NoSmoothOption.DESCRIPTION)
    List<String> noSmooth = new ArrayList<>();

    @Mixin
    ExternalDataOption externalData;

    @Mixin
    DataArguments dataArguments;

    @Mixin
    StateFeedbackArguments feedback;

    @Mixin
    OrtThreadsOption threads;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path modelFile = model != null ? model : DefaultModel.file();
        OutputFiles outputs = OutputModel.of(out, modelFile, dataArguments, externalData);
        outputs.check();
        // every weight read in, past 2 GiB too: the output is then written with external data
        OnnxModel onnx = OnnxModel.loadWithAllWeights(modelFile);
        OutputModel.requireNotItsData(outputs, out, onnx, externalData);
        dataArguments.requireSequenceLengthFits(onnx);
        if (!dataArguments.givesSamples(onnx.inputs(), onnx.outputs())) {
            // Ranges from random data would equalize the wrong channels.
            throw new InvalidOptionException("equalize needs real samples: give --data (or --tokenizer for a text "
                    + "model)");
        }
        warnIfEqualizedBefore(onnx, modelFile);
        OptionalDouble fixedAlpha = parseAlpha(alpha);
        Set<String> unsmoothed = NoSmoothOption.parse(onnx.proto(), modelFile, noSmooth);
        ModelEqualizer equalizer = (fixedAlpha.isPresent() ? ModelEqualizer.withAlpha(fixedAlpha.getAsDouble())
                : ModelEqualizer.searchingAlpha()).withoutSmoothing(unsmoothed);
        ModelEqualizer.Result result;
        // a streaming model's state is fed back while measuring, as calibrate feeds it: the data feeds the rest
        try (CalibrationDataSource source = dataArguments.open(feedback.dataInputs(modelFile.toString(),
                onnx.inputs(), onnx.outputs()), onnx.outputs())) {
            result = equalizer.equalize(onnx, source, threads.runnerOptions(), feedback.feedback());
        }
        feedback.nothingCarriedNote(result.samples(), result.batches(), onnx.inputs()).ifPresent(note -> {
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + ControlCharacters.escape(note));
            err.flush();
        });
        ModelProto written = marked(result.model(), modelFile);
        OnnxModelFile.Written files = OnnxModelFile.write(out, written, externalData.enabled);
        if (result.equalized().isEmpty() && result.smoothed().isEmpty()) {
            // "Equalized 0 depthwise Convs and smoothed the inputs of 0 MatMuls" alone reads as a summary of work
            // done, as convert --fold's and --fp16's would: the copy computes as the model did, with its ranges
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + ControlCharacters.escape(modelFile.getFileName().toString())
                    + " has nothing equalize changes (no depthwise Conv input with a range to equalize, and no "
                    + "MatMul or Gemm input that smoothing helps on these samples): "
                    + ControlCharacters.escape(out.getFileName().toString()) + " is written with no channel rescaled");
            err.flush();
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = JsonOutput.object();
            root.put("model", modelFile.toString());
            root.put("out", out.toString());
            ObjectNode eq = root.putObject("equalized");
            result.equalized().forEach(eq::put);
            ObjectNode sm = root.putObject("smoothed");
            result.smoothed().forEach(sm::put);
            ObjectNode alphas = root.putObject("alphas");
            result.alphas().forEach(alphas::put);
            // as the text's "alpha auto" or "alpha 0.5": whether each input's strength was searched (gains then)
            root.put("alphaSearched", fixedAlpha.isEmpty());
            ObjectNode gains = root.putObject("gains");
            // JSON has no infinity: an input whose INT8 error smoothing removes entirely gets null.
            result.gains().forEach((input, gain) -> {
                if (Double.isFinite(gain)) {
                    gains.put(input, gain);
                } else {
                    gains.putNull(input);
                }
            });
            ExternalDataOption.putJson(root, files);
            json.print(w, root);
        } else {
            w.printf(Locale.ROOT, "Equalized %s and smoothed the inputs of %s (%s) of %s → %s%n",
                    Counts.of(result.equalized().size(), "depthwise Conv"), Counts.of(result.smoothed().size(),
                            "MatMul or Gemm", "MatMuls or Gemms"), describe(result.alphas(), fixedAlpha, result.gains().isEmpty()),
                    modelFile.getFileName(), out);
            ExternalDataOption.note(files).ifPresent(w::println);
            w.flush();
        }
        return 0;
    }

    /**
     * Equalizing an equalized model scales its channels a second time, which nothing in the model shows: the
     * written model carries the model it came from under this metadata key, and a second run warns.
     */
    static final String EQUALIZED_FROM = "trt4j.equalized_from";

    private void warnIfEqualizedBefore(OnnxModel onnx, Path modelFile) {
        onnx.proto().getMetadataPropsList().stream().filter(p -> p.getKey().equals(EQUALIZED_FROM)).findFirst()
                .ifPresent(p -> {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("trt4j: warning: " + modelFile.getFileName() + " was written by trt4j equalize (from "
                            + ControlCharacters.escape(p.getValue()) + "); equalizing it again scales its channels a "
                            + "second time: equalize the original model instead");
                    err.flush();
                });
    }

    /** {@code model} marked as equalized from {@code source}, or from the model {@code source} itself came from. */
    private static ModelProto marked(ModelProto model, Path source) {
        if (model.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(EQUALIZED_FROM))) {
            return model; // equalized twice: the mark keeps naming the original
        }
        return model.toBuilder().addMetadataProps(StringStringEntryProto.newBuilder().setKey(EQUALIZED_FROM)
                .setValue(String.valueOf(source.getFileName()))).build();
    }

    /** A fixed strength, or empty for {@code auto}. */
    private static OptionalDouble parseAlpha(String text) {
        // in any case, as --batch-overlap and the methods take their words
        if (text.strip().toLowerCase(Locale.ROOT).equals("auto")) {
            return OptionalDouble.empty();
        }
        try {
            double a = Double.parseDouble(text);
            if (a >= 0 && a <= 1) {
                return OptionalDouble.of(a);
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted forms
        }
        throw new InvalidOptionException("--alpha must be auto or a number in [0, 1], got '"
                + ControlCharacters.escape(text) + "'" + DecimalValue.decimalPointHint(text));
    }

    private static String describe(Map<String, Double> alphas, OptionalDouble fixed, boolean noneSearched) {
        if (fixed.isPresent()) {
            return "alpha " + fixed.getAsDouble();
        }
        if (noneSearched) {
            return "alpha auto: no MatMul or Gemm input searched";
        }
        if (alphas.isEmpty()) {
            return "alpha auto: no input gained from smoothing";
        }
        return "alpha auto: " + alphas.values().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
