package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Empirical bias correction of a Q/DQ model (Nagel et al. 2019, "Data-Free Quantization", §4.2; Finkelstein et
 * al. 2019): for each quantized Conv, the mean per output channel of (INT8 output − FP32 output of the same
 * layer on the same input) over calibration data is subtracted from the layer's FP32 bias.
 *
 * <p>Why: rounding errors average out only when a layer's inputs vary. Where many inputs share one value — the
 * uniform background of a text line, zero padding — every position rounds the same way, and the layer's output
 * is shifted by a constant per channel rather than noisy. Such shifts pass through the following layers as
 * systematic errors. Removing the mean error changes nothing TensorRT needs: the bias stays FP32, the Q/DQ
 * pairs and their scales are untouched.
 *
 * <p>Each layer's error is measured on the input it sees in the quantized model, in one pass: the model is run
 * with, for each Conv, a twin Conv on the unquantized input and weights, and an in-graph per-channel mean of the
 * difference.
 */
public final class BiasCorrection {
    private static final Logger LOG = LoggerFactory.getLogger(BiasCorrection.class);
    private static final String ERROR_SUFFIX = "_bias_error";
    private static final long REDUCE_AXES_AS_INPUT_OPSET = 18;

    /**
     * @param model     the corrected model
     * @param shifts    corrected node → the largest |bias change| over its channels, in graph order
     * @param samples   samples the mean errors were measured on
     */
    public record Result(ModelProto model, Map<String, Float> shifts, long samples) {
        public Result {
            shifts = Collections.unmodifiableMap(new LinkedHashMap<>(shifts));
        }
    }

    private record Target(int node, String label, String input, String weight, int channels) {
    }

    private BiasCorrection() {
    }

    /**
     * Corrects the biases of the quantized Convs of {@code quantized} (as {@link QdqQuantizer} writes it: a Q→DQ
     * pair on the data input and on the constant weight) from the samples of {@code source}.
     *
     * @throws Trt4jException if the model has no such Conv, the data gives no samples or does not fit the model
     */
    public static Result apply(ModelProto quantized, CalibrationDataSource source, OrtRunnerOptions options) {
        GraphIndex index = new GraphIndex(quantized.getGraph());
        List<Target> targets = targets(index);
        if (targets.isEmpty()) {
            throw new Trt4jException("bias correction: the model has no quantized Conv with constant weights");
        }
        ModelProto probe = withErrorOutputs(quantized, index, targets);
        List<String> outputs = targets.stream().map(t -> t.label() + ERROR_SUFFIX).toList();
        Map<String, double[]> sums = new LinkedHashMap<>();
        long samples = 0;
        try (OrtModelRunner runner = OrtModelRunner.open(probe.toByteArray(), "bias correction",
                options.withGraphOptimizations(false))) {
            Optional<Batch> next;
            while ((next = source.next()).isPresent()) {
                Batch batch = next.get();
                int n = batch.size();
                runner.run(batch, outputs, (name, tensor) -> accumulate(sums, name, tensor, n));
                samples += n;
            }
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples for bias correction");
        }
        return corrected(quantized, index, targets, sums, samples);
    }

