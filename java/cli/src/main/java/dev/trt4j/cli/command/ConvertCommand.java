package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
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
import dev.trt4j.cli.StateFeedbackArguments;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.engine.ShapeSpecParser;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.quantize.Fp16Converter;
import dev.trt4j.quantize.Fp16RangeCheck;
import dev.trt4j.quantize.HeldTableIndices;
import dev.trt4j.quantize.InputSpecializer;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.quantize.ModelFolder;
import dev.trt4j.quantize.NodeSelection;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.quantize.OpsetUpgrade;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.stats.StatisticsSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code trt4j convert --fix-input/--fix-shapes | --opset 13 | --fold | --fp16}: a model with inputs held and its
 * control flow folded, an older model raised to opset 13, its Conv chains folded, or an FP16 copy for strongly typed
 * TensorRT, in that order.
 */
@Command(name = "convert", sortOptions = false, resourceBundle = "dev.trt4j.cli.command.ConvertCommand",
        description = {"Converts a model. --fix-input/--fix-shapes: holds inputs at values or fixed shapes and folds "
                + "the If nodes they decide. --opset 13: raises opset 6-12 to 13, rewriting the operators whose "
                + "inputs or meaning changed (what per-channel Q/DQ needs). --fold: BatchNorm and constant scales and "
                + "shifts after a Conv folded into it, spelled-out hard-swish as one HardSwish node (opset 14), "
                + "positive scalar scales before a Conv folded into its weights, as quantize --runtime "
                + "onnxruntime-cpu does before it places Q/DQ. --fp16: weights and compute in float16 "
                + "with casts at the boundaries; reductions, softmax, the statistics of layer and group normalisations, "
                + "Exp/Log/Pow stay in FP32 (BatchNorm runs in FP16), and "
                + "so do operators without an FP16 form (other domains, recurrent layers, control flow). Several "
                + "may be given; they apply in that order. Other inputs and the outputs keep their types."})
public final class ConvertCommand implements Callable<Integer>, OutOfMemoryHint {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--fp16", description = "Convert to FP16.")
    boolean fp16;

    @Option(names = "--opset", paramLabel = "13", description = "Raise the model's opset to 13 (the only target).")
    Long opset;

    @Option(names = "--fold", description = "Fold BatchNorm and the constant scales and shifts after each Conv into "
            + "it, write spelled-out hard-swish (Add, Clip, Mul, Div) as one HardSwish node, and fold a positive "
            + "scalar Mul before a Conv into its weights: the same function with fewer elementwise passes, and the "
            + "FP32 model to compare a quantize --runtime onnxruntime-cpu model with.")
    boolean fold;

    @Option(names = "--fix-input", paramLabel = "NAME=VALUE[,VALUE...]",
            description = "Hold an input (of fixed shape) at constant values, comma-separated or one value for all, "
                    + "and fold the If nodes that then become constant, for example a sample rate or a zero state; "
                    + "repeatable. Applied first.")
    List<String> fixInputs = new ArrayList<>();

    @Option(names = "--fix-shapes", paramLabel = "SPEC",
            description = "Give inputs fixed shapes, as trtexec's --shapes (for example input:1x576,state:2x1x128, "
                    + "Silero VAD v5's 512 samples plus 64 of context), and fold the If nodes whose condition follows "
                    + "from them; repeatable, as one list. Applied with --fix-input.")
    List<String> fixShapeSpecs = new ArrayList<>();

    /**
     * The {@code --fix-shapes} entries joined into one spec, or null if none: repeatable as --fix-input is, where
     * picocli's 'should be specified only once' gave no hint to join them; an input in two entries is refused.
     */
    private String fixShapes;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The converted model to write.")
    Path out;

    @Option(names = "--keep-fp32", paramLabel = "NAME|OPTYPE|REGEX",
            description = "With --fp16, also keep in FP32: a node name, an operator type (for example Conv), or a regular "
                    + "expression found in node names; repeatable. Each must match something.")
    List<String> keepFp32 = new ArrayList<>();

    @Mixin
    ExternalDataOption externalData;

    // With samples, --fp16 first runs the FP32 model over them and keeps in FP32 what FP16 cannot hold.
    @Mixin
    DataArguments samples;

    @Mixin
    StateFeedbackArguments feedback;

    @Mixin
    OrtThreadsOption threads;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    /** Every weight is held in memory (past 2 GiB too): only --data's range check grows with the batch. */
    @Override
    public String outOfMemoryHint() {
        return samples.givesSamples() ? null : WeightsHeld.hint("convert");
    }

