package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.google.protobuf.ByteString;

import java.util.List;
import java.util.Optional;

/** Reads and makes ONNX node attributes. */
final class Attributes {
    private Attributes() {
    }

    static Optional<AttributeProto> find(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static long getInt(NodeProto n, String name, long fallback) {
        return find(n, name).map(AttributeProto::getI).orElse(fallback);
    }

    static float getFloat(NodeProto n, String name, float fallback) {
        return find(n, name).map(AttributeProto::getF).orElse(fallback);
    }

    static AttributeProto ofInt(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    static AttributeProto ofFloat(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    static AttributeProto ofString(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto ofInts(String name, List<Long> values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(values).build();
    }

    /** {@code n} without the attribute {@code name}. */
    static NodeProto.Builder without(NodeProto n, String name) {
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            if (!a.getName().equals(name)) {
                b.addAttribute(a);
            }
        }
        return b;
    }
}
