package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells an FP16 model from an FP32 model that stores some weights as float16. The quantizer's grid is float32, so an
 * FP16 model must be refused before it is quantized; a float16 constant that only a cast to float32 reads is FP32
 * storage saved small and computes nothing in FP16. Every If/Loop/Scan body is read too, since a body computes like
 * the main graph.
 */
final class Fp16ComputeCheck {
    private Fp16ComputeCheck() {
    }

    /** @throws Trt4jException naming the first float16 constant that something other than a cast to float32 reads */
    static void refuseFp16Compute(ModelProto model, String modelName) {
        GraphProto main = model.getGraph();
        List<GraphProto> graphs = new ArrayList<>();
        collectGraphs(main, graphs);
        Map<String, TensorProto> halves = new LinkedHashMap<>();
        Set<String> floats = new HashSet<>();
        // a CastLike's target is often an activation with no declared type
        ElementTypeInference.inferAll(model).forEach((name, type) -> {
            if (type == TensorProto.DataType.FLOAT_VALUE) {
                floats.add(name);
            }
        });
        for (GraphProto g : graphs) {
            g.getInitializerList().forEach(t -> constant(t.getName(), t, halves, floats));
            for (NodeProto n : g.getNodeList()) {
                if (GraphIndex.isConstantNode(n) && n.getOutputCount() == 1) {
                    n.getAttributeList().stream().filter(AttributeProto::hasT)
                            .forEach(a -> constant(n.getOutput(0), a.getT(), halves, floats));
                }
            }
            for (List<ValueInfoProto> values : List.of(g.getInputList(), g.getValueInfoList(), g.getOutputList())) {
                values.stream().filter(v -> v.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE)
                        .forEach(v -> floats.add(v.getName()));
            }
        }
        passThroughBranches(graphs, halves);
        // a model output in float16 is FP16 to whoever reads it; a body's output is followed (If) or computes
        Set<String> outputs = new HashSet<>();
        main.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (GraphProto g : graphs) {
            for (NodeProto n : g.getNodeList()) {
                if (!isIf(n)) {
                    ControlFlow.bodies(n).forEach(body -> body.getOutputList().forEach(o -> outputs.add(o.getName())));
                }
            }
        }
        for (String half : halves.keySet()) {
            boolean computes = outputs.contains(half);
            for (GraphProto g : graphs) {
                for (NodeProto n : g.getNodeList()) {
                    if (n.getInputList().contains(half) && !castsToFloat(n, half, floats)) {
                        computes = true;
                    }
                }
            }
            if (computes) {
                throw new Trt4jException("model '" + modelName + "' is FP16 (it computes with float16 weights such as '"
                        + half + "'); quantize the FP32 model");
            }
        }
    }

    private static void constant(String name, TensorProto t, Map<String, TensorProto> halves, Set<String> floats) {
        if (t.getDataType() == TensorProto.DataType.FLOAT16_VALUE) {
            halves.put(name, t);
        } else if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            floats.add(name);
        }
    }

    /** A Cast to float32, or a CastLike whose only float16 input is {@code half} and whose target is float32. */
    private static boolean castsToFloat(NodeProto n, String half, Set<String> floats) {
        if (!GraphIndex.isDefaultDomain(n.getDomain())) {
            return false;
        }
        if (n.getOpType().equals("Cast")) {
            return Attributes.getInt(n, "to", -1) == TensorProto.DataType.FLOAT_VALUE;
        }
        return n.getOpType().equals("CastLike") && n.getInputCount() == 2 && n.getInput(0).equals(half)
                && !n.getInput(1).equals(half) && floats.contains(n.getInput(1));
    }

    /**
     * An If whose branch returns a float16 constant returns it too: its output is a float16 constant to its readers
     * (an FP32 model may pick one of two stored-small weights and cast the pick), until no more are found.
     */
    private static void passThroughBranches(List<GraphProto> graphs, Map<String, TensorProto> halves) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (GraphProto g : graphs) {
                for (NodeProto n : g.getNodeList()) {
                    if (!isIf(n)) {
                        continue;
                    }
                    for (GraphProto branch : ControlFlow.bodies(n)) {
                        for (int k = 0; k < Math.min(branch.getOutputCount(), n.getOutputCount()); k++) {
                            TensorProto half = halves.get(branch.getOutput(k).getName());
                            if (half != null && !n.getOutput(k).isEmpty() && !halves.containsKey(n.getOutput(k))) {
                                halves.put(n.getOutput(k), half);
                                grew = true;
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean isIf(NodeProto n) {
        return n.getOpType().equals("If") && GraphIndex.isDefaultDomain(n.getDomain());
    }

    private static void collectGraphs(GraphProto g, List<GraphProto> into) {
        into.add(g);
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectGraphs(a.getG(), into);
                }
                a.getGraphsList().forEach(sub -> collectGraphs(sub, into));
            }
        }
    }
}
