package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.onnx.WeightlessModel;
import dev.trt4j.onnx.WordTable;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names what was wrong with a text model's token inputs when a run fails, where ONNX Runtime's own error points deep
 * into the graph: a sequence longer than the position table (a broadcast failure, see {@link PositionTable}), or a
 * token id past the word-embedding table (an index error, see {@link WordTable}: a tokenizer made for another
 * model). The tables are looked up at the first failure, once, so a session whose runs succeed never reads its model
 * file again. Thread-safe.
 */
public final class TokenInputLimits {
    /** For a model without a file to read (a graph built in memory): explains nothing. */
    static final TokenInputLimits NONE = new TokenInputLimits(null);

    private final Path file;
    /** Null until looked up. */
    private Tables tables;

    /** The limits of the model in {@code file} (read at the first failure), or none where {@code file} is null. */
    public TokenInputLimits(Path file) {
        this.file = file;
    }

    /**
     * Why a failed run failed, if a token input of {@code data} ([batch, sequence], integer) is longer than the
     * position table, or holds an id the word table has no row for; for the length, the first such input in the
     * model's order {@code inputNames} is named (token ids before the mask, as models list them), whatever the order
     * of the caller's map.
     */
    public Optional<String> explain(String model, Collection<String> inputNames, Map<String, HostTensor> data) {
        Tables found = tables();
        if (found.positions().isPresent()) {
            long rows = found.positions().get().rows();
            for (String name : inputNames) {
                HostTensor t = data.get(name);
                if (t != null && isTokens(t) && t.shape()[1] > rows) {
                    return Optional.of(model + ": input '" + name + "' holds " + t.shape()[1] + " tokens a row, but "
                            + "the model's position table has " + rows + " rows (node '"
                            + found.positions().get().node() + "'); truncate or split the text to " + rows
                            + " tokens or fewer");
                }
            }
        }
        // the word table first (input_ids), then the others (token_type_ids), as the model lists its tables
        for (int k = 0; k < found.tables().size(); k++) {
            WordTable table = found.tables().get(k);
            HostTensor t = data.get(table.input());
            if (t == null || !isTokens(t)) {
                continue;
            }
            long[] ids = t.type() == ElementType.INT64 ? t.longs() : widen(t.ints());
            for (int i = 0; i < ids.length; i++) {
                // negative ids never get here: TokenInputCheck refuses them before the run
                if (ids[i] >= table.rows()) {
                    long width = t.shape()[1];
                    String where = " (row " + i / width + ", position " + i % width + "), but the model's ";
                    return Optional.of(model + ": input '" + table.input() + "' holds " + (k == 0
                            ? "token id " + ids[i] + where + "word table has " + table.rows() + " rows (node '"
                            + table.node() + "'): token ids must be below " + table.rows() + "; a tokenizer made for "
                            + "another model, with a larger vocabulary, gives such ids"
                            : ids[i] + where + "table for it has " + table.rows() + " rows (node '" + table.node()
                            + "'): its values must be below " + table.rows()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isTokens(HostTensor t) {
        return (t.type() == ElementType.INT64 || t.type() == ElementType.INT32) && t.shape().length == 2;
    }

    private static long[] widen(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private synchronized Tables tables() {
        if (tables == null) {
            tables = file == null ? Tables.NONE : lookUp(file);
        }
        return tables;
    }

    /**
     * The tables, read from the graph alone, without the weights (a serving JVM's small heap would not hold them:
     * a bad request then threw {@link OutOfMemoryError}); none if unreadable, and not looked up again.
     */
    private static Tables lookUp(Path file) {
        try {
            GraphProto graph = WeightlessModel.read(file).getGraph();
            List<WordTable> tables = new java.util.ArrayList<>(WordTable.findAll(graph));
            // input_ids' table is the word table, whatever the graph's order
            tables.sort(java.util.Comparator.comparing(t -> !t.input().equals("input_ids")));
            return new Tables(PositionTable.find(graph), List.copyOf(tables));
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return Tables.NONE;  // the run's own error stands
        }
    }

    /** The position table, and the lookup tables of graph inputs: the word table first, as graph order has it. */
    private record Tables(Optional<PositionTable> positions, List<WordTable> tables) {
        static final Tables NONE = new Tables(Optional.empty(), List.of());
    }
}
