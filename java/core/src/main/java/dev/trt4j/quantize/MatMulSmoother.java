package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Migrates the range of outlier activation channels into the weights of the MatMuls that read them (SmoothQuant,
 * Xiao et al. 2023), an FP32-exact rewrite that makes a per-tensor INT8 activation scale fit every channel.
 *
 * <p>Why: a MatMul input such as a transformer's GELU output has a few channels far wider than the rest, so one
 * per-tensor scale reads most channels with a handful of levels. Since {@code X·W = (X / s)·(s·W)} for a
 * per-input-channel {@code s}, dividing channel {@code j} by {@code s_j = max|X_j|^α / max|W_j|^(1−α)} and
 * multiplying weight row {@code j} by it balances the two: α = 0.5 gives both the range
 * {@code √(max|X_j|·max|W_j|)}. Weights are quantized per output channel, so they absorb the wider rows at a smaller
 * cost than the activation sheds.
 *
 * <p>Where: any input of MatMuls with a constant 2-D weight as their second operand (or of Gemms, whose weight may
 * be transposed). If those MatMuls are its only readers and it is made by a Mul by a per-channel constant,
 * optionally followed by Adds of per-channel constants (a LayerNorm's affine), the division goes into those
 * constants and the graph gains no node. Otherwise one Mul by {@code 1/s} is inserted before the MatMuls; other
 * readers (the residual Add after a LayerNorm) keep the original values, and patterns that runtimes fuse (GELU's
 * scalar {@code · 0.5}) stay as they are.
 */
public final class MatMulSmoother {
    private static final Logger LOG = LoggerFactory.getLogger(MatMulSmoother.class);

    /** The migration strengths {@link #smoothSearched} tries for each input, besides leaving it as it is. */
    public static final List<Double> ALPHA_GRID = List.of(0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

    /**
     * @param model    the smoothed model (computes the same function as the input model)
     * @param smoothed MatMul → its input tensor, for each MatMul whose input was smoothed, in graph order
     * @param alphas   input tensor → the migration strength it was smoothed with, in graph order
     * @param gains    input tensor → how many times smaller the INT8 MatMuls' squared error on the sampled rows is
     *                 with the best strength than without smoothing (at least 1), for each input whose strength was
     *                 searched, smoothed or not, in graph order
     */
    public record Result(ModelProto model, Map<String, String> smoothed, Map<String, Double> alphas,
                         Map<String, Double> gains) {
        public Result {
            smoothed = Collections.unmodifiableMap(new LinkedHashMap<>(smoothed));
            alphas = Collections.unmodifiableMap(new LinkedHashMap<>(alphas));
            gains = Collections.unmodifiableMap(new LinkedHashMap<>(gains));
        }
    }

    /**
     * An input of {@code channels} channels read by the MatMuls {@code matMuls}; {@code chain} if the division can go
     * into the constants that make it, else it gets a Mul of its own.
     */
    private record Candidate(String input, int channels, List<Integer> matMuls, Optional<ConstantScaleChain> chain) {
    }

    private MatMulSmoother() {
    }

    /**
     * The labels (name, or operator and index for an unnamed node) of the MatMuls and Gemms whose inputs can be
     * smoothed, in graph order: what a skip predicate is asked about.
     */
    public static List<String> smoothableMatMuls(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        return candidates(index).stream().flatMap(c -> c.matMuls().stream()).sorted().map(index::label).toList();
    }

    /** The MatMul inputs that can be smoothed, in graph order: their max |x| per channel (last axis) is needed. */
    public static List<String> smoothableInputs(ModelProto model) {
        return candidates(new GraphIndex(model.getGraph())).stream().map(Candidate::input).toList();
    }

    /**
     * Smooths every eligible MatMul input from its per-channel max |x| ({@code channelMax}, last axis) with migration
     * strength {@code alpha} in [0, 1]. A channel whose activation or weight row is all zero keeps its scale.
     *
     * @throws Trt4jException if an input of {@link #smoothableInputs} has no ranges, or the wrong number
     */
    public static Result smooth(ModelProto model, Map<String, float[]> channelMax, double alpha) {
        return smooth(model, channelMax, alpha, label -> false);
    }

    /**
     * Like {@link #smooth(ModelProto, Map, double)}, leaving alone each input read by a MatMul whose label
     * ({@link #smoothableMatMuls}) {@code skip} accepts.
     */
    public static Result smooth(ModelProto model, Map<String, float[]> channelMax, double alpha,
            Predicate<String> skip) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        return smooth(model, channelMax, skip, (c, ranges, weights) -> new Choice(OptionalDouble.of(alpha),
                OptionalDouble.empty()));
    }

    /**
     * Smooths each eligible MatMul input with the strength of {@link #ALPHA_GRID} whose INT8 MatMuls come closest
     * to FP32 on the input's sampled rows ({@code sampledRows}, each the input's last-axis vector), or leaves it
     * as it is if none of them beats that.
     *
     * @throws Trt4jException if an input of {@link #smoothableInputs} has no ranges or no sampled rows
     */
    public static Result smoothSearched(ModelProto model, Map<String, float[]> channelMax,
            Map<String, List<float[]>> sampledRows) {
        return smoothSearched(model, channelMax, sampledRows, label -> false);
    }

    /**
     * Like {@link #smoothSearched(ModelProto, Map, Map)}, leaving alone each input read by a MatMul whose label
     * ({@link #smoothableMatMuls}) {@code skip} accepts.
     */
    public static Result smoothSearched(ModelProto model, Map<String, float[]> channelMax,
            Map<String, List<float[]>> sampledRows, Predicate<String> skip) {
        return smooth(model, channelMax, skip, (c, ranges, weights) -> {
            List<float[]> rows = sampledRows.get(c.input());
            if (rows == null || rows.isEmpty() || rows.get(0).length != c.channels()) {
                throw new Trt4jException("equalize: tensor '" + c.input() + "' needs sampled rows of " + c.channels()
                        + " values to choose its alpha");
            }
            SmoothingError measure = new SmoothingError(rows, c.channels(), weights);
            double[] unit = new double[c.channels()];
            Arrays.fill(unit, 1);
            double unsmoothed = measure.error(unit, ranges);
            double best = unsmoothed;
            // Each strength costs a MatMul over the sampled rows; they are independent, so all cores share them.
            double[] errors = IntStream.range(0, ALPHA_GRID.size()).parallel()
                    .mapToDouble(i -> measure.error(scales(ranges, weights, ALPHA_GRID.get(i)), ranges)).toArray();
            OptionalDouble chosen = OptionalDouble.empty();
            for (int i = 0; i < errors.length; i++) {
                if (errors[i] < best) {
                    best = errors[i];
                    chosen = OptionalDouble.of(ALPHA_GRID.get(i));
                }
            }
            // 0/0 (an input the sampled rows never reach) gains nothing.
            double gain = best > 0 ? unsmoothed / best : unsmoothed > 0 ? Double.POSITIVE_INFINITY : 1;
            return new Choice(chosen, OptionalDouble.of(gain));
        });
    }

    /** A candidate's strength (empty: left unsmoothed) and, where it was searched, the error ratio it found. */
    private record Choice(OptionalDouble alpha, OptionalDouble gain) {
    }

    /** Picks a candidate's strength from its channel ranges and weights. */
    private interface AlphaChoice {
        Choice choose(Candidate candidate, float[] channelMax, List<float[]> weights);
    }

    private static Result smooth(ModelProto model, Map<String, float[]> channelMax, Predicate<String> skip,
            AlphaChoice choice) {
        GraphIndex index = new GraphIndex(model.getGraph());
        UniqueNames names = new UniqueNames(model.getGraph());
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, String> done = new LinkedHashMap<>();
        Map<String, Double> alphas = new LinkedHashMap<>();
        Map<String, Double> gains = new LinkedHashMap<>();
        List<String> replaced = new ArrayList<>();
        Map<Integer, List<NodeProto>> divisions = new LinkedHashMap<>();
        for (Candidate c : candidates(index)) {
            if (c.matMuls().stream().map(index::label).anyMatch(skip)) {
                continue;
            }
            float[] ranges = ChannelRanges.of(channelMax, c.input(), c.channels());
            List<float[]> weights = new ArrayList<>();
            for (int m : c.matMuls()) {
                weights.add(weightByInputChannel(index, m, c.channels()));
            }
            Choice chosen = choice.choose(c, ranges, weights);
            chosen.gain().ifPresent(gain -> gains.put(c.input(), gain));
            OptionalDouble alpha = chosen.alpha();
            if (alpha.isEmpty()) {
                continue;
            }
            double[] scale = scales(ranges, weights, alpha.getAsDouble());
            double[] inverse = new double[c.channels()];
            for (int j = 0; j < scale.length; j++) {
                inverse[j] = 1 / scale[j];
            }
            for (int i = 0; i < c.matMuls().size(); i++) {
                NodeProto mm = index.node(c.matMuls().get(i));
                float[] w = weights.get(i).clone();
                int columns = w.length / c.channels();
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) (w[k] * scale[k / columns]);
                }
                TensorProto original = index.constant(mm.getInput(1)).orElseThrow();
                String name = names.take(mm.getInput(1) + "_smoothed");
                float[] stored = transposesWeight(mm) ? transpose(w, c.channels()) : w;
                g.addInitializer(TensorValues.floatTensor(name, original.getDimsList(), stored));
                g.setNode(c.matMuls().get(i), g.getNode(c.matMuls().get(i)).toBuilder().setInput(1, name));
                replaced.add(mm.getInput(1));
                done.put(index.label(c.matMuls().get(i)), c.input());
            }
            if (c.chain().isPresent()) {
                c.chain().get().scale(index, g, names, inverse, replaced);
            } else {
                divisions.computeIfAbsent(index.producer(c.input()), k -> new ArrayList<>())
                        .add(division(c, inverse, g, names));
            }
            alphas.put(c.input(), alpha.getAsDouble());
        }
        insertAfterProducers(g, divisions);
        UnusedConstants.remove(g, replaced);
        LOG.info("smoothed the inputs of {} MatMuls", done.size());
        return new Result(model.toBuilder().setGraph(g).build(), done, alphas, gains);
    }

    /**
     * The Mul by {@code 1/s} that makes the smoothed input when no constant can take it. Rewires the candidate's
     * MatMuls to its output (other readers keep the input) and returns it, for {@link #insertAfterProducers}.
     */
    private static NodeProto division(Candidate c, double[] inverse, GraphProto.Builder g, UniqueNames names) {
        float[] factor = new float[inverse.length];
        for (int j = 0; j < factor.length; j++) {
            factor[j] = (float) inverse[j];
        }
        String factorName = names.take(c.input() + "_smoothing");
        String smoothed = names.take(c.input() + "_smoothed");
        g.addInitializer(TensorValues.floatTensor(factorName, List.of((long) c.channels()), factor));
        for (int m : c.matMuls()) {
            g.setNode(m, g.getNode(m).toBuilder().setInput(0, smoothed));
        }
        return NodeProto.newBuilder().setOpType("Mul").setName(names.take(smoothed))
                .addInput(c.input()).addInput(factorName).addOutput(smoothed).build();
    }

    /**
     * Inserts each new node right after the node at its key (before every node for key -1: a graph input), keeping
     * the graph in topological order.
     */
    private static void insertAfterProducers(GraphProto.Builder g, Map<Integer, List<NodeProto>> inserts) {
        if (inserts.isEmpty()) {
            return;
        }
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        g.clearNode();
        inserts.getOrDefault(-1, List.of()).forEach(g::addNode);
        for (int i = 0; i < nodes.size(); i++) {
            g.addNode(nodes.get(i));
            inserts.getOrDefault(i, List.of()).forEach(g::addNode);
        }
    }

    /**
     * {@code s_j = max|X_j|^α / max|W_j|^(1−α)}, the largest weight row taken over every MatMul reading the input;
     * 1 where either is zero.
     */
    private static double[] scales(float[] channelMax, List<float[]> weights, double alpha) {
        int channels = channelMax.length;
        double[] rowMax = new double[channels];
        for (float[] w : weights) {
            int columns = w.length / channels;
            for (int k = 0; k < w.length; k++) {
                rowMax[k / columns] = Math.max(rowMax[k / columns], Math.abs(w[k]));
            }
        }
        double[] scale = new double[channels];
        for (int j = 0; j < channels; j++) {
            double s = Math.pow(channelMax[j], alpha) / Math.pow(rowMax[j], 1 - alpha);
            scale[j] = channelMax[j] > 0 && rowMax[j] > 0 && Double.isFinite(s) && s > 0 ? s : 1;
        }
        return scale;
    }

    private static List<Candidate> candidates(GraphIndex index) {
        Map<String, List<Integer>> readers = new LinkedHashMap<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            if (weightRows(index, i) > 0) {
                readers.computeIfAbsent(index.node(i).getInput(0), k -> new ArrayList<>()).add(i);
            }
        }
        List<Candidate> out = new ArrayList<>();
        readers.forEach((input, matMuls) -> {
            int channels = weightRows(index, matMuls.get(0));
            if (matMuls.stream().allMatch(m -> weightRows(index, m) == channels)) {
                // Folding needs the MatMuls to be the only readers, and constants that are per channel already
                // (the last-axis layout takes no scalar).
                boolean onlyTheseRead = index.consumers(input).size() == matMuls.size();
                Optional<ConstantScaleChain> chain = onlyTheseRead ? ConstantScaleChain.find(index, input,
                        ConstantScaleChain.ChannelLayout.lastAxis(channels)) : Optional.empty();
                out.add(new Candidate(input, channels, List.copyOf(matMuls), chain));
            }
        });
        return out;
    }

    /**
     * The input channels of node {@code i} if it multiplies a tensor by a constant float 2-D weight: a MatMul with
     * weight [K, N], or a Gemm (A not transposed) with B [K, N], or [N, K] under {@code transB}; else 0. A node that
     * reads the tensor twice is left out.
     */
    private static int weightRows(GraphIndex index, int i) {
        NodeProto n = index.node(i);
        boolean matMul = n.getOpType().equals("MatMul") && n.getInputCount() == 2;
        boolean gemm = n.getOpType().equals("Gemm") && n.getInputCount() >= 2
                && Attributes.getInt(n, "transA", 0) == 0;
        if (!(matMul || gemm) || !GraphIndex.isDefaultDomain(n.getDomain()) || n.getInput(0).equals(n.getInput(1))) {
            return 0;
        }
        Optional<TensorProto> w = index.constant(n.getInput(1));
        if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || w.get().getDimsCount() != 2
                || index.constant(n.getInput(0)).isPresent()) {
            return 0;
        }
        return Math.toIntExact(w.get().getDims(transposesWeight(n) ? 1 : 0));
    }

    /** True for a Gemm that reads its weight transposed ([N, K]). */
    private static boolean transposesWeight(NodeProto n) {
        return n.getOpType().equals("Gemm") && Attributes.getInt(n, "transB", 0) != 0;
    }

    /** The weight of node {@code i} as [channels, N] row-major, whichever way it is stored. */
    private static float[] weightByInputChannel(GraphIndex index, int i, int channels) {
        NodeProto n = index.node(i);
        float[] w = TensorValues.floats(index.constant(n.getInput(1)).orElseThrow());
        return transposesWeight(n) ? transpose(w, w.length / channels) : w;
    }

    /** {@code m}, [rows, columns] row-major, transposed to [columns, rows]. */
    private static float[] transpose(float[] m, int rows) {
        int columns = m.length / rows;
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * rows + r] = m[r * columns + c];
            }
        }
        return t;
    }
}