    @Override
    public Integer call() {
        fixShapes = fixShapeSpecs.isEmpty() ? null : String.join(",", fixShapeSpecs);
        if (!fp16 && !keepFp32.isEmpty()) {
            // before the check below, which would otherwise ask for one of four options instead of the one missing
            throw new ParameterException(spec.commandLine(), "--keep-fp32 needs --fp16");
        }
        if (!fp16 && !fold && opset == null && fixInputs.isEmpty() && fixShapes == null) {
            throw new ParameterException(spec.commandLine(),
                    "give --fp16, --fold, --opset 13, --fix-input or --fix-shapes (or several)");
        }
        if (opset != null && opset != OpsetUpgrade.TARGET) {
            throw new ParameterException(spec.commandLine(), "--opset " + opset + ": the only target is "
                    + OpsetUpgrade.TARGET);
        }
        Map<String, String> fixedValues = fixedValues();
        requireDataOptionsUsed(fixedValues.keySet());
        Path modelFile = model != null ? model : DefaultModel.file();
        OutputFiles outputs = OutputModel.of(out, modelFile, samples, externalData);
        outputs.check();
        // every weight read in, past 2 GiB too: the output is then written with external data
        OnnxModel onnx = OnnxModel.loadWithAllWeights(modelFile);
        OutputModel.requireNotItsData(outputs, out, onnx, externalData);
        samples.requireSequenceLengthFits(onnx);
        // Before any step: an operator or opset nothing downstream knows is the model's fault. Only FP16's range
        // check runs the model in ONNX Runtime; every other step keeps plugin nodes as they are.
        String fileName = modelFile.getFileName().toString();
        List<OperatorCheck.PluginNode> plugins = OperatorCheck.require(onnx.proto(), fileName,
                fp16 && samples.givesSamples() ? "--data runs it in ONNX Runtime for FP16's range check" : null);
        long modelOpset;
        try {
            modelOpset = OpsetUpgrade.defaultOpset(onnx.proto());
        } catch (Trt4jException e) {
            throw e.prefixed(fileName + ": ");
        }
        if (opset != null && modelOpset >= OpsetUpgrade.TARGET) {
            // trt4j raises opsets, never lowers them: the step would write the model unchanged
            throw new InvalidOptionException("--opset " + opset + ": " + fileName + " is at opset " + modelOpset
                    + " already, which per-channel Q/DQ takes as it is; leave --opset out");
        }
        long sourceOpset;
        ModelProto converted;
        Fp16Converter.Result half = null;
        InputSpecializer.Result fixed = null;
        ModelFolder.Result folded = null;
        boolean foldUnchanged = false;
        Map<String, long[]> fixedShapes = Map.of();
        try {
            sourceOpset = OpsetUpgrade.defaultOpset(onnx.proto());
            converted = onnx.proto();
            if (!fixedValues.isEmpty() || fixShapes != null) {
                Map<String, long[]> shapes = fixShapes == null ? Map.of()
                        : ShapeSpecParser.parse("--fix-shapes", fixShapes);
                Map<String, TensorProto> values = new LinkedHashMap<>();
                InputSpecializer.requireShapesFit(onnx.proto(), shapes);
                SharedDimensions shared = SharedDimensions.of(onnx.inputs(), shapes);
                fixedValues.forEach((name, text) -> values.put(name, InputSpecializer.value(onnx.proto(), name, text,
                        shapes.containsKey(name) ? shapes.get(name) : sharedShape(onnx.inputs(), name, shared))));
                HeldTableIndices.requireWithinTables(onnx.proto(), values);
                fixed = InputSpecializer.fix(converted, values, shapes);
                converted = fixed.model();
                fixedShapes = shapesTaken(onnx.inputs(), OnnxModel.inputsOf(converted, modelFile), shapes);
            }
            converted = opset != null ? OpsetUpgrade.toTarget(converted) : converted;
            if (fold) {
                folded = ModelFolder.fold(converted);
                foldUnchanged = folded.model().equals(converted);
                converted = folded.model();
            }
        } catch (Trt4jException e) {
            throw e.prefixed(modelFile.getFileName() + ": ");
        }
        requireSequenceFitsPositions(onnx, modelFile, fixedShapes);
        List<Fp16RangeCheck.Finding> beyondFp16 = null;
        if (fp16 && samples.givesSamples()) {
            beyondFp16 = Fp16RangeCheck.beyond(converted, ranges(OnnxModel.fromProto(converted, modelFile)),
                    Fp16RangeCheck.FP16_MAX);
        }
        boolean fp16Unchanged = false;
        GraphProto bodiesBefore = converted.getGraph(); // the graph FP16 converts, its If nodes folded or not
        if (fp16) {
            NodeSelection keep = NodeSelectionOption.parse(converted, modelFile, "--keep-fp32", keepFp32);
            long computing = converted.getGraph().getNodeList().stream().filter(n -> !n.getOpType().equals("Constant"))
                    .count();
            // what --keep-fp32 itself names, not what stays FP32 by rule: a model whose other nodes stay FP32 by
            // rule gets the warning that nothing was converted, as one converted already does
            if (!keep.isEmpty() && keep.select(converted.getGraph()).size() >= computing) {
                throw new InvalidOptionException("--keep-fp32 keeps every node in FP32 (" + computing + "), so the "
                        + "output would be the FP32 model; keep fewer");
            }
            // the default converter, plus what --keep-fp32 names (after the other steps) and the nodes the samples
            // showed beyond FP16's range
            List<String> beyond = beyondFp16 == null ? List.of()
                    : beyondFp16.stream().map(Fp16RangeCheck.Finding::node).toList();
            if (!keep.isEmpty()) {
                // as quantize refuses an --exclude that changes nothing: the same model written would hide a typo.
                // Judged without the samples' findings: a node the user pins that the samples also keep is not a
                // typo, and whether a run is refused must not depend on which samples it read
                new Fp16Converter(NodeSelection.ofNodes(List.of())).keptAnyway(converted, keep).ifPresent(why -> {
                    throw new InvalidOptionException(fileName + ": --keep-fp32 " + why);
                });
            }
            Fp16Converter converter = new Fp16Converter(keep.withNodes(beyond));
            try {
                half = converter.convert(converted);
            } catch (Trt4jException e) {
                throw e.prefixed(modelFile.getFileName() + ": ");
            }
            fp16Unchanged = half.model().equals(converted);
            if (!fp16Unchanged) {
                requireFp16Loads(fileName, converted, half.model());
            }
            converted = half.model();
        }
        OnnxModelFile.Written written = OnnxModelFile.write(out, converted, externalData.enabled);
        PrintWriter err = spec.commandLine().getErr();
        long writtenOpset = OpsetUpgrade.defaultOpset(converted);
        if (opset != null && writtenOpset > opset) {
            // the summary's "to 14" is easy to read past when 13 was asked for, and TensorRT or ONNX Runtime builds
            // pinned at 13 would then refuse the file
            err.println("trt4j: warning: --opset " + opset + ": --fold wrote HardSwish nodes, which need opset "
                    + writtenOpset + ", so " + out.getFileName() + " is at opset " + writtenOpset);
        }
        if (!plugins.isEmpty()) {
            err.println("trt4j: warning: " + OperatorCheck.describe(fileName, plugins));
        }
        if (foldUnchanged) {
            // "Folded 0 BatchNorms ..." alone reads as a summary of work done; the copy is the model as it was
            err.println("trt4j: warning: " + unchangedStep(fileName, "--fold folds", "no BatchNorm or constant scale "
                    + "or shift after a Conv, no spelled-out hard-swish, no positive scalar scale before a Conv"));
        }
        if (half != null && ControlFlow.bodiesHoldOtherThan(bodiesBefore, Set.of("Constant", "Identity"))) {
            // the summary counts the main graph's nodes only, as quantize's does: a branch left in FP32 goes unsaid
            err.println("trt4j: warning: " + fileName + ": " + ControlFlow.bodiesNote(bodiesBefore)
                    + "; their nodes stay FP32 and --keep-fp32 does not see them");
        }
        if (fp16Unchanged) {
            // a second --fp16 (or one on an FP16 export) must not read as if it had converted something
            err.println("trt4j: warning: " + unchangedStep(fileName, "--fp16 converts", "converted already, or what "
                    + "is FP32 stays so by rule" + (keepFp32.isEmpty() ? "" : " or by --keep-fp32")));
        }
        err.flush();
        print(modelFile, sourceOpset, OpsetUpgrade.defaultOpset(converted), fixed, fixedShapes, folded,
                fp16Unchanged, half, beyondFp16, written);
        return 0;
    }

