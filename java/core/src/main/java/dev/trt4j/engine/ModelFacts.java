package dev.trt4j.engine;

import ai.onnx.proto.OnnxMl;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an engine build needs to know about an ONNX model before TensorRT sees it: its inputs, every tensor
 * name (to match calibration tables), whether it carries Q/DQ nodes (explicit INT8) or float16 tensors (a
 * strongly typed FP16 model), and its SHA-256 for the sidecar.
 */
public record ModelFacts(Path file, String sha256, List<TensorSpec> inputs, Set<String> tensorNames,
        boolean hasQdq, boolean hasFloat16) {
    public ModelFacts {
        inputs = List.copyOf(inputs);
        tensorNames = Collections.unmodifiableSet(new LinkedHashSet<>(tensorNames));
    }

    /**
     * Reads a model file (external weight files are not opened; only the graph is needed).
     *
     * @throws Trt4jException when the file is missing or not an ONNX model
     */
    public static ModelFacts read(Path file) {
        byte[] bytes;
        OnnxMl.ModelProto model;
        try {
            bytes = Files.readAllBytes(file);
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": model not found");
        } catch (IOException e) {
            throw new Trt4jException(file + ": not an ONNX model (" + e.getMessage() + ")");
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new Trt4jException(file + ": not an ONNX model (no graph nodes)");
        }
        return of(file, Sha256.of(bytes), model.getGraph());
    }

    static ModelFacts of(Path file, String sha256, OnnxMl.GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        boolean float16 = false;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            initializers.add(t.getName());
            float16 |= t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
        }
        List<TensorSpec> inputs = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
            if (initializers.contains(v.getName())) {
                continue;
            }
            TensorSpec spec = specOf(v);
            inputs.add(spec);
            names.add(v.getName());
            float16 |= spec.type() == ElementType.FLOAT16;
        }
        boolean qdq = false;
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            names.addAll(node.getOutputList());
            String op = node.getOpType();
            qdq |= op.equals("QuantizeLinear") || op.equals("DequantizeLinear");
            if (op.equals("Cast")) {
                for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                    float16 |= a.getName().equals("to") && a.getI() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
                }
            }
        }
        names.addAll(initializers);
        return new ModelFacts(file, sha256, inputs, names, qdq, float16);
    }

    private static TensorSpec specOf(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        List<OnnxMl.TensorShapeProto.Dimension> dimList = t.getShape().getDimList();
        long[] dims = new long[dimList.size()];
        List<String> dimNames = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = dimList.get(i);
            dims[i] = d.hasDimValue() && d.getDimValue() >= 0 ? d.getDimValue() : -1;
            dimNames.add(d.hasDimParam() ? d.getDimParam() : null);
        }
        return new TensorSpec(v.getName(), elementType(v.getName(), t.getElemType()), dims, dimNames);
    }

    private static ElementType elementType(String name, int onnxType) {
        return switch (onnxType) {
            case OnnxMl.TensorProto.DataType.FLOAT_VALUE -> ElementType.FLOAT32;
            case OnnxMl.TensorProto.DataType.FLOAT16_VALUE -> ElementType.FLOAT16;
            case OnnxMl.TensorProto.DataType.INT64_VALUE -> ElementType.INT64;
            case OnnxMl.TensorProto.DataType.INT32_VALUE -> ElementType.INT32;
            case OnnxMl.TensorProto.DataType.INT8_VALUE -> ElementType.INT8;
            case OnnxMl.TensorProto.DataType.UINT8_VALUE -> ElementType.UINT8;
            case OnnxMl.TensorProto.DataType.BOOL_VALUE -> ElementType.BOOL;
            default -> throw new Trt4jException("model input '" + name + "' has ONNX element type " + onnxType
                    + ", which trt4j cannot feed");
        };
    }

    /** The model's file name, for messages. */
    public String name() {
        return file.getFileName().toString();
    }
}
