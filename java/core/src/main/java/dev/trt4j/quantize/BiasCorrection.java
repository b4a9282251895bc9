package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Empirical bias correction of a Q/DQ model (Nagel et al. 2019, "Data-Free Quantization", §4.2; Finkelstein et
 * al. 2019): for each quantized Conv (and MatMul with a bias Add), the mean per output channel of (INT8 output −
 * FP32 output of the same layer on the same input) over calibration data is subtracted from the layer's FP32
 * bias.
 *
 * <p>Why: rounding errors average out only when a layer's inputs vary. Where many inputs share one value — the
 * uniform background of a text line, zero padding — every position rounds the same way, and the layer's output
 * is shifted by a constant per channel rather than noisy. Such shifts pass through the following layers as
 * systematic errors. Removing the mean error changes nothing TensorRT needs: the bias stays FP32, the Q/DQ
 * pairs and their scales are untouched.
 *
 * <p>Convs only by default: on the PP-OCRv4 recognizer, correcting its MatMuls too made exact match worse
 * (97.3 % against 97.9 % on 512 lines), and on MiniLM it did not help (see docs/accuracy.md).
 *
 * <p>Each layer's error is measured on the input it sees in the quantized model, in one pass: the model is run
 * with, for each layer, a twin on the unquantized input and weights, and an in-graph per-channel mean of the
 * difference.
 */
public final class BiasCorrection {
    private static final Logger LOG = LoggerFactory.getLogger(BiasCorrection.class);

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

    /**
     * A layer to correct: {@code node} reads {@code input} and {@code weight} through Q/DQ; its bias is input
     * {@code biasInput} of node {@code biasNode} (the Conv itself, or the Add after a MatMul); -1 = no bias yet.
     */
    private record Target(int node, String label, String input, String weight, int channels, boolean matMul,
                          int biasNode, int biasInput) {
        /** The tensor the bias is added into: the Conv's output, or the bias Add's. */
        String biased(GraphIndex index) {
            return index.node(biasNode).getOutput(0);
        }

        /** A per-channel mean of {@code tensor}, shaped like this layer's output. */
        ChannelMeans.Request measuring(String tensor, GraphIndex index) {
            int rank = matMul ? 0 : index.constant(weight).orElseThrow().getDimsCount();
            return new ChannelMeans.Request(tensor, label, channels, rank);
        }
    }

    /** The model with the error outputs, their names and what each measures, in target order. */
    private record Probe(ModelProto model, List<String> outputs, List<ChannelMeans.Request> requests) {
    }

    private BiasCorrection() {
    }

    /** Which layers to correct. */
    public enum Scope {
        /** Convs only: where uniform image regions make rounding errors systematic. The default. */
        CONV,
        /** Convs and MatMuls followed by a bias Add (Linear layers). */
        ALL;

        /**
         * The scope named {@code conv} or {@code all} (any case), as the CLI's {@code --bias-correction} takes it.
         *
         * @throws Trt4jException for any other name
         */
        public static Scope named(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "conv" -> CONV;
                case "all" -> ALL;
                default -> throw new InvalidOptionException("--bias-correction takes conv or all, not '" + name + "'");
            };
        }

        /** The name {@link #named} takes and reports print: {@code conv} or {@code all}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Whether {@code quantized} has a layer that {@link #apply} would correct within {@code scope}. A model in which
     * only some layers are quantized (one layer at a time, say) may have none, and {@code apply} refuses those.
     */
    public static boolean hasLayersToCorrect(ModelProto quantized, Scope scope) {
        return layersToCorrect(quantized, scope) > 0;
    }

    /** How many layers of {@code quantized} {@link #apply} would correct within {@code scope}. */
    public static int layersToCorrect(ModelProto quantized, Scope scope) {
        return targets(new GraphIndex(quantized.getGraph()), scope).size();
    }

    /** How the mean errors are measured. */
    public enum Mode {
        /**
         * All layers in one pass over the samples: each layer's output against an FP32 twin of the layer on the same
         * (quantized) input. The default: as fast as one inference pass.
         */
        ONE_PASS,
        /**
         * Layer by layer, in graph order: each layer's output against the same layer's in the FP32 model, with the
         * layers before it already corrected. This also removes the mean shift that earlier layers pass on (rounding
         * noise that a nonlinearity turns into a shift, clipping), which one pass cannot see. One pass per layer,
         * except that layers not feeding each other share one; the samples are held in memory meanwhile.
         */
        LAYER_BY_LAYER;

