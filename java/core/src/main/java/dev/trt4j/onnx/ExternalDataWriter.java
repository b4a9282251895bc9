package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A model split into the graph that one ONNX file holds and one data file of its weights, as ONNX's external data
 * lays them out: every tensor whose {@code raw_data} holds at least {@value #MIN_EXTERNAL_BYTES} bytes (initializers
 * and tensor attributes such as a {@code Constant}'s {@code value}, in the main graph, its subgraphs and the model's
 * functions) is moved to the data file, at an offset aligned to {@value #ALIGNMENT} bytes so that ONNX Runtime can
 * map it from the file rather than copy it. The tensor keeps its name, type and dimensions and names the data file
 * by its file name alone, so the two files load from whichever folder they are moved to together.
 *
 * <p>Values held in typed fields ({@code float_data} and the like, as PaddlePaddle exports its weights) are moved as
 * the little-endian bytes {@code raw_data} would hold ({@link TypedValues}); sparse tensors and strings stay in the
 * graph. The weights are not copied: the split model drops them, and {@link #writeData} writes them from the model
 * given.
 */
public final class ExternalDataWriter {
    /** Smaller tensors stay in the graph: shapes, axes and scales, which readers of the graph look at. */
    public static final long MIN_EXTERNAL_BYTES = 1024;
    /** Each tensor starts at a multiple of this offset: a page, so that ONNX Runtime can memory-map it. */
    public static final long ALIGNMENT = 4096;
    private static final byte[] PADDING = new byte[(int) ALIGNMENT];
    private static final int CHUNK = 1 << 20;

    private final String location;
    private final List<ByteString> data = new ArrayList<>();
    private long end;
    private final ModelProto graph;

    private ExternalDataWriter(ModelProto model, String location) {
        this.location = location;
        this.graph = rewrite(model);
    }

    /**
     * Splits {@code model}: the graph that refers to {@code location} for its large tensors, and their bytes.
     *
     * @param location the data file's name, as the graph names it (relative to the model file's folder)
     */
    public static ExternalDataWriter split(ModelProto model, String location) {
        return new ExternalDataWriter(model, location);
    }

    /** The model as the ONNX file holds it: large tensors refer to the data file. */
    public ModelProto model() {
        return graph;
    }

    /** The data file's size: the tensors moved, each at an aligned offset. */
    public long dataBytes() {
        return end;
    }

    /** Number of tensors moved to the data file. */
    public int tensorCount() {
        return data.size();
    }

    /** Writes the data file: each tensor's bytes at its offset, zeros between them. */
    public void writeData(OutputStream out) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long written = 0;
        for (ByteString bytes : data) {
            long offset = aligned(written);
            out.write(PADDING, 0, (int) (offset - written));
            // a chunk at a time: ByteString.writeTo would copy a weight held in a buffer into one more array
            for (ByteBuffer b : bytes.asReadOnlyByteBufferList()) {
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
            written = offset + bytes.size();
        }
    }

    private static long aligned(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private ModelProto rewrite(ModelProto model) {
        // sparse tensors stay in the graph
        return TensorRewriter.rewrite(model, this::tensor, false);
    }

    private TensorProto tensor(TensorProto t) {
        if (ExternalDataInliner.isExternal(t)) {
            return t;
        }
        ByteString bytes = t.getRawData().isEmpty() ? TypedValues.asRawData(t, MIN_EXTERNAL_BYTES) : t.getRawData();
        if (bytes.size() < MIN_EXTERNAL_BYTES) {
            return t;
        }
        long offset = aligned(end);
        data.add(bytes);
        end = offset + bytes.size();
        return TypedValues.cleared(t.toBuilder()).clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(bytes.size())))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
