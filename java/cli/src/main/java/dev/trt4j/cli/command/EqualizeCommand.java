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
import dev.trt4j.stats.ChannelMaxCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trt4j equalize}: an FP32 model that computes the same function with the channel ranges of its
 * depthwise-Conv inputs equalized, so that calibrating and quantizing it loses less.
 */
@Command(name = "equalize", sortOptions = false,
        description = {"Writes an FP32 model that computes the same function, with the input channels of each "
                + "depthwise Conv scaled to one range (measured on the samples) and the weights scaled back, so "
                + "that INT8's per-tensor activation scale fits every channel. Applies where the input is made by "
                + "a Mul by a constant, optionally followed by Adds of constants. Calibrate and quantize the "
                + "result."})
public final class EqualizeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The equalized model to write.")
    Path out;

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
        List<String> inputs = DepthwiseEqualizer.equalizableInputs(onnx.proto());
        if (inputs.isEmpty()) {
            throw new Trt4jException(modelFile.getFileName() + ": no depthwise Conv whose input is made by a Mul by a "
                    + "constant; nothing to equalize");
        }
        Map<String, float[]> ranges;
        try (CalibrationDataSource source = dataArguments.open(onnx.inputs(), onnx.outputs())) {
            ranges = new ChannelMaxCollector(onnx, inputs).collect(source, OrtRunnerOptions.defaults());
        }
        DepthwiseEqualizer.Result result = DepthwiseEqualizer.equalize(onnx.proto(), ranges);
        AtomicFiles.write(out, result.model()::writeTo);
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = JsonOutput.object();
            root.put("model", modelFile.toString());
            root.put("out", out.toString());
            ObjectNode eq = root.putObject("equalized");
            result.equalized().forEach(eq::put);
            json.print(w, root);
        } else {
            w.printf("Equalized %d depthwise Convs of %s → %s%n", result.equalized().size(), modelFile.getFileName(),
                    out);
            w.flush();
        }
        return 0;
    }
}
