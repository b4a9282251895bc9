package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import dev.trt4j.InvalidOptionException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A text model's learned position-embedding table, found by the graph's structure: the number of rows is the
 * longest sequence the model reads. A longer one makes ONNX Runtime fail deep in the graph with a broadcast error.
 *
 * <p>The table is the data of a {@code Gather} (on axis 0) that is a constant 2-D float tensor {@code [P, H]}
 * (initializer or {@code Constant} node), and whose indices are position ids: followed back through
 * {@code Slice} (its data input), {@code Unsqueeze}, {@code Squeeze}, {@code Reshape}, {@code Expand},
 * {@code Cast} and {@code Identity}, they come from
 * <ul>
 *   <li>a constant integer tensor holding exactly 0, 1, …, P−1 (any leading dimensions of 1), passed through a
 *       {@code Slice}: the {@code position_ids} buffer of HuggingFace BERT-like exports (MiniLM, BERT), sliced to
 *       the sequence length; or</li>
 *   <li>a {@code Range} whose start is a constant 0 and whose limit is not a constant (position ids computed from
 *       the sequence length).</li>
 * </ul>
 * Ids that are not cut to the sequence (all P rows of a table, always) are no limit on it: a vision tower's patch
 * positions (CLIP, SigLIP: {@code position_embedding(position_ids)} with all ids) or a prompt-tuning prefix.
 * Names play no part: the word-embedding {@code Gather} reads {@code input_ids} (a graph input, not position ids),
 * and a token-type table reads its ids or a constant of zeros, so neither is taken for the position table. A model
 * whose position ids are a graph input, or computed otherwise (rotary or relative positions), has no table found;
 * it is then not limited here (nor is one whose ids start past 0, as RoBERTa's do).
 *
 * @param node  the {@code Gather} that reads the table (its output name if it has no name)
 * @param table the table's tensor name
 * @param rows  P, the number of positions: the longest sequence the model reads
 */
public record PositionTable(String node, String table, long rows) {
    /** Operators that pass position ids through without changing which positions they hold. */
    private static final Set<String> PASS_THROUGH = Set.of("Slice", "Unsqueeze", "Squeeze", "Reshape", "Expand",
            "Cast", "Identity");
    /** Enough for any export's chain from the ids to the Gather; guards against cycles in a malformed graph. */
    private static final int MAX_DEPTH = 16;

    /**
     * The position table of the main graph; the first found in graph order if there are several (the one the
     * sequence reaches first).
     */
    public static Optional<PositionTable> find(GraphProto graph) {
        TensorOrigins origins = TensorOrigins.of(graph);
        Map<String, TensorProto> constants = origins.constants();
        Map<String, NodeProto> producers = origins.producers();
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Gather") || node.getInputCount() < 2 || axis(node) != 0) {
                continue;
            }
            TensorProto table = constants.get(node.getInput(0));
            if (table == null || table.getDimsCount() != 2 || !isVectorTable(table.getDataType())) {
                continue;
            }
            long rows = table.getDims(0);
            if (rows > 0 && arePositionIds(node.getInput(1), rows, constants, producers, 0, false)) {
                return Optional.of(new PositionTable(node.getName().isEmpty() ? node.getOutput(0) : node.getName(),
                        node.getInput(0), rows));
            }
        }
        return Optional.empty();
    }

    /**
     * Refuses a sequence longer than this table, in the words every command uses.
     *
     * @param model  the model file, named by its file name
     * @param asked  the option that asked for the sequence, as the user wrote it (e.g. {@code --seq-len 600})
     * @param length the sequence length asked for
     * @param use    what to ask for instead, before the number of rows (e.g. {@code "--seq-len "})
     * @throws InvalidOptionException when {@code length} exceeds {@link #rows()}
     */
    public void requireFits(Path model, String asked, long length, String use) {
        if (length > rows) {
            throw new InvalidOptionException(asked + ": " + model.getFileName() + "'s position table has " + rows
                    + " rows (node '" + node + "'); use " + use + rows + " or less");
        }
    }

    /**
     * Whether {@code tensor} holds position ids; {@code sliced}: whether a {@code Slice} lies between it and the
     * {@code Gather}.
     */
    private static boolean arePositionIds(String tensor, long rows, Map<String, TensorProto> constants,
                                          Map<String, NodeProto> producers, int depth, boolean sliced) {
        TensorProto constant = constants.get(tensor);
        if (constant != null) {
            return sliced && isCount(constant, rows);
        }
        NodeProto producer = producers.get(tensor);
        if (producer == null || depth >= MAX_DEPTH || producer.getInputCount() == 0) {
            return false;
        }
        if (producer.getOpType().equals("Range")) {
            TensorProto start = constants.get(producer.getInput(0));
            return start != null && isCount(start, 1) && producer.getInputCount() > 1
                    && !constants.containsKey(producer.getInput(1));
        }
        return PASS_THROUGH.contains(producer.getOpType()) && arePositionIds(producer.getInput(0), rows, constants,
                producers, depth + 1, sliced || producer.getOpType().equals("Slice"));
    }

    /** Whether {@code t} is an integer tensor of n elements 0, 1, …, n−1, all but its last dimension 1. */
    private static boolean isCount(TensorProto t, long n) {
        for (int i = 0; i < t.getDimsCount() - 1; i++) {
            if (t.getDims(i) != 1) {
                return false;
            }
        }
        long[] values = IntegerTensors.values(t);
        if (values == null || values.length != n) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** A table of vectors: float, or 8-bit ahead of a DequantizeLinear (ONNX Runtime's dynamic INT8 models). */
    static boolean isVectorTable(int type) {
        return type == DataType.FLOAT_VALUE || type == DataType.FLOAT16_VALUE || type == DataType.BFLOAT16_VALUE
                || type == DataType.DOUBLE_VALUE || type == DataType.UINT8_VALUE || type == DataType.INT8_VALUE;
    }

    static long axis(NodeProto gather) {
        for (AttributeProto a : gather.getAttributeList()) {
            if (a.getName().equals("axis")) {
                return a.getI();
            }
        }
        return 0;
    }
}