    /**
     * Refuses to write an FP16 model ONNX Runtime cannot load, which evaluate, bench and TensorRT's parser would
     * then refuse with a message about a node trt4j inserted. A model that ONNX Runtime refused before the
     * conversion too is not the conversion's doing (the operator check lets such a model through): written as before.
     */
    private void requireFp16Loads(String fileName, ModelProto before, ModelProto half) {
        OperatorCheck.loadRefusal(half).ifPresent(why -> {
            if (OperatorCheck.loadRefusal(before).isEmpty()) {
                throw new Trt4jException(fileName + ": ONNX Runtime cannot load the model --fp16 makes of it ("
                        + why.replaceFirst("\\.$", "") + "), so " + out.getFileName() + " is not written; convert "
                        + "the FP32 original, or keep more nodes in FP32 with --keep-fp32");
            }
        });
    }

    /**
     * The warning line, without its prefix, for a step that found nothing to do in {@code fileName}: the output is
     * written all the same, and says so, in the same words for every step.
     *
     * @param what the step and its verb, e.g. {@code --fold folds}
     * @param why  why there was nothing
     */
    private String unchangedStep(String fileName, String what, String why) {
        return fileName + " has nothing " + what + " (" + why + "): " + out.getFileName()
                + " is written with that step unchanged";
    }

