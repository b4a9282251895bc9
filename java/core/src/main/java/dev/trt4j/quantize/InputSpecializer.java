package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.ort.SpooledModel;
import dev.trt4j.tensor.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fixes graph inputs to constant values, or their shapes to fixed sizes, and folds the control flow that then
 * becomes constant: each top-level {@code If} whose condition now follows from constants and from fixed shapes is
 * replaced by the branch it takes (nested ones in turn), and the nodes left without readers are dropped. This is how
 * a model whose network sits inside {@code If} branches (Silero VAD picks one per sample rate, and checks its state's
 * shape) gets a graph that trt4j can calibrate, quantize and convert, and that TensorRT builds without
 * conditionals. Conditions are evaluated by ONNX Runtime, on zeros of the fixed shapes where shapes matter.
 */
public final class InputSpecializer {
    /**
     * @param model      the specialized model
     * @param fixed      the inputs now held as initializers
     * @param foldedIfs  the {@code If} nodes replaced, each with the branch taken ({@code name (then)})
     */
    public record Result(ModelProto model, List<String> fixed, List<String> foldedIfs) {
        public Result {
            fixed = List.copyOf(fixed);
            foldedIfs = List.copyOf(foldedIfs);
        }
    }

    private InputSpecializer() {
    }

    /**
     * The value of input {@code name} of {@code model} written as comma-separated numbers (or one number that fills
     * it), as a tensor of the input's declared element type and (fully fixed) shape.
     *
     * @throws Trt4jException if there is no such input, its shape is not fixed, the count or a number is wrong, or
     *                        its type is not float, int64, int32 or bool
     */
    public static TensorProto value(ModelProto model, String name, String text) {
        return value(model, name, text, null);
    }

    /**
     * As {@link #value(ModelProto, String, String)}, with the input's shape given (as by {@code --fix-shapes}) where
     * the model leaves dimensions open; null to use the declared shape.
     */
    public static TensorProto value(ModelProto model, String name, String text, long[] shape) {
        ValueInfoProto declared = model.getGraph().getInputList().stream().filter(v -> v.getName().equals(name))
                .findFirst().orElseThrow(() -> new InvalidOptionException("--fix-input: the model has no input '" + name
                        + "'; its inputs are " + model.getGraph().getInputList().stream()
                        .map(ValueInfoProto::getName).toList()));
        ValueInfoProto input = shape == null ? declared : withShape(declared, shape);
        TypeProto.Tensor type = input.getType().getTensorType();
        List<Long> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : type.getShape().getDimList()) {
            if (!d.hasDimValue() || d.getDimValue() < 0) {
                throw new InvalidOptionException("--fix-input: input '" + name + "' has a dimension that is not fixed ("
                        + (d.getDimParam().isEmpty() ? "?" : d.getDimParam()) + "); only fixed shapes can be fixed: give "
                        + "it one with --fix-shapes, or give one to an input that shares its dimension names");
            }
            dims.add(d.getDimValue());
        }
        String[] parts = text.split(",", -1);
        long count = TensorValues.elementCount(dims);
        if (parts.length == 1 && count > 1 && count <= Integer.MAX_VALUE / 8) {
            String[] filled = new String[(int) count]; // one value fills the tensor, e.g. a zero state
            java.util.Arrays.fill(filled, parts[0]);
            parts = filled;
        }
        if (parts.length != count) {
            throw new InvalidOptionException("--fix-input: input '" + name + "' has shape " + dims + " ("
                    + Counts.of(count, "value") + "), got " + parts.length + " (one value fills it; commas separate "
                    + "the values of one input, and each other input takes its own --fix-input)");
        }
        int elem = type.getElemType();
        int width = switch (elem) {
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE -> 4;
            case DataType.INT64_VALUE -> 8;
            case DataType.BOOL_VALUE -> 1;
            default -> throw new InvalidOptionException("--fix-input: input '" + name + "' is "
                    + DataType.forNumber(elem) + "; only float, int64, int32 and bool inputs can be fixed");
        };
        ByteBuffer b = ByteBuffer.allocate(parts.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (String p : parts) {
            String v = p.strip();
            try {
                switch (elem) {
                    case DataType.FLOAT_VALUE -> b.putFloat(finite(name, v));
                    case DataType.INT32_VALUE -> b.putInt(Integer.parseInt(v));
                    case DataType.INT64_VALUE -> b.putLong(Long.parseLong(v));
                    default -> b.put(booleanByte(name, v));
                }
            } catch (NumberFormatException e) {
                throw new InvalidOptionException("--fix-input: input '" + name + "': '" + v + "' is not a valid "
                        + DataType.forNumber(elem) + " value");
            }
        }
        return TensorProto.newBuilder().setName(name).setDataType(elem).addAllDims(dims)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** NaN or infinity held in a graph would poison every value computed from it, so neither is taken. */
    private static float finite(String name, String v) {
        float f = Float.parseFloat(v);
        if (!Float.isFinite(f)) {
            throw new InvalidOptionException("--fix-input: input '" + name + "': '" + v + "' is not a finite FLOAT "
                    + "value");
        }
        return f;
    }

    private static byte booleanByte(String name, String v) {
        // Python's True and False as well: a user copying a value from a PyTorch script types them so
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> 1;
            case "false", "0" -> 0;
            default -> throw new InvalidOptionException("--fix-input: input '" + name + "': '" + v + "' is not a "
                    + "boolean (true, false, 1 or 0)");
        };
    }

