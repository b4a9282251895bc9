package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes each hard-swish that an exporter spelled out in elementwise nodes as one ONNX {@code HardSwish} node
 * (opset 14), for ONNX Runtime's CPU layout.
 *
 * <p>Why: Paddle and older PyTorch exports write {@code x · clip(x + 3, 0, 6) / 6} as four nodes (Add, Clip, Mul,
 * Div), four passes over the activation in memory. In the PP-OCRv4 recognizer they took a third of an FP32 query,
 * and in a Q/DQ model ONNX Runtime also gives each float reader of a dequantized tensor its own DequantizeLinear,
 * so the two readers of {@code x} cost two. One HardSwish node reads {@code x} once.
 *
 * <p>Matched, for a tensor {@code x} (constants are scalars of rank 0 or 1; each intermediate tensor is read by the
 * next node alone and is not a graph output):
 * <ul>
 *   <li>{@code Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(·, 6)} (or {@code Mul(·, 1/6)});</li>
 *   <li>{@code Add(x, 3) → Clip(0, 6) → Div(·, 6)} (or {@code Mul(·, 1/6)}) {@code → Mul(x, ·)};</li>
 *   <li>{@code HardSigmoid(x, alpha = 1/6, beta = 0.5) → Mul(x, ·)}.</li>
 * </ul>
 * The results agree with the spelled-out form up to float32 rounding. A model below opset 14 is raised to 14
 * when something matches (through {@link OpsetUpgrade} to 13; from 13 to 14 no operator changes meaning).
 */
final class HardSwishFusion {
    static final long HARD_SWISH_OPSET = 14;
    private static final float SIXTH = 1f / 6f;
    private static final Logger LOG = LoggerFactory.getLogger(HardSwishFusion.class);

    /**
     * @param model the model with the chains rewritten (the input model if none matched)
     * @param fused how many chains became HardSwish nodes
     */
    record Result(ModelProto model, int fused) {
    }

    /** One rewrite: the nodes it removes and the HardSwish written where the last of them was. */
    private record Fused(List<Integer> nodes, NodeProto hardSwish) {
    }

    private HardSwishFusion() {
    }

    /**
     * {@code model} with every matching chain written as HardSwish (the model itself when none matches). A model
     * below opset 13 is first raised by {@link OpsetUpgrade}.
     *
     * @throws dev.trt4j.Trt4jException if the model has a chain but its opset cannot be raised
     */
    static Result fuse(ModelProto model) {
        List<Fused> fused = matches(new GraphIndex(model.getGraph()));
        if (fused.isEmpty()) {
            return new Result(model, 0);
        }
        if (OpsetUpgrade.defaultOpset(model) < OpsetUpgrade.TARGET) {
            model = OpsetUpgrade.toTarget(model);
            fused = matches(new GraphIndex(model.getGraph())); // the upgrade may have added nodes before them
        }
        GraphIndex index = new GraphIndex(model.getGraph());
        LOG.debug("'{}': {} hard-swish chains written as HardSwish", model.getGraph().getName(), fused.size());
        GraphSplice edit = new GraphSplice(index);
        for (Fused f : fused) {
            int last = f.nodes().get(f.nodes().size() - 1);
            f.nodes().forEach(edit::remove);
            edit.replace(last, f.hardSwish());
        }
        ModelProto.Builder out = model.toBuilder().setGraph(edit.build());
        for (int i = 0; i < out.getOpsetImportCount(); i++) {
            OperatorSetIdProto o = out.getOpsetImport(i);
            if (GraphIndex.isDefaultDomain(o.getDomain()) && o.getVersion() < HARD_SWISH_OPSET) {
                out.setOpsetImport(i, o.toBuilder().setVersion(HARD_SWISH_OPSET));
            }
        }
        return new Result(out.build(), fused.size());
    }

