package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Equalizes the channel ranges of depthwise-Conv inputs, an FP32-exact rewrite that makes INT8 quantization of
 * those inputs as fine as per-channel (cross-layer equalization, Nagel et al. 2019 §4.1, restricted to what
 * TensorRT's per-tensor activation scales allow).
 *
 * <p>Why: an activation gets one scale per tensor, so a channel whose values stay far below the tensor's largest
 * channel is read with few INT8 levels. A depthwise Conv's output channel c depends on input channel c alone, so
 * input channel c can be multiplied by {@code s_c = max / max_c} if weight channel c is divided by it; weights are
 * quantized per channel, so that costs nothing. The multiplication is absorbed into the constants of the
 * elementwise ops that produce the input: a {@code Mul} by a constant, optionally followed by {@code Add}s of
 * constants (as in PP-LCNet's learnable affine blocks and any BatchNorm written as Mul + Add). Scalar constants
 * become per-channel ones.
 */
public final class DepthwiseEqualizer {
    private static final Logger LOG = LoggerFactory.getLogger(DepthwiseEqualizer.class);

    /**
     * @param model     the equalized model (computes the same function as the input model)
     * @param equalized Conv → its input tensor, for each equalized depthwise Conv, in graph order
     */
    public record Result(ModelProto model, Map<String, String> equalized) {
        public Result {
            equalized = Collections.unmodifiableMap(new LinkedHashMap<>(equalized));
        }
    }

    /** A depthwise Conv whose input is made by {@code chain}. */
    private record Candidate(int conv, String label, String input, int channels, ConstantScaleChain chain) {
    }

    private DepthwiseEqualizer() {
    }

    /**
     * The input tensors of the depthwise Convs that can be equalized, in graph order: their per-channel max |x|
     * is what {@link #equalize} needs.
     */
    public static List<String> equalizableInputs(ModelProto model) {
        return candidates(new GraphIndex(model.getGraph())).stream().map(Candidate::input).toList();
    }

    /**
     * Equalizes every eligible depthwise Conv from the per-channel max |x| of its input ({@code channelMax}, axis
     * 1). A channel that is all zero keeps its scale.
     *
     * @throws Trt4jException if an input of {@link #equalizableInputs} has no ranges, or the wrong number
     */
    public static Result equalize(ModelProto model, Map<String, float[]> channelMax) {
        GraphIndex index = new GraphIndex(model.getGraph());
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, String> done = new LinkedHashMap<>();
        List<String> replaced = new ArrayList<>();
        for (Candidate c : candidates(index)) {
            float[] ranges = ChannelRanges.of(channelMax, c.input(), c.channels());
            float largest = 0;
            for (float r : ranges) {
                largest = Math.max(largest, r);
            }
            if (!(largest > 0) || Float.isInfinite(largest)) {
                continue;
            }
            double[] scale = new double[c.channels()];
            for (int ch = 0; ch < scale.length; ch++) {
                scale[ch] = ranges[ch] > 0 ? largest / (double) ranges[ch] : 1;
            }
            NodeProto conv = index.node(c.conv());
            TensorProto w = index.constant(conv.getInput(1)).orElseThrow();
            float[] weights = TensorValues.floats(w);
            int perChannel = weights.length / c.channels();
            for (int k = 0; k < weights.length; k++) {
                weights[k] = (float) (weights[k] / scale[k / perChannel]);
            }
            String wName = names.take(conv.getInput(1) + "_equalized");
            g.addInitializer(TensorValues.floatTensor(wName, w.getDimsList(), weights));
            g.setNode(c.conv(), g.getNode(c.conv()).toBuilder().setInput(1, wName));
            replaced.add(conv.getInput(1));
            c.chain().scale(index, g, names, scale, replaced);
            done.put(c.label(), c.input());
        }
        UnusedConstants.remove(g, replaced);
        LOG.info("equalized {} depthwise Convs", done.size());
        return new Result(model.toBuilder().setGraph(g).build(), done);
    }

    private static List<Candidate> candidates(GraphIndex index) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!n.getOpType().equals("Conv") || !GraphIndex.isDefaultDomain(n.getDomain()) || n.getInputCount() < 2) {
                continue;
            }
            Optional<TensorProto> w = index.constant(n.getInput(1));
            long group = Attributes.getInt(n, "group", 1);
            if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || w.get().getDimsCount() < 3
                    || w.get().getDims(1) != 1 || w.get().getDims(0) != group || group < 2) {
                continue; // not depthwise with one output per input channel
            }
            int channels = Math.toIntExact(group);
            if (index.consumers(n.getInput(0)).size() != 1) {
                continue; // rescaling the input would change what its other readers see
            }
            var layout = ConstantScaleChain.ChannelLayout.axis1(channels, w.get().getDimsCount());
            Optional<ConstantScaleChain> chain = ConstantScaleChain.find(index, n.getInput(0), layout);
            if (chain.isPresent()) {
                out.add(new Candidate(i, index.label(i), n.getInput(0), channels, chain.get()));
            }
        }
        return out;
    }
}
