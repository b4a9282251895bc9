package dev.trt4j.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Tells an ONNX model from a TensorRT engine without parsing either, so a command that takes engines can say "that
 * is a model" instead of failing on it later with a message about the engine.
 */
final class OnnxSignature {
    /** Field 1 of {@code ModelProto}, {@code ir_version}, as a varint: the first byte of every ONNX model written. */
    private static final int IR_VERSION_TAG = 0x08;
    /** Field 5 of {@code ModelProto}, {@code model_version}, the one other varint that may follow. */
    private static final int MODEL_VERSION_TAG = 0x28;
    private static final int WIRE_TYPE_MASK = 0x07;
    private static final int LENGTH_DELIMITED = 2;

    private OnnxSignature() {
    }

    /**
     * Whether {@code file} is named {@code .onnx} or starts like a serialized {@code ModelProto}: an
     * {@code ir_version} varint of one byte, then a field tag of the model (producer name, graph, opset import, ...).
     * An unreadable file is not called a model; reading it later gives the real error.
     */
    static boolean looksLikeModel(Path file) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(3);
        } catch (IOException e) {
            return false;
        }
        return start.length == 3 && start[0] == IR_VERSION_TAG && start[1] > 0
                && ((start[2] & WIRE_TYPE_MASK) == LENGTH_DELIMITED || start[2] == MODEL_VERSION_TAG);
    }
}
