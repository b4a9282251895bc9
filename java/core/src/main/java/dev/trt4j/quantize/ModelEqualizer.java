package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.stats.ChannelMaxCollector;
import dev.trt4j.stats.ChannelMaxCollector.ChannelAxis;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Prepares an FP32 model for INT8 from one pass over samples: equalizes its depthwise-Conv inputs
 * ({@link DepthwiseEqualizer}) and smooths its MatMul inputs ({@link MatMulSmoother}). The result computes the same
 * function; calibrate it on the same samples, then quantize it.
 */
public final class ModelEqualizer {
    /** Rows of each MatMul input kept for choosing its strength: enough to rank them, cheap to multiply. */
    public static final int SAMPLED_ROWS = 512;

    /**
     * @param model     the equalized model
     * @param equalized depthwise Conv → its input, for each equalized Conv
     * @param smoothed  MatMul → its input, for each MatMul whose input was smoothed
     * @param alphas    smoothed input → its migration strength
     * @param gains     searched MatMul input → its INT8 error without smoothing over its error with the best
     *                  strength ({@link MatMulSmoother.Result#gains}); empty under a fixed strength
     * @param samples   the samples the measuring pass ran
     * @param batches   the batches they ran in
     */
    public record Result(ModelProto model, Map<String, String> equalized, Map<String, String> smoothed,
                         Map<String, Double> alphas, Map<String, Double> gains, long samples, long batches) {
        public Result {
            equalized = Collections.unmodifiableMap(new LinkedHashMap<>(equalized));
            smoothed = Collections.unmodifiableMap(new LinkedHashMap<>(smoothed));
            alphas = Collections.unmodifiableMap(new LinkedHashMap<>(alphas));
            gains = Collections.unmodifiableMap(new LinkedHashMap<>(gains));
        }
    }

    private final OptionalDouble alpha;
    private final Set<String> unsmoothed;

    private ModelEqualizer(OptionalDouble alpha, Set<String> unsmoothed) {
        this.alpha = alpha;
        this.unsmoothed = unsmoothed;
    }

    /** Smooths each MatMul input with the strength of {@link MatMulSmoother#ALPHA_GRID} that suits it best. */
    public static ModelEqualizer searchingAlpha() {
        return new ModelEqualizer(OptionalDouble.empty(), Set.of());
    }

    /**
     * This equalizer, leaving unsmoothed the input of each MatMul (or Gemm) labelled in {@code matMuls} (node names,
     * or {@code OpType#index} for unnamed nodes, as {@link #unsmoothedMatMuls} gives them), and so that of the other
     * MatMuls reading the same input (a transformer's Q, K and V projections share one). Why: each input that no
     * constant can take the division for costs a Mul at run time, and not every one of them buys accuracy.
     */
    public ModelEqualizer withoutSmoothing(Set<String> matMuls) {
        return new ModelEqualizer(alpha, Set.copyOf(matMuls));
    }

    /** Smooths every MatMul input with strength {@code alpha} in [0, 1]. */
    public static ModelEqualizer withAlpha(double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        return new ModelEqualizer(OptionalDouble.of(alpha), Set.of());
    }

    /** True if {@code model} has a depthwise Conv or a MatMul input this class can rescale. */
    public static boolean appliesTo(ModelProto model) {
        return !DepthwiseEqualizer.equalizableInputs(model).isEmpty()
                || !MatMulSmoother.smoothableInputs(model).isEmpty();
    }

    /**
     * Runs {@code model} over {@code source} once for the channel ranges (and sampled MatMul-input rows), then
     * rewrites it.
     *
     * @throws Trt4jException if the model has nothing to equalize, or the data gives no samples
     */
    public Result equalize(OnnxModel model, CalibrationDataSource source, OrtRunnerOptions options) {
        return equalize(model, source, options, StateFeedback.NONE);
    }

