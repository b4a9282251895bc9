package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ExternalTensors;
import dev.trt4j.onnx.OnnxModelFile;
import dev.trt4j.ort.OrtErrorText;
import dev.trt4j.ort.OrtRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, before quantize or convert does any work, a model with an opset or an operator that the tools after it
 * cannot handle, in one line naming the file and the node. ONNX Runtime's own loader is the judge of what ONNX
 * defines: the model (with its weights left out, so that this costs one session creation on the graph alone) is
 * loaded without optimisations, and its refusals are translated:
 * <ul>
 *   <li>a default-domain opset newer than the bundled ONNX Runtime supports (ONNX Runtime names its limit);</li>
 *   <li>a node whose operator the model's opset does not define ({@code No Op registered for X}), or an unknown
 *       operator of a domain ONNX Runtime implements ({@code com.microsoft}, {@code ai.onnx.ml}).</li>
 * </ul>
 * Nodes of any other domain, unless they call one of the model's local functions (which ONNX Runtime expands), are
 * taken for TensorRT plugins: they stay as they are (unquantized, in FP32), which the caller tells the user, unless
 * the model is to run in ONNX Runtime, which cannot run them: then they are refused.
 * A graph ONNX Runtime refuses as broken (a cycle, a tensor defined twice, an IR version or data type it does not
 * know, a node without an operator, shapes that contradict each other) is refused too. Other loader failures (a
 * missing CPU kernel, a type error) are left to the steps that meet them.
 */
