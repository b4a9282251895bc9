package dev.trt4j.ort;

import dev.trt4j.onnx.PositionTable;
import dev.trt4j.onnx.WeightlessModel;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Names a token sequence longer than the model's position table when a run fails: ONNX Runtime's own error is a
 * broadcast failure on a node deep in the graph (see {@link PositionTable}). The table is looked up at the first
 * failure, once, so a session whose runs succeed never reads its model file again. Thread-safe.
 */
public final class SequenceLimit {
    /** For a model without a file to read (a graph built in memory): explains nothing. */
    static final SequenceLimit NONE = new SequenceLimit(null);

    private final Path file;
    /** Null until looked up. */
    private Optional<PositionTable> table;

    /** The limit of the model in {@code file} (read at the first failure), or none where {@code file} is null. */
    public SequenceLimit(Path file) {
        this.file = file;
    }

    /**
     * Why a failed run failed, if a token input of {@code data} ([batch, sequence], integer) is longer than the
     * position table; the first such input in the model's order {@code inputNames} is named (token ids before the
     * mask, as models list them), whatever the order of the caller's map.
     */
    public Optional<String> explain(String model, Collection<String> inputNames, Map<String, HostTensor> data) {
        Optional<PositionTable> positions = table();
        if (positions.isEmpty()) {
            return Optional.empty();
        }
        long rows = positions.get().rows();
        for (String name : inputNames) {
            HostTensor t = data.get(name);
            if (t == null) {
                continue;
            }
            boolean tokens = t.type() == ElementType.INT64 || t.type() == ElementType.INT32;
            if (tokens && t.shape().length == 2 && t.shape()[1] > rows) {
                return Optional.of(model + ": input '" + name + "' holds " + t.shape()[1] + " tokens a row, but "
                        + "the model's position table has " + rows + " rows (node '" + positions.get().node()
                        + "'); truncate or split the text to " + rows + " tokens or fewer");
            }
        }
        return Optional.empty();
    }

    private synchronized Optional<PositionTable> table() {
        if (table == null) {
            table = file == null ? Optional.empty() : lookUp(file);
        }
        return table;
    }

    /**
     * The table, read from the graph alone, without the weights (a serving JVM's small heap would not hold them:
     * a bad request then threw {@link OutOfMemoryError}); empty if unreadable, and not looked up again.
     */
    private static Optional<PositionTable> lookUp(Path file) {
        try {
            return PositionTable.find(WeightlessModel.read(file).getGraph());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return Optional.empty();  // the run's own error stands
        }
    }
}
