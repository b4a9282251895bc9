package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Folds each {@code BatchNormalization} that directly follows a {@code Conv} into that convolution's weights and
 * bias, so the weights are quantized with the scale they will actually be used with (TensorRT folds them at
 * build time anyway). A BatchNormalization is folded only when the Conv's output feeds nothing else and the
 * weights and all normalisation parameters are constants; the folded Conv writes the BatchNormalization's output
 * tensor, so tensor names seen downstream do not change.
 */
public final class BatchNormFolder {
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormFolder.class);

    /**
     * @param model       the model with the folds applied (the input model if nothing was folded)
     * @param foldedNodes names of the BatchNormalization nodes that were folded, in graph order
     */
    public record Result(ModelProto model, List<String> foldedNodes) {
        public Result {
            foldedNodes = List.copyOf(foldedNodes);
        }
    }

    private record Fold(int conv, int bn, float[] weights, float[] bias) {
    }

    /** Folds every eligible Conv → BatchNormalization pair of the main graph. */
    public Result fold(ModelProto model) {
        GraphProto graph = model.getGraph();
        GraphIndex index = new GraphIndex(graph);
        List<Fold> folds = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (n.getOpType().equals("BatchNormalization") && GraphIndex.isDefaultDomain(n.getDomain())) {
                plan(index, i).ifPresent(folds::add);
            }
        }
        if (folds.isEmpty()) {
            return new Result(model, List.of());
        }
        return new Result(model.toBuilder().setGraph(apply(index, folds)).build(),
                folds.stream().map(f -> index.label(f.bn())).toList());
    }

    private static Optional<Fold> plan(GraphIndex index, int bnIndex) {
        NodeProto bn = index.node(bnIndex);
        String label = index.label(bnIndex);
        if (bn.getInputCount() != 5 || bn.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            LOG.debug("BatchNormalization '{}' not folded: it has training outputs", label);
            return Optional.empty();
        }
        if (Attributes.getInt(bn, "training_mode", 0) != 0 || Attributes.getInt(bn, "spatial", 1) != 1) {
            LOG.debug("BatchNormalization '{}' not folded: training mode or non-spatial", label);
            return Optional.empty();
        }
        String convOut = bn.getInput(0);
        int convIndex = index.producer(convOut);
        if (convIndex < 0) {
            return Optional.empty();
        }
        NodeProto conv = index.node(convIndex);
        if (!conv.getOpType().equals("Conv") || !GraphIndex.isDefaultDomain(conv.getDomain())
                || index.consumers(convOut).size() != 1 || index.isGraphOutput(convOut)) {
            return Optional.empty();
        }
        Optional<TensorProto> w = index.constant(conv.getInput(1));
        Optional<TensorProto> b = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                ? index.constant(conv.getInput(2)) : Optional.empty();
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        if (w.isEmpty() || (hasBias && b.isEmpty())) {
            LOG.debug("BatchNormalization '{}' not folded: Conv '{}' has non-constant weights", label,
                    index.label(convIndex));
            return Optional.empty();
        }
        float[][] params = new float[4][];
        for (int k = 0; k < 4; k++) {
            Optional<TensorProto> p = index.constant(bn.getInput(k + 1));
            if (p.isEmpty() || p.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                LOG.debug("BatchNormalization '{}' not folded: parameter '{}' is not a float constant", label,
                        bn.getInput(k + 1));
                return Optional.empty();
            }
            params[k] = TensorValues.floats(p.get());
        }
        if (w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || w.get().getDimsCount() < 1) {
            return Optional.empty();
        }
        float[] weights = TensorValues.floats(w.get());
        int channels = (int) w.get().getDims(0);
        float[] bias = b.isPresent() ? TensorValues.floats(b.get()) : new float[channels];
        for (float[] p : params) {
            if (p.length != channels) {
                LOG.debug("BatchNormalization '{}' not folded: {} parameters for {} channels", label, p.length,
                        channels);
                return Optional.empty();
            }
        }
        if (bias.length != channels) {
            return Optional.empty();
        }
        double epsilon = Attributes.getFloat(bn, "epsilon", 1e-5f);
        float[] gamma = params[0];
        float[] beta = params[1];
        float[] mean = params[2];
        float[] variance = params[3];
        int perChannel = channels == 0 ? 0 : weights.length / channels;
        float[] foldedWeights = new float[weights.length];
        float[] foldedBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = gamma[c] / Math.sqrt((double) variance[c] + epsilon);
            for (int k = c * perChannel, end = k + perChannel; k < end; k++) {
                foldedWeights[k] = (float) (weights[k] * s);
            }
            foldedBias[c] = (float) ((bias[c] - (double) mean[c]) * s + beta[c]);
        }
        return Optional.of(new Fold(convIndex, bnIndex, foldedWeights, foldedBias));
    }

    private static GraphProto apply(GraphIndex index, List<Fold> folds) {
        GraphProto graph = index.graph();
        UniqueNames names = new UniqueNames(graph);
        Map<String, TensorProto> replaced = new HashMap<>();
        List<TensorProto> added = new ArrayList<>();
        Map<Integer, NodeProto> newConvs = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        Set<String> maybeUnused = new LinkedHashSet<>();
        Set<String> vanished = new HashSet<>();
        for (Fold f : folds) {
            NodeProto conv = index.node(f.conv());
            NodeProto bn = index.node(f.bn());
            TensorProto w = index.constant(conv.getInput(1)).orElseThrow();
            String weightName = storeOwnedOrNew(index, names, conv.getInput(1), f.conv(),
                    TensorValues.floatTensor(conv.getInput(1), w.getDimsList(), f.weights()), replaced, added,
                    maybeUnused);
            boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
            List<Long> biasDims = List.of((long) f.bias().length);
            String biasName = hasBias
                    ? storeOwnedOrNew(index, names, conv.getInput(2), f.conv(),
                            TensorValues.floatTensor(conv.getInput(2), biasDims, f.bias()), replaced, added,
                            maybeUnused)
                    : addNew(names, GraphIndex.label(conv, f.conv()) + "_bias",
                            TensorValues.floatTensor("", biasDims, f.bias()), added);
            NodeProto.Builder nc = conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(weightName)
                    .addInput(biasName).setOutput(0, bn.getOutput(0));
            newConvs.put(f.conv(), nc.build());
            removed.add(f.bn());
            vanished.add(conv.getOutput(0));
            for (int k = 1; k < 5; k++) {
                maybeUnused.add(bn.getInput(k));
            }
            LOG.debug("folded BatchNormalization '{}' into Conv '{}'", index.label(f.bn()), index.label(f.conv()));
        }

        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            if (removed.contains(i)) {
                continue;
            }
            NodeProto n = newConvs.getOrDefault(i, index.node(i));
            if (GraphIndex.isConstantNode(n) && replaced.containsKey(n.getOutput(0))) {
                TensorProto value = replaced.get(n.getOutput(0)).toBuilder().clearName().build();
                n = n.toBuilder().clearAttribute().addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(value)).build();
            }
            nodes.add(n);
        }
        GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes);
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = replaced.get(g.getInitializer(i).getName());
            if (t != null) {
                g.setInitializer(i, t);
            }
        }
        g.addAllInitializer(added);
        UnusedConstants.remove(g, maybeUnused); // normalisation parameters, superseded weights
        for (int i = g.getValueInfoCount() - 1; i >= 0; i--) {
            if (vanished.contains(g.getValueInfo(i).getName())) {
                g.removeValueInfo(i);
            }
        }
        return g.build();
    }

    /** Writes the new value over the constant when this Conv is its only user, else under a new name. */
    private static String storeOwnedOrNew(GraphIndex index, UniqueNames names, String tensor, int conv,
                                          TensorProto value, Map<String, TensorProto> replaced,
                                          List<TensorProto> added, Set<String> maybeUnused) {
        List<GraphIndex.Use> uses = index.consumers(tensor);
        boolean owned = uses.size() == 1 && uses.get(0).node() == conv && !index.isGraphOutput(tensor)
                && !replaced.containsKey(tensor);
        if (owned) {
            replaced.put(tensor, value);
            return tensor;
        }
        maybeUnused.add(tensor);
        return addNew(names, tensor + "_folded", value, added);
    }

    private static String addNew(UniqueNames names, String base, TensorProto value, List<TensorProto> added) {
        String name = names.take(base);
        added.add(value.toBuilder().setName(name).build());
        return name;
    }

}