    /**
     * Holds each input of {@code values} (keyed by input name) as an initializer, then folds what became constant.
     *
     * @throws Trt4jException if a value names no graph input
     */
    public static Result fix(ModelProto model, Map<String, TensorProto> values) {
        return fix(model, values, Map.of());
    }

    /**
     * As {@link #fix(ModelProto, Map)}, also giving inputs (by name) fixed shapes: the model's inputs declare them,
     * and conditions that follow from those shapes are folded too.
     *
     * @throws Trt4jException if a value or shape names no graph input, or a shape contradicts a fixed dimension
     */
    public static Result fix(ModelProto model, Map<String, TensorProto> values, Map<String, long[]> shapes) {
        Objects.requireNonNull(model, "model");
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            int at = inputIndex(g, e.getKey(), "--fix-shapes");
            g.setInput(at, withShape(g.getInput(at), e.getValue()));
        }
        fixSharedDimensions(model.getGraph(), g, shapes);
        for (String name : values.keySet()) {
            g.removeInput(inputIndex(g, name, "--fix-input"));
            g.addInitializer(values.get(name).toBuilder().setName(name));
        }
        Set<String> initializerNames = new HashSet<>();
        g.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        if (!values.isEmpty() && g.getInputList().stream().allMatch(v -> initializerNames.contains(v.getName()))) {
            // a constant function: nothing could feed it samples, so no other command could use it
            throw new InvalidOptionException("--fix-input fixes every input of the model (" + String.join(", ",
                    values.keySet()) + "), which would leave a constant; leave at least one input open");
        }
        List<String> folded = new ArrayList<>();
        Set<String> unfoldable = new HashSet<>();
        while (true) {
            GraphIndex index = new GraphIndex(g.build());
            StaticValues known = new StaticValues(index);
            int at = -1;
            for (int i = 0; i < index.nodeCount(); i++) {
                NodeProto n = index.node(i);
                if (n.getOpType().equals("If") && GraphIndex.isDefaultDomain(n.getDomain())
                        && known.value(n.getInput(0)) && !unfoldable.contains(index.label(i))) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                break;
            }
            NodeProto node = index.node(at);
            String label = index.label(at);
            Boolean condition = evaluate(model, index, node.getInput(0));
            if (condition == null) {
                unfoldable.add(label);
                continue;
            }
            String branchName = condition ? "then_branch" : "else_branch";
            GraphProto branch = Attributes.find(node, branchName).map(AttributeProto::getG).orElseThrow(() ->
                    new Trt4jException("If node '" + label + "' has no " + branchName));
            inline(g, at, node, branch);
            folded.add(label + " (" + (condition ? "then" : "else") + ")");
        }
        dropDeadNodes(g);
        ModelProto out = model.toBuilder().setGraph(g).build();
        return new Result(out, List.copyOf(values.keySet()), folded);
    }

    /** The boolean value of constant-derived {@code tensor}, computed by ONNX Runtime; null if it cannot be. */
    private static Boolean evaluate(ModelProto model, GraphIndex index, String tensor) {
        Set<Integer> needed = new HashSet<>();
        Set<String> initializers = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (t.isEmpty() || !seen.add(t)) {
                continue;
            }
            int p = index.producer(t);
            if (p >= 0) {
                needed.add(p);
                todo.addAll(index.node(p).getInputList());
            } else if (index.isInitializer(t)) {
                initializers.add(t);
            }
        }
        GraphProto.Builder sub = GraphProto.newBuilder().setName("condition");
        Map<String, OnnxTensor> feed = new HashMap<>();
        for (ValueInfoProto input : index.graph().getInputList()) {
            if (seen.contains(input.getName()) && !index.isInitializer(input.getName())) {
                sub.addInput(input); // only its shape matters: StaticValues said so
            }
        }
        for (TensorProto t : index.graph().getInitializerList()) {
            if (initializers.contains(t.getName())) {
                sub.addInitializer(t);
            }
        }
        for (int i = 0; i < index.nodeCount(); i++) {
            if (needed.contains(i)) {
                sub.addNode(index.node(i));
            }
        }
        sub.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.BOOL_VALUE))));
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
             OrtSession session = SpooledModel.session(model.toBuilder().setGraph(sub).build(), sub.getName(),
                     options, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            for (ValueInfoProto input : sub.getInputList()) {
                feed.put(input.getName(), zeros(input));
            }
            try (OrtSession.Result r = session.run(feed)) {
                return booleanOf(((OnnxTensor) r.get(0)).getValue());
            }
        } catch (OrtException | RuntimeException e) {
            return null;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static Boolean booleanOf(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof boolean[] a && a.length == 1) {
            return a[0];
        }
        return null;
    }

    /** Zeros of a graph input's declared (fixed) shape and type. */
    private static OnnxTensor zeros(ValueInfoProto input) throws OrtException {
        TypeProto.Tensor t = input.getType().getTensorType();
        long[] dims = t.getShape().getDimList().stream().mapToLong(TensorShapeProto.Dimension::getDimValue).toArray();
        int count = Math.toIntExact(TensorValues.elementCount(java.util.Arrays.stream(dims).boxed().toList()));
        ai.onnxruntime.OrtEnvironment env = OrtRuntime.environment();
        return switch (t.getElemType()) {
            case DataType.FLOAT_VALUE -> OnnxTensor.createTensor(env, java.nio.FloatBuffer.allocate(count), dims);
            case DataType.INT64_VALUE -> OnnxTensor.createTensor(env, java.nio.LongBuffer.allocate(count), dims);
            case DataType.INT32_VALUE -> OnnxTensor.createTensor(env, java.nio.IntBuffer.allocate(count), dims);
            default -> throw new OrtException("cannot make zeros of input '" + input.getName() + "'");
        };
    }

    /**
     * Gives the sizes {@code shapes} set to named (symbolic) dimensions to every input, output and value that shares
     * the name, as {@code --shapes} does elsewhere: BERT's {@code attention_mask} takes {@code input_ids}' batch and
     * sequence length. Sizes that disagree would write a model ONNX Runtime refuses to load.
     *
     * @throws InvalidOptionException naming the dimension and the two sizes given to it
     */
    private static void fixSharedDimensions(GraphProto original, GraphProto.Builder g, Map<String, long[]> shapes) {
        Map<String, Long> sizes = new HashMap<>();
        Map<String, String> givenBy = new HashMap<>();
        for (ValueInfoProto input : original.getInputList()) {
            long[] dims = shapes.get(input.getName());
            if (dims == null) {
                continue;
            }
            TensorShapeProto declared = input.getType().getTensorType().getShape();
            for (int i = 0; i < dims.length && i < declared.getDimCount(); i++) {
                String param = declared.getDim(i).getDimParam();
                if (!TensorSpec.namesASharedSize(param)) {
                    continue; // not a name another input could share: empty, or PaddlePaddle's "?" for every one
                }
                Long earlier = sizes.putIfAbsent(param, dims[i]);
                if (earlier != null && earlier != dims[i]) {
                    throw new InvalidOptionException("--fix-shapes gives dimension '" + param + "' " + earlier + " ("
                            + givenBy.get(param) + ") and " + dims[i] + " (" + input.getName() + "); inputs that "
                            + "share a dimension take one size");
                }
                givenBy.putIfAbsent(param, input.getName());
            }
        }
        for (int at = 0; at < g.getInputCount(); at++) {
            ValueInfoProto input = g.getInput(at);
            if (!shapes.containsKey(input.getName())) {
                g.setInput(at, withSizes(input, sizes));
            }
        }
        // outputs and inner values that share a name take its size too: a model declaring a fixed input beside a
        // still-symbolic output of the same dimension would tell inspect, bench and TensorRT two things
        for (int at = 0; at < g.getOutputCount(); at++) {
            g.setOutput(at, withSizes(g.getOutput(at), sizes));
        }
        for (int at = 0; at < g.getValueInfoCount(); at++) {
            g.setValueInfo(at, withSizes(g.getValueInfo(at), sizes));
        }
    }

    /** {@code value} with each dimension named in {@code sizes} given that size; {@code value} itself if none is. */
    private static ValueInfoProto withSizes(ValueInfoProto value, Map<String, Long> sizes) {
        if (sizes.isEmpty() || !value.getType().hasTensorType() || !value.getType().getTensorType().hasShape()) {
            return value;
        }
        TensorShapeProto declared = value.getType().getTensorType().getShape();
        TensorShapeProto.Builder shape = declared.toBuilder();
        boolean changed = false;
        for (int i = 0; i < declared.getDimCount(); i++) {
            Long size = sizes.get(declared.getDim(i).getDimParam());
            if (size != null) {
                shape.setDim(i, TensorShapeProto.Dimension.newBuilder().setDimValue(size));
                changed = true;
            }
        }
        if (!changed) {
            return value;
        }
        ValueInfoProto.Builder b = value.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        return b.build();
    }

    /** @param option the option that named the input, for the message */
    private static int inputIndex(GraphProto.Builder g, String name, String option) {
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(name)) {
                return i;
            }
        }
        throw new InvalidOptionException(option + ": the model has no input '" + name + "'; its inputs are "
                + g.getInputList().stream().map(ValueInfoProto::getName).toList());
    }

    /**
     * Checks {@code shapes} against the model's inputs as {@link #fix(ModelProto, Map, Map)} does, before anything is
     * derived from them (the shape a shared dimension name gives another input), so that a bad shape is named as
     * the user typed it.
     *
     * @throws InvalidOptionException naming the input and what is wrong with its shape
     */
    public static void requireShapesFit(ModelProto model, Map<String, long[]> shapes) {
        shapes.forEach((name, dims) -> {
            ValueInfoProto input = model.getGraph().getInputList().stream().filter(v -> v.getName().equals(name))
                    .findFirst().orElseThrow(() -> new InvalidOptionException("--fix-shapes: the model has no input '"
                            + name + "'; its inputs are " + model.getGraph().getInputList().stream()
                            .map(ValueInfoProto::getName).toList()));
            withShape(input, dims);
        });
    }

    private static ValueInfoProto withShape(ValueInfoProto input, long[] dims) {
        TensorShapeProto declared = input.getType().getTensorType().getShape();
        if (declared.getDimCount() != dims.length) {
            throw new InvalidOptionException("--fix-shapes: input '" + input.getName() + "' has rank "
                    + declared.getDimCount() + ", got " + dims.length + " dimensions");
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = declared.getDim(i);
            if (dims[i] < 1) {
                // an empty tensor decides no condition and feeds no layer: ONNX Runtime would only fail later
                throw new InvalidOptionException("--fix-shapes: dimension " + i + " of input '" + input.getName()
                        + "' is " + dims[i] + "; a fixed shape needs every dimension at least 1");
            }
            if (d.hasDimValue() && d.getDimValue() >= 0 && d.getDimValue() != dims[i]) {
                throw new InvalidOptionException("--fix-shapes: dimension " + i + " of input '" + input.getName()
                        + "' is fixed to " + d.getDimValue() + ", got " + dims[i]);
            }
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        }
        ValueInfoProto.Builder b = input.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        return b.build();
    }

    /** Replaces node {@code at} (an If) of {@code g} by the nodes of {@code branch}, writing the If's outputs. */
    private static void inline(GraphProto.Builder g, int at, NodeProto node, GraphProto branch) {
        Set<String> outer = new HashSet<>();
        g.getInputList().forEach(v -> outer.add(v.getName()));
        g.getInitializerList().forEach(t -> outer.add(t.getName()));
        g.getNodeList().forEach(n -> outer.addAll(n.getOutputList()));
        UniqueNames names = new UniqueNames(g.build());
        Map<String, String> rename = new HashMap<>();
        // Values the branch makes get fresh names wherever they would clash with the outer graph's.
        List<String> made = new ArrayList<>();
        branch.getInitializerList().forEach(t -> made.add(t.getName()));
        branch.getNodeList().forEach(n -> made.addAll(n.getOutputList()));
        Set<String> producedInside = new HashSet<>(made);
        List<NodeProto> tail = new ArrayList<>();
        for (int j = 0; j < branch.getOutputCount(); j++) {
            String result = branch.getOutput(j).getName();
            String target = node.getOutput(j);
            boolean fromNode = branch.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(result));
            if (fromNode && !rename.containsKey(result) && !target.isEmpty()) {
                rename.put(result, target);
            } else if (!target.isEmpty()) {
                tail.add(NodeProto.newBuilder().setOpType("Identity").setName(names.take(target + "_Identity"))
                        .addInput(result).addOutput(target).build());
            }
        }
        for (String m : made) {
            if (!m.isEmpty() && !rename.containsKey(m) && outer.contains(m)) {
                rename.put(m, names.take(m));
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : branch.getNodeList()) {
            nodes.add(GraphRenaming.renamed(n, rename));
        }
        for (NodeProto n : tail) {
            nodes.add(GraphRenaming.renamed(n, producedInside.contains(n.getInput(0)) ? rename : Map.of()));
        }
        for (TensorProto t : branch.getInitializerList()) {
            g.addInitializer(t.toBuilder().setName(rename.getOrDefault(t.getName(), t.getName())));
        }
        List<NodeProto> all = new ArrayList<>(g.getNodeList());
        all.remove(at);
        all.addAll(at, nodes);
        g.clearNode().addAllNode(all);
    }

    /** Drops nodes none of whose outputs is read or is a graph output, until none is left. */
    private static void dropDeadNodes(GraphProto.Builder g) {
        DeadNodes.drop(g, n -> true);
        // a fixed input read only by the If condition it decided is read by nothing now: ONNX Runtime would warn
        // about it on every load
        UnusedConstants.remove(g, g.getInitializerList().stream().map(TensorProto::getName).toList());
    }
}
