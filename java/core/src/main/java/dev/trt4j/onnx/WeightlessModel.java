package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model file read without its weights: every tensor keeps its name, type and dimensions, but data over
 * {@value #KEPT_BYTES} bytes is skipped in the stream, never held. For questions about the graph's structure asked
 * where the heap may be small (a serving JVM explaining a failed run): parsing a whole model puts every weight on
 * the heap, hundreds of megabytes for a transformer.
 */
public final class WeightlessModel {
    /**
     * Tensors up to this size keep their data: shape constants and position ids (32,768 of them), which structure
     * checks read.
     */
    public static final int KEPT_BYTES = 256 * 1024;
    /** As deep as protobuf itself lets messages nest. */
    private static final int MAX_DEPTH = 100;

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, OTHER }

    private WeightlessModel() {
    }

    /**
     * The model in {@code file}, tensors' large data left out.
     *
     * @throws IOException if the file cannot be read or is not a model
     */
    public static ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(filter(coded, Kind.MODEL, 0));
        }
    }

    /** The message up to the stream's current limit (or its end), re-encoded with large tensor data dropped. */
    private static byte[] filter(CodedInputStream in, Kind kind, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("messages nest more than " + MAX_DEPTH + " deep");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag, out); // copies it
                continue;
            }
            int length = in.readRawVarint32();
            Kind inner = child(kind, field);
            if (inner != Kind.OTHER) {
                int limit = in.pushLimit(length);
                byte[] message = filter(in, inner, depth + 1);
                in.popLimit(limit);
                out.writeByteArray(field, message);
            } else if (kind == Kind.TENSOR && isData(field) && length > KEPT_BYTES) {
                in.skipRawBytes(length);
            } else {
                out.writeByteArray(field, in.readRawBytes(length));
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** What a length-delimited field of a {@code parent} message holds, where it may hold tensors (onnx.proto). */
    private static Kind child(Kind parent, int field) {
        return switch (parent) {
            case MODEL -> field == 7 ? Kind.GRAPH : Kind.OTHER; // graph
            case GRAPH -> switch (field) {
                case 1 -> Kind.NODE; // node
                case 5 -> Kind.TENSOR; // initializer
                default -> Kind.OTHER;
            };
            case NODE -> field == 5 ? Kind.ATTRIBUTE : Kind.OTHER; // attribute
            case ATTRIBUTE -> switch (field) {
                case 5, 10 -> Kind.TENSOR; // t, tensors
                case 6, 11 -> Kind.GRAPH; // g, graphs (If/Loop bodies)
                default -> Kind.OTHER;
            };
            default -> Kind.OTHER;
        };
    }

    /** TensorProto's data fields: float, int32, int64, raw, double and uint64 data. */
    private static boolean isData(int field) {
        return field == 4 || field == 5 || field == 7 || field == 9 || field == 10 || field == 11;
    }
}
