package dev.trt4j.runtime.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import dev.trt4j.onnx.PositionTable;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Names a token sequence longer than the model's position table when a run fails: ONNX Runtime's own error is a
 * broadcast failure on a node deep in the graph (see {@link PositionTable}). The table is looked up at the first
 * failure, once, so a session whose runs succeed never reads its model file again.
 */
final class SequenceLimit {
    private final Path file;
    /** Null until looked up. */
    private Optional<PositionTable> table;

    SequenceLimit(Path file) {
        this.file = file;
    }

    /**
     * Why a failed run failed, if a token input of {@code data} ([batch, sequence], integer) is longer than the
     * position table.
     */
    Optional<String> explain(String model, Map<String, HostTensor> data) {
        Optional<PositionTable> positions = table();
        if (positions.isEmpty()) {
            return Optional.empty();
        }
        long rows = positions.get().rows();
        for (Map.Entry<String, HostTensor> e : data.entrySet()) {
            HostTensor t = e.getValue();
            boolean tokens = t.type() == ElementType.INT64 || t.type() == ElementType.INT32;
            if (tokens && t.shape().length == 2 && t.shape()[1] > rows) {
                return Optional.of(model + ": input '" + e.getKey() + "' holds " + t.shape()[1] + " tokens a row, but "
                        + "the model's position table has " + rows + " rows (node '" + positions.get().node()
                        + "'); truncate or split the text to " + rows + " tokens or fewer");
            }
        }
        return Optional.empty();
    }

    private synchronized Optional<PositionTable> table() {
        if (table == null) {
            table = lookUp(file);
        }
        return table;
    }

    /** The table, read from the graph alone (weights kept outside the file are not read); empty if unreadable. */
    private static Optional<PositionTable> lookUp(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return PositionTable.find(ModelProto.parseFrom(coded).getGraph());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();  // the run's own error stands
        }
    }
}
