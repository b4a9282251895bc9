package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.Fp16Converter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code trt4j convert --fp16}: an FP16 copy of a model for strongly typed TensorRT. */
@Command(name = "convert", sortOptions = false,
        description = {"Converts a model's precision. --fp16: weights and compute in float16 with casts at the "
                + "boundaries; reductions, softmax, normalisations, Exp/Log/Pow stay in FP32. Inputs and outputs "
                + "keep their types."})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--fp16", required = true, description = "Convert to FP16 (the only conversion so far).")
    boolean fp16;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The converted model to write.")
    Path out;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path modelFile = model != null ? model : DefaultModel.file();
        OutputModel.requireDistinct(out, modelFile, "converted");
        OnnxModel onnx = OnnxModel.load(modelFile);
        Fp16Converter.Result result;
        try {
            result = new Fp16Converter().convert(onnx.proto());
        } catch (Trt4jException e) {
            throw new Trt4jException(modelFile.getFileName() + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(out, result.model()::writeTo);
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = JsonOutput.object();
            root.put("model", modelFile.toString());
            root.put("out", out.toString());
            root.put("precision", "fp16");
            root.put("castsAdded", result.castsAdded());
            result.fp32Nodes().forEach(root.putArray("fp32Nodes")::add);
            json.print(w, root);
        } else {
            w.printf("Converted %s to FP16 → %s%n", modelFile.getFileName(), out);
            w.printf("%d nodes kept in FP32, %d casts added%n", result.fp32Nodes().size(), result.castsAdded());
            w.flush();
        }
        return 0;
    }
}
