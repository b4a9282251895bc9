package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * Folds every eligible Conv → BatchNormalization pair of the main graph, again until none is left, so that a
     * chain Conv → BatchNorm → BatchNorm folds whole.
     */
    public Result fold(ModelProto model) {
        List<String> folded = new ArrayList<>();
        ModelProto current = model;
        for (Result r = foldOnce(current); !r.foldedNodes().isEmpty(); r = foldOnce(current)) {
            current = r.model();
            folded.addAll(r.foldedNodes());
        }
        return new Result(current, folded);
    }

    private Result foldOnce(ModelProto model) {
        GraphProto graph = model.getGraph();
        GraphIndex index = new GraphIndex(graph);
        List<ConvFoldWriter.Fold> folds = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (n.getOpType().equals("BatchNormalization") && GraphIndex.isDefaultDomain(n.getDomain())) {
                plan(index, i).ifPresent(folds::add);
            }
        }
        if (folds.isEmpty()) {
            return new Result(model, List.of());
        }
        return new Result(model.toBuilder().setGraph(ConvFoldWriter.apply(index, folds)).build(),
                folds.stream().map(f -> index.label(f.absorbed().get(0))).toList());
    }

    private static Optional<ConvFoldWriter.Fold> plan(GraphIndex index, int bnIndex) {
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
        double[] scale = new double[channels];
        float[] foldedBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] / Math.sqrt((double) variance[c] + epsilon);
            foldedBias[c] = (float) ((bias[c] - (double) mean[c]) * scale[c] + beta[c]);
        }
        float[] foldedWeights = ConvFoldWriter.scaledPerChannel(weights, scale);
        LOG.debug("folding BatchNormalization '{}' into Conv '{}'", label, index.label(convIndex));
        return Optional.of(new ConvFoldWriter.Fold(convIndex, List.of(bnIndex), bn.getOutput(0), foldedWeights,
                foldedBias, bn.getInputList().subList(1, 5)));
    }
}