    /** Quantized Convs: data and weight each read through DequantizeLinear ← QuantizeLinear, weight constant. */
    private static List<Target> targets(GraphIndex index) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (!n.getOpType().equals("Conv") || !GraphIndex.isDefaultDomain(n.getDomain()) || n.getInputCount() < 2) {
                continue;
            }
            Optional<String> x = quantizedSource(index, n.getInput(0));
            Optional<String> w = quantizedSource(index, n.getInput(1));
            if (x.isEmpty() || w.isEmpty()) {
                continue;
            }
            Optional<TensorProto> weight = index.constant(w.get());
            if (weight.isEmpty() || weight.get().getDimsCount() < 1) {
                continue;
            }
            boolean hasBias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            if (hasBias && index.constant(n.getInput(2)).isEmpty()) {
                LOG.debug("bias correction skips Conv '{}': its bias is not a constant", index.label(i));
                continue;
            }
            targets.add(new Target(i, index.label(i), x.get(), w.get(), Math.toIntExact(weight.get().getDims(0))));
        }
        return targets;
    }

    /** The tensor a DequantizeLinear ← QuantizeLinear pair reads, if {@code tensor} is that pair's output. */
    private static Optional<String> quantizedSource(GraphIndex index, String tensor) {
        int dq = index.producer(tensor);
        if (dq < 0 || !index.node(dq).getOpType().equals("DequantizeLinear")) {
            return Optional.empty();
        }
        int q = index.producer(index.node(dq).getInput(0));
        if (q < 0 || !index.node(q).getOpType().equals("QuantizeLinear")) {
            return Optional.empty();
        }
        return Optional.of(index.node(q).getInput(0));
    }

    /**
     * The model plus, per target, a twin Conv on the FP32 input and weights and an output holding the
     * per-channel mean of (quantized − FP32) over the batch and spatial axes.
     */
    private static ModelProto withErrorOutputs(ModelProto model, GraphIndex index, List<Target> targets) {
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        boolean axesAsInput = OpsetUpgrade.defaultOpset(model) >= REDUCE_AXES_AS_INPUT_OPSET;
        for (Target t : targets) {
            NodeProto conv = index.node(t.node());
            String twinOut = names.take(t.label() + "_fp32");
            NodeProto.Builder twin = conv.toBuilder().setName(names.take(t.label() + "_fp32_conv"))
                    .setInput(0, t.input()).setInput(1, t.weight()).clearOutput().addOutput(twinOut);
            String diff = names.take(t.label() + "_error");
            NodeProto sub = NodeProto.newBuilder().setOpType("Sub").setName(names.take(t.label() + "_error_sub"))
                    .addInput(conv.getOutput(0)).addInput(twinOut).addOutput(diff).build();
            // Mean over the batch and every spatial axis: [N, C, d1, …] → [C]; the rank comes from the weight.
            int rank = index.constant(t.weight()).orElseThrow().getDimsCount();
            List<Long> axes = new ArrayList<>(List.of(0L));
            for (long a = 2; a < rank; a++) {
                axes.add(a);
            }
            NodeProto.Builder mean = NodeProto.newBuilder().setOpType("ReduceMean")
                    .setName(names.take(t.label() + ERROR_SUFFIX)).addInput(diff)
                    .addOutput(t.label() + ERROR_SUFFIX)
                    .addAttribute(Attributes.ofInt("keepdims", 0));
            if (axesAsInput) {
                String axesName = names.take(t.label() + "_error_axes");
                g.addInitializer(TensorValues.int64Vector(axesName, axes));
                mean.addInput(axesName);
            } else {
                mean.addAttribute(Attributes.ofInts("axes", axes));
            }
            g.addNode(twin).addNode(sub).addNode(mean);
            g.addOutput(ValueInfoProto.newBuilder().setName(t.label() + ERROR_SUFFIX)
                    .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static void accumulate(Map<String, double[]> sums, String name, HostTensor mean, int batchSize) {
        float[] v = mean.floats();
        double[] sum = sums.computeIfAbsent(name, k -> new double[v.length]);
        for (int c = 0; c < v.length; c++) {
            sum[c] += (double) v[c] * batchSize; // weight each batch's mean by its samples
        }
    }

    private static Result corrected(ModelProto model, GraphIndex index, List<Target> targets,
                                    Map<String, double[]> sums, long samples) {
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, Float> shifts = new LinkedHashMap<>();
        List<String> replaced = new ArrayList<>();
        for (Target t : targets) {
            double[] sum = sums.get(t.label() + ERROR_SUFFIX);
            if (sum == null || sum.length != t.channels()) {
                throw new Trt4jException("bias correction: Conv '" + t.label() + "' gave "
                        + (sum == null ? "no" : sum.length) + " channel errors for " + t.channels() + " channels");
            }
            NodeProto conv = index.node(t.node());
            boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
            float[] bias = hasBias ? TensorValues.floats(index.constant(conv.getInput(2)).orElseThrow())
                    : new float[t.channels()];
            if (bias.length != t.channels()) {
                LOG.debug("bias correction skips Conv '{}': {} biases for {} channels", t.label(), bias.length,
                        t.channels());
                continue;
            }
            float[] fixed = new float[bias.length];
            float largest = 0;
            for (int c = 0; c < bias.length; c++) {
                float shift = (float) (sum[c] / samples);
                fixed[c] = bias[c] - shift;
                largest = Math.max(largest, Math.abs(shift));
            }
            // A new constant: the old bias may be shared, and a Constant node cannot be edited in place cleanly.
            String name = names.take((hasBias ? conv.getInput(2) : t.label() + "_bias") + "_corrected");
            g.addInitializer(TensorValues.floatTensor(name, List.of((long) fixed.length), fixed));
            NodeProto.Builder b = g.getNode(t.node()).toBuilder();
            if (hasBias) {
                replaced.add(conv.getInput(2));
                b.setInput(2, name);
            } else {
                b.addInput(name);
            }
            g.setNode(t.node(), b);
            shifts.put(t.label(), largest);
        }
        removeUnused(g, replaced);
        LOG.info("bias correction: {} Convs corrected over {} samples", shifts.size(), samples);
        return new Result(model.toBuilder().setGraph(g).build(), shifts, samples);
    }

    /** Drops the old biases that no node reads any more, so the model does not carry both. */
    private static void removeUnused(GraphProto.Builder g, List<String> oldBiases) {
        GraphIndex after = new GraphIndex(g.build());
        List<String> unused = oldBiases.stream().filter(b -> after.consumers(b).isEmpty()
                && !after.isGraphOutput(b) && !after.isGraphInput(b)).toList();
        for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
            if (unused.contains(g.getInitializer(i).getName())) {
                g.removeInitializer(i);
            }
        }
        for (int i = g.getNodeCount() - 1; i >= 0; i--) {
            NodeProto n = g.getNode(i);
            if (GraphIndex.isConstantNode(n) && unused.contains(n.getOutput(0))) {
                g.removeNode(i);
            }
        }
    }
}
