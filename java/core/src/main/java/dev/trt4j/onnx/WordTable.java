package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A text model's word-embedding table: the data of a {@code Gather} (on axis 0), a constant 2-D float tensor
 * {@code [V, H]}, whose indices are a graph input (directly or through {@code Cast}/{@code Identity}). Its V rows
 * bound the token ids the model can read: an id past them makes ONNX Runtime fail with an index error on that
 * node, which says nothing of the tokenizer that produced the id.
 *
 * @param node  the {@code Gather} that reads the table (its output name if it has no name)
 * @param input the graph input holding the token ids
 * @param rows  V, the number of token ids the table holds
 */
public record WordTable(String node, String input, long rows) {
    private static final Set<String> PASS_THROUGH = Set.of("Cast", "Identity");
    private static final int MAX_DEPTH = 4;

    /** The first word table of the main graph in graph order, if any. */
    public static Optional<WordTable> find(GraphProto graph) {
        List<WordTable> all = findAll(graph);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /**
     * Every such table of the main graph, the first for each graph input, in graph order: BERT's token types
     * ({@code token_type_ids}, 2 rows) are looked up the same way as its words.
     */
    public static List<WordTable> findAll(GraphProto graph) {
        List<WordTable> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> inputs = graph.getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
        TensorOrigins origins = TensorOrigins.of(graph);
        Map<String, TensorProto> constants = origins.constants();
        Map<String, NodeProto> producers = origins.producers();
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Gather") || node.getInputCount() < 2 || PositionTable.axis(node) != 0) {
                continue;
            }
            TensorProto table = constants.get(node.getInput(0));
            if (table == null || table.getDimsCount() != 2 || !PositionTable.isVectorTable(table.getDataType())
                    || table.getDims(0) <= 0) {
                continue;
            }
            String ids = node.getInput(1);
            for (int depth = 0; depth < MAX_DEPTH && !inputs.contains(ids) && !constants.containsKey(ids); depth++) {
                NodeProto producer = producers.get(ids);
                if (producer == null || !PASS_THROUGH.contains(producer.getOpType()) || producer.getInputCount() == 0) {
                    break;
                }
                ids = producer.getInput(0);
            }
            if (inputs.contains(ids) && !constants.containsKey(ids) && seen.add(ids)) {
                found.add(new WordTable(node.getName().isEmpty() ? node.getOutput(0) : node.getName(), ids,
                        table.getDims(0)));
            }
        }
        return List.copyOf(found);
    }
}
