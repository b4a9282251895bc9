package dev.trt4j.quantize;

import dev.trt4j.Trt4jException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * How {@link QdqQuantizer} quantizes a model.
 *
 * @param weightGranularity    per-channel (default) or per-tensor weight scales
 * @param weightCalibrator     how weight amax is chosen (max by default)
 * @param foldBatchNorm        fold BatchNormalization, and constant scales and shifts after a Conv, into the Conv
 *                             before quantizing (default on); for the ONNX Runtime CPU layout also scales before a
 *                             Conv and shifts into its output's zero point
 * @param quantizeResidualAdds quantize the residual input of an Add fed by a quantized Conv, so TensorRT can fuse
 *                             the Conv with the Add (default on; TensorRT target only)
 * @param opTypes              operator types that get Q/DQ on their inputs; a subset of {@link #SUPPORTED_OP_TYPES}
 * @param excludedNodes        node names to leave in FP32 (each must exist)
 * @param excludedOpTypes      operator types to leave in FP32 (each must occur in the model)
 * @param excludedPatterns     Java regular expressions; a node whose name contains a match stays FP32 (anchor with
 *                             {@code ^…$} for whole names; each must match some node)
 * @param target               the runtime the Q/DQ layout is for (TensorRT by default)
 * @param reduceRange          7-bit weights ({@code [-64, 64]}) so that x86 AVX2 u8×s8 kernels, which add pairs of
 *                             products in saturating 16-bit arithmetic, cannot overflow; only with {@link
 *                             QuantizationTarget#ONNXRUNTIME_CPU}
 * @param skipDepthwise        leave depthwise Convs (one input channel per group) in FP32: on x86 CPUs ONNX Runtime's
 *                             FP32 depthwise kernels beat its INT8 ones, so quantizing them only adds Q/DQ work
 * @param dynamic              MatMuls (with constant weights) whose input ONNX Runtime quantizes with a range measured
 *                             on each run ({@code DynamicQuantizeMatMul}) instead of the calibrated one; only with
 *                             {@link QuantizationTarget#ONNXRUNTIME_CPU}. Each value must select such a MatMul
 */
public record QuantizationConfig(WeightGranularity weightGranularity, WeightCalibrator weightCalibrator,
                                 boolean foldBatchNorm, boolean quantizeResidualAdds, Set<String> opTypes,
                                 List<String> excludedNodes, List<String> excludedOpTypes,
                                 List<String> excludedPatterns, QuantizationTarget target, boolean reduceRange,
                                 boolean skipDepthwise, NodeSelection dynamic) {

    /** Operator types the quantizer knows how to place Q/DQ on. */
    public static final Set<String> SUPPORTED_OP_TYPES = Collections.unmodifiableSet(
            Arrays.stream(QuantizableOp.values()).map(QuantizableOp::opType)
                    .collect(Collectors.toCollection(() -> new TreeSet<String>())));

    /** Operators quantized by default: the ones with weights, where INT8 pays off. */
    public static final Set<String> DEFAULT_OP_TYPES = Collections.unmodifiableSet(
            new TreeSet<>(List.of("Conv", "ConvTranspose", "Gemm", "MatMul")));

    /**
     * Checks the configuration and copies the sets and lists (unmodifiable).
     *
     * @param weightGranularity    per-channel or per-tensor weight scales; not null
     * @param weightCalibrator     how weight amax is chosen; not null
     * @param foldBatchNorm        fold BatchNormalization into the preceding Conv
     * @param quantizeResidualAdds quantize the residual input of an Add fed by a quantized Conv (TensorRT only)
     * @param opTypes              operator types to quantize; each in {@link #SUPPORTED_OP_TYPES}
     * @param excludedNodes        node names to leave in FP32
     * @param excludedOpTypes      operator types to leave in FP32
     * @param excludedPatterns     Java regular expressions for node names to leave in FP32
     * @param target               the runtime the Q/DQ layout is for; not null
     * @param reduceRange          7-bit weights; only with {@link QuantizationTarget#ONNXRUNTIME_CPU}
     * @param skipDepthwise        leave depthwise Convs in FP32
     * @param dynamic              MatMuls to quantize dynamically; only with {@link QuantizationTarget#ONNXRUNTIME_CPU}
     * @throws Trt4jException       if {@code reduceRange} or {@code dynamic} is set for another target, an operator
     *                              type is not supported, or a pattern is not a valid regular expression
     * @throws NullPointerException if a non-boolean argument, or an element of a set or list, is null
     */
    public QuantizationConfig {
        Objects.requireNonNull(weightGranularity, "weightGranularity");
        Objects.requireNonNull(weightCalibrator, "weightCalibrator");
        Objects.requireNonNull(target, "target");
        if (reduceRange && target != QuantizationTarget.ONNXRUNTIME_CPU) {
            throw new Trt4jException("reduced-range (7-bit) weights are for target "
                    + QuantizationTarget.ONNXRUNTIME_CPU.cliName() + ", not " + target.cliName());
        }
        Objects.requireNonNull(dynamic, "dynamic");
        if (!dynamic.isEmpty() && target != QuantizationTarget.ONNXRUNTIME_CPU) {
            throw new Trt4jException("dynamic quantization is for target "
                    + QuantizationTarget.ONNXRUNTIME_CPU.cliName() + ", not " + target.cliName()
                    + " (TensorRT takes every INT8 range from the model)");
        }
        opTypes = Collections.unmodifiableSet(new TreeSet<String>(opTypes));
        for (String op : opTypes) {
            if (!SUPPORTED_OP_TYPES.contains(op)) {
                throw new Trt4jException("cannot quantize operator type '" + op + "'; supported: "
                        + String.join(", ", SUPPORTED_OP_TYPES));
            }
        }
        excludedNodes = List.copyOf(excludedNodes);
        excludedOpTypes = List.copyOf(excludedOpTypes);
        excludedPatterns = List.copyOf(excludedPatterns);
        for (String p : excludedPatterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new Trt4jException("exclude pattern '" + p + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
    }

    /**
     * {@return per-channel max weights, BatchNorm folding, residual adds, the default operator types, no exclusions,
     * for TensorRT, with depthwise Convs quantized}
     */
    public static QuantizationConfig defaults() {
        return builder().build();
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from this configuration} */
    public Builder toBuilder() {
        Builder b = new Builder().weightGranularity(weightGranularity).weightCalibrator(weightCalibrator)
                .foldBatchNorm(foldBatchNorm).quantizeResidualAdds(quantizeResidualAdds).opTypes(opTypes)
                .target(target).reduceRange(reduceRange).skipDepthwise(skipDepthwise).dynamic(dynamic);
        excludedNodes.forEach(b::excludeNode);
        excludedOpTypes.forEach(b::excludeOpType);
        excludedPatterns.forEach(b::excludePattern);
        return b;
    }

    /** Builds a {@link QuantizationConfig}; starts from the defaults. */
    public static final class Builder {
        private WeightGranularity weightGranularity = WeightGranularity.PER_CHANNEL;
        private WeightCalibrator weightCalibrator = WeightCalibrator.max();
        private boolean foldBatchNorm = true;
        private boolean quantizeResidualAdds = true;
        private Set<String> opTypes = DEFAULT_OP_TYPES;
        private final List<String> excludedNodes = new ArrayList<>();
        private final List<String> excludedOpTypes = new ArrayList<>();
        private final List<String> excludedPatterns = new ArrayList<>();
        private QuantizationTarget target = QuantizationTarget.TENSORRT;
        private boolean reduceRange;
        private boolean skipDepthwise;
        private NodeSelection dynamic = NodeSelection.NONE;

        private Builder() {
        }

        /**
         * {@return this builder, with the weight granularity set}
         *
         * @param g {@link WeightGranularity#PER_CHANNEL} (the default) or {@link WeightGranularity#PER_TENSOR}; not
         *          null
         */
        public Builder weightGranularity(WeightGranularity g) {
            this.weightGranularity = g;
            return this;
        }

        /**
         * {@return this builder, with the weight calibrator set}
         *
         * @param c how weight amax is chosen; {@link WeightCalibrator#max()} by default, not null
         */
        public Builder weightCalibrator(WeightCalibrator c) {
            this.weightCalibrator = c;
            return this;
        }

        /**
         * {@return this builder, with BatchNorm folding on or off}
         *
         * @param fold true (the default) to fold BatchNormalization into the preceding Conv
         */
        public Builder foldBatchNorm(boolean fold) {
            this.foldBatchNorm = fold;
            return this;
        }

        /**
         * {@return this builder, with residual Add quantization on or off}
         *
         * @param quantize true (the default) to quantize the residual input of an Add fed by a quantized Conv;
         *                 applies to the TensorRT target only
         */
        public Builder quantizeResidualAdds(boolean quantize) {
            this.quantizeResidualAdds = quantize;
            return this;
        }

        /**
         * {@return this builder, with the operator types to quantize set}
         *
         * @param types a subset of {@link #SUPPORTED_OP_TYPES} (checked by {@link #build()});
         *              {@link #DEFAULT_OP_TYPES} by default
         * @throws NullPointerException if {@code types} or one of its elements is null
         */
        public Builder opTypes(Set<String> types) {
            this.opTypes = Set.copyOf(types);
            return this;
        }

        /**
         * {@return this builder, with one more node left in FP32}
         *
         * @param name a node name that must exist in the model (checked when quantizing)
         * @throws NullPointerException if {@code name} is null
         */
        public Builder excludeNode(String name) {
            excludedNodes.add(Objects.requireNonNull(name));
            return this;
        }

        /**
         * {@return this builder, with one more operator type left in FP32}
         *
         * @param opType an operator type that must occur in the model (checked when quantizing)
         * @throws NullPointerException if {@code opType} is null
         */
        public Builder excludeOpType(String opType) {
            excludedOpTypes.add(Objects.requireNonNull(opType));
            return this;
        }

        /**
         * {@return this builder, with one more node-name pattern left in FP32}
         *
         * @param regex a Java regular expression, found anywhere in a node's name (anchor with {@code ^…$} for whole
         *              names); validated by {@link #build()}, and it must match some node when quantizing
         * @throws NullPointerException if {@code regex} is null
         */
        public Builder excludePattern(String regex) {
            excludedPatterns.add(Objects.requireNonNull(regex));
            return this;
        }

        /**
         * {@return this builder, with the target runtime set}
         *
         * @param t the runtime the Q/DQ layout is for; {@link QuantizationTarget#TENSORRT} by default
         * @throws NullPointerException if {@code t} is null
         */
        public Builder target(QuantizationTarget t) {
            this.target = Objects.requireNonNull(t);
            return this;
        }

        /**
         * {@return this builder, with 7-bit weights on or off}
         *
         * @param reduce true for weights in {@code [-64, 64]}; only with {@link QuantizationTarget#ONNXRUNTIME_CPU}
         *               (checked by {@link #build()}); false by default
         */
        public Builder reduceRange(boolean reduce) {
            this.reduceRange = reduce;
            return this;
        }

        /**
         * {@return this builder, with depthwise Convs left in FP32 or quantized}
         *
         * @param skip true to leave depthwise Convs (one input channel per group) in FP32; false by default
         */
        public Builder skipDepthwise(boolean skip) {
            this.skipDepthwise = skip;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param matMuls MatMuls to quantize with a range measured on each run (ONNX Runtime CPU layout only);
         *                {@link NodeSelection#NONE} (the default) for none
         */
        public Builder dynamic(NodeSelection matMuls) {
            this.dynamic = matMuls;
            return this;
        }

        /**
         * {@return the configuration}
         *
         * @throws Trt4jException       if reduced range is set for a target other than
         *                              {@link QuantizationTarget#ONNXRUNTIME_CPU}, an operator type is not
         *                              supported, or an exclude pattern is not a valid regular expression
         * @throws NullPointerException if the weight granularity or weight calibrator was set to null
         */
        public QuantizationConfig build() {
            return new QuantizationConfig(weightGranularity, weightCalibrator, foldBatchNorm, quantizeResidualAdds,
                    opTypes, excludedNodes, excludedOpTypes, excludedPatterns, target, reduceRange, skipDepthwise,
                    dynamic);
        }
    }
}
