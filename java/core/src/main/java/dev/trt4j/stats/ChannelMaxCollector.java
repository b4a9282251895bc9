package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.StateCarrier;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Max |x| of each channel of chosen tensors over a data set, from one ONNX Runtime pass over the FP32 model (graph
 * optimisations off, as for calibration). A tensor's channels lie along axis 1 (NCHW) or along its last axis (the
 * input features of a MatMul). Not thread-safe.
 */
public final class ChannelMaxCollector {
    /** Where a tensor's channels lie. */
    public enum ChannelAxis {
        /** Axis 1, as in NCHW activations. */
        SECOND,
        /** The last axis, as in a MatMul's input features. */
        LAST
    }

    /**
     * Each tensor's largest magnitude per channel, and for last-axis tensors a sample of rows if requested.
     *
     * @param samples the samples the pass ran
     * @param batches the batches they ran in (a stream's state is carried only from one batch to the next)
     */
    public record ChannelStatistics(Map<String, float[]> max, Map<String, RowSample> rows, long samples,
                                    long batches) {
    }

    private final OnnxModel model;
    private final Map<String, ChannelAxis> axes;
    private final List<String> tensors;
    private final int rowsPerTensor;

    /** @param tensorNames activations of {@code model} of rank ≥ 2, channels along axis 1 */
    public ChannelMaxCollector(OnnxModel model, List<String> tensorNames) {
        this(model, axis(tensorNames, ChannelAxis.SECOND));
    }

    /** @param channelAxes activations of {@code model} of rank ≥ 2, each with where its channels lie */
    public ChannelMaxCollector(OnnxModel model, Map<String, ChannelAxis> channelAxes) {
        this(model, channelAxes, 0);
    }

    private ChannelMaxCollector(OnnxModel model, Map<String, ChannelAxis> channelAxes, int rowsPerTensor) {
        this.model = model;
        this.axes = new LinkedHashMap<>(channelAxes);
        this.tensors = List.copyOf(axes.keySet());
        this.rowsPerTensor = rowsPerTensor;
    }

    /** The same collector that also keeps a seeded random sample of {@code rows} rows of each last-axis tensor. */
    public ChannelMaxCollector sampleRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        return new ChannelMaxCollector(model, axes, rows);
    }

    /** Every one of {@code tensorNames} with its channels along {@code axis}. */
    public static Map<String, ChannelAxis> axis(List<String> tensorNames, ChannelAxis axis) {
        Map<String, ChannelAxis> m = new LinkedHashMap<>();
        tensorNames.forEach(t -> m.put(t, axis));
        return m;
    }

    /**
     * Runs the model over {@code source} and returns each tensor's per-channel max |x|.
     *
     * @throws Trt4jException if the data gives no samples, or a tensor has rank below 2 or a changing channel count
     */
    public ChannelStatistics collect(CalibrationDataSource source, OrtRunnerOptions options) {
        return collect(source, options, StateFeedback.NONE);
    }

    /**
     * As {@link #collect(CalibrationDataSource, OrtRunnerOptions)} for a streaming model: the linked outputs of each
     * batch are fed back as inputs of the next, as the statistics pass of calibration feeds them, so that the ranges
     * are those of the state the model really carries.
     *
     * @param feedback the state links, {@link StateFeedback#NONE} for none; the data feeds the other inputs
     * @throws Trt4jException as the other form, or if a link does not fit the model or the batches
     */
    public ChannelStatistics collect(CalibrationDataSource source, OrtRunnerOptions options, StateFeedback feedback) {
        Map<String, float[]> max = new LinkedHashMap<>();
        Map<String, RowSample> rows = new LinkedHashMap<>();
        if (tensors.isEmpty()) {
            return new ChannelStatistics(max, rows, 0, 0);
        }
        long samples = 0;
        long batches = 0;
        StateCarrier state = feedback.start(model.path().toString(), model.inputs(), model.outputs());
        Set<String> wanted = new LinkedHashSet<>(tensors);
        wanted.addAll(state.outputs());
        try (OrtModelRunner runner = OrtModelRunner.open(model.exposing(tensors), model.path(),
                options.withGraphOptimizations(false))) {
            Optional<Batch> next;
            while ((next = source.next()).isPresent()) {
                // a NaN would become every channel's maximum, and so every scale
                next.get().requireBatchDimension(source.describe(), model.inputs());
                next.get().requireFinite(source.describe(), samples);
                runner.run(state.feed(next.get()), wanted, (name, tensor) -> {
                    state.keep(name, tensor); // ignores all but the linked outputs
                    ChannelAxis axis = axes.get(name);
                    if (axis == null) {
                        return; // a fed-back output that is not measured
                    }
                    int channels = fold(max, name, tensor, axis);
                    if (rowsPerTensor > 0 && axis == ChannelAxis.LAST) {
                        // Seeded by name, so that each tensor's sample repeats whatever the others are.
                        rows.computeIfAbsent(name, k -> new RowSample(rowsPerTensor, channels, k.hashCode()))
                                .offer(tensor.floats());
                    }
                });
                samples += next.get().size();
                batches++;
            }
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples");
        }
        return new ChannelStatistics(max, rows, samples, batches);
    }

    /** Folds {@code tensor} into its channels' max and returns its channel count. */
    private static int fold(Map<String, float[]> max, String name, HostTensor tensor, ChannelAxis axis) {
        long[] shape = tensor.shape();
        if (shape.length < 2) {
            throw new Trt4jException("tensor '" + name + "' has rank " + shape.length + "; channels need rank >= 2");
        }
        int at = axis == ChannelAxis.SECOND ? 1 : shape.length - 1;
        int channels = Math.toIntExact(shape[at]);
        int inner = 1;
        for (int d = at + 1; d < shape.length; d++) {
            inner = Math.multiplyExact(inner, Math.toIntExact(shape[d]));
        }
        float[] m = max.computeIfAbsent(name, k -> new float[channels]);
        if (m.length != channels) {
            throw new Trt4jException("tensor '" + name + "' changed from " + m.length + " to " + channels
                    + " channels");
        }
        float[] v = tensor.floats();
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            m[c] = Math.max(m[c], Math.abs(v[i]));
        }
        return channels;
    }
}