        /**
         * The mode named {@code one-pass} or {@code layer-by-layer} (any case), as the CLI's
         * {@code --bias-correction-mode} takes it.
         *
         * @throws InvalidOptionException for any other name
         */
        public static Mode named(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "one-pass" -> ONE_PASS;
                case "layer-by-layer" -> LAYER_BY_LAYER;
                default -> throw new InvalidOptionException("--bias-correction-mode takes one-pass or layer-by-layer, "
                        + "not '" + name + "'");
            };
        }

        /** The name {@link #named} takes and reports print. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What to correct and how, as commands take it from {@code --bias-correction[=conv|all]} and
     * {@code --bias-correction-mode}.
     */
    public record Choice(Scope scope, Mode mode) {
        public Choice {
            java.util.Objects.requireNonNull(scope, "scope");
            java.util.Objects.requireNonNull(mode, "mode");
        }

        /** How reports say it: the scope, followed by the mode unless it is one pass ({@code conv, layer-by-layer}). */
        public String label() {
            return mode == Mode.ONE_PASS ? scope.label() : scope.label() + ", " + mode.label();
        }
    }

    /** {@link #apply(ModelProto, CalibrationDataSource, OrtRunnerOptions, Scope)} for {@link Scope#CONV}. */
    public static Result apply(ModelProto quantized, CalibrationDataSource source, OrtRunnerOptions options) {
        return apply(quantized, source, options, Scope.CONV);
    }

    /** {@link #apply(ModelProto, CalibrationDataSource, OrtRunnerOptions, Scope, Mode, ProgressListener)} in one pass. */
    public static Result apply(ModelProto quantized, CalibrationDataSource source, OrtRunnerOptions options,
                               Scope scope) {
        return apply(quantized, source, options, scope, Mode.ONE_PASS, ProgressListener.NONE);
    }

    /**
     * Corrects the biases of the quantized layers of {@code quantized} (as {@link QdqQuantizer} writes it: a
     * Q→DQ pair on the data input and on the constant weight) from the samples of {@code source}. The model runs
     * without ONNX Runtime's graph optimisations, so the Q/DQ arithmetic is the one TensorRT reproduces.
     *
     * @param progress told the layers corrected so far (layer by layer only)
     * @throws InvalidOptionException if the model has no such layer
     * @throws Trt4jException         if the data gives no samples or does not fit the model
     */
    public static Result apply(ModelProto quantized, CalibrationDataSource source, OrtRunnerOptions options,
                               Scope scope, Mode mode, ProgressListener progress) {
        GraphIndex index = new GraphIndex(quantized.getGraph());
        List<Target> targets = targets(index, scope);
        if (targets.isEmpty()) {
            // what --exclude left, or what the model holds, contradicts the option: a usage error
            throw new InvalidOptionException("bias correction: the model has no quantized Conv"
                    + (scope == Scope.ALL ? ", or MatMul followed by a bias Add," : "") + " with constant weights");
        }
        OrtRunnerOptions unoptimised = options.withGraphOptimizations(false);
        Result result = mode == Mode.ONE_PASS
                ? inOnePass(quantized, index, targets, source, unoptimised)
                : layerByLayer(quantized, index, targets, source, unoptimised, progress);
        LOG.info("bias correction ({}): {} layers corrected over {} samples", mode.label(), result.shifts().size(),
                result.samples());
        return result;
    }

    private static Result inOnePass(ModelProto quantized, GraphIndex index, List<Target> targets,
                                    CalibrationDataSource source, OrtRunnerOptions options) {
        Probe probe = withErrorOutputs(quantized, index, targets);
        List<String> outputs = probe.outputs();
        Map<String, double[]> sums = new LinkedHashMap<>();
        long samples = 0;
        try (OrtModelRunner runner = OrtModelRunner.open(probe.model(), "bias correction", options)) {
            Optional<Batch> next;
            while ((next = source.next()).isPresent()) {
                Batch batch = next.get();
                int n = batch.size();
                // One NaN or infinity would make every mean error, and so the corrected biases, non-finite.
                batch.requireBatchDimension(source.describe(), runner.inputs());
                batch.requireFinite(source.describe(), samples);
                runner.run(batch, outputs, (name, tensor) -> ChannelMeans.accumulate(sums, name, tensor, n));
                samples += n;
            }
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples for bias correction");
        }
        List<double[]> errors = ChannelMeans.means(sums, outputs, probe.requests(), samples, "bias correction");
        return corrected(quantized, index, targets, errors, samples);
    }

