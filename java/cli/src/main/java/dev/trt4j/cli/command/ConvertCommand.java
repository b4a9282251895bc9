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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code trt4j convert --fp16}: an FP16 copy of a model for strongly typed TensorRT. */
@Command(name = "convert", sortOptions = false,
        description = {"Converts a model's precision. --fp16: weights and compute in float16 with casts at the "
                + "boundaries; reductions, softmax, normalisations, Exp/Log/Pow stay in FP32, and so do "
                + "operators without an FP16 form (other domains, recurrent layers). Inputs and outputs keep "
                + "their types."})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--fp16", required = true, description = "Convert to FP16 (the only conversion so far).")
    boolean fp16;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The converted model to write.")
    Path out;

    @Option(names = "--keep-fp32", paramLabel = "NAME|OPTYPE|REGEX",
            description = "Also keep in FP32: a node name, an operator type (e.g. Conv), or a regular expression "
                    + "found in node names; repeatable. Each must match something.")
    List<String> keepFp32 = new ArrayList<>();

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path modelFile = model != null ? model : DefaultModel.file();
        OutputModel.requireDistinct(out, modelFile, "converted");
        OnnxModel onnx = OnnxModel.load(modelFile);
        Fp16Converter converter = converter(onnx, modelFile);
        Fp16Converter.Result result;
        try {
            result = converter.convert(onnx.proto());
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

    /** The default converter, plus what {@code --keep-fp32} names. */
    private Fp16Converter converter(OnnxModel onnx, Path modelFile) {
        if (keepFp32.isEmpty()) {
            return new Fp16Converter();
        }
        NodeSelectors selectors = new NodeSelectors(onnx.proto(), modelFile);
        NodeSelectors.Selection keep = selectors.resolve("--keep-fp32", keepFp32);
        Set<String> opTypes = new TreeSet<>(Fp16Converter.DEFAULT_FP32_OP_TYPES);
        opTypes.addAll(keep.opTypes());
        return new Fp16Converter(opTypes, selectors.namedOrMatched(keep));
    }
}
