package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.TemporaryFolder;
import dev.trt4j.onnx.ExternalDataWriter;
import dev.trt4j.onnx.OnnxFileLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model written to a temporary folder that only its owner can read, for ONNX Runtime to load by path: streamed
 * from the protobuf, so no byte array of the whole model is ever held. A model past 2 GiB, which protobuf cannot
 * write as one message, gets its weights in a data file beside it. A JVM stopped by a signal deletes the folder
 * on its way out; one killed outright (SIGKILL, the kernel's out-of-memory killer) cannot, and leaves it.
 */
public final class SpooledModel {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledModel.class);
    /** The temporary folders' names start so: each holds one model. */
    static final String PREFIX = "trt4j-model-";
    /** The folders of models written with external data: a model past 2 GiB. */
    static final String FOLDER_PREFIX = "trt4j-large-model-";
    private static final String FOLDER_MODEL = "model.onnx";
    /** The most one protobuf holds. */
    static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;
    /**
     * The copies written and not yet deleted, by the model file handed out. Each is a {@link TemporaryFolder}, whose
     * shutdown hook deletes it with its data file when the JVM is stopped (Ctrl-C, a kill during a study's minutes
     * of sessions): registered before anything is written into it, so no moment of the write is left uncovered, and
     * refused once the JVM is stopping, so no copy is begun that nothing would delete.
     */
    private static final Map<Path, TemporaryFolder> LIVE = new ConcurrentHashMap<>();

    private SpooledModel() {
    }

    /**
     * Writes {@code model} into a folder that only this user can read; a model past 2 GiB with its weights in a data
     * file beside it. Hand the path to ONNX Runtime, then {@link #delete} it.
     *
     * @param source the model's own file, which messages name
     * @throws Trt4jException naming the temporary folder and why when the copy cannot be written (a full disk, a
     *                        missing folder), or "interrupted" when the JVM is stopping
     */
    public static Path write(ModelProto model, Path source) {
        return write(model, source, PROTOBUF_LIMIT);
    }

    /** As {@link #write(ModelProto, Path)}, with external data past {@code limit} bytes (tests lower it). */
    static Path write(ModelProto model, Path source, long limit) {
        boolean external = OnnxFileLimit.serializedSize(model) > limit;
        TemporaryFolder folder;
        try {
            // a POSIX temporary folder is created private to its owner (rwx------)
            folder = TemporaryFolder.create(external ? FOLDER_PREFIX : PREFIX);
        } catch (UncheckedIOException e) {
            throw cannotWrite(source, e.getCause());
        }
        Path file = folder.path().resolve(FOLDER_MODEL);
        LIVE.put(file, folder);
        try {
            if (external) {
                ExternalDataWriter split = ExternalDataWriter.split(model, FOLDER_MODEL + ".data");
                try (OutputStream out = Files.newOutputStream(folder.path().resolve(FOLDER_MODEL + ".data"))) {
                    split.writeData(out);
                }
                try (OutputStream out = Files.newOutputStream(file)) {
                    split.model().writeTo(out);
                }
            } else {
                try (OutputStream out = Files.newOutputStream(file)) {
                    model.writeTo(out);
                }
            }
            return file;
        } catch (IOException e) {
            delete(file);
            throw cannotWrite(source, e);
        } catch (RuntimeException | Error e) {
            // out of heap while splitting a model past 2 GiB, say: a long-lived JVM would keep the gigabytes written
            delete(file);
            throw e;
        }
    }

    private static Trt4jException cannotWrite(Path source, IOException e) {
        return new Trt4jException(source + ": cannot write the model's temporary copy for ONNX Runtime in "
                + System.getProperty("java.io.tmpdir") + ": " + AtomicFiles.reason(e), e);
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
        return Set.copyOf(LIVE.keySet());
    }

    /**
     * Deletes {@code file}'s copy: its folder with the model and, where it was written with external data, the data
     * file. A file that cannot be deleted is left, since the session is open already (ONNX Runtime keeps what it
     * mapped of a deleted file).
     */
    public static void delete(Path file) {
        if (file == null) {
            return;
        }
        TemporaryFolder folder = LIVE.remove(file);
        if (folder != null) {
            folder.close();
            if (Files.exists(folder.path())) {
                LOG.warn("could not delete the temporary model copy {}", folder.path());
            }
        }
    }
}
