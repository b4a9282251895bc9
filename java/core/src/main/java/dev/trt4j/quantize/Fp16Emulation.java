package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rewrites an FP16 model so that ONNX Runtime's CPU provider reproduces its FP16 rounding.
 *
 * <p>That provider has FP16 kernels for few operators. For the others it computes in FP32, and it drops the casts
 * around such a node, so an activation that the model stores in FP16 (and TensorRT computes in FP16) keeps its FP32
 * value: measured on CPU, the FP16 model then looks closer to FP32 than it is. Here every node that reads or writes
 * FP16 tensors computes in FP32 between explicit casts instead: its FP16 inputs are cast up, and each FP16 output is
 * written in FP32 and cast down to FP16 under its own name. ONNX Runtime keeps explicit casts, so every FP16 tensor
 * is rounded to FP16 where the model says. What is left out is rounding inside an operator (FP16 accumulation),
 * which TensorRT's FP16 kernels mostly do in FP32 too.
 */
public final class Fp16Emulation {
    /** Nodes that only move or describe data, or make values by attribute: left as they are. */
    private static final Set<String> UNCHANGED = Set.of("Cast", "CastLike", "Constant", "ConstantOfShape", "EyeLike",
            "Shape", "Size", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike");

    private Fp16Emulation() {
    }

    /** True if some node of {@code model}'s main graph reads or writes an FP16 tensor and computes with it. */
    public static boolean computesInFp16(ModelProto model) {
        Map<String, Integer> types = ElementTypeInference.inferAll(model);
        return model.getGraph().getNodeList().stream().anyMatch(n -> emulated(n, types));
    }

    /**
     * {@code model} with every FP16-computing node of its main graph computing in FP32 between casts; {@code model}
     * itself when no node computes in FP16.
     */
    public static ModelProto emulate(ModelProto model) {
        return emulate(model, ElementTypeInference.inferAll(model));
    }

    /** As {@link #emulate(ModelProto)}, with the element types already known (e.g. an {@code OnnxModel}'s). */
    public static ModelProto emulate(ModelProto model, Map<String, Integer> types) {
        Objects.requireNonNull(model, "model");
        GraphProto graph = model.getGraph();
        if (graph.getNodeList().stream().noneMatch(n -> emulated(n, types))) {
            return model;
        }
        UniqueNames names = new UniqueNames(graph);
        Map<String, String> upcast = new HashMap<>(); // FP16 tensor → its FP32 cast
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (!emulated(n, types)) {
                nodes.add(n);
                continue;
            }
            String label = GraphIndex.label(n, i);
            NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                if (isHalf(in, types)) {
                    b.setInput(k, upcast.computeIfAbsent(in, t -> {
                        String f = names.take(t + "_fp32");
                        nodes.add(cast(names.take(f + "_Cast"), t, f, DataType.FLOAT_VALUE));
                        return f;
                    }));
                }
            }
            List<NodeProto> after = new ArrayList<>();
            for (int k = 0; k < n.getOutputCount(); k++) {
                String out = n.getOutput(k);
                if (isHalf(out, types)) {
                    String f = names.take(out + "_fp32");
                    b.setOutput(k, f); // readers get the rounded value back through casts of their own
                    after.add(cast(names.take(label + "_to_fp16"), f, out, DataType.FLOAT16_VALUE));
                }
            }
            nodes.add(b.build());
            nodes.addAll(after);
        }
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes).clearValueInfo();
        return model.toBuilder().setGraph(g).build();
    }

    private static boolean emulated(NodeProto n, Map<String, Integer> types) {
        if (!GraphIndex.isDefaultDomain(n.getDomain()) || UNCHANGED.contains(n.getOpType())
                || ControlFlow.holdsBody(n)) {
            return false;
        }
        return n.getInputList().stream().anyMatch(t -> isHalf(t, types))
                || n.getOutputList().stream().anyMatch(t -> isHalf(t, types));
    }

    private static boolean isHalf(String tensor, Map<String, Integer> types) {
        return !tensor.isEmpty() && Objects.equals(types.get(tensor), DataType.FLOAT16_VALUE);
    }

    private static NodeProto cast(String name, String in, String out, int type) {
        return NodeProto.newBuilder().setOpType("Cast").setName(name).addInput(in).addOutput(out)
                .addAttribute(Attributes.ofInt("to", type)).build();
    }
}
