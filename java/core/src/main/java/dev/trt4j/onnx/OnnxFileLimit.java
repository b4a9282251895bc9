package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;


/**
 * The size of a model as one ONNX protobuf file, counted without overflow: past 2 GiB protobuf's own count wraps and
 * its writer fails with an integer overflow ({@code bufferSize must be >= 0}) that names nothing, so the writers
 * ({@link OnnxModelFile}, {@code SpooledModel}) decide from this count whether a model needs external data.
 */
public final class OnnxFileLimit {
    /** A field's tag and length prefix take at most this many bytes. */
    private static final long FIELD_OVERHEAD = 16;

    private OnnxFileLimit() {
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
