package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.table.Provenance;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ONNX model loaded into memory, with the facts trt4j needs about it: inputs and outputs, opset, operators,
 * weights and the activation tensors to calibrate.
 *
 * <p>Weights are the graph's initializers and the tensors of its {@code Constant} nodes (PaddlePaddle exports keep
 * every weight in {@code Constant} nodes). External data (tensors stored in files beside the model) is read in
 * when the model is loaded, so {@link #toBytes()} is a self-contained model ONNX Runtime can take; except where the
 * weights would take the model past protobuf's 2 GiB: then {@link #load} leaves tensors over 64 KiB in their files
 * ({@link #externalDataFolder()}), and only what reads the graph, not the weights' values, works on the model, while
 * {@link #loadWithAllWeights} reads them all in and holds a model that must not be serialized whole.
 *
 * <p>Immutable (apart from remembering that a warning was logged) and thread-safe.
 */
public final class OnnxModel {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);
    private final Path path;
    private final String sha256;
    private final ModelProto proto;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, String> outputsLeftOut;
    private final Map<String, Integer> operatorCounts;
    private final Set<String> weightNames;
    private final Map<String, TensorProto> weightTensors;
    private final Map<String, Integer> elementTypes;
    private final Set<String> tensorNames;
    private final Set<String> constants;
    private final List<String> quantizableActivations;
    private final List<String> allActivations;
    private final List<String> untyped;
    private final List<Path> externalDataFiles;
    private final Path externalDataFolder;
    /** The untyped-tensor warning is given once, by the first caller that selects tensors to calibrate. */
    private final AtomicBoolean untypedWarned = new AtomicBoolean();

    /** @param digest SHA-256 fed with the model's bytes; the external data are added as they are read */
    private OnnxModel(Path path, MessageDigest digest, ModelProto proto, long inlineLimit) {
        this.path = path;
        Set<Path> dataFiles = new LinkedHashSet<>();
        this.proto = ExternalDataInliner.inline(proto, path, digest, dataFiles, inlineLimit);
        this.externalDataFiles = List.copyOf(dataFiles);
        Path parent = path.toAbsolutePath().getParent();
        this.externalDataFolder = !ExternalDataInliner.hasExternalData(this.proto) ? null
                : parent != null ? parent : Path.of("").toAbsolutePath();
        this.sha256 = HexFormat.of().formatHex(digest.digest());
        GraphProto g = this.proto.getGraph();
        TensorSizes.check(g, path);
        this.weightTensors = Collections.unmodifiableMap(weightTensors(g));
        this.weightNames = Collections.unmodifiableSet(weightNames(g, weightTensors));
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        this.inputs = inputsOf(this.proto, path);
        Map<String, String> leftOut = new LinkedHashMap<>();
        List<TensorSpec> read = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            // a double or string output is no reason to refuse a model trt4j calibrates through its activations
            ValueInfoSpecs.unhandledType(v).ifPresentOrElse(type -> leftOut.put(v.getName(), type),
                    () -> read.add(ValueInfoSpecs.toSpec(v, "output", path)));
        }
        this.outputs = List.copyOf(read);
        this.outputsLeftOut = Collections.unmodifiableMap(leftOut);
        Map<String, Integer> counts = new TreeMap<>();
        countOperators(g, counts);
        this.operatorCounts = Collections.unmodifiableMap(counts);
        this.elementTypes = Collections.unmodifiableMap(ElementTypeInference.inferAll(this.proto, externalDataFolder));
        this.untyped = ElementTypeInference.untyped(this.proto, elementTypes);
        Set<String> names = new HashSet<>(initializers);
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getNodeList().forEach(node -> names.addAll(node.getOutputList()));
        names.remove("");
        this.tensorNames = Collections.unmodifiableSet(names);
        this.constants = Collections.unmodifiableSet(ActivationTensorSelector.constants(g, weightNames));
        this.allActivations = ActivationTensorSelector.all(g, constants, elementTypes);
        this.quantizableActivations = ActivationTensorSelector.quantizable(g, constants, elementTypes);
    }

    /**
     * Checks that {@code file} is a file, in the words every command uses: a folder is named as one, a device, pipe
     * or socket ({@code /dev/null}, a FIFO, {@code /dev/stdin} on a terminal) as not a regular file, in the words
     * {@code --data} uses for one, and only a missing path as no such model file.
     *
     * @throws Trt4jException otherwise
     */
    public static void requireFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new Trt4jException(shown(file) + ": is a folder, not an ONNX model file");
        }
        if (!Files.isRegularFile(file)) {
            throw new Trt4jException(shown(file) + (Files.exists(file)
                    ? ": not a model file (a device, pipe or socket); give an ONNX model file"
                    : ": no such model file"));
        }
    }

    /**
     * {@code file} for a message, its control characters escaped as {@code inspect} shows them ({@code \u000a}): the
     * one-line error would otherwise turn a newline in the name into a space, naming a file that is not there.
     */
    private static String shown(Path file) {
        return ControlCharacters.escape(file.toString());
    }

    /**
     * Loads a model file, reading in any external data from the model's folder.
     *
     * @throws Trt4jException if the file is missing or unreadable, is not an ONNX protobuf, its main graph reads a
     *                        tensor nothing defines or has no outputs, or its external data is missing
     */
    public static OnnxModel load(Path file) {
        return load(file, ExternalDataInliner.PROTOBUF_LIMIT);
    }

    /**
     * Loads a model file with every external tensor read in, whatever the total: for commands that rewrite the
     * weights ({@code quantize}, {@code convert}, {@code equalize}). A model past 2 GiB is then held, never serialized
     * whole: it is written with {@link OnnxModelFile}, and ONNX Runtime gets it through a temporary copy with
     * external data. The heap must hold every weight. {@link #sha256()} is the same as {@link #load(Path)} gives.
     *
     * @throws Trt4jException as {@link #load(Path)}
     */
    public static OnnxModel loadWithAllWeights(Path file) {
        return load(file, ExternalDataInliner.NO_LIMIT);
    }

    /** As {@link #load(Path)}, leaving large tensors in their files past {@code inlineLimit} bytes (for tests). */
    static OnnxModel load(Path file, long inlineLimit) {
        requireFile(file);
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > ExternalDataInliner.PROTOBUF_LIMIT) {
                throw new Trt4jException(shown(file) + ": " + size + " bytes, more than the 2 GiB an ONNX protobuf "
                        + "file can hold; a larger model keeps its weights in external data files");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ReadFailure.of(file, "the model", e);
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            if (String.valueOf(e.getMessage()).contains("too many levels of nesting")) {
                // a valid graph of deeply nested If/Loop bodies: three message levels each, against protobuf's 100
                throw new Trt4jException(shown(file) + ": nests its graphs deeper than protobuf reads (about 33 levels "
                        + "of If/Loop/Scan bodies); ONNX Runtime cannot load it either: flatten the nesting", e);
            }
            throw new Trt4jException(shown(file) + ": not an ONNX model (not a valid ONNX protobuf)", e);
        }
        if (!proto.hasGraph() || proto.getIrVersion() <= 0) {
            throw new Trt4jException(shown(file) + ": not an ONNX model (no "
                    + (proto.hasGraph() ? "IR version" : "graph") + ")");
        }
        GraphWiring.check(proto.getGraph(), file);
        return new OnnxModel(file, digestOf(bytes), proto, inlineLimit);
    }

    /**
     * A model built in memory (e.g. a transformed copy of another). {@code path} names it in messages and anchors
     * relative external-data locations; {@link #sha256()} is of the serialized proto, or for a model past 2 GiB,
     * which protobuf cannot serialize whole, of its parts serialized in order (see {@link #digestOfParts}).
     */
    public static OnnxModel fromProto(ModelProto proto, Path path) {
        MessageDigest digest = OnnxModelFile.needsExternalData(proto) ? digestOfParts(proto)
                : digestOf(proto.toByteArray());
        return new OnnxModel(path, digest, proto, ExternalDataInliner.PROTOBUF_LIMIT);
    }

    /**
     * A digest of a model too large to serialize: the model without its graph, the graph without its nodes and
     * initializers, then each initializer and each node, every one of which protobuf serializes alone.
     */
    private static MessageDigest digestOfParts(ModelProto proto) {
        MessageDigest digest = Provenance.sha256Digest();
        GraphProto g = proto.getGraph();
        digest.update(proto.toBuilder().clearGraph().build().toByteArray());
        digest.update(g.toBuilder().clearNode().clearInitializer().build().toByteArray());
        for (TensorProto t : g.getInitializerList()) {
            digest.update(t.toByteArray());
        }
        for (NodeProto n : g.getNodeList()) {
            digest.update(n.toByteArray());
        }
        return digest;
    }

    private static MessageDigest digestOf(byte[] bytes) {
        MessageDigest digest = Provenance.sha256Digest();
        digest.update(bytes);
        return digest;
    }

    /** The file the model was loaded from, or the path given to {@link #fromProto}. */
    public Path path() {
        return path;
    }

    /**
     * SHA-256 of the model file's bytes, lower-case hex; for a model with external data, of the file's bytes followed
     * by each external tensor's bytes in the order the model names them, so that new weights in a data file give a
     * new hash (tables and engines are checked against it).
     */
    public String sha256() {
        return sha256;
    }

    /** The model's opset for the default ONNX domain; 0 if it declares none. */
    public long opset() {
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 0;
    }

    /** Graph inputs the caller feeds (inputs that are also initializers are left out), in model order. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /**
     * The inputs a model's graph declares, without those an initializer gives a value (what {@link #inputs()} is),
     * for a model held as a protobuf only.
     *
     * @param path names the model in the message
     * @throws Trt4jException if an input is not a tensor of an element type trt4j handles
     */
    public static List<TensorSpec> inputsOf(ModelProto model, Path path) {
        GraphProto g = model.getGraph();
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<TensorSpec> in = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                in.add(ValueInfoSpecs.toSpec(v, "input", path));
            }
        }
        return List.copyOf(in);
    }

    /** Graph outputs, in model order, but those of a type trt4j does not carry ({@link #outputsLeftOut()}). */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /**
     * The graph outputs {@link #outputs()} leaves out, each with its type: tensors of a type trt4j does not carry
     * (double, string, ...) and values that are not tensors (sequences, maps). Nothing trt4j does reads them.
     */
    public Map<String, String> outputsLeftOut() {
        return outputsLeftOut;
    }

    /** Number of nodes per operator type (subgraphs included), sorted by type. */
    public Map<String, Integer> operatorCounts() {
        return operatorCounts;
    }

    /**
     * Number of weight values: elements of every initializer (sparse ones counted dense) and {@code Constant} tensor
     * except int64, bool and string ones, which hold shapes, axes, indices and masks rather than learned parameters;
     * those of If, Loop and Scan bodies included.
     */
    public long parameterCount() {
        long[] n = {parameters(proto.getGraph(), weightTensors)};
        forEachSubgraph(proto.getGraph(), g -> n[0] += parameters(g, weightTensors(g)));
        return n[0];
    }

    private static long parameters(GraphProto g, Map<String, TensorProto> tensors) {
        long n = 0;
        for (TensorProto t : tensors.values()) {
            int type = t.getDataType();
            if (type != DataType.INT64_VALUE && type != DataType.BOOL_VALUE && type != DataType.STRING_VALUE) {
                n += FloatTensorDecoder.elementCount(t);
            }
        }
        for (SparseTensorProto t : g.getSparseInitializerList()) {
            n += t.getDimsList().stream().reduce(1L, Math::multiplyExact); // the dense tensor's values
        }
        return n;
    }

    /**
     * Number of weight tensors: initializers, sparse initializers and {@code Constant} outputs, those of If, Loop and
     * Scan bodies included ({@link #weightNames()} holds the main graph's only, the ones trt4j quantizes).
     */
    public int weightCount() {
        int[] n = {weightNames.size()};
        forEachSubgraph(proto.getGraph(), g -> n[0] += weightNames(g, weightTensors(g)).size());
        return n[0];
    }

    /** Calls {@code action} on {@code g} and on every graph nested in its nodes' attributes, depth first. */
    private static void forEachGraph(GraphProto g, java.util.function.Consumer<GraphProto> action) {
        action.accept(g);
        forEachSubgraph(g, action);
    }

    /** Calls {@code action} on every graph nested in {@code g}'s nodes (If, Loop, Scan bodies), depth first. */
    private static void forEachSubgraph(GraphProto g, java.util.function.Consumer<GraphProto> action) {
        for (NodeProto node : g.getNodeList()) {
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    forEachGraph(a.getG(), action);
                }
                a.getGraphsList().forEach(sub -> forEachGraph(sub, action));
            }
        }
    }

    /** Names of all weights: initializers and outputs of {@code Constant} nodes, initializers first. */
    public Set<String> weightNames() {
        return weightNames;
    }

    /**
     * A floating-point weight's values as float32 (float16, bfloat16 and double converted); empty if there is no
     * such weight or it is not floating-point.
     *
     * @throws Trt4jException if the stored values do not match the weight's dims
     */
    public Optional<WeightTensor> weight(String name) {
        TensorProto t = weightTensors.get(name);
        if (t == null || !OnnxElementTypes.isFloatingPoint(t.getDataType())) {
            return Optional.empty();
        }
        float[] data = FloatTensorDecoder.decode(t, path + ": weight '" + name + "'");
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return Optional.of(new WeightTensor(name, dims, data));
    }

    /** The element type (ONNX data type name, e.g. {@code FLOAT}) of a tensor of the top-level graph, if known. */
    public Optional<String> elementTypeName(String tensor) {
        Integer t = elementTypes.get(tensor);
        return t == null ? Optional.empty() : Optional.of(OnnxElementTypes.name(t));
    }

    /** Element types (ONNX data type numbers) of the tensors whose type is known, by name. */
    public Map<String, Integer> elementTypes() {
        return elementTypes;
    }

    /** True if {@code tensor} is a float32 or float16 tensor, the types calibration reads. */
    public boolean isFloatTensor(String tensor) {
        Integer t = elementTypes.get(tensor);
        return t != null && OnnxElementTypes.isCalibratable(t);
    }

    /**
     * True for weights and for tensors computed from weights alone (a {@code Reshape} of a bias constant, say):
     * values that do not depend on the input, which TensorRT folds into weights. Such tensors are never
     * calibrated as activations.
     */
    public boolean isConstant(String tensor) {
        return constants.contains(tensor);
    }

    /** True if the top-level graph has a tensor of that name (input, initializer, constant or node output). */
    public boolean hasTensor(String tensor) {
        return tensorNames.contains(tensor);
    }

    /**
     * The external data files the model's weights were read from (none for a model that holds them), which an output
     * must not replace: the model would still load, with other weights.
     */
    public List<Path> externalDataFiles() {
        return externalDataFiles;
    }

    /**
     * The folder whose files still hold some of the model's weights, for a model that would exceed 2 GiB with them
     * read in; empty when the model holds every weight. ONNX Runtime reads such a model's bytes with this folder as
     * the base of its external-data locations.
     */
    public Optional<Path> externalDataFolder() {
        return Optional.ofNullable(externalDataFolder);
    }

    /** The model: external data inlined, but for tensors that stay in their files ({@link #externalDataFolder()}). */
    public ModelProto proto() {
        return proto;
    }

    /** The serialized model: self-contained, but for tensors that stay in their files ({@link #externalDataFolder()}). */
    public byte[] toBytes() {
        return proto.toByteArray();
    }

    /**
     * Float activations that feed a quantized input of a {@link QuantizableOperators} operator: what explicit (Q/DQ)
     * quantization needs scales for. Graph order, no duplicates, graph inputs included, constants
     * ({@link #isConstant}) excluded.
     */
    public List<String> quantizableActivationTensors() {
        warnUntypedOnce();
        return quantizableActivations;
    }

    /**
     * Every float tensor produced by a node, plus float graph inputs, constants ({@link #isConstant}) excluded: what
     * TensorRT's implicit INT8 mode calibrates. Graph order, no duplicates.
     */
    public List<String> allActivationTensors() {
        warnUntypedOnce();
        return allActivations;
    }

    /**
     * The serialized model with {@code tensorNames} added as graph outputs (names that already are outputs are
     * skipped), so that a runtime returns their values.
     *
     * @throws Trt4jException if a name is not a tensor of the model
     */
    public byte[] withExtraOutputs(List<String> tensorNames) {
        return exposing(tensorNames).toByteArray();
    }

    /**
     * As {@link #withExtraOutputs}, not serialized: the model shares this one's weights, where its bytes would be a
     * second copy of them (gigabytes for a large model, beside ONNX Runtime's own).
     *
     * @throws Trt4jException if a name is not a tensor of the model
     */
    public ModelProto exposing(List<String> tensorNames) {
        for (String name : tensorNames) {
            if (!hasTensor(name)) {
                throw new Trt4jException(path + ": no tensor named '" + name + "'");
            }
        }
        return GraphOutputs.withExtraOutputs(proto, tensorNames, elementTypes);
    }

    /**
     * Warns about tensors left out of calibration because their element type is unknown. Given here rather than on
     * load, so that commands that never calibrate (convert, bench) do not print a warning that does not apply.
     */
    private void warnUntypedOnce() {
        if (!untyped.isEmpty() && untypedWarned.compareAndSet(false, true)) {
            // why, where a node says it: a plugin's outputs and all that is computed from them have no type
            String why = ElementTypeInference.untypedCause(proto, untyped).map(cause -> ": " + cause).orElse("");
            LOG.warn("{}: element type of {} tensors is unknown (e.g. '{}'){}; they will not be calibrated", path,
                    untyped.size(), ControlCharacters.escape(untyped.get(0)), ControlCharacters.escape(why));
        }
    }

    /** The weights of {@code g} by name: {@code tensors} first, then sparse initializers and Constant outputs. */
    private static Set<String> weightNames(GraphProto g, Map<String, TensorProto> tensors) {
        Set<String> weights = new LinkedHashSet<>(tensors.keySet());
        // sparse initializers are weights too, though without a dense float form trt4j would quantize
        g.getSparseInitializerList().forEach(s -> weights.add(s.getValues().getName()));
        for (NodeProto node : g.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                weights.add(node.getOutput(0)); // also sparse and string constants, which have no float form
            }
        }
        return weights;
    }

    private static Map<String, TensorProto> weightTensors(GraphProto g) {
        Map<String, TensorProto> weights = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            weights.put(t.getName(), t);
        }
        for (NodeProto node : g.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                ConstantTensors.of(node).ifPresent(t -> weights.put(node.getOutput(0), t));
            }
        }
        return weights;
    }

    private static void countOperators(GraphProto g, Map<String, Integer> counts) {
        forEachGraph(g, graph -> graph.getNodeList().forEach(node -> counts.merge(node.getOpType(), 1, Integer::sum)));
    }

}
