package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.engine.ByteSize;
import dev.trt4j.onnx.ExternalDataWriter;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.OnnxModelFile;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --external-data} for the commands that write a model (quantize, convert, equalize, and the studies
 * sensitivity and compare-calibrators for the models they write): its weights in one data file beside it, which a
 * model past 2 GiB gets anyway. A picocli mixin.
 */
final class ExternalDataOption {
    @Option(names = "--external-data",
            description = "Write the model's weights (every tensor of 1 KiB or more) to one data file beside it, "
                    + "FILE.data, as ONNX's external data; done anyway where the model would exceed 2 GiB inline.")
    boolean enabled;

    /**
     * Whether the output's data file may be written, and so must be none of the files the command reads: asked for,
     * or likely since the model read exceeds 2 GiB with its weights.
     */
    boolean mayWrite(OnnxModel model) {
        return enabled || OnnxModelFile.needsExternalData(model.proto());
    }

    /**
     * The line that tells where the weights went, for a model written with external data, or asked for it and
     * written inline since no tensor was large enough to move; empty for one written inline as usual.
     */
    static Optional<String> note(OnnxModelFile.Written written) {
        if (written.nothingToMove()) {
            return Optional.of(written.model().getFileName() + " written inline, with no data file: no tensor of "
                    + ExternalDataWriter.MIN_EXTERNAL_BYTES / 1024 + " KiB or more to move");
        }
        return written.dataFile().map(f -> "Weights in " + f.getFileName() + " (" + ByteSize.readable(
                written.dataBytes()) + ") beside " + written.model().getFileName() + ": keep the two files together");
    }

    /** The JSON value for where the weights went: the data file, or null where they are inline. */
    static void putJson(ObjectNode root, OnnxModelFile.Written written) {
        written.dataFile().ifPresentOrElse(f -> root.put("externalData", f.toString()),
                () -> root.putNull("externalData"));
    }

    /** The data file that {@code out} gets with external data. */
    static Path dataFileOf(Path out) {
        return OnnxModelFile.dataFileOf(out);
    }
}
