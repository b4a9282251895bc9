package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.quantize.DepthwiseEqualizer;
import dev.trt4j.quantize.MatMulSmoother;
import dev.trt4j.stats.ChannelMaxCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code trt4j equalize}: an FP32 model that computes the same function with the channel ranges of its
 * depthwise-Conv inputs equalized and its MatMul inputs smoothed, so that calibrating and quantizing it loses less.
 */
@Command(name = "equalize", sortOptions = false,
        description = {"Writes an FP32 model that computes the same function, with the input channels of each "
                + "depthwise Conv scaled to one range (measured on the samples) and the weights scaled back, and "
                + "the outlier channels of each MatMul input moved into the MatMul's constant weights "
                + "(SmoothQuant), so that INT8's per-tensor activation scale fits every channel. A depthwise input "
                + "must be made by a Mul by a constant, optionally followed by Adds of constants, which take the "
                + "scales. A MatMul input takes them the same way when per-channel constants make it and the "
                + "MatMuls are its only readers; otherwise one Mul is added before the MatMuls. Calibrate and "
                + "quantize the result."})
public final class EqualizeCommand implements Callable<Integer> {
    /** Rows of each MatMul input kept for choosing its alpha: enough to rank the strengths, cheap to multiply. */
    static final int SAMPLED_ROWS = 512;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The equalized model to write.")
    Path out;

    @Option(names = "--alpha", paramLabel = "A|auto", defaultValue = "auto",
            description = "How much of a MatMul input's outlier range moves into the weights (SmoothQuant's "
                    + "migration strength): channel j is divided by max|x_j|^A / max|w_j|^(1-A), A in [0, 1]. "
                    + "auto (default) tries 0.5, 0.6, ..., 1.0 and no smoothing for each input, and keeps the one "
                    + "whose INT8 MatMul output is closest to FP32 on " + SAMPLED_ROWS + " sampled rows.")
    String alpha;

    @Mixin
    DataArguments dataArguments;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path modelFile = model != null ? model : DefaultModel.file();
        OutputModel.requireDistinct(out, modelFile, "equalized");
        OnnxModel onnx = OnnxModel.load(modelFile);
        if (!dataArguments.givesSamples(onnx.inputs(), onnx.outputs())) {
            // Ranges from random data would equalize the wrong channels.
            throw new Trt4jException("equalize needs real samples: give --data (or --tokenizer for a text model)");
        }
        OptionalDouble fixedAlpha = parseAlpha(alpha);
        List<String> depthwise = DepthwiseEqualizer.equalizableInputs(onnx.proto());
        List<String> matMul = MatMulSmoother.smoothableInputs(onnx.proto());
        if (depthwise.isEmpty() && matMul.isEmpty()) {
            throw new Trt4jException(modelFile.getFileName() + ": no depthwise Conv whose input is made by a Mul by "
                    + "a constant, and no MatMul with constant weights; nothing to equalize");
        }
        Map<String, ChannelMaxCollector.ChannelAxis> axes = new LinkedHashMap<>(
                ChannelMaxCollector.axis(depthwise, ChannelMaxCollector.ChannelAxis.SECOND));
        axes.putAll(ChannelMaxCollector.axis(matMul, ChannelMaxCollector.ChannelAxis.LAST));
        ChannelMaxCollector collector = new ChannelMaxCollector(onnx, axes);
        ChannelMaxCollector.ChannelStatistics statistics;
        try (CalibrationDataSource source = dataArguments.open(onnx.inputs(), onnx.outputs())) {
            statistics = (fixedAlpha.isPresent() || matMul.isEmpty() ? collector : collector.sampleRows(SAMPLED_ROWS))
                    .collect(source, OrtRunnerOptions.defaults());
        }
        Map<String, float[]> ranges = statistics.max();
        DepthwiseEqualizer.Result equalized = DepthwiseEqualizer.equalize(onnx.proto(), ranges);
        MatMulSmoother.Result smoothed;
        if (fixedAlpha.isPresent()) {
            smoothed = MatMulSmoother.smooth(equalized.model(), ranges, fixedAlpha.getAsDouble());
        } else {
            Map<String, List<float[]>> rows = new LinkedHashMap<>();
            statistics.rows().forEach((name, sample) -> rows.put(name, sample.rows()));
            smoothed = MatMulSmoother.smoothSearched(equalized.model(), ranges, rows);
        }
        AtomicFiles.write(out, smoothed.model()::writeTo);
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = JsonOutput.object();
            root.put("model", modelFile.toString());
            root.put("out", out.toString());
            ObjectNode eq = root.putObject("equalized");
            equalized.equalized().forEach(eq::put);
            ObjectNode sm = root.putObject("smoothed");
            smoothed.smoothed().forEach(sm::put);
            ObjectNode alphas = root.putObject("alphas");
            smoothed.alphas().forEach(alphas::put);
            json.print(w, root);
        } else {
            w.printf("Equalized %d depthwise Convs and smoothed the inputs of %d MatMuls (%s) of %s → %s%n",
                    equalized.equalized().size(), smoothed.smoothed().size(), describe(smoothed.alphas(), fixedAlpha),
                    modelFile.getFileName(), out);
            w.flush();
        }
        return 0;
    }

    /** A fixed strength, or empty for {@code auto}. */
    private static OptionalDouble parseAlpha(String text) {
        if (text.equals("auto")) {
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
        throw new Trt4jException("--alpha must be auto or a number in [0, 1], got '" + text + "'");
    }

    private static String describe(Map<String, Double> alphas, OptionalDouble fixed) {
        if (fixed.isPresent()) {
            return "alpha " + fixed.getAsDouble();
        }
        if (alphas.isEmpty()) {
            return "alpha auto: no input gained from smoothing";
        }
        return "alpha auto: " + alphas.values().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