    /**
     * Measures the FP32 model's mean outputs once, then, group by group in graph order, the corrected-so-far quantized
     * model's, and corrects each group by the difference. A group holds consecutive layers none of which feeds
     * another, so correcting one cannot change what another sees.
     */
    private static Result layerByLayer(ModelProto quantized, GraphIndex index, List<Target> targets,
                                       CalibrationDataSource source, OrtRunnerOptions options,
                                       ProgressListener progress) {
        List<Batch> batches = new ArrayList<>();
        List<TensorSpec> inputs = OnnxModel.inputsOf(quantized, Path.of("bias correction"));
        long samples = 0;
        Optional<Batch> next;
        while ((next = source.next()).isPresent()) {
            Batch batch = next.get();
            batch.requireBatchDimension(source.describe(), inputs);
            batch.requireFinite(source.describe(), samples);
            batches.add(batch);
            samples += batch.size();
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples for bias correction");
        }
        List<ChannelMeans.Request> outputs = targets.stream().map(t -> t.measuring(t.biased(index), index)).toList();
        List<double[]> reference = ChannelMeans.measure(QdqBypass.fp32Of(quantized), outputs, batches, options,
                "bias correction (FP32 reference)");
        List<double[]> errors = new ArrayList<>();
        Result result = new Result(quantized, Map.of(), samples);
        for (List<Integer> group : independentGroups(index, targets)) {
            List<double[]> means = ChannelMeans.measure(result.model(), group.stream().map(outputs::get).toList(),
                    batches, options, "bias correction");
            for (int j = 0; j < group.size(); j++) {
                double[] mean = means.get(j);
                double[] fp32 = reference.get(group.get(j));
                double[] error = new double[mean.length];
                for (int c = 0; c < mean.length; c++) {
                    error[c] = mean[c] - fp32[c];
                }
                errors.add(error);
            }
            result = corrected(quantized, index, targets.subList(0, errors.size()), errors, samples);
            progress.progress(errors.size(), targets.size());
        }
        return result; // the last group's: every target corrected
    }

    /** Runs of consecutive targets in which no target's biased output depends on another's. */
    private static List<List<Integer>> independentGroups(GraphIndex index, List<Target> targets) {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        for (int k = 0; k < targets.size(); k++) {
            Set<Integer> upstream = ancestors(index, targets.get(k).biased(index));
            boolean feeds = group.stream().anyMatch(j -> upstream.contains(targets.get(j).biasNode()));
            if (feeds) {
                groups.add(group);
                group = new ArrayList<>();
            }
            group.add(k);
        }
        groups.add(group);
        return groups;
    }

