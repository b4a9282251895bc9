package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.cli.OutOfMemoryHint;
import dev.trt4j.cli.ProgressReporter;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.ort.OrtOptimizedGraph;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.quantize.OrtImplicitQuantization;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;
import dev.trt4j.quantize.QuantizationReport;
import dev.trt4j.quantize.QuantizationResult;
import dev.trt4j.quantize.QuantizationTarget;
import dev.trt4j.table.CalibrationFile;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.SignedInt8Ranges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code trt4j quantize}: inserts QuantizeLinear/DequantizeLinear pairs into an FP32 model from a calibration table,
 * giving an explicitly quantized INT8 model that TensorRT builds and ONNX Runtime runs.
 */
@Command(name = "quantize", sortOptions = false, resourceBundle = "dev.trt4j.cli.command.QuantizeCommand",
        description = {"Writes an explicitly quantized (Q/DQ) INT8 model from an FP32 model and a calibration table: "
                + "symmetric INT8, activations per tensor from the table, weights per output channel from their "
                + "values, BatchNorm folded into its Conv first. --runtime onnxruntime-cpu lays it out for ONNX "
                + "Runtime's CPU integer kernels instead of TensorRT."})
public final class QuantizeCommand implements Callable<Integer>, OutOfMemoryHint {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizeCommand.class);
    private static final int NAMES_SHOWN = 3;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "FP32 ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--table", required = true, paramLabel = "TABLE",
            description = "Activation ranges: a trt4j table (.table.json from calibrate) or a TensorRT "
                    + "calibration cache.")
    Path table;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The quantized model to write.")
    Path out;

    @Mixin
    QuantizationArguments quantization;

    @Option(names = "--bias-correction", arity = "0..1", fallbackValue = "conv", paramLabel = "conv|all",
            preprocessor = BiasCorrectionScopeValue.class,
            description = "Then measure each quantized Conv's mean output error per channel on the samples "
                    + "(--data etc.) and subtract it from the Conv's FP32 bias (empirical bias correction). Helps "
                    + "where many inputs share one value, for example the background of text lines. 'all' also corrects "
                    + "MatMuls followed by a bias Add.")
    String biasCorrection;

    @Option(names = "--bias-correction-mode", paramLabel = "one-pass|layer-by-layer",
            description = "How --bias-correction measures the errors: 'one-pass' (default) compares each Conv with "
                    + "an FP32 twin on the same input, all in one pass; 'layer-by-layer' compares each Conv's output "
                    + "with the FP32 model's after correcting the layers before it, which also removes the shifts "
                    + "earlier layers pass on, at one pass per layer.")
    String biasCorrectionMode;

    @Mixin
    ExternalDataOption externalData;

    @Mixin
    DataArguments dataArguments;

    @Mixin
    OrtThreadsOption threads;

    @Option(names = "--force", description = "Use a table made for another model (its SHA-256 differs).")
    boolean force;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    /** The tensors of a --table cache whose scale is infinite, which its table leaves out. */
    private List<String> infiniteScales = List.of();

    /** Which options left nodes in FP32: {@code --exclude}, {@code --skip-depthwise} (a default) or both. */
    private String keptInFp32By(QuantizationConfig config, ModelProto proto) {
        boolean exclude = !quantization.excludes.isEmpty();
        // a model without depthwise Convs (MiniLM, a plain CNN) has nothing skipping could keep in FP32
        if (!config.skipDepthwise() || (exclude && !QdqQuantizer.hasDepthwiseConv(proto))) {
            return "--exclude keeps";
        }
        String skip = quantization.skipDepthwise == null ? "--skip-depthwise (the default for "
                + config.target().cliName() + ")" : "--skip-depthwise";
        return exclude ? "--exclude and " + skip + " keep" : skip + " keeps";
    }

    private static boolean producedByConv(ModelProto proto, String tensor) {
        return proto.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().startsWith("Conv")
                && n.getOutputList().contains(tensor));
    }

    /**
     * Every weight is held in memory, the model's and the output's (past 2 GiB too): only --bias-correction's
     * passes grow with the batch.
     */
    @Override
    public String outOfMemoryHint() {
        return biasCorrection != null ? null : WeightsHeld.hint("quantize");
    }

    @Override
    public Integer call() {
        Path modelFile = model != null ? model : DefaultModel.file();
        // the model would replace the ranges it was made from, and a rerun would then fail on a protobuf table
        OutputFiles outputs = OutputModel.of(out, modelFile, dataArguments, externalData).reads("--table", table);
        outputs.check();
        if (biasCorrection == null) {
            refuseSampleOptions();
        }
        BiasCorrection.Mode mode = BiasCorrectionArguments.mode(biasCorrection != null, biasCorrectionMode);
        // every weight read in, past 2 GiB too: the output is then written with external data
        OnnxModel onnx = OnnxModel.loadWithAllWeights(modelFile);
        OutputModel.requireNotItsData(outputs, out, onnx, externalData);
        dataArguments.requireSequenceLengthFits(onnx);
        ModelProto proto = onnx.proto();
        QdqQuantizer quantizer = new QdqQuantizer(quantization.config(proto, modelFile));
        BiasCorrectionArguments.requireTensorRtLayout(biasCorrection != null, quantizer.config());
        // Before the table and any work: an operator or opset nothing downstream knows is the model's fault.
        String name = modelFile.getFileName().toString();
        List<OperatorCheck.PluginNode> plugins = OperatorCheck.require(proto, name,
                quantizer.config().target() == QuantizationTarget.ONNXRUNTIME_CPU ? "--runtime onnxruntime-cpu" : null);
        // before the table's check too, whose --force could not help
        QdqQuantizer.requireFp32(proto, name);
        CalibrationTable ranges = readTable(onnx);
        QuantizationResult result;
        try {
            List<String> missing = quantizer.requiredActivations(proto).stream()
                    .filter(t -> !ranges.contains(t)).toList();
            List<String> infinite = missing.stream().filter(infiniteScales::contains).toList();
            if (!infinite.isEmpty()) {
                // calibrating again gives Infinity again: the way out is to leave the nodes that quantize them in FP32
                throw new Trt4jException(table + ": " + (infinite.size() == 1 ? "tensor '" + infinite.get(0) + "' has"
                        : infinite.size() + " tensors (first '" + infinite.get(0) + "') have") + " an infinite scale "
                        + "(holding -inf) and no INT8 range, but " + modelFile.getFileName() + " quantizes "
                        + (infinite.size() == 1 ? "it" : "them") + "; keep the quantized nodes that read "
                        + (infinite.size() == 1 ? "it" : "them") + " (on --runtime onnxruntime-cpu, the Conv that "
                        + "makes one) in FP32 with one --exclude NODE each");
            }
            if (!missing.isEmpty()) {
                // the CPU layout's extra tensors are Conv outputs, which only --all-tensors calibrates
                boolean ort = quantizer.config().target() == QuantizationTarget.ONNXRUNTIME_CPU
                        && missing.stream().anyMatch(t -> producedByConv(proto, t));
                throw new Trt4jException(table + ": lacks " + missing.size() + " of the tensors "
                        + modelFile.getFileName() + " needs: " + abbreviate(missing)
                        + (ranges.provenance().modelSha256() == null ? "; it does not say which model it was made for"
                                : "")
                        + (ort ? " (--runtime onnxruntime-cpu also quantizes Conv outputs: calibrate with "
                                + "--all-tensors)" : " (calibrate this model again, or use a table made for it)"));
            }
            result = quantizer.quantize(proto, ranges.amaxByTensor());
            if (ranges.provenance().modelSha256() == null) {
                // only once the table has fit: a failure after it is one line, not a warning and the error
                LOG.warn("{} does not say which model it was made for; using it for {}", table,
                        modelFile.getFileName());
            }
            if (result.report().quantizedNodes().isEmpty() && !result.report().excludedNodes().isEmpty()) {
                throw new InvalidOptionException(keptInFp32By(quantizer.config(), proto)
                        + " every quantizable node in FP32 ("
                        + result.report().excludedNodes().size() + "), so the output would be the FP32 model; "
                        + (quantization.excludes.isEmpty() ? "add --no-skip-depthwise" : "exclude fewer"));
            }
        } catch (Trt4jException e) {
            if (e.getMessage().startsWith(table.toString())) {
                throw e;
            }
            throw e.prefixed(modelFile.getFileName() + ": ");
        }
        BiasCorrection.Result corrected = biasCorrection != null
                ? correct(onnx, result.model(), BiasCorrection.Scope.named(biasCorrection), mode) : null;
        if (corrected != null) {
            result = new QuantizationResult(corrected.model(), result.report());
        }
        OnnxModelFile.Written written = result.write(out, externalData.enabled);
        if (!plugins.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + OperatorCheck.describe(name, plugins));
            err.flush();
        }
        if (ControlFlow.bodiesHoldAny(onnx.proto().getGraph(), quantizer.config().opTypes())) {
            // the summary counts the main graph's nodes only: a body's MatMuls staying FP32 would go unsaid
            LOG.warn("{}: {}; their nodes stay FP32 and --exclude does not see them", modelFile.getFileName(),
                    ControlFlow.bodiesNote(onnx.proto().getGraph()));
        }
        QuantizationReport report = result.report();
        // Whether ONNX Runtime fuses the layout is the point of that target, so check it rather than assume it.
        OrtOptimizedGraph fused = report.target() == QuantizationTarget.ONNXRUNTIME_CPU
                ? OrtOptimizedGraph.of(result.model()) : null;
        // FP32 Convs that ONNX Runtime quantizes itself: without them its QLinearConv count contradicts ours.
        List<String> fusedByOrt = fused != null ? OrtImplicitQuantization.fusedFloatConvs(result.model()) : List.of();
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = toJson(modelFile, report);
            // Present in every run, null where the target or option that fills it was not chosen.
            if (fused != null) {
                ObjectNode o = root.putObject("onnxruntimeCpu");
                fused.integerKernels().forEach(o.putObject("integerKernels")::put);
                fused.floatKernels().forEach(o.putObject("floatKernels")::put);
                strings(o.putArray("fp32ConvsQuantizedByOnnxRuntime"), fusedByOrt);
            } else {
                root.putNull("onnxruntimeCpu");
            }
            if (corrected != null) {
                ObjectNode bc = root.putObject("biasCorrection");
                bc.put("mode", mode.label());
                bc.put("samples", corrected.samples());
                ObjectNode shifts = bc.putObject("largestShift");
                corrected.shifts().forEach(shifts::put);
            } else {
                root.putNull("biasCorrection");
            }
            ExternalDataOption.putJson(root, written);
            json.print(w, root);
        } else {
            w.printf(Locale.ROOT, "Quantized %s with %s → %s%n", modelFile.getFileName(), table.getFileName(), out);
            w.println(report.summary());
            ExternalDataOption.note(written).ifPresent(w::println);
            if (!report.excludedNodes().isEmpty()) {
                // the nodes' names come from the model: shown on one line, without what would reach a terminal raw
                w.println("Kept in FP32: " + ControlCharacters.escape(String.join(", ", report.excludedNodes())));
            }
            if (corrected != null) {
                w.printf(Locale.ROOT, "Bias correction%s: %s over %s, largest shift %.4g%n",
                        mode == BiasCorrection.Mode.ONE_PASS ? "" : " (" + mode.label() + ")",
                        Counts.of(corrected.shifts().size(), "layer"), Counts.of(corrected.samples(), "sample"),
                        corrected.shifts().values().stream().mapToDouble(Float::doubleValue).max().orElse(0));
            }
            if (fused != null) {
                w.println("ONNX Runtime CPU, " + fused.summary());
                if (!fusedByOrt.isEmpty()) {
                    w.println("ONNX Runtime CPU, QLinearConv includes " + Counts.of(fusedByOrt.size(), "Conv")
                            + " kept in FP32 here that it quantizes itself (one INT8 weight scale per tensor; each "
                            + "reads a DequantizeLinear and feeds a QuantizeLinear): "
                            + ControlCharacters.escape(String.join(", ", fusedByOrt)));
                }
            }
            w.flush();
        }
        return 0;
    }

    /**
     * quantize takes its ranges from --table, so without --bias-correction the sample options would be accepted and
     * do nothing, and a wrong --shapes would pass unnoticed.
     */
    private void refuseSampleOptions() {
        ParseResult parsed = spec.commandLine().getParseResult();
        if (dataArguments.givesSamples()) {
            String given = parsed.hasMatchedOption("--data") ? "--data" : "--tokenizer";
            throw new ParameterException(spec.commandLine(), given + " is read only by --bias-correction (the ranges "
                    + "come from --table); add --bias-correction or drop " + given);
        }
        if (parsed.hasMatchedOption("--threads")) {
            throw new ParameterException(spec.commandLine(), "--threads sets the threads of --bias-correction's "
                    + "passes, and quantize runs no model without it; add --bias-correction or drop --threads");
        }
        for (OptionSpec option : spec.mixins().get("dataArguments").options()) {
            if (parsed.hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), option.longestName() + " applies to the samples "
                        + "that --bias-correction runs (the ranges come from --table); add --bias-correction or drop "
                        + option.longestName());
            }
        }
    }

    private BiasCorrection.Result correct(OnnxModel onnx, ModelProto quantized, BiasCorrection.Scope scope,
                                          BiasCorrection.Mode mode) {
        if (!dataArguments.givesSamples(onnx.inputs(), onnx.outputs())) {
            // Random data would "correct" the biases towards noise: insist on real samples.
            throw new InvalidOptionException("--bias-correction needs real samples: give --data (or --tokenizer "
                    + "for a text model)");
        }
        ShapeResolver.requireNoScalarInputs(onnx.path().toString(), onnx.inputs()); // names the model, not the data
        try (CalibrationDataSource source = dataArguments.open(onnx.inputs(), onnx.outputs())) {
            if (mode == BiasCorrection.Mode.ONE_PASS) {
                return BiasCorrection.apply(quantized, source, threads.runnerOptions(), scope);
            }
            int layers = BiasCorrection.layersToCorrect(quantized, scope);
            try (ProgressReporter bar = json.enabled() ? ProgressReporter.silent()
                    : ProgressReporter.start("Correcting biases", layers)) {
                return BiasCorrection.apply(quantized, source, threads.runnerOptions(), scope, mode, bar::update);
            }
        }
    }

    private CalibrationTable readTable(OnnxModel onnx) {
        CalibrationFile file = CalibrationFile.read(table);
        infiniteScales = file.isCache() ? file.cache().infiniteScales() : List.of();
        CalibrationTable t = file.asTable(spec.commandLine().getErr());
        SignedInt8Ranges.require(t, table.toString(), "quantize writes signed 8-bit Q/DQ");
        String madeFor = t.provenance().modelSha256();
        if (madeFor != null && !madeFor.equals(onnx.sha256()) && !force) {
            throw new Trt4jException(table + ": made for model sha256 " + madeFor.substring(0, 12) + "… but "
                    + onnx.path().getFileName() + " is " + onnx.sha256().substring(0, 12) + "… (--force uses it "
                    + "anyway)");
        }
        return t;
    }

    private static String abbreviate(List<String> names) {
        List<String> shown = names.subList(0, Math.min(NAMES_SHOWN, names.size()));
        return "'" + String.join("', '", shown) + "'" + (names.size() > shown.size()
                ? " and " + (names.size() - shown.size()) + " more" : "");
    }

    private ObjectNode toJson(Path modelFile, QuantizationReport report) {
        ObjectNode root = JsonOutput.object();
        root.put("model", modelFile.toString());
        root.put("table", table.toString());
        root.put("out", out.toString());
        root.put("summary", report.summary());
        strings(root.putArray("quantizedNodes"), report.quantizedNodes());
        strings(root.putArray("excludedNodes"), report.excludedNodes());
        strings(root.putArray("dynamicNodes"), report.dynamicNodes());
        strings(root.putArray("residualAdds"), report.residualAdds());
        strings(root.putArray("quantizedActivations"), report.quantizedActivations());
        root.put("quantizedWeights", report.quantizedWeights());
        root.put("singleScaleWeights", report.singleScaleWeights());
        strings(root.putArray("foldedBatchNorms"), report.foldedBatchNorms());
        strings(root.putArray("foldedScaleShifts"), report.foldedScaleShifts());
        root.put("hardSwishes", report.hardSwishes());
        root.put("skipLayerNorms", report.skipLayerNorms());
        root.put("sourceOpset", report.sourceOpset());
        root.put("opset", report.opset());
        root.put("weightGranularity", report.weightGranularity().name().toLowerCase(Locale.ROOT)
                .replace('_', '-'));
        root.put("weightMethod", report.weightMethod());
        root.put("runtime", report.target().cliName());
        root.put("reduceRange", report.reduceRange());
        return root;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
