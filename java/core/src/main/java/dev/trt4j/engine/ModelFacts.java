package dev.trt4j.engine;

import ai.onnx.proto.OnnxMl;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What an engine build needs to know about an ONNX model before TensorRT sees it, read from the
 * {@link OnnxModel}: its inputs and tensors (to match calibration tables and caches), whether it carries Q/DQ
 * nodes (explicit INT8) or float16 tensors (a strongly typed FP16 model), and its SHA-256 for the sidecar.
 * Immutable.
 */
public final class ModelFacts {
    private final OnnxModel onnx;
    private final boolean hasQdq;
    private final boolean hasFloat16;

    private ModelFacts(OnnxModel onnx, boolean hasQdq, boolean hasFloat16) {
        this.onnx = onnx;
        this.hasQdq = hasQdq;
        this.hasFloat16 = hasFloat16;
    }

    /** The facts of a loaded model. */
    public static ModelFacts of(OnnxModel model) {
        Objects.requireNonNull(model, "model");
        boolean qdq = model.operatorCounts().containsKey("QuantizeLinear")
                || model.operatorCounts().containsKey("DequantizeLinear");
        return new ModelFacts(model, qdq, hasFloat16(model));
    }

    /** Float16 inputs or weights, or a Cast to float16: the types of such a model are meant to be kept. */
    private static boolean hasFloat16(OnnxModel model) {
        if (model.inputs().stream().anyMatch(in -> in.type() == ElementType.FLOAT16)) {
            return true;
        }
        OnnxMl.GraphProto graph = model.proto().getGraph();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE) {
                return true;
            }
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Cast") && node.getAttributeList().stream().anyMatch(a -> a.getName().equals("to")
                    && a.getI() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE)) {
                return true;
            }
        }
        return false;
    }

    /** The model itself. */
    public OnnxModel onnx() {
        return onnx;
    }

    /** The model file. */
    public Path file() {
        return onnx.path();
    }

    /** The model's file name, for messages. */
    public String name() {
        return onnx.path().getFileName().toString();
    }

    /** SHA-256 of the model file. */
    public String sha256() {
        return onnx.sha256();
    }

    /** The inputs the caller feeds, in model order. */
    public List<TensorSpec> inputs() {
        return onnx.inputs();
    }

    /** True if the model has a tensor of that name (input, weight or node output). */
    public boolean hasTensor(String name) {
        return onnx.hasTensor(name);
    }

    /** True when the model has QuantizeLinear or DequantizeLinear nodes. */
    public boolean hasQdq() {
        return hasQdq;
    }

    /** True when the model has float16 inputs or weights or casts to float16. */
    public boolean hasFloat16() {
        return hasFloat16;
    }
}
