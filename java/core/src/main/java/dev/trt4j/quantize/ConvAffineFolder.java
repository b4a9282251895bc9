package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Folds the constant scales and shifts that follow a {@code Conv} into its weights and bias: a chain of
 * {@code Mul}, {@code Add}, {@code Sub} (the Conv's side minus a constant) and {@code Div} (the Conv's side divided
 * by a constant), each by a constant that is one value or one value per output channel. Exporters write such
 * chains for BatchNorm's affine part and for learnable scale layers (PP-LCNet's "learnable affine blocks" put a
 * scalar Mul and Add after every Conv of the PP-OCRv4 recognizer). ONNX Runtime does not fold them, and in a
 * Q/DQ model they would sit between a quantized Conv and its output's Q, so each would cost a float pass over
 * the activation.
 *
 * <p>A node joins the chain only when it alone reads the tensor before it, which is not a graph output; the folded
 * Conv writes the chain's last output, so tensor names downstream do not change. Per-channel weight quantization
 * gives the folded weights the same integer values as the original ones (each channel's scale moves with them).
 */
final class ConvAffineFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ConvAffineFolder.class);

    /**
     * @param model       the model with the folds applied (the input model if nothing was folded)
     * @param foldedNodes labels of the folded Mul/Add/Sub/Div nodes, in graph order
     */
    record Result(ModelProto model, List<String> foldedNodes) {
        Result {
            foldedNodes = List.copyOf(foldedNodes);
        }
    }

    private ConvAffineFolder() {
    }

    /**
     * Folds every eligible chain of the main graph.
     *
     * @param shifts fold Add and Sub too; with false a chain ends at its first shift. A layout that quantizes the
     *               Conv's output wants false: a shift moves the output off the centre of the symmetric INT8 grid
     *               (PP-OCRv4's recognizer lost 3–4 points of exact match with its shifts folded).
     */
    static Result fold(ModelProto model, boolean shifts) {
        return fold(model, (index, conv) -> shifts);
    }

    /**
     * As {@link #fold(ModelProto, boolean)}, deciding for each Conv: {@code shifts} tells, given the graph and a
     * Conv's node index, whether that Conv's chain takes shifts too. A Q/DQ layout that quantizes Conv outputs
     * says yes for the Convs that stay in FP32, whose outputs no grid reads.
     */
    static Result fold(ModelProto model, BiPredicate<GraphIndex, Integer> shifts) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<ConvFoldWriter.Fold> folds = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (n.getOpType().equals("Conv") && GraphIndex.isDefaultDomain(n.getDomain())) {
                plan(index, i, shifts.test(index, i)).ifPresent(folds::add);
            }
        }
        if (folds.isEmpty()) {
            return new Result(model, List.of());
        }
        List<String> labels = folds.stream().flatMap(f -> f.absorbed().stream()).sorted().map(index::label).toList();
        LOG.debug("folded {} constant scale/shift nodes into {} Convs", labels.size(), folds.size());
        return new Result(model.toBuilder().setGraph(ConvFoldWriter.apply(index, folds)).build(), labels);
    }

    private static Optional<ConvFoldWriter.Fold> plan(GraphIndex index, int convIndex, boolean shifts) {
        NodeProto conv = index.node(convIndex);
        if (conv.getInputCount() < 2 || conv.getOutputCount() != 1) {
            return Optional.empty();
        }
        Optional<TensorProto> w = index.constant(conv.getInput(1));
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        Optional<TensorProto> b = hasBias ? index.constant(conv.getInput(2)) : Optional.empty();
        if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || w.get().getDimsCount() < 3
                || (hasBias && (b.isEmpty() || b.get().getDataType() != TensorProto.DataType.FLOAT_VALUE))) {
            return Optional.empty();
        }
        int rank = w.get().getDimsCount(); // a Conv's output has its weight's rank: N, C, then spatial axes
        int channels = (int) w.get().getDims(0);
        double[] scale = new double[channels];
        Arrays.fill(scale, 1.0);
        double[] shift = new double[channels];
        if (hasBias) {
            float[] bias = TensorValues.floats(b.get());
            if (bias.length != channels) {
                return Optional.empty();
            }
            for (int c = 0; c < channels; c++) {
                shift[c] = bias[c];
            }
        }

        List<Integer> absorbed = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        String tensor = conv.getOutput(0);
        while (true) {
            List<GraphIndex.Use> uses = index.consumers(tensor);
            if (uses.size() != 1 || index.isGraphOutput(tensor)) {
                break;
            }
            int next = uses.get(0).node();
            NodeProto n = index.node(next);
            int side = uses.get(0).input();
            if (!GraphIndex.isDefaultDomain(n.getDomain()) || n.getInputCount() != 2 || n.getOutputCount() != 1
                    || n.getInput(0).equals(n.getInput(1))) {
                break;
            }
            String op = n.getOpType();
            boolean commutes = op.equals("Mul") || op.equals("Add");
            if (!commutes && !((op.equals("Sub") || op.equals("Div")) && side == 0)
                    || (!shifts && (op.equals("Add") || op.equals("Sub")))) {
                break;
            }
            String constantName = n.getInput(1 - side);
            Optional<double[]> c = index.constant(constantName).flatMap(t -> perChannel(t, rank, channels));
            if (c.isEmpty() || (op.equals("Div") && Arrays.stream(c.get()).anyMatch(v -> v == 0.0))) {
                break;
            }
            for (int k = 0; k < channels; k++) {
                double v = c.get()[k];
                switch (op) {
                    case "Mul" -> {
                        scale[k] *= v;
                        shift[k] *= v;
                    }
                    case "Div" -> {
                        scale[k] /= v;
                        shift[k] /= v;
                    }
                    case "Add" -> shift[k] += v;
                    default -> shift[k] -= v; // Sub
                }
            }
            absorbed.add(next);
            parameters.add(constantName);
            tensor = n.getOutput(0);
        }
        if (absorbed.isEmpty()) {
            return Optional.empty();
        }
        float[] foldedWeights = ConvFoldWriter.scaledPerChannel(TensorValues.floats(w.get()), scale);
        float[] foldedBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            foldedBias[c] = (float) shift[c];
        }
        if (!allFinite(foldedWeights) || !allFinite(foldedBias)) {
            return Optional.empty();
        }
        return Optional.of(new ConvFoldWriter.Fold(convIndex, absorbed, tensor, foldedWeights, foldedBias,
                parameters));
    }

    /**
     * The constant's value for each output channel, if it broadcasts against a Conv output of {@code rank} axes as
     * one value, or as one value per channel along axis 1 (shapes such as {@code [C,1,1]} or {@code [1,C,1,1]}).
     */
    private static Optional<double[]> perChannel(TensorProto t, int rank, int channels) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() > rank) {
            return Optional.empty();
        }
        int d = t.getDimsCount();
        boolean varies = false;
        for (int j = 0; j < d; j++) {
            long dim = t.getDims(j);
            int axis = rank - d + j;
            if (dim == 1) {
                continue;
            }
            if (axis == 1 && dim == channels) {
                varies = true;
            } else {
                return Optional.empty();
            }
        }
        float[] values = TensorValues.floats(t);
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = values[varies ? c : 0];
        }
        return Optional.of(out);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