    private static List<Fused> matches(GraphIndex index) {
        List<Fused> fused = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            Optional<Fused> f = match(index, i);
            if (f.isPresent() && f.get().nodes().stream().noneMatch(taken::contains)) {
                fused.add(f.get());
                taken.addAll(f.get().nodes());
            }
        }
        return fused;
    }

    /** The chain that starts at node {@code first} (its Add or HardSigmoid), if it is one of the forms above. */
    private static Optional<Fused> match(GraphIndex index, int first) {
        NodeProto n = index.node(first);
        if (!GraphIndex.isDefaultDomain(n.getDomain()) || n.getOutputCount() != 1) {
            return Optional.empty();
        }
        String x;
        List<Integer> chain = new ArrayList<>(List.of(first));
        int gate; // the node whose output is hard-sigmoid(x), up to the factor 6 for the Add/Clip form
        boolean scaled; // true while the gate's output is still 6 × hard-sigmoid(x)
        if (n.getOpType().equals("HardSigmoid") && n.getInputCount() == 1) {
            if (!isSixth(Attributes.getFloat(n, "alpha", 0.2f)) || Attributes.getFloat(n, "beta", 0.5f) != 0.5f) {
                return Optional.empty();
            }
            x = n.getInput(0);
            gate = first;
            scaled = false;
        } else if (n.getOpType().equals("Add") && n.getInputCount() == 2) {
            int k = constantOperand(index, n, 3f);
            if (k < 0) {
                return Optional.empty();
            }
            x = n.getInput(1 - k);
            Optional<Integer> clip = soleReader(index, n.getOutput(0));
            if (clip.isEmpty() || !isClip06(index, index.node(clip.get()))) {
                return Optional.empty();
            }
            chain.add(clip.get());
            gate = clip.get();
            scaled = true;
        } else {
            return Optional.empty();
        }
        // Either the product with x comes next and the division after it, or the other way round.
        Optional<Integer> next = soleReader(index, index.node(gate).getOutput(0));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        NodeProto after = index.node(next.get());
        if (isProductWith(after, index.node(gate).getOutput(0), x)) {
            chain.add(next.get());
            if (scaled) {
                Optional<Integer> division = soleReader(index, after.getOutput(0));
                if (division.isEmpty() || !isDivisionBySix(index, index.node(division.get()), after.getOutput(0))) {
                    return Optional.empty();
                }
                chain.add(division.get());
            }
        } else if (scaled && isDivisionBySix(index, after, index.node(gate).getOutput(0))) {
            chain.add(next.get());
            Optional<Integer> product = soleReader(index, after.getOutput(0));
            if (product.isEmpty() || !isProductWith(index.node(product.get()), after.getOutput(0), x)) {
                return Optional.empty();
            }
            chain.add(product.get());
        } else {
            return Optional.empty();
        }
        NodeProto last = index.node(chain.get(chain.size() - 1));
        NodeProto hardSwish = NodeProto.newBuilder().setOpType("HardSwish")
                .setName(last.getName().isEmpty() ? "" : last.getName() + "_HardSwish")
                .addInput(x).addOutput(last.getOutput(0)).build();
        return Optional.of(new Fused(chain, hardSwish));
    }

    /** The default-domain node of one output that alone reads {@code tensor}, which is not a graph output. */
    private static Optional<Integer> soleReader(GraphIndex index, String tensor) {
        return index.soleReader(tensor).filter(i -> GraphIndex.isDefaultDomain(index.node(i).getDomain())
                && index.node(i).getOutputCount() == 1);
    }

    /** Clip to [0, 6], bounds given as constant inputs (opset 11 on). */
    private static boolean isClip06(GraphIndex index, NodeProto clip) {
        return clip.getOpType().equals("Clip") && clip.getInputCount() == 3
                && index.scalarConstant(clip.getInput(1)).map(v -> v == 0f).orElse(false)
                && index.scalarConstant(clip.getInput(2)).map(v -> v == 6f).orElse(false);
    }

    /** {@code Mul(a, b)} with {@code {a, b} = {gate, x}}. */
    private static boolean isProductWith(NodeProto n, String gate, String x) {
        if (!n.getOpType().equals("Mul") || n.getInputCount() != 2 || gate.equals(x)) {
            return false;
        }
        return (n.getInput(0).equals(gate) && n.getInput(1).equals(x))
                || (n.getInput(1).equals(gate) && n.getInput(0).equals(x));
    }

    /** {@code Div(value, 6)} or {@code Mul(value, 1/6)} in either order. */
    private static boolean isDivisionBySix(GraphIndex index, NodeProto n, String value) {
        if (n.getInputCount() != 2) {
            return false;
        }
        if (n.getOpType().equals("Div")) {
            return n.getInput(0).equals(value) && index.scalarConstant(n.getInput(1)).map(v -> v == 6f).orElse(false);
        }
        if (n.getOpType().equals("Mul")) {
            int k = n.getInput(0).equals(value) ? 1 : n.getInput(1).equals(value) ? 0 : -1;
            return k >= 0 && index.scalarConstant(n.getInput(k)).map(HardSwishFusion::isSixth).orElse(false);
        }
        return false;
    }

    /** Index of the input of {@code n} that is the constant scalar {@code value}, or -1. */
    private static int constantOperand(GraphIndex index, NodeProto n, float value) {
        for (int k = 0; k < 2; k++) {
            if (index.scalarConstant(n.getInput(k)).map(v -> v == value).orElse(false)
                    && index.constant(n.getInput(1 - k)).isEmpty()) {
                return k;
            }
        }
        return -1;
    }

    /** 1/6 as float32, or one ulp either side of it (exporters round it differently). */
    private static boolean isSixth(float v) {
        return Math.abs(v - SIXTH) <= Math.ulp(SIXTH);
    }
}
