package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.Trt4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A model written to a temporary file that only its owner can read, for ONNX Runtime to load by path: streamed from
 * the protobuf, so no byte array of the whole model is ever held.
 */
final class SpooledModel {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledModel.class);
    /** The temporary files' names start so. */
    static final String PREFIX = "trt4j-model-";

    private SpooledModel() {
    }

    /**
     * @param source the model's own file, which messages name
     * @throws Trt4jException naming the temporary folder when the copy cannot be written (a full disk)
     */
    static Path write(ModelProto model, Path source) {
        Path file = null;
        try {
            try {
                file = Files.createTempFile(PREFIX, ".onnx",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                file = Files.createTempFile(PREFIX, ".onnx"); // no POSIX permissions (Windows): the user's temp folder
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                model.writeTo(out);
            }
            return file;
        } catch (IOException e) {
            delete(file);
            throw new Trt4jException(source + ": cannot write the model's temporary copy for ONNX Runtime in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code file}; a failure is logged, since the session is open already. */
    static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete the temporary model copy {}: {}", file, e.getMessage());
        }
    }
}