    /**
     * As {@link #equalize(OnnxModel, CalibrationDataSource, OrtRunnerOptions)} for a streaming model: the measuring
     * pass feeds the linked outputs of each batch back as inputs of the next, as calibration does, so that the
     * ranges are those of the state the model carries (and the data needs to feed only the other inputs).
     *
     * @param feedback the state links, {@link StateFeedback#NONE} for none
     * @throws Trt4jException as the other form, or if a link does not fit the model or the batches
     */
    public Result equalize(OnnxModel model, CalibrationDataSource source, OrtRunnerOptions options,
                           StateFeedback feedback) {
        // its weights are integers behind DequantizeLinear or inside integer kernels: nothing left to rescale
        Map<String, Integer> quantized = QuantizedOperators.in(model);
        if (!quantized.isEmpty()) {
            throw new Trt4jException(model.path().getFileName() + ": is quantized already ("
                    + QuantizedOperators.describe(quantized) + "); equalize the FP32 model, then calibrate and quantize "
                    + "the result");
        }
        try {
            // float16 weights are none of the constants below looks for: say so, not "nothing to equalize"
            QdqQuantizer.requireFp32(model.proto(), model.path().getFileName().toString());
        } catch (Trt4jException fp16) {
            throw new Trt4jException(fp16.getMessage().replace("; quantize the FP32 model", "; equalize the FP32 "
                    + "model"), fp16);
        }
        List<String> depthwise = DepthwiseEqualizer.equalizableInputs(model.proto());
        List<String> matMul = MatMulSmoother.smoothableInputs(model.proto());
        if (depthwise.isEmpty() && matMul.isEmpty()) {
            throw new Trt4jException(model.path().getFileName() + ": no depthwise Conv whose input is made by a Mul "
                    + "by a constant, and no MatMul or Gemm with constant weights; nothing to equalize");
        }
        // the pass runs the model in ONNX Runtime: a node it cannot run (a TensorRT plugin) is named as evaluate
        // names it, not in ONNX Runtime's "is not a registered function/op"
        OperatorCheck.require(model.proto(), model.path().getFileName().toString(), "equalize runs it");
        Map<String, ChannelAxis> axes = new LinkedHashMap<>(ChannelMaxCollector.axis(depthwise, ChannelAxis.SECOND));
        axes.putAll(ChannelMaxCollector.axis(matMul, ChannelAxis.LAST));
        ChannelMaxCollector collector = new ChannelMaxCollector(model, axes);
        boolean sampleRows = alpha.isEmpty() && !matMul.isEmpty();
        ChannelMaxCollector.ChannelStatistics statistics = (sampleRows ? collector.sampleRows(SAMPLED_ROWS)
                : collector).collect(source, options, feedback);
        // Constant nodes the depthwise rewrite drops and the Muls smoothing adds would move unnamed nodes' indexes:
        // named by their labels first, --no-smooth, --exclude and the reports keep meaning the input's nodes.
        DepthwiseEqualizer.Result equalized = DepthwiseEqualizer.equalize(NodeNames.nameUnnamed(model.proto()),
                statistics.max());
        MatMulSmoother.Result smoothed;
        if (alpha.isPresent()) {
            smoothed = MatMulSmoother.smooth(equalized.model(), statistics.max(), alpha.getAsDouble(),
                    unsmoothed::contains);
        } else {
            Map<String, List<float[]>> rows = new LinkedHashMap<>();
            statistics.rows().forEach((name, sample) -> rows.put(name, sample.rows()));
            smoothed = MatMulSmoother.smoothSearched(equalized.model(), statistics.max(), rows, unsmoothed::contains);
        }
        if (equalized.equalized().isEmpty() && smoothed.smoothed().isEmpty() && !unsmoothed.isEmpty()
                && smoothed.gains().isEmpty()) {
            // --no-smooth left no input to search: the output would be the model unchanged
            throw new InvalidOptionException(model.path().getFileName() + ": --no-smooth leaves nothing to equalize "
                    + "(no depthwise Conv to equalize, and every MatMul or Gemm input is excluded from smoothing)");
        }
        return new Result(smoothed.model(), equalized.equalized(), smoothed.smoothed(), smoothed.alphas(),
                smoothed.gains(), statistics.samples(), statistics.batches());
    }

    /**
     * The labels of the MatMuls and Gemms of {@code model} that {@code unsmoothed} selects and whose inputs could be
     * smoothed: what {@link #withoutSmoothing} takes.
     *
     * @throws IllegalArgumentException naming the first value of {@code unsmoothed} that selects no MatMul whose
     *                                  input could be smoothed: it changes nothing, most likely a typo
     */
    public static Set<String> unsmoothedMatMuls(ModelProto model, NodeSelection unsmoothed) {
        if (unsmoothed.isEmpty()) {
            return Set.of();
        }
        List<String> smoothable = MatMulSmoother.smoothableMatMuls(model);
        unsmoothed.firstUnmatched(model.getGraph(), smoothable::contains).ifPresent(u -> {
            throw new IllegalArgumentException("'" + u.value() + "' selects no MatMul or Gemm whose input could be "
                    + "smoothed (" + smoothable.size() + " could), so it changes nothing");
        });
        Set<String> skipped = new HashSet<>(unsmoothed.select(model.getGraph()));
        skipped.retainAll(smoothable);
        return skipped;
    }
}
