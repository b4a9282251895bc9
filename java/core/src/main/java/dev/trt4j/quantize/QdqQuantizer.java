package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.ControlCharacters;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.SignedInt8Ranges;
import dev.trt4j.table.SubnormalScales;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Turns an FP32 ONNX model into an explicitly quantized one (QuantizeLinear/DequantizeLinear pairs) that TensorRT
 * 10 and 11 build as INT8 and ONNX Runtime runs: symmetric INT8, zero point 0, {@code scale = amax / 127};
 * activations per tensor from the given ranges, weights per output channel (or per tensor) from their values.
 * With {@link QuantizationTarget#ONNXRUNTIME_CPU} the same grid is laid out so that ONNX Runtime's CPU kernels
 * fuse it (UINT8 activations, INT8 weights, INT32 biases, Q/DQ on Conv outputs; see {@link OrtCpuPlacement}); the
 * ranges of those outputs must then be in the table too ({@code calibrate --all-tensors}).
 * Weights held in initializers and in {@code Constant} nodes are both quantized. The opset is raised to 13 when
 * per-channel scales need it. Stateless and thread-safe.
 *
 * <p>Typical use: {@link #requiredActivations} tells the calibration which tensors to collect, then {@link
 * #quantize} takes their amax.
 */
public final class QdqQuantizer {
    private static final Logger LOG = LoggerFactory.getLogger(QdqQuantizer.class);
    /**
     * QuantizeLinear needs opset 10, but ONNX Runtime's own Q/DQ fusions insert a Round (opset 11) when they
     * quantize a Conv's float bias, so an opset-10 output would not load with its optimisations on.
     */
    private static final long MIN_QDQ_OPSET = 11;

    private final QuantizationConfig config;

    /** A quantizer that applies {@code config}; it holds no other state, so one may serve many threads. */
    public QdqQuantizer(QuantizationConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The configuration this quantizer applies. */
    public QuantizationConfig config() {
        return config;
    }

    /**
     * The activation tensors whose amax {@link #quantize} will need, named as in {@code model} (BatchNorm folding
     * keeps the names), in graph order; not the inputs read only by MatMuls quantized dynamically.
     *
     * @throws Trt4jException if an exclusion matches no node or only nodes not quantized anyway, or the model cannot
     *                        be quantized
     */
    public List<String> requiredActivations(ModelProto model) {
        Prepared p = prepare(model);
        Set<String> dynamicInputs = dynamicOnlyInputs(p); // quantized at run time from their own range
        return p.plan().activations().keySet().stream().filter(t -> !dynamicInputs.contains(t)).toList();
    }

    /**
     * As {@link #requiredActivations}, for quantizing any subset of the layers this configuration quantizes, as
     * a sensitivity analysis does one layer at a time: both inputs of every residual Add are included, since which
     * input is the residual branch depends on which Convs are quantized.
     *
     * @throws Trt4jException as {@link #requiredActivations}
     */
    public List<String> requiredActivationsForAnySubset(ModelProto model) {
        Prepared p = prepare(model);
        Set<String> names = new LinkedHashSet<>(p.plan().activations().keySet());
        Set<String> residualAdds = Set.copyOf(p.plan().residualAdds());
        for (int i = 0; i < p.index().nodeCount(); i++) {
            if (residualAdds.contains(p.index().label(i))) {
                names.addAll(p.index().node(i).getInputList());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The nodes {@link #quantize} makes INT8 under this configuration, by label ({@link #nodeLabel}), in graph order:
     * what {@code --exclude} and a sensitivity ranking name.
     *
     * @throws Trt4jException as {@link #requiredActivations}
     */
    public List<String> quantizedNodes(ModelProto model) {
        return List.copyOf(prepare(model).plan().quantizedNodes());
    }

    /** Whether {@code model}'s main graph has a depthwise Conv (one group per channel), which skip-depthwise keeps FP32. */
    public static boolean hasDepthwiseConv(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        return model.getGraph().getNodeList().stream().anyMatch(n -> QdqPlacement.isDepthwise(index, n));
    }

    /**
     * How quantize, sensitivity and {@code --exclude} name node {@code index} of a graph: its name, or
     * {@code OpType#index} when it has none.
     */
    public static String nodeLabel(NodeProto node, int index) {
        return GraphIndex.label(node, index);
    }

    /**
     * Quantizes {@code model} with a calibration table's activation ranges.
     *
     * @throws Trt4jException as {@link #quantize(ModelProto, Map)} does, and if the table was calibrated for another
     *                        grid than signed 8-bit (a 4-bit or unsigned amax is no range for signed 8-bit Q/DQ)
     */
    public QuantizationResult quantize(ModelProto model, CalibrationTable table) {
        SignedInt8Ranges.require(table, "the table", "QdqQuantizer writes signed 8-bit Q/DQ");
        return quantize(model, table.amaxByTensor());
    }

    /**
     * Quantizes {@code model}.
     *
     * @param activationAmax amax of each activation tensor for signed 8-bit (tensor name → amax ≥ 0); entries not
     *                       needed are ignored. A 4-bit or unsigned calibration's amaxes are no such ranges: pass its
     *                       table instead to have that checked
     * @throws Trt4jException naming the tensor if an amax the model needs is missing or invalid, naming the
     *                        exclusion if one matches no node or only nodes not quantized anyway, or if the model
     *                        cannot be quantized
     */
    public QuantizationResult quantize(ModelProto model, Map<String, Float> activationAmax) {
        Objects.requireNonNull(activationAmax, "activationAmax");
        Prepared p = prepare(model);
        Set<String> dynamicInputs = dynamicOnlyInputs(p);
        List<String> zeroRanges = new ArrayList<>();
        Map<String, Float> subnormalRanges = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : p.plan().readers().entrySet()) {
            if (dynamicInputs.contains(e.getKey())) {
                continue;
            }
            Float amax = activationAmax.get(e.getKey());
            if (amax == null) {
                throw new Trt4jException("no activation range for tensor '" + e.getKey() + "' (input of "
                        + e.getValue() + ")");
            }
            if (!(amax >= 0) || amax.isInfinite()) {
                throw new Trt4jException("activation range of tensor '" + e.getKey() + "' is " + amax
                        + "; it must be finite and >= 0");
            }
            if (amax / 127f == 0f) {
                zeroRanges.add(e.getKey());
            } else if (SubnormalScales.isTiny(amax)) {
                subnormalRanges.put(e.getKey(), amax);
            }
        }
        if (!subnormalRanges.isEmpty()) {
            // a subnormal scale may be flushed to zero by TensorRT or SIMD kernels, and saturates everything else
            LOG.warn("{}", SubnormalScales.warning(subnormalRanges));
        }
        if (!zeroRanges.isEmpty()) {
            // Right when the tensor was 0 on every sample; otherwise the table is wrong and the layer will be too.
            LOG.warn("{} activation range(s) of 0 (first: '{}'): quantized with scale 1, a ±127 range, as "
                    + "pytorch-quantization does; calibrate again if these tensors are not always 0",
                    zeroRanges.size(), ControlCharacters.escape(zeroRanges.get(0)));
        }
        Map<String, Float> ranges = rescaled(activationAmax, p.rangeScales());
        if (!dynamicInputs.isEmpty()) {
            // Written as Q/DQ like the rest, then replaced by DynamicQuantizeMatMul: any range serves until then.
            ranges = new HashMap<>(ranges);
            for (String tensor : dynamicInputs) {
                ranges.putIfAbsent(tensor, 1f);
            }
        }
        GraphProto graph = p.ortCpu() == null
                ? QdqInserter.insert(p.index(), p.plan(), ranges, config.weightCalibrator())
                : OrtCpuQdqInserter.insert(p.index(), p.ortCpu(), ranges, config.weightCalibrator(),
                        config.reduceRange());
        ModelProto out = p.model().toBuilder().setGraph(graph).build();
        List<String> foldedScales = p.foldedScales();
        int skipLayerNorms = 0;
        if (p.ortCpu() != null) {
            out = DynamicMatMulWriter.write(out, p.dynamicNodes());
            out = MatMulBiasFusion.fuse(out);
            SkipLayerNormFusion.Result fused = SkipLayerNormFusion.fuse(out);
            out = fused.model();
            skipLayerNorms = fused.fused();
            List<Function<ModelProto, FoldedModel>> folds = new ArrayList<>();
            if (config.foldBatchNorm()) {
                folds.add(ZeroPointShiftAbsorber::absorb);
                folds.add(ConvInputShiftFolder::fold);
            }
            folds.add(MatMulOutputScaleFolder::fold);
            foldedScales = new ArrayList<>(foldedScales);
            for (Function<ModelProto, FoldedModel> fold : folds) {
                FoldedModel folded = fold.apply(out);
                out = folded.model();
                foldedScales.addAll(folded.foldedNodes());
            }
        }
        List<String> staticActivations = p.plan().activations().keySet().stream()
                .filter(t -> !dynamicInputs.contains(t)).toList();
        QuantizationReport report = new QuantizationReport(p.plan().quantizedNodes(), p.plan().excludedNodes(),
                p.plan().residualAdds(), staticActivations,
                p.plan().weights().size(), (int) p.plan().weights().keySet().stream().filter(w -> w.axis() < 0)
                        .count(), p.folded(), foldedScales, p.hardSwishes(), skipLayerNorms, p.sourceOpset(),
                OpsetUpgrade.defaultOpset(out),
                config.weightGranularity(), config.weightCalibrator().label(), config.target(), config.reduceRange(),
                List.copyOf(p.dynamicNodes()));
        LOG.info("quantized '{}': {}", model.getGraph().getName(), report.summary());
        return new QuantizationResult(out, report);
    }

    /**
     * The recorded ranges with those of tensors that a fold rescaled ({@code scales}: tensor → factor) multiplied by
     * their factor; the map itself when nothing was rescaled.
     */
    private static Map<String, Float> rescaled(Map<String, Float> amax, Map<String, Double> scales) {
        if (scales.isEmpty()) {
            return amax;
        }
        Map<String, Float> ranges = new HashMap<>(amax);
        scales.forEach((tensor, factor) -> ranges.computeIfPresent(tensor, (t, a) -> {
            float scaled = (float) (a * factor);
            if (!Float.isFinite(scaled)) {
                throw new Trt4jException("activation range of tensor '" + t + "' is " + a + ", which is " + scaled
                        + " once the scale folded before its Conv is taken out");
            }
            return scaled;
        }));
        return ranges;
    }

    /**
     * {@code ortCpu} is the ONNX Runtime CPU layout (its {@code layout()} is {@code plan}), or null for TensorRT;
     * {@code rangeScales} maps tensors whose values the folds rescaled to the factor their recorded range takes.
     */
    private record Prepared(ModelProto model, GraphIndex index, QdqPlacement.Plan plan, OrtCpuPlacement.Plan ortCpu,
                            List<String> folded, List<String> foldedScales, int hardSwishes, long sourceOpset,
                            Map<String, Double> rangeScales, Set<String> dynamicNodes) {
    }

    /** The activations that only MatMuls quantized dynamically read: they need no calibrated range. */
    private static Set<String> dynamicOnlyInputs(Prepared p) {
        if (p.dynamicNodes().isEmpty()) {
            return Set.of();
        }
        Set<String> tensors = new HashSet<>();
        p.plan().activations().forEach((tensor, uses) -> {
            if (uses.stream().allMatch(u -> p.dynamicNodes().contains(p.index().label(u.node())))) {
                tensors.add(tensor);
            }
        });
        return tensors;
    }

    /**
     * The labels of the MatMuls {@link QuantizationConfig#dynamic()} selects among those the plan quantizes with
     * constant weights (second input), in graph order. A selected MatMul that an exclusion keeps in FP32 stays FP32;
     * a selection of such MatMuls only is refused.
     *
     * @throws InvalidOptionException naming the first value of the selection that picks no MatMul with constant
     *                                weights at all
     */
    private Set<String> dynamicMatMuls(GraphIndex index, QdqPlacement.Plan plan) {
        NodeSelection selection = config.dynamic();
        if (selection.isEmpty()) {
            return Set.of();
        }
        Set<String> withWeights = new HashSet<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            // ONNX Runtime's dynamic MatMul (MatMulInteger) takes a 2-D weight, not a batched one
            if (GraphIndex.isDefaultOp(n, "MatMul") && n.getInputCount() == 2
                    && index.isConstantDerived(n.getInput(1)) && !index.isConstantDerived(n.getInput(0))
                    && index.constant(n.getInput(1)).map(t -> t.getDimsCount() == 2).orElse(true)) {
                withWeights.add(index.label(i));
            }
        }
        selection.firstUnmatched(index.graph(), withWeights::contains).ifPresent(u -> {
            throw new InvalidOptionException("dynamic " + switch (u.kind()) {
                case NODE -> "node '" + u.value() + "'";
                case OP_TYPE -> "operator type '" + u.value() + "'";
                case PATTERN -> "pattern '" + u.value() + "'";
            } + " selects no MatMul with constant 2-D weights; only those can take a range measured on each run");
        });
        Set<String> quantizedWithWeights = new HashSet<>();
        plan.weights().values().forEach(uses -> uses.stream().filter(u -> u.input() == 1)
                .forEach(u -> quantizedWithWeights.add(index.label(u.node()))));
        quantizedWithWeights.retainAll(plan.quantizedNodes());
        BiPredicate<NodeProto, String> selects = selection.matcher();
        Set<String> chosen = new LinkedHashSet<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            String label = index.label(i);
            if (withWeights.contains(label) && quantizedWithWeights.contains(label)
                    && selects.test(index.node(i), label)) {
                chosen.add(label);
            }
        }
        if (chosen.isEmpty()) {
            // every selected MatMul is excluded (or not quantized): the two options contradict each other
            List<String> values = new ArrayList<>(selection.nodes());
            values.addAll(selection.opTypes());
            values.addAll(selection.patterns());
            throw new InvalidOptionException("the dynamic selection '" + String.join("', '", values) + "' picks only "
                    + "MatMuls that an exclusion keeps in FP32, so it changes nothing; leave out one of the two");
        }
        return chosen;
    }

    /**
     * Refuses a model that is not an FP32 model to quantize: one already quantized (Q/DQ pairs, or ONNX Runtime's
     * dynamic or integer kernels), or one that computes in FP16. A command checks this before anything else about
     * the model (a table made for it, say), whose remedy could not help.
     *
     * @param name names the model in the message
     * @throws Trt4jException saying what the model is, and to quantize the FP32 model
     */
    public static void requireFp32(ModelProto model, String name) {
        // Q/DQ pairs and ONNX Runtime's dynamic or integer kernels alike: quantizing on top of either is not INT8
        // of the FP32 model, and would be reported as if it were
        Map<String, Integer> quantized = QuantizedOperators.in(model);
        if (!quantized.isEmpty()) {
            throw new Trt4jException("model '" + name + "' is already quantized ("
                    + QuantizedOperators.describe(quantized) + "); quantize the FP32 model");
        }
        // an FP16 model's activations are float16 tensors behind Casts, named otherwise than the FP32 model's
        // ranges, and its weights would be quantized from float16 values; a float16 constant that only a Cast to
        // float reads is FP32 storage saved small (the Cast is folded like any weight computed from constants)
        Fp16ComputeCheck.refuseFp16Compute(model, name);
    }

    private Prepared prepare(ModelProto model) {
        Objects.requireNonNull(model, "model");
        String modelName = model.getGraph().getName();
        long sourceOpset = OpsetUpgrade.defaultOpset(model);
        requireFp32(model, modelName);
        ModelProto current = NodeNames.nameUnnamed(model);
        if (sourceOpset < MIN_QDQ_OPSET) {
            LOG.debug("raising opset of '{}' from {} to {}: Q/DQ models need {}", modelName, sourceOpset,
                    OpsetUpgrade.TARGET, MIN_QDQ_OPSET);
            current = OpsetUpgrade.toTarget(current);
        }
        current = withoutInitializerInputs(current);
        current = ConstantWeightFolder.fold(current);
        current = ComputedWeightFolder.fold(current);
        Exclusions exclusions = new Exclusions(config);
        GraphProto excludedFrom = current.getGraph();
        exclusions.requireAllMatch(excludedFrom);

        List<String> folded = List.of();
        List<String> foldedScales = List.of();
        if (config.foldBatchNorm()) {
            BatchNormFolder.Result r = new BatchNormFolder().fold(current);
            current = r.model();
            folded = r.foldedNodes();
            // ONNX Runtime's CPU layout quantizes the outputs of quantized Convs, so shifts stay out of those (see
            // ConvAffineFolder); Convs left in FP32 take them, which is exact.
            boolean quantizesConvOutputs = config.target() == QuantizationTarget.ONNXRUNTIME_CPU;
            ConvAffineFolder.Result scales = ConvAffineFolder.fold(current, (index, conv) ->
                    !quantizesConvOutputs || QdqPlacement.staysFloat(index, conv, config, exclusions));
            current = scales.model();
            foldedScales = scales.foldedNodes();
        }
        int hardSwishes = 0;
        if (config.target() == QuantizationTarget.ONNXRUNTIME_CPU) {
            HardSwishFusion.Result fused = HardSwishFusion.fuse(current); // TensorRT fuses elementwise chains itself
            current = fused.model();
            hardSwishes = fused.fused();
        }
        Map<String, Double> rangeScales = Map.of();
        if (config.foldBatchNorm() && config.target() == QuantizationTarget.ONNXRUNTIME_CPU) {
            ConvInputScaleFolder.Result inputScales = ConvInputScaleFolder.fold(current);
            current = inputScales.model();
            rangeScales = inputScales.rangeScales();
            foldedScales = new ArrayList<>(foldedScales);
            foldedScales.addAll(inputScales.foldedNodes());
        }
        GraphIndex index = new GraphIndex(current.getGraph());
        QdqPlacement.Plan plan = QdqPlacement.plan(index, config, exclusions);
        if (plan.needsPerAxis() && OpsetUpgrade.defaultOpset(current) < OpsetUpgrade.TARGET) {
            LOG.debug("raising opset of '{}' from {} to {} for per-channel Q/DQ", modelName, sourceOpset,
                    OpsetUpgrade.TARGET);
            current = OpsetUpgrade.toTarget(current);
            index = new GraphIndex(current.getGraph());
            plan = QdqPlacement.plan(index, config, exclusions);
        }
        requireEffectiveExclusions(exclusions, excludedFrom, index);
        if (config.target() == QuantizationTarget.ONNXRUNTIME_CPU) {
            OrtCpuPlacement.Plan ort = OrtCpuPlacement.plan(index, plan);
            return new Prepared(current, index, ort.layout(), ort, folded, foldedScales, hardSwishes, sourceOpset,
                    rangeScales, dynamicMatMuls(index, ort.layout()));
        }
        return new Prepared(current, index, plan, null, folded, foldedScales, hardSwishes, sourceOpset, rangeScales,
                Set.of());
    }

    /**
     * Refuses an exclusion that matches only nodes this configuration would not quantize anyway, judged against the
     * plan with nothing excluded on the same (folded) graph: node labels survive the folds, and a node folded away
     * was never going to be quantized.
     */
    private void requireEffectiveExclusions(Exclusions exclusions, GraphProto excludedFrom, GraphIndex index) {
        if (config.excludedNodes().isEmpty() && config.excludedOpTypes().isEmpty()
                && config.excludedPatterns().isEmpty()) {
            return;
        }
        QdqPlacement.Plan unexcluded = QdqPlacement.plan(index, config, Exclusions.none());
        Set<String> quantizable = new HashSet<>(unexcluded.quantizedNodes());
        quantizable.addAll(unexcluded.residualAdds());
        exclusions.requireEachQuantizesSomething(excludedFrom, quantizable, Set.copyOf(unexcluded.excludedNodes()));
    }

    /**
     * Drops graph inputs that name an initializer. IR 3 requires every initializer to be listed as an input, and old
     * exporters kept doing so later; a caller could override such an input, so the graph would hold no constant
     * weights to quantize. TensorRT's parser and {@code calibrate} treat them as weights, and so does the quantizer.
     * The model's IR is 4 or later here (Q/DQ needs opset 10, which needs IR 5), where initializers need not be
     * inputs.
     */
    private static ModelProto withoutInitializerInputs(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        if (g.getInputList().stream().noneMatch(v -> initializers.contains(v.getName()))) {
            return model;
        }
        GraphProto.Builder graph = g.toBuilder().clearInput();
        g.getInputList().stream().filter(v -> !initializers.contains(v.getName())).forEach(graph::addInput);
        return model.toBuilder().setGraph(graph).build();
    }
}