public final class OperatorCheck {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorCheck.class);
    /** Domains whose operators ONNX Runtime implements; nodes of any other domain are plugins. */
    private static final Set<String> ORT_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft",
            // the blocked-layout nodes ONNX Runtime writes into a model it saves after its own optimisations
            "com.microsoft.nchwc");
    private static final Pattern OPSET_TOO_NEW = Pattern.compile(
            "Opset (\\d+) is under development.*support for domain ai\\.onnx is till opset (\\d+)");
    private static final Pattern NO_OP = Pattern.compile("No Op registered for (\\S+) with domain_version of (\\d+)");
    private static final Pattern NOT_REGISTERED = Pattern.compile(
            "([\\w.]+):(\\S+?)\\(-?\\d+\\) is not a registered function/op");
    /** Refusals of the graph itself, which no later step (TensorRT included) would take either. */
    private static final Pattern BROKEN_GRAPH = Pattern.compile("is not acyclic|Duplicate definition"
            + "|two nodes with same node name|Unsupported model IR version|does not have valid data type"
            + "|'op_type' of 'node' is required to be non-empty");
    /**
     * Shapes that contradict each other (a MatMul of [1,4] by a [5,4] weight). The graph checked keeps its weights'
     * shapes but not every value, and a value can decide a shape rule (Resize's empty {@code scales} beside its
     * {@code sizes}): such a refusal is confirmed on the whole model before it counts.
     */
    private static final Pattern SHAPE_CONTRADICTION = Pattern.compile("\\[ShapeInferenceError\\]");
    /** Initializers up to this size keep their values in the graph checked: shape, axis and scale constants. */
    private static final int KEPT_VALUE_BYTES = 64 * 1024;
    private static final int NAMES_SHOWN = 3;

    private OperatorCheck() {
    }

    /**
     * A node of a domain ONNX Runtime does not implement.
     *
     * @param label  the node's name, or {@code OpType#index} when it has none
     * @param domain the node's operator domain, which ONNX Runtime does not implement, e.g. {@code trt.plugins}
     * @param opType the node's operator within that domain
     */
    public record PluginNode(String label, String domain, String opType) {
        @Override
        public String toString() {
            return "'" + label + "' (" + domain + ":" + opType + ")";
        }
    }

    /**
     * Checks {@code model}.
     *
     * @param file     how messages name the model, e.g. its file name
     * @param ortUse   why the result will run in ONNX Runtime (e.g. {@code --runtime onnxruntime-cpu}), which then
     *                 refuses plugin nodes; null where it will not
     * @return the plugin nodes, kept as they are (empty for most models)
     * @throws Trt4jException {@code "FILE: ..."} naming the opset, or the node and its operator
     */
    public static List<PluginNode> require(ModelProto model, String file, String ortUse) {
        List<PluginNode> plugins = new ArrayList<>();
        Set<String> functions = localFunctions(model);
        boolean inSubgraph = collectPlugins(model.getGraph(), functions, plugins, false);
        if (!plugins.isEmpty() && ortUse != null) {
            PluginNode p = plugins.get(0);
            throw new Trt4jException(file + ": node '" + p.label() + "' has operator " + p.opType() + " of domain '"
                    + p.domain() + "', which ONNX Runtime cannot run (" + ortUse + ")");
        }
        if (inSubgraph) {
            // Their outputs cannot be turned into inputs of a loop body; TensorRT or the later steps will judge.
            LOG.debug("{}: plugin nodes inside subgraphs; ONNX Runtime's operator check skipped", file);
            return plugins;
        }
        ModelProto cut = graphAlone(model, functions, KEPT_VALUE_BYTES);
        if (ExternalTensors.referencedBy(cut)) {
            // tensors left in data files inside subgraphs or functions: handed over as bytes, ONNX Runtime would look
            // for them beside the working folder, and read gigabytes of them where it found them
            LOG.debug("{}: external data in subgraphs or functions; ONNX Runtime's operator check skipped", file);
            return plugins;
        }
        try {
            OrtRuntime.requireLoads(cut.toByteArray());
        } catch (OrtException e) {
            String message = String.valueOf(e.getMessage());
            Matcher opset = OPSET_TOO_NEW.matcher(message);
            if (opset.find()) {
                throw new Trt4jException(file + ": opset " + opset.group(1) + " is newer than ONNX Runtime "
                        + OrtRuntime.version() + " supports (up to opset " + opset.group(2) + "); export the model "
                        + "at opset " + opset.group(2) + " or earlier");
            }
            Matcher noOp = NO_OP.matcher(message);
            if (noOp.find()) {
                throw new Trt4jException(file + ": node '" + label(model.getGraph(), "", noOp.group(1))
                        + "' has operator " + noOp.group(1) + ", which ONNX opset " + noOp.group(2)
                        + " does not define (a custom operator needs a domain of its own)");
            }
            Matcher unknown = NOT_REGISTERED.matcher(message);
            if (unknown.find()) {
                throw new Trt4jException(file + ": node '" + label(model.getGraph(), unknown.group(1),
                        unknown.group(2)) + "' has operator " + unknown.group(2) + " of domain '" + unknown.group(1)
                        + "', which ONNX Runtime " + OrtRuntime.version() + " does not define");
            }
            if (BROKEN_GRAPH.matcher(message).find()
                    || SHAPE_CONTRADICTION.matcher(message).find() && !loadsWithWeights(model, functions)) {
                throw new Trt4jException(file + ": ONNX Runtime refuses the model: " + OrtErrorText.of(message));
            }
            LOG.debug("{}: ONNX Runtime's operator check did not load the graph: {}", file, message);
        }
        return plugins;
    }

    /**
     * As {@link #require} with no ONNX Runtime use, for a command that only describes the model ({@code inspect}): a
     * graph of more than {@link LoaderCheckLimit#MAX_NODES} nodes is not handed to ONNX Runtime's loader, whose time
     * and native memory grow with it beyond what -Xmx bounds; {@code skipped} gets the one warning line that says so.
     * The plugin nodes are found either way.
     *
     * @param file    how messages name the model, e.g. its file name
     * @param skipped told, once, when the loader's check is skipped
     * @return the plugin nodes, kept as they are (empty for most models)
     * @throws Trt4jException as {@link #require} does, for a graph within the limit
     */
    public static List<PluginNode> requireToDescribe(ModelProto model, String file, Consumer<String> skipped) {
        long nodes = LoaderCheckLimit.nodes(model);
        if (nodes <= LoaderCheckLimit.MAX_NODES) {
            return require(model, file, null);
        }
        skipped.accept(LoaderCheckLimit.skippedNotice(file, nodes));
        List<PluginNode> plugins = new ArrayList<>();
        collectPlugins(model.getGraph(), localFunctions(model), plugins, false);
        return plugins;
    }

    /**
     * ONNX Runtime's refusal of a model trt4j wrote, e.g. the result of {@code convert --fp16}, or empty where it
     * loads: unlike {@link #require}, which blames the model read only for refusals it can name, every refusal of a
     * written model is trt4j's, and writing it would pass the failure on to the next tool with exit 0. The graph
     * alone is loaded first (one cheap session); a refusal is confirmed with every weight's value, as a value can
     * decide a shape. Skipped (empty) where the check cannot be handed over as bytes: plugin nodes or tensors in data
     * files inside subgraphs, or a model held past 2 GiB.
     *
     * @param model the model about to be written, with every weight read in
     */
    public static Optional<String> loadRefusal(ModelProto model) {
        Set<String> functions = localFunctions(model);
        if (collectPlugins(model.getGraph(), functions, new ArrayList<>(), false)) {
            return Optional.empty();
        }
        ModelProto cut = graphAlone(model, functions, KEPT_VALUE_BYTES);
        if (ExternalTensors.referencedBy(cut) || OnnxModelFile.needsExternalData(model)) {
            return Optional.empty();
        }
        try {
            OrtRuntime.requireLoads(cut.toByteArray());
            return Optional.empty();
        } catch (OrtException cutRefused) {
            try {
                OrtRuntime.requireLoads(graphAlone(model, functions, Long.MAX_VALUE).toByteArray());
                return Optional.empty();
            } catch (OrtException e) {
                return Optional.of(OrtErrorText.of(String.valueOf(e.getMessage())));
            }
        }
    }

    /** Whether ONNX Runtime loads {@code model} with every weight's value (its plugin nodes cut out, as before). */
    private static boolean loadsWithWeights(ModelProto model, Set<String> functions) {
        if (OnnxModelFile.needsExternalData(model)) {
            return true; // held past 2 GiB, it has no bytes to hand over: the steps that run it will judge
        }
        try {
            // tensors left in data files are cut even here (see require), which reached this only without others
            OrtRuntime.requireLoads(graphAlone(model, functions, Long.MAX_VALUE).toByteArray());
            return true;
        } catch (OrtException e) {
            return false;
        }
    }

    /** One line for the user about the plugin nodes kept as they are, e.g. for a warning. */
    public static String describe(String file, List<PluginNode> plugins) {
        List<String> shown = plugins.subList(0, Math.min(NAMES_SHOWN, plugins.size())).stream()
                .map(PluginNode::toString).map(ControlCharacters::escape).toList(); // a warning line: names as shown
        boolean one = plugins.size() == 1;
        return file + ": " + Counts.of(plugins.size(), "node") + " of a domain ONNX does not define, taken for "
                + (one ? "a TensorRT plugin and kept as it is" : "TensorRT plugins and kept as they are")
                + " (no Q/DQ, no FP16): " + String.join(", ", shown) + (plugins.size() > shown.size() ? " and "
                + (plugins.size() - shown.size()) + " more" : "");
    }

    /**
     * The model's local functions that ONNX Runtime runs, as {@code domain:name}: a node calling one (as PyTorch's
     * exporters write modules) is no plugin, ONNX Runtime expands it into the function's body. A function whose
     * body holds a plugin node (at any depth, through other functions too) is left out: calls of it stay plugins.
     */
    private static Set<String> localFunctions(ModelProto model) {
        Set<String> functions = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (FunctionProto f : model.getFunctionsList()) {
                String key = f.getDomain() + ":" + f.getName();
                if (!functions.contains(key) && allRunInOrt(f.getNodeList(), functions)) {
                    functions.add(key);
                    grew = true;
                }
            }
        }
        return functions;
    }

    private static boolean allRunInOrt(List<NodeProto> nodes, Set<String> functions) {
        for (NodeProto n : nodes) {
            if (!runsInOrt(n, functions)) {
                return false;
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() && !allRunInOrt(a.getG().getNodeList(), functions)) {
                    return false;
                }
                for (GraphProto g : a.getGraphsList()) {
                    if (!allRunInOrt(g.getNodeList(), functions)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Whether ONNX Runtime runs {@code n}: an operator of a domain it implements or a call of a local function. */
    private static boolean runsInOrt(NodeProto n, Set<String> functions) {
        return ORT_DOMAINS.contains(n.getDomain()) || functions.contains(n.getDomain() + ":" + n.getOpType());
    }

    /** Adds the plugin nodes of {@code graph} and its subgraphs; whether any lies in a subgraph. */
    private static boolean collectPlugins(GraphProto graph, Set<String> functions, List<PluginNode> plugins,
                                          boolean subgraph) {
        boolean inSubgraph = false;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (!runsInOrt(n, functions)) {
                plugins.add(new PluginNode(GraphIndex.label(n, i), n.getDomain(), n.getOpType()));
                inSubgraph |= subgraph;
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    inSubgraph |= collectPlugins(a.getG(), functions, plugins, true);
                }
                for (GraphProto g : a.getGraphsList()) {
                    inSubgraph |= collectPlugins(g, functions, plugins, true);
                }
            }
        }
        return inSubgraph;
    }

    /**
     * {@code model} without the data of its weights and without its plugin nodes: initializers over
     * {@code keptValueBytes} bytes or left in a data file become graph inputs of the same type and shape (so a 90 MB
     * model is not copied into ONNX Runtime; smaller ones, shape and scale constants, stay as they are), as do the
     * outputs of such {@code Constant} nodes (PaddlePaddle's exports keep every weight in one), and a plugin node's
     * outputs become graph inputs typed as declared (float otherwise).
     */
    private static ModelProto graphAlone(ModelProto model, Set<String> functions, long keptValueBytes) {
        GraphProto g = model.getGraph();
        GraphProto.Builder b = g.toBuilder().clearInitializer().clearNode();
        Map<String, ValueInfoProto> declared = new HashMap<>();
        g.getValueInfoList().forEach(v -> declared.put(v.getName(), v));
        g.getOutputList().forEach(v -> declared.put(v.getName(), v));
        Set<String> inputs = new HashSet<>();
        g.getInputList().forEach(v -> inputs.add(v.getName()));
        for (TensorProto t : g.getInitializerList()) {
            // a tensor left in its data file is cut like a large one: the bytes handed over say nothing of the folder
            if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getSerializedSize() <= keptValueBytes) {
                b.addInitializer(t); // a shape or scale constant, whose value shape inference may read
                continue;
            }
            if (inputs.add(t.getName())) {
                b.addInput(inputLike(t.getName(), t));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            Optional<TensorProto> value = largeConstant(n, keptValueBytes);
            if (value.isPresent()) {
                if (inputs.add(n.getOutput(0))) {
                    b.addInput(inputLike(n.getOutput(0), value.get()));
                }
                continue;
            }
            if (runsInOrt(n, functions)) {
                b.addNode(n);
                continue;
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && inputs.add(out)) {
                    b.addInput(Optional.ofNullable(declared.get(out)).orElseGet(() -> ValueInfoProto.newBuilder()
                            .setName(out).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                                    .setElemType(TensorProto.DataType.FLOAT_VALUE))).build()));
                }
            }
        }
        return model.toBuilder().setGraph(b).build();
    }

    /** The value of a {@code Constant} node over {@code keptValueBytes} or left in a data file, if {@code n} is one. */
    private static Optional<TensorProto> largeConstant(NodeProto n, long keptValueBytes) {
        if (!n.getOpType().equals("Constant") || !GraphIndex.isDefaultDomain(n.getDomain()) || n.getOutputCount() != 1) {
            return Optional.empty();
        }
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT() && (a.getT().getDataLocation()
                    == TensorProto.DataLocation.EXTERNAL || a.getT().getSerializedSize() > keptValueBytes)) {
                return Optional.of(a.getT());
            }
        }
        return Optional.empty();
    }

    /** A graph input named {@code name} of {@code t}'s element type and shape. */
    private static ValueInfoProto inputLike(String name, TensorProto t) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        t.getDimsList().forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.getDataType()).setShape(shape))).build();
    }

    /** The label of the first node of {@code domain} (default domain for "") and {@code opType}, at any depth. */
    private static String label(GraphProto graph, String domain, String opType) {
        return find(graph, domain, opType).orElse(opType);
    }

    private static Optional<String> find(GraphProto graph, String domain, String opType) {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            boolean sameDomain = domain.isEmpty() ? GraphIndex.isDefaultDomain(n.getDomain())
                    : domain.equals(n.getDomain());
            if (sameDomain && n.getOpType().equals(opType)) {
                return Optional.of(GraphIndex.label(n, i));
            }
            for (AttributeProto a : n.getAttributeList()) {
                List<GraphProto> bodies = new ArrayList<>(a.getGraphsList());
                if (a.hasG()) {
                    bodies.add(0, a.getG());
                }
                for (GraphProto body : bodies) {
                    Optional<String> found = find(body, domain, opType);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }
}
