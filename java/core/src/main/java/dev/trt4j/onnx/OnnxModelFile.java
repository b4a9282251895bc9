package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFileSet;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.StagedWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes a model trt4j made to its file: inline, one protobuf, as long as it fits one and the user did not ask
 * otherwise; else with its weights in one data file beside it ({@link ExternalDataWriter}), named
 * {@code <file name>.data}. The model and its data file appear together or not at all. A data file under that name
 * is replaced where the new model is written with external data; where it is written inline, the data file is never
 * removed, since another model (a copy of the one replaced, the very input of the run) may read it, or it may be a
 * link to weights shared elsewhere: where the model replaced named it, a warning says it is left.
 */
public final class OnnxModelFile {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelFile.class);

    private OnnxModelFile() {
    }

    /**
     * What was written.
     *
     * @param model     the model file
     * @param dataFile  the data file beside it; empty where the weights are inline
     * @param dataBytes the data file's size (0 where there is none)
     * @param nothingToMove whether external data was asked for but no tensor was large enough to move: the model
     *                      is then written inline, with no data file, rather than beside an empty one
     */
    public record Written(Path model, Optional<Path> dataFile, long dataBytes, boolean nothingToMove) {
    }

    /** Where the weights of a model written to {@code out} with external data go: {@code <out's name>.data}. */
    public static Path dataFileOf(Path out) {
        return out.resolveSibling(out.getFileName() + ".data");
    }

    /**
     * Whether {@code model}, written inline, would exceed the 2 GiB one ONNX protobuf holds: it is then written
     * with external data whatever the caller asks.
     */
    public static boolean needsExternalData(ModelProto model) {
        return OnnxFileLimit.serializedSize(model) > ExternalDataInliner.PROTOBUF_LIMIT;
    }

    /**
     * Writes {@code model} to {@code out} atomically; inline (byte for byte what protobuf writes) unless
     * {@code externalData} is asked for or the model would exceed 2 GiB inline.
     *
     * @throws Trt4jException before anything is written, when the model still refers to another model's data files,
     *                        or when even its graph with the large tensors moved out exceeds 2 GiB; or naming the
     *                        file that cannot be written
     */
    public static Written write(Path out, ModelProto model, boolean externalData) {
        return write(out, model, externalData, ExternalDataInliner.PROTOBUF_LIMIT);
    }

    /** As {@link #write(Path, ModelProto, boolean)}, with {@code limit} in place of 2 GiB (for tests). */
    static Written write(Path out, ModelProto model, boolean externalData, long limit) {
        requireOwnWeights(out, model);
        return write(out, model, split(out, model, externalData, limit));
    }

    private static void requireOwnWeights(Path out, ModelProto model) {
        if (ExternalDataInliner.hasExternalData(model)) {
            // its locations are relative to the model read, not to out: written as it is, it would load other data
            throw new Trt4jException(out + ": the model still refers to weights in another model's data files; "
                    + "load it with every weight read in before writing it");
        }
    }

    /** Writes {@code model} inline where {@code split} is null or moved nothing, else as {@code split} laid it out. */
    private static Written write(Path out, ModelProto model, ExternalDataWriter split) {
        if (split == null || split.tensorCount() == 0) {
            Optional<Path> stale = earlierDataFile(out);
            AtomicFiles.write(out, model::writeTo);
            stale.ifPresent(data -> warnLeft(data, out));
            return new Written(out, Optional.empty(), 0, split != null);
        }
        Path dataFile = dataFileOf(out);
        try (AtomicFileSet files = new AtomicFileSet()) {
            files.write(dataFile, split::writeData);
            files.write(out, split.model()::writeTo);
            files.commit();
        }
        return new Written(out, Optional.of(dataFile), split.dataBytes(), false);
    }

    /**
     * The model split for external data where it is asked for or the model exceeds {@code limit} inline; null where
     * it is written inline.
     *
     * @throws Trt4jException when even the graph with the large tensors moved out exceeds the limit
     */
    private static ExternalDataWriter split(Path out, ModelProto model, boolean externalData, long limit) {
        if (!externalData && OnnxFileLimit.serializedSize(model) <= limit) {
            return null;
        }
        Path dataFile = dataFileOf(out);
        ExternalDataWriter split = ExternalDataWriter.split(model, dataFile.getFileName().toString());
        long graphBytes = OnnxFileLimit.serializedSize(split.model());
        if (graphBytes > limit) {
            throw new Trt4jException(String.format(Locale.ROOT, "%s: the model would be %.2f GB even with every "
                    + "tensor of %d bytes or more in %s, more than the 2 GiB (2.15 GB) one ONNX file holds (weights in "
                    + "typed fields or sparse tensors stay in it)", out, graphBytes / 1e9,
                    ExternalDataWriter.MIN_EXTERNAL_BYTES, dataFile.getFileName()));
        }
        return split;
    }

    /**
     * As {@link #write(Path, ModelProto, boolean)}, into {@code files}: the model as {@code fileName}, and where it is
     * written with external data its data file beside it, both moved into place by {@link StagedWrites#commit()}
     * with the set's other files. The result names the files where they will be once committed.
     *
     * @throws Trt4jException as {@link #write(Path, ModelProto, boolean)}
     */
    public static Written stage(StagedWrites files, String fileName, ModelProto model, boolean externalData) {
        return stage(files, fileName, model, externalData, ExternalDataInliner.PROTOBUF_LIMIT);
    }

    /** As {@link #stage(StagedWrites, String, ModelProto, boolean)}, with {@code limit} in place of 2 GiB (tests). */
    static Written stage(StagedWrites files, String fileName, ModelProto model, boolean externalData, long limit) {
        Path target = files.target(fileName);
        requireOwnWeights(target, model);
        // split once, before staging: the data file is staged only where it will be written, since a commit refuses
        // a staged file that was not (none where no tensor is large enough to move); the staged files keep the
        // target's names, so the split's location holds for them
        ExternalDataWriter split = split(target, model, externalData, limit);
        boolean external = split != null && split.tensorCount() > 0;
        Path staged = files.stage(fileName);
        String dataName = fileName + ".data";
        if (external) {
            files.stage(dataName);
        } else {
            earlierDataFile(target).ifPresent(data -> warnLeft(data, target));
        }
        Written written = write(staged, model, split);
        return new Written(target, written.dataFile().map(d -> files.target(dataName)),
                written.dataBytes(), written.nothingToMove());
    }

    private static void warnLeft(Path data, Path out) {
        LOG.warn("{}: left in place beside {}, now written with its weights inline: the model it replaced read its "
                + "weights from it, and another model may still (a copy of it, the run's own input); delete it if none "
                + "does", ControlCharacters.escape(data.toString()),
                ControlCharacters.escape(String.valueOf(out.getFileName())));
    }

    /**
     * The data file beside {@code out} where the model at {@code out} now, which the write replaces, refers to it:
     * an earlier output with external data, whose data file stays beside the new inline model. A file the model
     * there does not name (or no model there) is someone else's: empty, and nothing is said of it.
     */
    private static Optional<Path> earlierDataFile(Path out) {
        Path data = dataFileOf(out);
        if (!Files.isRegularFile(data) || !Files.isRegularFile(out)) {
            return Optional.empty();
        }
        try {
            // without its large tensors' bytes: a 2 GB inline model there is streamed, not held
            ModelProto earlier = WeightlessModel.read(out);
            return ExternalDataInliner.refersTo(earlier, data.getFileName().toString()) ? Optional.of(data)
                    : Optional.empty();
        } catch (IOException | RuntimeException notAModel) {
            return Optional.empty(); // nothing of it is trt4j's to remove
        }
    }
}
