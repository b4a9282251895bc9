package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ExternalDataWriter;
import dev.trt4j.onnx.OnnxFileLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model written to a temporary file that only its owner can read, for ONNX Runtime to load by path: streamed from
 * the protobuf, so no byte array of the whole model is ever held. A model past 2 GiB, which protobuf cannot write
 * as one message, goes to a private folder with its weights in a data file beside it.
 */
public final class SpooledModel {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledModel.class);
    /** The temporary files' names start so. */
    static final String PREFIX = "trt4j-model-";
    /** The folders of models written with external data: a model past 2 GiB. */
    static final String FOLDER_PREFIX = "trt4j-large-model-";
    private static final String FOLDER_MODEL = "model.onnx";
    /** The most one protobuf holds. */
    static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;
    /**
     * The copies written and not yet deleted. A JVM stopped while ONNX Runtime reads one (Ctrl-C, a kill during a
     * study's minutes of sessions) deletes them on its way out: each can be gigabytes in the temporary folder.
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Set.copyOf(LIVE).forEach(SpooledModel::delete),
                "trt4j-spooled-model-cleanup"));
    }

    private SpooledModel() {
    }

    /**
     * Writes {@code model} where only this user can read it; a model past 2 GiB with its weights in a data file
     * beside it. Hand the path to ONNX Runtime, then {@link #delete} it.
     *
     * @param source the model's own file, which messages name
     * @throws Trt4jException naming the temporary folder when the copy cannot be written (a full disk)
     */
    public static Path write(ModelProto model, Path source) {
        return write(model, source, PROTOBUF_LIMIT);
    }

    /** As {@link #write(ModelProto, Path)}, with external data past {@code limit} bytes (tests lower it). */
    static Path write(ModelProto model, Path source, long limit) {
        if (OnnxFileLimit.serializedSize(model) > limit) {
            return writeWithExternalData(model, source);
        }
        Path file = null;
        try {
            try {
                file = Files.createTempFile(PREFIX, ".onnx",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                file = Files.createTempFile(PREFIX, ".onnx"); // no POSIX permissions (Windows): the user's temp folder
            }
            LIVE.add(file);
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

    /**
     * A session of {@code model}: from its bytes where it has them, else (past 2 GiB) from a temporary copy with
     * external data, deleted once the session is open.
     *
     * @param name names the model in the message when the copy cannot be written
     */
    public static OrtSession session(ModelProto model, String name, OrtSession.SessionOptions options,
                                     OrtSession.SessionOptions.OptLevel level) throws OrtException {
        if (OnnxFileLimit.serializedSize(model) <= PROTOBUF_LIMIT) {
            return OrtRuntime.createSession(model.toByteArray(), options, level);
        }
        Path spooled = write(model, Path.of(name));
        try {
            return OrtRuntime.createSession(spooled, options, level);
        } finally {
            delete(spooled);
        }
    }

    /** The copies written and not yet deleted, which a stopping JVM deletes (for tests). */
    static Set<Path> live() {
        return Set.copyOf(LIVE);
    }

    /**
     * A model past 2 GiB, which protobuf cannot write as one file: a private folder holding the model with its
     * weights in one data file, which ONNX Runtime reads from the model's folder.
     */
    private static Path writeWithExternalData(ModelProto model, Path source) {
        Path folder = null;
        try {
            try {
                folder = Files.createTempDirectory(FOLDER_PREFIX,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                folder = Files.createTempDirectory(FOLDER_PREFIX);
            }
            Path file = folder.resolve(FOLDER_MODEL);
            LIVE.add(file);
            ExternalDataWriter split = ExternalDataWriter.split(model, FOLDER_MODEL + ".data");
            try (OutputStream out = Files.newOutputStream(folder.resolve(FOLDER_MODEL + ".data"))) {
                split.writeData(out);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                split.model().writeTo(out);
            }
            return file;
        } catch (IOException e) {
            if (folder != null) {
                delete(folder.resolve(FOLDER_MODEL));
            }
            throw new Trt4jException(source + ": cannot write the model's temporary copy for ONNX Runtime in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code file}, and its data file and folder where it was written with external data; a failure is
     * logged, since the session is open already (ONNX Runtime keeps what it mapped of a deleted file).
     */
    public static void delete(Path file) {
        if (file == null) {
            return;
        }
        LIVE.remove(file);
        try {
            Files.deleteIfExists(file);
            Path folder = file.getParent();
            if (file.getFileName().toString().equals(FOLDER_MODEL) && folder != null
                    && folder.getFileName().toString().startsWith(FOLDER_PREFIX)) {
                Files.deleteIfExists(folder.resolve(FOLDER_MODEL + ".data"));
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary model copy {}: {}", file, e.getMessage());
        }
    }
}
