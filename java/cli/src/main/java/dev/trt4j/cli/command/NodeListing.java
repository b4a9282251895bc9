package dev.trt4j.cli.command;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.quantize.QdqQuantizer;
import dev.trt4j.quantize.QuantizationConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code inspect --nodes}: every node of the main graph by the label quantize, sensitivity and {@code --exclude} use,
 * with its operator and tensors, and whether quantize's defaults make it INT8. Without it a skip-list line or an
 * {@code --exclude} value could not be checked against the model before a run.
 */
final class NodeListing {
    private record Node(String label, String opType, List<String> inputs, List<String> outputs, boolean int8) {
    }

    private final List<Node> nodes = new ArrayList<>();
    /** Why no node is marked INT8 (the model cannot be quantized as it is), or empty. */
    private final Optional<String> notQuantizable;

    private NodeListing(OnnxModel model) {
        Set<String> int8;
        String why = null;
        try {
            // named by its file, as every command names it (the quantizer alone knows only the graph's name)
            QdqQuantizer.requireFp32(model.proto(), model.path().getFileName().toString());
            int8 = Set.copyOf(new QdqQuantizer(QuantizationConfig.defaults()).quantizedNodes(model.proto()));
        } catch (Trt4jException e) {
            int8 = Set.of();
            why = e.getMessage();
        }
        notQuantizable = Optional.ofNullable(why);
        GraphProto graph = model.proto().getGraph();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            String label = QdqQuantizer.nodeLabel(n, i);
            nodes.add(new Node(label, n.getOpType(), n.getInputList(), n.getOutputList(), int8.contains(label)));
        }
    }

    static NodeListing of(OnnxModel model) {
        return new NodeListing(model);
    }

    /**
     * One line a node: {@code * label  OpType  inputs -> outputs}, the star marking INT8 under quantize's defaults.
     * Every name is shown as {@link ControlCharacters#escape} writes it: the names come from the model, and a newline
     * in one would fake a row, an escape sequence would reach the terminal.
     */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(notQuantizable.map(why -> "nodes (quantize cannot take this model: " + ControlCharacters.escape(why)
                + ")").orElse("nodes (* = INT8 under quantize's defaults; the labels --exclude and sensitivity use)"));
        // widths of the names as printed: an escape is longer than the character it stands for
        int width = nodes.stream().mapToInt(n -> ControlCharacters.escape(n.label()).length()).max().orElse(0);
        int opWidth = nodes.stream().mapToInt(n -> ControlCharacters.escape(n.opType()).length()).max().orElse(0);
        for (Node n : nodes) {
            lines.add(String.format(Locale.ROOT, "  %s %-" + width + "s  %-" + opWidth + "s  %s -> %s",
                    n.int8() ? "*" : " ", ControlCharacters.escape(n.label()), ControlCharacters.escape(n.opType()),
                    ControlCharacters.escape(String.join(", ", n.inputs())),
                    ControlCharacters.escape(String.join(", ", n.outputs()))));
        }
        return lines;
    }

    /** Why quantize cannot take the model as it is (so no node is marked INT8), or empty. */
    Optional<String> notQuantizable() {
        return notQuantizable;
    }

    /** {@code [{"label", "opType", "inputs", "outputs", "int8"}]}. */
    void toJson(ArrayNode array) {
        for (Node n : nodes) {
            ObjectNode o = array.addObject().put("label", n.label()).put("opType", n.opType());
            n.inputs().forEach(o.putArray("inputs")::add);
            n.outputs().forEach(o.putArray("outputs")::add);
            o.put("int8", n.int8());
        }
    }
}
