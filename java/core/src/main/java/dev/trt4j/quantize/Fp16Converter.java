package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ControlFlow;
import dev.trt4j.onnx.ElementTypeInference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts an FP32 model to FP16 weights and compute with explicit Casts, what strongly typed TensorRT (11 has no
 * FP16 builder flag) builds as FP16: graph inputs and outputs stay FP32 (a Cast after each input and before each
 * output), numerically sensitive operators stay FP32 with Casts around them, everything else computes in FP16.
 *
 * <p>Kept in FP32:
 * <ul>
 *   <li>the operator types of {@link #DEFAULT_FP32_OP_TYPES} (or the set given to the constructor);</li>
 *   <li>the statistics of LayerNorm written out as primitive operators (ReduceMean, Sub, Pow, ReduceMean, Add ε,
 *       Sqrt and the normalising Div), found by pattern, and the {@code x − max(x)} of softmax written out (a Sub
 *       feeding an FP32 Exp);</li>
 *   <li>any node with a constant input whose finite values exceed the FP16 range (±65504), e.g. −1e9 masks;</li>
 *   <li>the nodes a {@link NodeSelection} given to the constructor picks: by name, operator type or name
 *       pattern;</li>
 *   <li>in a model that computes partly in FP16 already, e.g. one {@code convert --fp16 --data} wrote, the FP32
 *       nodes between its Casts from and to FP16 ({@link Fp32Islands}): they are FP32 by choice, for a reason a
 *       second conversion cannot see;</li>
 *   <li>operators without an FP16 form that ONNX allows and ONNX Runtime runs ({@code Celu}, {@code Range},
 *       accumulating scatters), operators of other domains, and standard operators trt4j has no FP16 rule for
 *       (recurrent layers, losses, signal processing). They run unchanged, so the graph stays valid.</li>
 * </ul>
 * A float constant becomes FP16 when every reader computes in FP16, otherwise it stays FP32 and FP16 readers get
 * a Cast. Control flow (If, Loop, Scan) computes in FP32 with its bodies as they are; the values a body reads from
 * the graph around it by name are cast back to FP32 when the graph computes them in FP16.
 */
public final class Fp16Converter {
    private static final Logger LOG = LoggerFactory.getLogger(Fp16Converter.class);
    private static final float FP16_MAX = 65504f;
    /** FP16's smallest normal value, 2⁻¹⁴: below it FP16 keeps only a few bits, and below 2⁻²⁴ nothing. */
    private static final float FP16_MIN_NORMAL = 0x1p-14f;
    private static final long MIN_OPSET = 6;

    /**
     * Operators that stay FP32 by default, and why: reductions and cumulative sums add many values (FP16 loses
     * the small ones and overflows past 65504); softmax and the normalisations compute statistics; Exp, Log
     * and Pow overflow or lose precision at the ends of their range; Q/DQ scales must be FP32 before opset 19;
     * random generators keep their declared type. Erf is not listed: its output is bounded and FP16 is accurate
     * enough for GELU.
     */
    public static final Set<String> DEFAULT_FP32_OP_TYPES = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "ReduceMean", "ReduceSum", "ReduceSumSquare", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
            "ReduceLogSumExp", "CumSum",
            "Softmax", "LogSoftmax", "LayerNormalization", "GroupNormalization", "InstanceNormalization",
            "LpNormalization", "MeanVarianceNormalization",
            "Exp", "Log", "Pow",
            "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
            "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike")));

    /** Operators that read any element type and whose float inputs are therefore never cast. */
    private static final Set<String> ANY_INPUT_TYPE = Set.of("Shape", "Size", "Cast");
    private static final Set<String> INTEGER_ACCUMULATORS = Set.of("MatMulInteger", "ConvInteger");

    /**
     * @param model      the converted model
     * @param fp32Nodes  names of the nodes that compute in FP32, in graph order: those that compute on float
     *                   tensors, not the integer shape operators (Shape, Gather, Concat on int64) that never do
     * @param castsAdded number of Cast nodes inserted
     */
    public record Result(ModelProto model, List<String> fp32Nodes, int castsAdded) {
        public Result {
            fp32Nodes = List.copyOf(fp32Nodes);
        }
    }

    private final Set<String> fp32OpTypes;
    private final NodeSelection keepFp32;

    /** Keeps {@link #DEFAULT_FP32_OP_TYPES} in FP32. */
    public Fp16Converter() {
        this(DEFAULT_FP32_OP_TYPES, NodeSelection.NONE);
    }

    /**
     * Keeps {@link #DEFAULT_FP32_OP_TYPES} and the nodes {@code keepFp32} picks in FP32, e.g.
     * {@code new Fp16Converter(NodeSelection.parse(graph, List.of("head/MatMul", "Gelu", "^attn/")))}, what
     * {@code trt4j convert --fp16 --keep-fp32} does.
     *
     * @param keepFp32 further nodes to keep in FP32; each of its values must pick a node of the converted model
     */
    public Fp16Converter(NodeSelection keepFp32) {
        this(DEFAULT_FP32_OP_TYPES, keepFp32);
    }

    /**
     * @param fp32OpTypes operator types to keep in FP32 (replaces the default list)
     * @param keepFp32    further nodes to keep in FP32; each of its values must pick a node of the converted model
     */
    public Fp16Converter(Set<String> fp32OpTypes, NodeSelection keepFp32) {
        this.fp32OpTypes = Set.copyOf(fp32OpTypes);
        this.keepFp32 = Objects.requireNonNull(keepFp32, "keepFp32");
    }

    /**
     * @param fp32OpTypes   operator types to keep in FP32 (replaces the default list)
     * @param fp32NodeNames further nodes to keep in FP32, by name
     */
    public Fp16Converter(Set<String> fp32OpTypes, Set<String> fp32NodeNames) {
        this(fp32OpTypes, NodeSelection.ofNodes(fp32NodeNames));
    }

    /** Converts {@code model}; the same model always gives the same bytes. */
    public Result convert(ModelProto model) {
        Objects.requireNonNull(model, "model");
        GraphProto graph = model.getGraph();
        long opset = OpsetUpgrade.defaultOpset(model);
        if (opset < MIN_OPSET) {
            // Before opset 6, Cast named its target type in a string, which ONNX Runtime no longer reads.
            throw new Trt4jException("FP16 conversion needs opset " + MIN_OPSET + " or later; the model has opset "
                    + opset + " (re-export it at a newer opset)");
        }
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getAttributeCount() == 1
                    && n.getAttribute(0).getName().equals("sparse_value")) {
                throw new Trt4jException("FP16 conversion does not support sparse Constant '" + n.getName() + "'");
            }
        }
        keepFp32.requireEachSelects(graph, "to keep in FP32");
        Map<String, Integer> types = ElementTypeInference.inferAll(model);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !types.containsKey(out)) {
                    String domain = GraphIndex.isDefaultDomain(n.getDomain()) ? "" : n.getDomain() + ".";
                    throw new Trt4jException("FP16 conversion cannot tell the element type of output '" + out
                            + "' of node '" + GraphIndex.label(n, i) + "' (" + domain + n.getOpType()
                            + "), and ONNX Runtime cannot either");
                }
            }
        }
        Conversion c = new Conversion(graph, types, keepFp32.select(graph));
        GraphProto converted = c.run();
        List<String> fp32 = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (c.fp32[i] && !GraphIndex.isConstantNode(graph.getNode(i)) && c.computesInFloat(i)) {
                fp32.add(GraphIndex.label(graph.getNode(i), i));
            }
        }
        LOG.info("converted '{}' to FP16: {} nodes kept in FP32, {} casts", graph.getName(), fp32.size(), c.casts);
        return new Result(model.toBuilder().setGraph(converted).build(), fp32, c.casts);
    }

    /**
     * What a value of {@code keep} changes in this conversion of {@code model}: the first name, operator type or
     * pattern that picks only nodes which stay FP32 without it (integer shape operators, operators kept by rule or
     * by this converter's own selection), described with the operator types it picks, e.g.
     * {@code 'Shape' matches only nodes that stay FP32 anyway (Shape ×12), so it changes nothing}; empty if each
     * keeps some node in FP32 that this converter would make FP16. Such a value writes the same model, most likely
     * not what the user meant.
     *
     * @param keep the selection to check, whose every value picks a node of {@code model}'s graph
     */
    public Optional<String> keptAnyway(ModelProto model, NodeSelection keep) {
        GraphProto graph = model.getGraph();
        Conversion c = new Conversion(graph, ElementTypeInference.inferAll(model), keepFp32.select(graph));
        c.decidePrecision();
        Set<String> toFp16 = new HashSet<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (!c.fp32[i] && !GraphIndex.isConstantNode(graph.getNode(i)) && c.computesInFloat(i)) {
                toFp16.add(GraphIndex.label(graph.getNode(i), i));
            }
        }
        return keep.firstUnmatched(graph, toFp16::contains).map(u -> {
            String what = u.matchedKinds(graph, i -> c.computesInFloat(i) ? graph.getNode(i).getOpType()
                    : "integer " + graph.getNode(i).getOpType());
            return "'" + u.value() + "' matches only nodes that stay FP32 anyway by the FP16 rules (" + what
                    + "), so it changes nothing";
        });
    }

    /**
     * Whether a float or double constant leaves FP16's range: a magnitude beyond 65504 (infinite in FP16), or every
     * value below FP16's smallest normal (so small that FP16 keeps a few bits of it, or zero: weights of 10⁻⁹ scaled
     * up later would vanish). Other types are not float values FP16 would hold.
     */
    private static boolean outsideFp16(TensorProto t) {
        double largest;
        if (t.getDataType() == DataType.FLOAT_VALUE) {
            largest = largestFloat(t);
        } else if (t.getDataType() == DataType.DOUBLE_VALUE) {
            largest = largestDouble(t);
        } else {
            return false;
        }
        return outsideFp16(largest);
    }

    /** Whether the largest finite magnitude of some values lies beyond FP16's range or below its normals. */
    private static boolean outsideFp16(double largest) {
        return largest > FP16_MAX || (largest > 0 && largest < FP16_MIN_NORMAL);
    }

    // The largest finite magnitude read in place: copying a weight of a gigabyte into float and double arrays to
    // check its range held three times its size beside the model (out of memory on a 2 GB model's embedding).

    private static double largestFloat(TensorProto t) {
        float largest = 0;
        if (t.getRawData().isEmpty()) {
            for (int i = 0; i < t.getFloatDataCount(); i++) {
                largest = largerFinite(largest, t.getFloatData(i));
            }
        } else {
            FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < b.limit(); i++) {
                largest = largerFinite(largest, b.get(i));
            }
        }
        return largest;
    }

    private static float largerFinite(float largest, float v) {
        return Float.isFinite(v) ? Math.max(largest, Math.abs(v)) : largest;
    }

    private static double largestDouble(TensorProto t) {
        double largest = 0;
        if (t.getRawData().isEmpty()) {
            for (int i = 0; i < t.getDoubleDataCount(); i++) {
                double v = t.getDoubleData(i);
                largest = Double.isFinite(v) ? Math.max(largest, Math.abs(v)) : largest;
            }
        } else {
            DoubleBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
            for (int i = 0; i < b.limit(); i++) {
                double v = b.get(i);
                largest = Double.isFinite(v) ? Math.max(largest, Math.abs(v)) : largest;
            }
        }
        return largest;
    }

    /** One conversion of one graph. */
    private final class Conversion {
        private final GraphProto graph;
        private final GraphIndex index;
        private final Map<String, Integer> types;
        private final UniqueNames names;
        private final boolean[] fp32;
        /** Nodes that stay FP32 whoever reads them: shape arithmetic, constants outside FP16's range. */
        private final boolean[] pinned;
        private final Set<String> kept;
        private final Set<String> halfConstants = new HashSet<>();
        private final Map<String, Boolean> outOfRange = new HashMap<>();
        private final Map<String, String> castOutputs = new HashMap<>(); // tensor + "->" + type → cast output
        private final List<NodeProto> castsAtStart = new ArrayList<>();
        private final Map<Integer, List<NodeProto>> castsAfter = new HashMap<>();
        private int casts;

        Conversion(GraphProto graph, Map<String, Integer> types, Set<String> kept) {
            this.graph = graph;
            this.kept = kept;
            this.index = new GraphIndex(graph);
            this.types = types;
            this.names = new UniqueNames(graph);
            this.fp32 = new boolean[graph.getNodeCount()];
            this.pinned = new boolean[graph.getNodeCount()];
        }

        GraphProto run() {
            decidePrecision();
            // Graph outputs computed in FP16 get renamed, and a Cast writes the original FP32 name.
            Map<String, String> renamed = new HashMap<>();
            for (ValueInfoProto o : graph.getOutputList()) {
                String t = o.getName();
                if (isFloat(t) && isHalf(t) && !renamed.containsKey(t)) {
                    String half = names.take(t + "_fp16");
                    renamed.put(t, half);
                    castOutputs.put(half + "->" + DataType.FLOAT_VALUE, t);
                    addCast(half, t, DataType.FLOAT_VALUE, index.producer(t));
                }
            }
            // First every rewiring (which creates the casts after their producers), then the node list.
            List<NodeProto> rewired = new ArrayList<>();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                NodeProto.Builder b = n.toBuilder();
                for (int k = 0; k < n.getOutputCount(); k++) {
                    String r = renamed.get(n.getOutput(k));
                    if (r != null) {
                        b.setOutput(k, r);
                    }
                }
                for (int k = 0; k < n.getInputCount(); k++) {
                    String t = n.getInput(k);
                    if (t.isEmpty() || !isFloat(t)) {
                        continue;
                    }
                    String source = renamed.getOrDefault(t, t);
                    Integer want = wanted(i, k);
                    int have = isHalf(t) ? DataType.FLOAT16_VALUE : DataType.FLOAT_VALUE;
                    b.setInput(k, want == null || want == have ? source : cast(source, t, want));
                }
                rewired.add(retype(withFp32Body(b.build(), renamed).toBuilder(), i).build());
            }
            List<NodeProto> nodes = new ArrayList<>(castsAtStart);
            for (int i = 0; i < rewired.size(); i++) {
                nodes.add(rewired.get(i));
                nodes.addAll(castsAfter.getOrDefault(i, List.of()));
            }
            GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(nodes).clearValueInfo();
            for (int i = 0; i < g.getInitializerCount(); i++) {
                TensorProto t = g.getInitializer(i);
                if (halfConstants.contains(t.getName())) {
                    g.setInitializer(i, TensorValues.float16Tensor(t.getName(), t.getDimsList(),
                            TensorValues.floats(t)));
                }
            }
            return g.build();
        }

        /** Marks FP32 nodes, then the float constants every reader of which computes in FP16. */
        private void decidePrecision() {
            Set<Integer> layerNorm = LayerNormPattern.find(index);
            // A partly FP16 model (trt4j's own output among them) keeps its FP32 islands: what --data kept there
            // cannot be seen again without the samples
            Set<Integer> byChoice = Fp32Islands.find(index, types);
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                pinned[i] = hasOutOfRangeConstant(n) || hasOutOfRangeValueAttribute(n);
                fp32[i] = pinned[i] || GraphIndex.isConstantNode(n) || !Fp16Operators.allowsFp16(n)
                        || fp32OpTypes.contains(n.getOpType())
                        || kept.contains(GraphIndex.label(n, i)) || layerNorm.contains(i) || byChoice.contains(i);
            }
            // What such a node makes (a ConstantOfShape of 10⁵, a Cast of a double 10⁵) is as far out of range as
            // the constant, so its readers stay FP32 too; values computed further on are what --data checks.
            boolean[] outOfRangeMakers = pinned.clone();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                if (outOfRangeMakers[i] && graph.getNode(i).getInputList().stream().allMatch(
                        in -> in.isEmpty() || index.constant(in).isPresent() || isShapeOnly(in))) {
                    for (String out : graph.getNode(i).getOutputList()) {
                        index.consumers(out).stream().filter(u -> u.node() >= 0).forEach(u -> {
                            fp32[u.node()] = true;
                            pinned[u.node()] = true;
                        });
                    }
                }
            }
            keepShapeArithmeticInFp32();
            // Softmax written out: x − max(x) cancels nearly equal numbers, which FP16 would round away before the
            // FP32 Exp sees them. The subtraction that feeds an FP32 Exp computes in FP32 too.
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                if (n.getOpType().equals("Exp") && fp32[i]) {
                    int p = index.producer(n.getInput(0));
                    if (p >= 0 && graph.getNode(p).getOpType().equals("Sub")) {
                        fp32[p] = true;
                    }
                }
            }
            // An integer accumulator (MatMulInteger, ConvInteger: INT32 sums of INT8 products) exceeds FP16's range
            // by design, dynamic quantization's MatMuls in every BERT layer among them: what reads its float Cast
            // (the rescaling Mul) computes in FP32, so the Cast below stays FP32 too.
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                if (n.getOpType().equals("Cast") && isIntegerAccumulator(index.producer(n.getInput(0)))) {
                    index.consumers(n.getOutput(0)).forEach(u -> fp32[u.node()] = true);
                }
            }
            // A Cast to float stays FP32 unless an FP16 node reads it (decided in reverse, readers first).
            for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
                NodeProto n = graph.getNode(i);
                if (n.getOpType().equals("Cast")
                        && Objects.equals(ElementTypeInference.castTarget(n), DataType.FLOAT_VALUE)) {
                    String out = n.getOutput(0);
                    fp32[i] = pinned[i] || index.isGraphOutput(out) || index.consumers(out).stream()
                            .noneMatch(u -> Objects.equals(wanted(u.node(), u.input()), DataType.FLOAT16_VALUE));
                }
            }
            for (String t : constantNames()) {
                if (!isFloat(t) || index.isGraphOutput(t)) {
                    continue;
                }
                List<GraphIndex.Use> uses = index.consumers(t);
                boolean allHalf = !uses.isEmpty() && uses.stream().allMatch(u -> u.input() >= 0
                        && Objects.equals(wanted(u.node(), u.input()), DataType.FLOAT16_VALUE));
                if (allHalf) {
                    halfConstants.add(t);
                }
            }
        }

        /**
         * Values computed from tensor shapes (Shape, Size, and what only they and constants feed: a length cast to
         * float, halved, floored and cast back to a Slice end) stay FP32: FP16 holds integers exactly only up to
         * 2048, so a sequence of 4099 would become 4100 and change the output's shape.
         */
        private void keepShapeArithmeticInFp32() {
            Set<String> shapeValues = new HashSet<>();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                if (n.getOpType().equals("Shape") || n.getOpType().equals("Size")) {
                    shapeValues.addAll(n.getOutputList());
                    continue;
                }
                boolean readsShape = false;
                boolean onlyShapesAndConstants = true;
                for (String in : n.getInputList()) {
                    if (in.isEmpty()) {
                        continue;
                    }
                    if (shapeValues.contains(in)) {
                        readsShape = true;
                    } else if (index.constant(in).isEmpty()) {
                        onlyShapesAndConstants = false;
                        break;
                    }
                }
                if (readsShape && onlyShapesAndConstants && !ControlFlow.holdsBody(n)) {
                    shapeValues.addAll(n.getOutputList());
                    fp32[i] = true;
                    pinned[i] = true;
                }
            }
        }

        /**
         * Whether node {@code i} computes on float tensors: it makes one, or reads one other than as Shape, Size and
         * Cast do (whatever the type). Integer shape operators do not, whatever precision they are marked with.
         */
        boolean computesInFloat(int i) {
            NodeProto n = graph.getNode(i);
            if (n.getOutputList().stream().anyMatch(this::isFloat)) {
                return true;
            }
            return !ANY_INPUT_TYPE.contains(n.getOpType())
                    && n.getInputList().stream().anyMatch(in -> !in.isEmpty() && isFloat(in));
        }

        /** Whether {@code tensor} is made by a Shape node: the input of a ConstantOfShape, typically. */
        private boolean isShapeOnly(String tensor) {
            int p = index.producer(tensor);
            return p >= 0 && graph.getNode(p).getOpType().equals("Shape");
        }

        private boolean isIntegerAccumulator(int node) {
            return node >= 0 && INTEGER_ACCUMULATORS.contains(graph.getNode(node).getOpType())
                    && GraphIndex.isDefaultDomain(graph.getNode(node).getDomain());
        }

        private List<String> constantNames() {
            List<String> out = new ArrayList<>();
            for (TensorProto t : graph.getInitializerList()) {
                if (!index.isGraphInput(t.getName())) {
                    out.add(t.getName());
                }
            }
            for (NodeProto n : graph.getNodeList()) {
                if (GraphIndex.isConstantNode(n)) {
                    out.add(n.getOutput(0));
                }
            }
            return out;
        }

        private boolean hasOutOfRangeConstant(NodeProto n) {
            return n.getInputList().stream().anyMatch(in -> !in.isEmpty()
                    && outOfRange.computeIfAbsent(in, this::exceedsFp16));
        }

        private boolean exceedsFp16(String tensor) {
            return index.constant(tensor).map(Fp16Converter::outsideFp16).orElse(false);
        }

        /** A ConstantOfShape or (before opset 11) Pad whose float {@code value} attribute FP16 cannot hold. */
        private boolean hasOutOfRangeValueAttribute(NodeProto n) {
            if (!GraphIndex.isDefaultDomain(n.getDomain())) {
                return false;
            }
            Optional<AttributeProto> value = Attributes.find(n, "value");
            if (value.isEmpty()) {
                return false;
            }
            return switch (n.getOpType()) {
                case "ConstantOfShape" -> outsideFp16(value.get().getT());
                case "Pad" -> value.get().getType() == AttributeProto.AttributeType.FLOAT
                        && outsideFp16(largerFinite(0, value.get().getF()));
                default -> false;
            };
        }

        /** The type node {@code i} needs at float input {@code k}, or null if it takes either. */
        private Integer wanted(int i, int k) {
            NodeProto n = graph.getNode(i);
            if (k < 0 || ANY_INPUT_TYPE.contains(n.getOpType())) {
                return null;
            }
            if (fp32[i]) {
                return DataType.FLOAT_VALUE;
            }
            // Resize's roi and scales and Upsample's scales are float32 whatever X is: one computed in FP16 is cast back
            boolean fixedFloat = (n.getOpType().equals("Resize") && k >= 1) || (n.getOpType().equals("Upsample") && k == 1);
            return fixedFloat ? Integer.valueOf(DataType.FLOAT_VALUE) : Integer.valueOf(DataType.FLOAT16_VALUE);
        }

        private boolean isFloat(String tensor) {
            return Objects.equals(types.get(tensor), DataType.FLOAT_VALUE);
        }

        /** True if the FP32 tensor {@code tensor} is held in FP16 after conversion. */
        private boolean isHalf(String tensor) {
            if (halfConstants.contains(tensor)) {
                return true;
            }
            int p = index.producer(tensor);
            return p >= 0 && !fp32[p];
        }

        /** The cast of {@code source} (originally {@code original}) to {@code type}, made once per tensor and type. */
        private String cast(String source, String original, int type) {
            String key = source + "->" + type;
            String existing = castOutputs.get(key);
            if (existing != null) {
                return existing;
            }
            String out = names.take(original + (type == DataType.FLOAT16_VALUE ? "_fp16" : "_fp32"));
            castOutputs.put(key, out);
            addCast(source, out, type, index.producer(original));
            return out;
        }

        private void addCast(String in, String out, int type, int after) {
            NodeProto cast = NodeProto.newBuilder().setOpType("Cast").setName(names.take(out + "_Cast"))
                    .addInput(in).addOutput(out).addAttribute(Attributes.ofInt("to", type)).build();
            (after < 0 ? castsAtStart : castsAfter.computeIfAbsent(after, x -> new ArrayList<>())).add(cast);
            casts++;
        }

        /**
         * A node with a body (If, Loop, Scan) computes in FP32, body included. Its body reads values of the graph
         * around it by name, so each of those that is now FP16 is read through a cast back to FP32.
         */
        private NodeProto withFp32Body(NodeProto n, Map<String, String> renamed) {
            if (!ControlFlow.holdsBody(n)) {
                return n;
            }
            Map<String, String> toFp32 = new HashMap<>();
            for (String t : new TreeSet<>(GraphRenaming.outerReferences(n))) {
                if (isFloat(t) && isHalf(t)) {
                    toFp32.put(t, cast(renamed.getOrDefault(t, t), t, DataType.FLOAT_VALUE));
                }
            }
            return GraphRenaming.renamed(n, toFp32);
        }

        /** Adjusts the attributes that fix an output type, for FP16 nodes and FP16 constants. */
        private NodeProto.Builder retype(NodeProto.Builder b, int i) {
            NodeProto n = graph.getNode(i);
            if (GraphIndex.isConstantNode(n)) {
                if (halfConstants.contains(n.getOutput(0))) {
                    TensorProto value = GraphIndex.constantNodeValue(n).orElseThrow();
                    TensorProto half = TensorValues.float16Tensor("", value.getDimsList(), TensorValues.floats(value));
                    b.clearAttribute().addAttribute(AttributeProto.newBuilder().setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR).setT(half));
                }
                return b;
            }
            if (fp32[i]) {
                return b;
            }
            switch (n.getOpType()) {
                case "Cast" -> replaceInt(b, "to", DataType.FLOAT_VALUE, DataType.FLOAT16_VALUE);
                case "EyeLike" -> replaceInt(b, "dtype", DataType.FLOAT_VALUE, DataType.FLOAT16_VALUE);
                case "ConstantOfShape" -> {
                    for (int a = 0; a < b.getAttributeCount(); a++) {
                        TensorProto t = b.getAttribute(a).getT();
                        if (b.getAttribute(a).getName().equals("value") && t.getDataType() == DataType.FLOAT_VALUE) {
                            b.setAttribute(a, b.getAttribute(a).toBuilder().setT(
                                    TensorValues.float16Tensor(t.getName(), t.getDimsList(), TensorValues.floats(t))));
                        }
                    }
                    if (Attributes.find(n, "value").isEmpty()) { // default value is float 0
                        b.addAttribute(AttributeProto.newBuilder().setName("value")
                                .setType(AttributeProto.AttributeType.TENSOR).setT(
                                        TensorValues.float16Tensor("", List.of(1L), new float[] {0f})));
                    }
                }
                default -> {
                }
            }
            return b;
        }

        private void replaceInt(NodeProto.Builder b, String name, long from, long to) {
            for (int a = 0; a < b.getAttributeCount(); a++) {
                if (b.getAttribute(a).getName().equals(name) && b.getAttribute(a).getI() == from) {
                    b.setAttribute(a, b.getAttribute(a).toBuilder().setI(to));
                }
            }
        }
    }
}
