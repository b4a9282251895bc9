package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code trt4j inspect} reports about a model: plain data, so it can be printed as text or serialized.
 *
 * @param path                         model file
 * @param sha256                       SHA-256 of the model file
 * @param producer                     producer name and version as the model records them (may be empty)
 * @param irVersion                    ONNX IR version
 * @param opset                        opset of the default ONNX domain
 * @param inputs                       graph inputs the caller feeds
 * @param outputs                      graph outputs
 * @param operatorCounts               nodes per operator type, sorted by type
 * @param weightCount                  number of weight tensors (initializers and Constant nodes)
 * @param parameterCount               see {@link OnnxModel#parameterCount()}
 * @param quantizableActivationTensors tensors explicit (Q/DQ) quantization calibrates
 * @param allActivationTensors         tensors TensorRT's implicit INT8 mode calibrates
 * @param outputsLeftOut               graph outputs of a type trt4j does not carry, with the type
 * @param undeclaredShapes             graph inputs and outputs whose shape the model does not declare (their
 *                                     {@link TensorSpec} shows rank 0, as a scalar's)
 */
public record ModelSummary(Path path, String sha256, String producer, long irVersion, long opset,
                           List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Integer> operatorCounts,
                           int weightCount, long parameterCount, List<String> quantizableActivationTensors,
                           List<String> allActivationTensors, Map<String, String> outputsLeftOut,
                           java.util.Set<String> undeclaredShapes) {
    public ModelSummary {
        undeclaredShapes = java.util.Set.copyOf(undeclaredShapes);
        outputsLeftOut = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputsLeftOut));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        operatorCounts = Map.copyOf(operatorCounts);
        quantizableActivationTensors = List.copyOf(quantizableActivationTensors);
        allActivationTensors = List.copyOf(allActivationTensors);
    }

    /** The summary of a loaded model. */
    public static ModelSummary of(OnnxModel model) {
        ModelProto p = model.proto();
        String producer = (p.getProducerName() + " " + p.getProducerVersion()).strip();
        return new ModelSummary(model.path(), model.sha256(), producer, p.getIrVersion(), model.opset(),
                model.inputs(), model.outputs(), model.operatorCounts(), model.weightCount(),
                model.parameterCount(), model.quantizableActivationTensors(), model.allActivationTensors(),
                model.outputsLeftOut(), undeclaredShapes(p.getGraph()));
    }

    /** Graph inputs and outputs that are tensors without a declared shape: unknown rank, not rank 0. */
    private static java.util.Set<String> undeclaredShapes(ai.onnx.proto.OnnxMl.GraphProto g) {
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.stream.Stream.concat(g.getInputList().stream(), g.getOutputList().stream())
                .filter(v -> v.getType().hasTensorType() && !v.getType().getTensorType().hasShape())
                .forEach(v -> names.add(v.getName()));
        return names;
    }

    /** {@code t} as text, its shape said unknown where the model declares none. */
    private String describe(TensorSpec t) {
        return undeclaredShapes.contains(t.name()) ? t.name() + " " + t.type() + " (shape not declared)" : t.toString();
    }

    /** The operator types whose activation inputs explicit Q/DQ calibrates, sorted. */
    public List<String> calibratedOperatorTypes() {
        return QuantizableOperators.opTypes().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** Total number of nodes. */
    public int nodeCount() {
        return operatorCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The summary as aligned text lines; operators are listed most frequent first. With {@code listTensors} the
     * calibrated tensors are listed by name too.
     */
    public String toText(boolean listTensors) {
        List<String> lines = new ArrayList<>();
        lines.add(line("model", path.toString()));
        lines.add(line("sha256", sha256));
        lines.add(line("producer", (producer.isEmpty() ? "unknown" : producer) + " (IR " + irVersion + ", opset "
                + opset + ")"));
        for (int i = 0; i < inputs.size(); i++) {
            lines.add(line(i == 0 ? "inputs" : "", describe(inputs.get(i))));
        }
        for (int i = 0; i < outputs.size(); i++) {
            lines.add(line(i == 0 ? "outputs" : "", describe(outputs.get(i))));
        }
        boolean first = outputs.isEmpty();
        for (Map.Entry<String, String> e : outputsLeftOut.entrySet()) {
            lines.add(line(first ? "outputs" : "", e.getKey() + " " + e.getValue() + " (trt4j does not read it)"));
            first = false;
        }
        List<String> ops = operatorCounts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        lines.add(line("operators", Counts.of(nodeCount(), "node") + ": " + String.join(", ", ops)));
        lines.add(line("weights", Counts.of(weightCount, "tensor") + ", " + String.format(Locale.ROOT, "%,d",
                parameterCount) + (parameterCount == 1 ? " parameter" : " parameters")));
        lines.add(line("calibrate", Counts.of(quantizableActivationTensors.size(), "tensor")
                + " for explicit Q/DQ (inputs of " + String.join(", ", calibratedOperatorTypes()) + ")"));
        lines.add(line("", Counts.of(allActivationTensors.size(), "tensor")
                + " for TensorRT implicit INT8 (every activation)"));
        if (listTensors) {
            // One name a line: real models have hundreds, and names may hold spaces.
            for (int i = 0; i < quantizableActivationTensors.size(); i++) {
                lines.add(line(i == 0 ? "explicit" : "", quantizableActivationTensors.get(i)));
            }
            for (int i = 0; i < allActivationTensors.size(); i++) {
                lines.add(line(i == 0 ? "implicit" : "", allActivationTensors.get(i)));
            }
        }
        return String.join(System.lineSeparator(), lines) + System.lineSeparator();
    }

    private static String line(String label, String text) {
        return String.format(Locale.ROOT, "%-10s %s", label, ControlCharacters.escape(text)).stripTrailing();
    }
}