    /**
     * The {@code --fix-input} values by input name. Parsed here rather than by picocli's map option, whose message for
     * a missing '=' speaks of KEY=VALUE format in its own words.
     */
    private Map<String, String> fixedValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : fixInputs) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || eq == arg.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--fix-input: expected NAME=VALUES (e.g. sr=16000 "
                        + "or state=0), got '" + arg + "'");
            }
            if (arg.indexOf('=', eq + 1) >= 0) {
                throw new ParameterException(spec.commandLine(), "--fix-input: '" + arg + "' names more than one "
                        + "input; commas separate the values of one input, so repeat the option for each ("
                        + oneOptionPerInput(arg) + ")");
            }
            if (values.put(arg.substring(0, eq), arg.substring(eq + 1)) != null) {
                throw new ParameterException(spec.commandLine(), "--fix-input: input '" + arg.substring(0, eq)
                        + "' is given twice");
            }
        }
        return values;
    }

    /** {@code a=1,2,b=3} as {@code --fix-input a=1,2 --fix-input b=3}: a new input starts at each '='. */
    private static String oneOptionPerInput(String arg) {
        List<String> inputs = new ArrayList<>();
        for (String part : arg.split(",", -1)) {
            if (part.contains("=") || inputs.isEmpty()) {
                inputs.add(part);
            } else {
                inputs.set(inputs.size() - 1, inputs.get(inputs.size() - 1) + "," + part);
            }
        }
        return String.join(" ", inputs.stream().map(i -> "--fix-input " + i).toList());
    }

    /**
     * The data options serve FP16's range check alone, so without --fp16 and --data they would be accepted and do
     * nothing; {@code --shapes} is refused for an input the conversion fixes, whose shape the samples then take.
     */
    private void requireDataOptionsUsed(Set<String> fixedInputs) {
        if (samples.givesSamples()) {
            if (!fp16) {
                throw new ParameterException(spec.commandLine(), "--data checks FP16's range; it needs --fp16");
            }
            Set<String> fixed = new TreeSet<>(fixedInputs);
            if (fixShapes != null) {
                fixed.addAll(ShapeSpecParser.parse("--fix-shapes", fixShapes).keySet());
            }
            for (String shapes : samples.shapes()) {
                for (String name : ShapeSpecParser.parse("--shapes", shapes).keySet()) {
                    if (fixed.contains(name)) {
                        throw new ParameterException(spec.commandLine(), "--shapes: input '" + name + "' is fixed by "
                                + "--fix-input or --fix-shapes, and the samples take the shape it is fixed to; "
                                + "leave it out of --shapes");
                    }
                }
            }
            return;
        }
        if (!feedback.feedback().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--feedback feeds state back while --data is run for "
                    + "FP16's range check; give --data too");
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--threads")) {
            throw new ParameterException(spec.commandLine(), "--threads sets the threads of FP16's range check over "
                    + "--data; give --data too");
        }
        for (OptionSpec option : spec.mixins().get("samples").options()) {
            if (parsed.hasMatchedOption(option)) {
                String name = option.longestName();
                throw new ParameterException(spec.commandLine(), switch (name) {
                    case "--samples" -> "--samples counts the --data samples of FP16's range check; give --data too";
                    case "--shapes" -> "--shapes gives the shapes of the --data samples of FP16's range check "
                            + "(--fix-shapes fixes the model's); give --data too";
                    default -> name + " applies to the --data samples of FP16's range check; give --data too";
                });
            }
        }
    }

    /** Each float tensor's largest magnitude over the samples, from one FP32 pass. */
    private Map<String, Float> ranges(OnnxModel fp32) {
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(fp32, fp32.allActivationTensors(),
                StatisticsOptions.defaults().withFeedback(feedback.feedback())
                        .withThreads(threads.runnerOptions().intraOpThreads()));
        try (StatisticsSession session = collector.open();
             CalibrationDataSource source = samples.open(feedback.dataInputs(fp32.path().toString(), fp32.inputs(),
                     fp32.outputs()), fp32.outputs());
             ProgressReporter progress = json.enabled() ? ProgressReporter.silent()
                     : ProgressReporter.start("Checking FP16 range", source.sampleCount().orElse(-1L))) {
            return session.ranges(source, progress::update);
        }
    }

    /**
     * The shapes given, then those the other inputs took through shared dimension names (BERT's attention_mask from
     * input_ids), in input order: what the summary and {@code --json} report as fixed.
     */
    private static Map<String, long[]> shapesTaken(List<TensorSpec> before, List<TensorSpec> after,
                                                   Map<String, long[]> given) {
        Map<String, long[]> taken = new LinkedHashMap<>(given);
        for (TensorSpec now : after) {
            before.stream().filter(b -> b.name().equals(now.name()) && !Arrays.equals(b.dims(), now.dims()))
                    .findFirst().ifPresent(b -> taken.putIfAbsent(now.name(), now.dims()));
        }
        return taken;
    }

    /**
     * Refuses a fixed {@code input_ids} length past the model's position table (see {@link PositionTable}), in the
     * words --shapes and --seq-len use: the conversion would succeed and every later run of the model fail in ONNX
     * Runtime with a shape-inference error. {@code fixed} holds the shapes taken through shared dimension names too
     * (attention_mask:1x600 fixes input_ids), which is why this runs after the inputs are fixed.
     */
    private void requireSequenceFitsPositions(OnnxModel onnx, Path modelFile, Map<String, long[]> fixed) {
        long[] ids = fixed.get("input_ids");
        if (ids != null && ids.length == 2) {
            PositionTable.find(onnx.proto().getGraph()).ifPresent(t -> t.requireFits(modelFile,
                    "--fix-shapes " + fixShapes, ids[1], "a sequence length of "));
        }
    }

    /**
     * The shape of input {@code name} where {@code --fix-shapes} fixes its open dimensions through names it shares
     * with another input (input_ids:1x32 fixes BERT's token_type_ids to 1x32 too), or null to use the declared one.
     */
    private static long[] sharedShape(List<TensorSpec> inputs, String name, SharedDimensions shared) {
        for (TensorSpec in : inputs) {
            if (in.name().equals(name)) {
                long[] bound = shared.bind(in, in.dims());
                return Arrays.equals(bound, in.dims()) ? null : bound;
            }
        }
        return null;
    }

    private void print(Path modelFile, long fromOpset, long toOpset, InputSpecializer.Result fixed,
                       Map<String, long[]> fixedShapes, ModelFolder.Result folded, boolean fp16Unchanged,
                       Fp16Converter.Result half, List<Fp16RangeCheck.Finding> beyondFp16,
                       OnnxModelFile.Written written) {
        PrintWriter w = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode root = JsonOutput.object();
            root.put("model", modelFile.toString());
            root.put("out", out.toString());
            root.put("sourceOpset", fromOpset);
            root.put("opset", toOpset);
            root.put("precision", half != null ? "fp16" : "fp32");
            // Every key in every run, null where the option that fills it was not given: scripts read one schema.
            if (fixed != null) {
                fixed.fixed().forEach(root.putArray("fixedInputs")::add);
                ObjectNode shapes = root.putObject("fixedShapes");
                fixedShapes.forEach((name, dims) -> {
                    var a = shapes.putArray(name);
                    for (long d : dims) {
                        a.add(d);
                    }
                });
                fixed.foldedIfs().forEach(root.putArray("foldedIfs")::add);
            } else {
                root.putNull("fixedInputs");
                root.putNull("fixedShapes");
                root.putNull("foldedIfs");
            }
            if (folded != null) {
                folded.foldedBatchNorms().forEach(root.putArray("foldedBatchNorms")::add);
                folded.foldedScaleShifts().forEach(root.putArray("foldedScaleShifts")::add);
                root.put("hardSwishes", folded.hardSwishes());
            } else {
                root.putNull("foldedBatchNorms");
                root.putNull("foldedScaleShifts");
                root.putNull("hardSwishes");
            }
            if (half != null) {
                root.put("castsAdded", half.castsAdded());
                root.put("fp16NothingToConvert", fp16Unchanged); // the text's "(FP16: nothing to convert)"
                half.fp32Nodes().forEach(root.putArray("fp32Nodes")::add);
                root.put("fp16RangeChecked", beyondFp16 != null);
                if (beyondFp16 != null) {
                    var ranged = root.putArray("beyondFp16");
                    beyondFp16.forEach(f -> ranged.addObject().put("node", f.node()).put("tensor", f.tensor())
                            .put("absMax", f.absMax()));
                } else {
                    root.putNull("beyondFp16"); // not checked (no --data), which an empty list would hide
                }
            } else {
                root.putNull("castsAdded");
                root.putNull("fp16NothingToConvert");
                root.putNull("fp32Nodes");
                root.putNull("fp16RangeChecked");
                root.putNull("beyondFp16");
            }
            ExternalDataOption.putJson(root, written);
            json.print(w, root);
        } else {
            w.printf(Locale.ROOT, "Converted %s%s%s → %s%n", modelFile.getFileName(),
                    toOpset != fromOpset ? " from opset " + fromOpset + " to " + toOpset : "",
                    half == null ? "" : fp16Unchanged ? " (FP16: nothing to convert)" : " to FP16", out);
            ExternalDataOption.note(written).ifPresent(w::println);
            // names of inputs and nodes come from the model: ControlCharacters keeps each on its line, and what would
            // reach the terminal raw (an escape sequence) out of it
            if (fixed != null) {
                w.printf(Locale.ROOT, "Fixed %s; folded %d If node%s%s%n",
                        ControlCharacters.escape(describeFixed(fixed.fixed(), fixedShapes)),
                        fixed.foldedIfs().size(), fixed.foldedIfs().size() == 1 ? "" : "s",
                        fixed.foldedIfs().isEmpty() ? ""
                                : ": " + ControlCharacters.escape(String.join(", ", fixed.foldedIfs())));
            }
            if (folded != null) {
                w.printf(Locale.ROOT,
                        "Folded %s and %s into Convs; %s%n", Counts.of(folded.foldedBatchNorms().size(), "BatchNorm"),
                        Counts.of(folded.foldedScaleShifts().size(), "scale/shift node"),
                        Counts.of(folded.hardSwishes(), "hard-swish chain") + " written as HardSwish");
            }
            if (half != null) {
                w.printf(Locale.ROOT, "%s kept in FP32, %s added%n", Counts.of(half.fp32Nodes().size(), "node"),
                        Counts.of(half.castsAdded(), "cast"));
                if (beyondFp16 == null) {
                    w.printf(Locale.ROOT, "FP16 range not checked (give --data to find values beyond FP16's %.0f)%n",
                            Fp16RangeCheck.FP16_MAX);
                } else {
                    w.printf(Locale.ROOT, "FP16 range checked on the samples: %s beyond %.0f%n",
                            Counts.of(beyondFp16.size(), "node"), Fp16RangeCheck.FP16_MAX);
                    for (Fp16RangeCheck.Finding f : beyondFp16) {
                        w.printf(Locale.ROOT, "  %s: FP32, '%s' reaches %.4g%n", ControlCharacters.escape(f.node()),
                                ControlCharacters.escape(f.tensor()), f.absMax());
                    }
                }
            }
            w.flush();
        }
    }

    /**
     * {@code sr, state (2x1x128) at the given values, input to 1x512}: an input both held and shaped is named once,
     * with the shape its values fill.
     */
    private static String describeFixed(List<String> held, Map<String, long[]> shapes) {
        List<String> what = new ArrayList<>();
        if (!held.isEmpty()) {
            what.add(String.join(", ", held.stream().map(name -> shapes.containsKey(name)
                    ? name + " (" + ShapeSpecParser.format(shapes.get(name)) + ")" : name).toList())
                    + " at the given values");
        }
        shapes.forEach((name, dims) -> {
            if (!held.contains(name)) {
                what.add(name + " to " + ShapeSpecParser.format(dims));
            }
        });
        return String.join(", ", what);
    }
}
