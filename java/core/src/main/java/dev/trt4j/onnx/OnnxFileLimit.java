package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The 2 GiB one ONNX protobuf file holds, checked before a model is written: trt4j writes weights inline, and past
 * the limit protobuf's writer fails with an integer overflow ({@code bufferSize must be >= 0}) that names nothing.
 */
public final class OnnxFileLimit {
    /** A field's tag and length prefix take at most this many bytes. */
    private static final long FIELD_OVERHEAD = 16;

    private OnnxFileLimit() {
    }

    /**
     * Refuses a model too large for one ONNX file, or one still referring to weights in data files, before any byte
     * of it is written.
     *
     * @param out   where the model is to be written, which the message names
     * @param model the model as it would be written, weights inline
     * @throws Trt4jException when {@code model} serializes to more than 2 GiB, or refers to weights in data files
     */
    public static void requireFits(Path out, ModelProto model) {
        if (ExternalDataInliner.hasExternalData(model)) {
            // its locations are relative to the model read, not to out: written as it is, it would load other data
            throw new Trt4jException(out + ": the model keeps weights in external data files (it exceeds 2 GiB "
                    + "with them read in); trt4j writes models with every weight inline, up to 2 GiB");
        }
        long size = serializedSize(model);
        if (size > ExternalDataInliner.PROTOBUF_LIMIT) {
            throw new Trt4jException(String.format(Locale.ROOT, "%s: the model would be %.2f GB, more than the 2 GiB "
                    + "(2.15 GB) one ONNX file holds with its weights inline, as trt4j writes them", out, size / 1e9));
        }
    }

    /**
     * The model's serialized size without overflow: protobuf's own count is an {@code int}, which wraps for a model
     * past 2 GiB. Each node and initializer stays below 2 GiB, as the model read in had to; the sum is a bound
     * within a few bytes per field.
     */
    public static long serializedSize(ModelProto model) {
        GraphProto g = model.getGraph();
        long size = model.toBuilder().clearGraph().build().getSerializedSize() + FIELD_OVERHEAD
                + g.toBuilder().clearNode().clearInitializer().build().getSerializedSize();
        for (var node : g.getNodeList()) {
            size += node.getSerializedSize() + FIELD_OVERHEAD;
        }
        for (var tensor : g.getInitializerList()) {
            size += tensor.getSerializedSize() + FIELD_OVERHEAD;
        }
        return size;
    }
}
