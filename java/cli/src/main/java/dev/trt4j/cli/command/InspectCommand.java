package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.cli.DataArguments;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.data.text.OcrModelRole;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.onnx.ModelSummary;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.OperatorCheck;
import dev.trt4j.tensor.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code trt4j inspect}: what a model takes and gives, and which tensors calibration would cover. */
@Command(name = "inspect", sortOptions = false,
        description = "Shows a model's inputs and outputs (shapes, types), opset, operator counts, parameter count "
                + "and the tensors that would be calibrated.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "ONNX model (default: the embedded PP-OCR text-direction classifier).")
    Path model;

    @Option(names = "--tensors", description = "List the calibrated tensors by name.")
    boolean listTensors;

    @Option(names = "--nodes", description = "List every node by the label quantize --exclude and sensitivity use, "
            + "with its operator and tensors, marking those quantize's defaults make INT8 (--json: nodeList).")
    boolean listNodes;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OnnxModel loaded = OnnxModel.load(model != null ? model : DefaultModel.file());
        // a graph every other command refuses (a tensor defined twice, a cycle) is not described as if it were fine;
        // past a size whose load by ONNX Runtime would take minutes, a warning says the check was skipped
        OperatorCheck.requireToDescribe(loaded.proto(), loaded.path().getFileName().toString(), notice -> {
            spec.commandLine().getErr().println("trt4j: warning: " + ControlCharacters.escape(notice));
            spec.commandLine().getErr().flush();
        });
        ModelSummary summary = ModelSummary.of(loaded);
        String samples = defaultSamples(loaded.inputs(), loaded.outputs());
        long bodies = ControlFlow.nodesWithBodies(loaded.proto().getGraph());
        if (json.enabled()) {
            ObjectNode root = toJson(summary);
            root.put("samplesWithoutData", samples);
            root.put("controlFlowNodes", bodies);
            // as the text's control line: If can be folded by convert, Loop and Scan cannot
            long ifs = ControlFlow.ifNodes(loaded.proto().getGraph());
            root.put("ifNodes", ifs);
            root.put("loopOrScanNodes", bodies - ifs);
            // the same keys in every run: null where --nodes was not given
            if (listNodes) {
                NodeListing listing = NodeListing.of(loaded);
                listing.toJson(root.putArray("nodeList"));
                root.put("notQuantizable", listing.notQuantizable().orElse(null));
            } else {
                root.putNull("nodeList");
                root.putNull("notQuantizable");
            }
            json.print(spec.commandLine().getOut(), root);
        } else {
            spec.commandLine().getOut().print(summary.toText(listTensors));
            spec.commandLine().getOut().printf(Locale.ROOT, "%-10s %s%n", "samples",
                    "without --data: " + ControlCharacters.escape(samples)); // it may name an input
            if (bodies > 0) {
                spec.commandLine().getOut().printf(Locale.ROOT, "%-10s %s%n", "control",
                        ControlFlow.bodiesNote(loaded.proto().getGraph()));
            }
            if (listNodes) {
                NodeListing.of(loaded).lines().forEach(spec.commandLine().getOut()::println);
            }
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** What calibrate and the studies feed the model when no {@code --data} is given (see {@link DataArguments}). */
    static String defaultSamples(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        for (TensorSpec in : inputs) {
            if (!ShapeResolver.feeds(in.type())) {
                return "none: input '" + in.name() + "' is " + in.type() + ", which calibration data cannot feed "
                        + "(FLOAT32, FLOAT16, INT64, INT32 and BOOL only)";
            }
            if (in.rank() == 0) {
                // calibrate refuses it, with or without --data: data comes in batches
                return "none: input '" + in.name() + "' is a scalar, which calibration data cannot feed; fix its "
                        + "value first (trt4j convert --fix-input " + in.name() + "=VALUE)";
            }
        }
        if (TextSource.readsTokenIds(inputs)) {
            boolean open = inputs.stream().anyMatch(in -> in.name().equals("input_ids") && in.isDynamic());
            return "the bundled sentences, tokenized with --tokenizer (without it: seeded random token ids"
                    + (open ? ", given --shapes input_ids:BxN)" : ")");
        }
        return OcrModelRole.of(inputs, outputs).map(role -> switch (role) {
            case DIRECTION_CLASSIFIER -> "text lines rendered from the bundled sentences, half of them turned 180 "
                    + "degrees (a PP-OCR direction classifier)";
            case LINE_READER -> "text lines rendered from the bundled sentences (a PP-OCR line recognizer)";
            case TEXT_DETECTOR -> "pages of text lines rendered from the bundled sentences, with their line boxes "
                    + "(a PP-OCR text detector)";
        }).orElse("seeded random data");
    }

    private static ObjectNode toJson(ModelSummary s) {
        ObjectNode root = JsonOutput.object();
        root.put("model", s.path().toString());
        root.put("sha256", s.sha256());
        root.put("producer", s.producer().isEmpty() ? null : s.producer()); // the text report's "unknown"
        root.put("irVersion", s.irVersion());
        root.put("opset", s.opset());
        tensors(root.putArray("inputs"), s.inputs(), s.undeclaredShapes());
        tensors(root.putArray("outputs"), s.outputs(), s.undeclaredShapes());
        ArrayNode leftOut = root.putArray("outputsLeftOut");
        s.outputsLeftOut().forEach((name, type) -> leftOut.addObject().put("name", name).put("type", type));
        ObjectNode ops = root.putObject("operators");
        s.operatorCounts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> ops.put(e.getKey(), e.getValue()));
        root.put("nodes", s.nodeCount());
        root.put("weights", s.weightCount());
        root.put("parameters", s.parameterCount());
        ArrayNode calibrated = root.putArray("calibratedOperatorTypes");
        s.calibratedOperatorTypes().forEach(calibrated::add);
        ArrayNode q = root.putArray("quantizableActivationTensors");
        s.quantizableActivationTensors().forEach(q::add);
        ArrayNode all = root.putArray("allActivationTensors");
        s.allActivationTensors().forEach(all::add);
        return root;
    }

    /** Each tensor with its shape; {@code "shape": null} where the model declares none ({@code []} is a scalar). */
    private static void tensors(ArrayNode array, List<TensorSpec> specs, java.util.Set<String> undeclared) {
        for (TensorSpec t : specs) {
            ObjectNode n = array.addObject();
            n.put("name", t.name());
            n.put("type", t.type().name());
            if (undeclared.contains(t.name())) {
                n.putNull("shape");
                continue;
            }
            ArrayNode dims = n.putArray("shape");
            long[] d = t.dims();
            for (int i = 0; i < d.length; i++) {
                String name = t.dimNames().get(i);
                if (d[i] >= 0) {
                    dims.add(d[i]);
                } else {
                    dims.add(name == null || name.isEmpty() ? "?" : name);
                }
            }
        }
    }
}
