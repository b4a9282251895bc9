package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.ort.SpooledModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replaces each weight of a quantizable node that the graph computes from constants (a {@code Reshape} of a stored
 * tensor, weight normalization's {@code v · g / ‖v‖}) with the constant it computes, by running those nodes alone in
 * ONNX Runtime: as TensorRT folds them when it builds. Left in place, such a weight is neither a weight the quantizer
 * quantizes per channel nor an activation {@code calibrate} records. {@link ConstantWeightFolder} has folded
 * Transpose and Identity, the common cases, without running anything.
 */
final class ComputedWeightFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ComputedWeightFolder.class);

    private ComputedWeightFolder() {
    }

    /** {@code model} with every computed float weight folded; the same object if there is none, or if it cannot run. */
    static ModelProto fold(ModelProto model) {
        GraphProto g = model.getGraph();
        GraphIndex index = new GraphIndex(g);
        Set<String> computed = computedWeights(g, index);
        if (computed.isEmpty()) {
            return model;
        }
        Set<Integer> nodes = producers(index, computed);
        Map<String, TensorProto> values = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
             OrtSession session = SpooledModel.session(subgraph(model, nodes, computed), g.getName(), options,
                     OrtSession.SessionOptions.OptLevel.ALL_OPT);
             OrtSession.Result result = session.run(Map.of())) {
            for (String t : computed) {
                OnnxValue v = result.get(t).orElse(null);
                if (v instanceof OnnxTensor tensor && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                    FloatBuffer buffer = tensor.getFloatBuffer();
                    float[] floats = new float[buffer.remaining()];
                    buffer.get(floats);
                    List<Long> dims = new ArrayList<>();
                    for (long d : tensor.getInfo().getShape()) {
                        dims.add(d);
                    }
                    values.put(t, TensorValues.floatTensor(t, dims, floats));
                }
            }
        } catch (OrtException e) {
            // the placement then names the node and how to keep it in FP32
            LOG.debug("computed weights {} not folded: {}", computed, e.getMessage());
            return model;
        }
        if (values.isEmpty()) {
            return model;
        }
        GraphProto.Builder out = g.toBuilder().clearNode();
        Set<String> freed = new HashSet<>(); // inputs of the nodes folded away: constants that may be unread now
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOutputList().stream().noneMatch(values::containsKey)) {
                out.addNode(n);
            } else {
                freed.addAll(n.getInputList());
            }
        }
        out.addAllInitializer(values.values());
        removeDeadNodes(out, nodes, g, freed);
        GraphIndex.dropValueInfo(out, values.keySet());
        return model.toBuilder().setGraph(out).build();
    }

    /** Float-typed weight inputs of quantizable nodes that no initializer or Constant holds but constants compute. */
    private static Set<String> computedWeights(GraphProto g, GraphIndex index) {
        Set<String> computed = new LinkedHashSet<>();
        for (NodeProto n : g.getNodeList()) {
            Optional<QuantizableOp> op = GraphIndex.isDefaultDomain(n.getDomain())
                    ? QuantizableOp.of(n.getOpType()) : Optional.empty();
            if (op.isEmpty()) {
                continue;
            }
            for (int k : op.get().quantizedInputs()) {
                String t = k < n.getInputCount() ? n.getInput(k) : "";
                if (!t.isEmpty() && index.constant(t).isEmpty() && index.isConstantDerived(t)
                        && index.producer(t) >= 0 && !index.isGraphOutput(t)) {
                    computed.add(t);
                }
            }
        }
        return computed;
    }

    /** The nodes that compute {@code tensors}, their own inputs' producers included, by index. */
    private static Set<Integer> producers(GraphIndex index, Set<String> tensors) {
        Set<Integer> nodes = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(tensors);
        while (!todo.isEmpty()) {
            int p = index.producer(todo.pop());
            if (p >= 0 && nodes.add(p)) {
                index.node(p).getInputList().stream().filter(in -> !in.isEmpty()).forEach(todo::push);
            }
        }
        return nodes;
    }

    /** A model of the {@code nodes} alone, with the initializers they read, whose outputs are {@code tensors}. */
    private static ModelProto subgraph(ModelProto model, Set<Integer> nodes, Set<String> tensors) {
        GraphProto g = model.getGraph();
        Set<String> read = new HashSet<>();
        GraphProto.Builder sub = GraphProto.newBuilder().setName("computed-weights");
        for (int i : nodes) {
            sub.addNode(g.getNode(i));
            read.addAll(g.getNode(i).getInputList());
        }
        for (TensorProto t : g.getInitializerList()) {
            if (read.contains(t.getName())) {
                sub.addInitializer(t);
            }
        }
        for (String t : tensors) {
            sub.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        return model.toBuilder().setGraph(sub).build();
    }

    /**
     * Removes those of {@code candidates} (indexes into {@code original}) whose outputs nothing reads any more, then
     * the constants that only they, or the nodes already folded away (which read {@code freed}), read.
     */
    private static void removeDeadNodes(GraphProto.Builder out, Set<Integer> candidates, GraphProto original,
                                        Set<String> freed) {
        Set<String> candidateOutputs = new HashSet<>();
        candidates.forEach(i -> candidateOutputs.addAll(original.getNode(i).getOutputList()));
        Set<String> read = new HashSet<>(freed);
        read.addAll(DeadNodes.drop(out, n -> n.getOutputList().stream().anyMatch(candidateOutputs::contains)));
        UnusedConstants.remove(out, read);
    }
}