    /** The nodes {@code tensor} depends on, its producer included, through what subgraphs read from outside too. */
    private static Set<Integer> ancestors(GraphIndex index, String tensor) {
        Set<Integer> nodes = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            int p = index.producer(todo.pop());
            if (p >= 0 && nodes.add(p)) {
                index.reads(p).forEach(todo::push);
            }
        }
        return nodes;
    }

    /**
     * Quantized layers, data and weight each read through DequantizeLinear ← QuantizeLinear with a constant
     * weight: Convs (bias: their third input), and MatMuls with a 2-D weight whose only reader is an Add of a
     * constant per-column bias (the form exporters give a Linear layer).
     */
    private static List<Target> targets(GraphIndex index, Scope scope) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            boolean conv = n.getOpType().equals("Conv");
            boolean matMul = scope == Scope.ALL && n.getOpType().equals("MatMul");
            if (!(conv || matMul) || !GraphIndex.isDefaultDomain(n.getDomain())
                    || n.getInputCount() < 2) {
                continue;
            }
            Optional<String> x = quantizedSource(index, n.getInput(0));
            Optional<String> w = quantizedSource(index, n.getInput(1));
            Optional<TensorProto> weight = w.flatMap(index::constant);
            if (x.isEmpty() || weight.isEmpty() || weight.get().getDimsCount() < (conv ? 1 : 2)) {
                continue;
            }
            if (conv) {
                boolean hasBias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
                if (hasBias && index.constant(n.getInput(2)).isEmpty()) {
                    LOG.debug("bias correction skips Conv '{}': its bias is not a constant", index.label(i));
                    continue;
                }
                targets.add(new Target(i, index.label(i), x.get(), w.get(),
                        Math.toIntExact(weight.get().getDims(0)), false, i, hasBias ? 2 : -1));
            } else if (weight.get().getDimsCount() == 2) {
                int columns = Math.toIntExact(weight.get().getDims(1));
                Optional<GraphIndex.Use> add = index.constantBiasAdd(n.getOutput(0), columns);
                if (add.isPresent()) {
                    targets.add(new Target(i, index.label(i), x.get(), w.get(), columns, true, add.get().node(),
                            add.get().input()));
                }
            }
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
     * The model plus, per target, a twin layer on the FP32 input and weights and an output holding the
     * per-channel mean of (quantized − FP32) over the batch and spatial axes.
     */
    private static Probe withErrorOutputs(ModelProto model, GraphIndex index, List<Target> targets) {
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        long opset = OpsetUpgrade.defaultOpset(model);
        List<String> outputs = new ArrayList<>();
        List<ChannelMeans.Request> requests = new ArrayList<>();
        for (Target t : targets) {
            NodeProto layer = index.node(t.node());
            String twinOut = names.take(t.label() + "_fp32");
            NodeProto.Builder twin = layer.toBuilder().setName(names.take(t.label() + "_fp32_twin"))
                    .setInput(0, t.input()).setInput(1, t.weight()).clearOutput().addOutput(twinOut);
            String diff = names.take(t.label() + "_error");
            NodeProto sub = NodeProto.newBuilder().setOpType("Sub").setName(names.take(t.label() + "_error_sub"))
                    .addInput(layer.getOutput(0)).addInput(twinOut).addOutput(diff).build();
            g.addNode(twin).addNode(sub);
            ChannelMeans.Request request = t.measuring(diff, index);
            requests.add(request);
            outputs.add(ChannelMeans.addOutput(g, names, request, opset));
        }
        return new Probe(model.toBuilder().setGraph(g).build(), outputs, requests);
    }

    /** {@code model} with each target's bias minus its mean error ({@code errors}, in target order). */
    private static Result corrected(ModelProto model, GraphIndex index, List<Target> targets,
                                    List<double[]> errors, long samples) {
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, Float> shifts = new LinkedHashMap<>();
        List<String> replaced = new ArrayList<>();
        for (int k = 0; k < targets.size(); k++) {
            Target t = targets.get(k);
            double[] error = errors.get(k);
            boolean hasBias = t.biasInput() >= 0;
            String oldBias = hasBias ? index.node(t.biasNode()).getInput(t.biasInput()) : null;
            float[] bias = hasBias ? TensorValues.floats(index.constant(oldBias).orElseThrow())
                    : new float[t.channels()];
            if (bias.length != t.channels()) {
                LOG.debug("bias correction skips '{}': {} biases for {} channels", t.label(), bias.length,
                        t.channels());
                continue;
            }
            float[] fixed = new float[bias.length];
            float largest = 0;
            for (int c = 0; c < bias.length; c++) {
                float shift = (float) error[c];
                fixed[c] = bias[c] - shift;
                largest = Math.max(largest, Math.abs(shift));
            }
            // A new constant: the old bias may be shared, and a Constant node cannot be edited in place cleanly.
            String name = names.take((hasBias ? oldBias : t.label() + "_bias") + "_corrected");
            g.addInitializer(TensorValues.floatTensor(name, List.of((long) fixed.length), fixed));
            NodeProto.Builder b = g.getNode(t.biasNode()).toBuilder();
            if (hasBias) {
                replaced.add(oldBias);
                b.setInput(t.biasInput(), name);
            } else if (b.getInputCount() > 2) {
                b.setInput(2, name); // an empty name stood for the bias: Conv takes three inputs at most
            } else {
                b.addInput(name);
            }
            g.setNode(t.biasNode(), b);
            shifts.put(t.label(), largest);
        }
        UnusedConstants.remove(g, replaced);
        return new Result(model.toBuilder().setGraph(g).build(), shifts, samples);
    }
}
