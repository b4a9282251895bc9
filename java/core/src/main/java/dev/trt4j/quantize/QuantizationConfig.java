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
 * @param foldBatchNorm        fold BatchNormalization into the preceding Conv before quantizing (default on)
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
 */
public record QuantizationConfig(WeightGranularity weightGranularity, WeightCalibrator weightCalibrator,
                                 boolean foldBatchNorm, boolean quantizeResidualAdds, Set<String> opTypes,
                                 List<String> excludedNodes, List<String> excludedOpTypes,
                                 List<String> excludedPatterns, QuantizationTarget target, boolean reduceRange,
                                 boolean skipDepthwise) {

    /** Operator types the quantizer knows how to place Q/DQ on. */
    public static final Set<String> SUPPORTED_OP_TYPES = Collections.unmodifiableSet(
            Arrays.stream(QuantizableOp.values()).map(QuantizableOp::opType)
                    .collect(Collectors.toCollection(() -> new TreeSet<String>())));

    /** Operators quantized by default: the ones with weights, where INT8 pays off. */
    public static final Set<String> DEFAULT_OP_TYPES = Collections.unmodifiableSet(
            new TreeSet<>(List.of("Conv", "ConvTranspose", "Gemm", "MatMul")));

    public QuantizationConfig {
        Objects.requireNonNull(weightGranularity, "weightGranularity");
        Objects.requireNonNull(weightCalibrator, "weightCalibrator");
        Objects.requireNonNull(target, "target");
        if (reduceRange && target != QuantizationTarget.ONNXRUNTIME_CPU) {
            throw new Trt4jException("reduced-range (7-bit) weights are for target "
                    + QuantizationTarget.ONNXRUNTIME_CPU.cliName() + ", not " + target.cliName());
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

    /** Per-channel max weights, BatchNorm folding, residual adds, the default operator types, no exclusions. */
    public static QuantizationConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().weightGranularity(weightGranularity).weightCalibrator(weightCalibrator)
                .foldBatchNorm(foldBatchNorm).quantizeResidualAdds(quantizeResidualAdds).opTypes(opTypes)
                .target(target).reduceRange(reduceRange).skipDepthwise(skipDepthwise);
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

        private Builder() {
        }

        public Builder weightGranularity(WeightGranularity g) {
            this.weightGranularity = g;
            return this;
        }

        public Builder weightCalibrator(WeightCalibrator c) {
            this.weightCalibrator = c;
            return this;
        }

        public Builder foldBatchNorm(boolean fold) {
            this.foldBatchNorm = fold;
            return this;
        }

        public Builder quantizeResidualAdds(boolean quantize) {
            this.quantizeResidualAdds = quantize;
            return this;
        }

        public Builder opTypes(Set<String> types) {
            this.opTypes = Set.copyOf(types);
            return this;
        }

        public Builder excludeNode(String name) {
            excludedNodes.add(Objects.requireNonNull(name));
            return this;
        }

        public Builder excludeOpType(String opType) {
            excludedOpTypes.add(Objects.requireNonNull(opType));
            return this;
        }

        public Builder excludePattern(String regex) {
            excludedPatterns.add(Objects.requireNonNull(regex));
            return this;
        }

        public Builder target(QuantizationTarget t) {
            this.target = Objects.requireNonNull(t);
            return this;
        }

        public Builder reduceRange(boolean reduce) {
            this.reduceRange = reduce;
            return this;
        }

        public Builder skipDepthwise(boolean skip) {
            this.skipDepthwise = skip;
            return this;
        }

        public QuantizationConfig build() {
            return new QuantizationConfig(weightGranularity, weightCalibrator, foldBatchNorm, quantizeResidualAdds,
                    opTypes, excludedNodes, excludedOpTypes, excludedPatterns, target, reduceRange, skipDepthwise);
        }
    }
}
