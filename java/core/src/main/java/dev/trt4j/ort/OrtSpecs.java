package dev.trt4j.ort;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns ONNX Runtime's input and output descriptions into {@link TensorSpec}s; the one place trt4j maps ONNX
 * Runtime element types and dimension names, shared by every ONNX Runtime caller.
 */
public final class OrtSpecs {
    private OrtSpecs() {
    }

    /**
     * Tensor entries of {@code infos} that trt4j can carry, in order; others (double or string tensors, sequences,
     * maps) are left out, see {@link #leftOut}.
     */
    public static List<TensorSpec> of(Map<String, NodeInfo> infos) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            if (node.getInfo() instanceof TensorInfo info) {
                elementType(info.type).ifPresent(type -> specs.add(spec(node.getName(), type, info)));
            }
        }
        return specs;
    }

    /**
     * The entries of {@code infos} that {@link #of} leaves out, in order, each with what it is, e.g.
     * {@code DOUBLE tensor}, {@code sequence} or {@code map}.
     */
    public static Map<String, String> leftOut(Map<String, NodeInfo> infos) {
        Map<String, String> left = new LinkedHashMap<>();
        for (NodeInfo node : infos.values()) {
            ValueInfo info = node.getInfo();
            if (info instanceof TensorInfo tensor) {
                if (elementType(tensor.type).isEmpty()) {
                    left.put(node.getName(), tensor.type + " tensor");
                }
            } else {
                left.put(node.getName(), info instanceof SequenceInfo ? "sequence"
                        : info instanceof MapInfo ? "map" : "non-tensor value");
            }
        }
        return left;
    }

    /** A spec named {@code name} with {@code info}'s shape and dimension names (empty names become null). */
    public static TensorSpec spec(String name, ElementType type, TensorInfo info) {
        List<String> dimNames = new ArrayList<>();
        String[] names = info.getDimensionNames();
        for (int i = 0; i < info.getShape().length; i++) {
            String n = names != null && i < names.length ? names[i] : null;
            dimNames.add(n == null || n.isEmpty() ? null : n);
        }
        return new TensorSpec(name, type, info.getShape(), dimNames);
    }

    /** trt4j's element type for an ONNX Runtime one, if trt4j has one. */
    public static Optional<ElementType> elementType(OnnxJavaType type) {
        return Optional.ofNullable(switch (type) {
            case FLOAT -> ElementType.FLOAT32;
            case FLOAT16 -> ElementType.FLOAT16;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case BOOL -> ElementType.BOOL;
            default -> null;
        });
    }
}
