package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The elementwise ops that make a tensor from a scaled one: walking back, Adds of a constant, then the Mul by a
 * constant that ends the chain, each intermediate output read by the next op alone. Multiplying every constant of
 * the chain by a per-channel factor multiplies the tensor's channels by it, so an equalizer can rescale a tensor's
 * channels without adding a node.
 */
final class ConstantScaleChain {
    /**
     * Where a tensor's channels lie, and so which constants can take a per-channel factor: axis 1 of a tensor of
     * rank {@code rank} (NCHW; scalars, made [1, C, 1, …], or constants of that shape already) or its last axis
     * (constants of shape […, C] only: turning a scalar into a vector would stop runtimes matching fused patterns
     * such as GELU's {@code · 0.5}).
     */
    record ChannelLayout(int channels, int rank, boolean lastAxis) {
        static ChannelLayout axis1(int channels, int rank) {
            return new ChannelLayout(channels, rank, false);
        }

        /** The last axis; {@code rank} is unknown here, and constants keep their shapes. */
        static ChannelLayout lastAxis(int channels) {
            return new ChannelLayout(channels, -1, true);
        }

        /** A float constant this layout can give one value per channel (see the record's description). */
        boolean fits(TensorProto t) {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                return false;
            }
            List<Long> dims = t.getDimsList();
            long n = TensorValues.elementCount(dims);
            if (lastAxis) {
                return !dims.isEmpty() && dims.get(dims.size() - 1) == channels && n == channels;
            }
            if (n == 1) {
                return t.getDimsCount() <= rank;
            }
            return dims.equals(axis1Dims());
        }

        /** The shape of {@code original} once it holds one value per channel. */
        List<Long> dimsFor(TensorProto original) {
            return lastAxis ? original.getDimsList() : axis1Dims();
        }

        private List<Long> axis1Dims() {
            List<Long> dims = new ArrayList<>(Collections.nCopies(rank, 1L));
            dims.set(1, (long) channels);
            return dims;
        }
    }

    private final List<Integer> ops;
    private final ChannelLayout layout;

    private ConstantScaleChain(List<Integer> ops, ChannelLayout layout) {
        this.ops = List.copyOf(ops);
        this.layout = layout;
    }

    /**
     * The chain that makes {@code tensor}, or empty if it has another form. Who reads {@code tensor} itself is the
     * caller's concern; every tensor of the chain must stay internal (not a graph output).
     */
    static Optional<ConstantScaleChain> find(GraphIndex index, String tensor, ChannelLayout layout) {
        List<Integer> ops = new ArrayList<>();
        String t = tensor;
        while (true) {
            int p = index.producer(t);
            if (p < 0 || index.isGraphOutput(t) || (!t.equals(tensor) && index.consumers(t).size() != 1)) {
                return Optional.empty();
            }
            NodeProto n = index.node(p);
            boolean add = n.getOpType().equals("Add");
            if (!(add || n.getOpType().equals("Mul")) || !GraphIndex.isDefaultDomain(n.getDomain())
                    || n.getInputCount() != 2) {
                return Optional.empty();
            }
            int k = constantInput(index, n);
            if (k < 0 || !layout.fits(index.constant(n.getInput(k)).orElseThrow())) {
                return Optional.empty();
            }
            ops.add(p);
            if (!add) {
                return Optional.of(new ConstantScaleChain(ops, layout));
            }
            t = n.getInput(1 - k);
        }
    }

    /**
     * Rewrites the chain's constants as {@code value[c] · factor[c]} (new initializers; the replaced names are
     * added to {@code replaced} for {@link UnusedConstants#remove}).
     */
    void scale(GraphIndex index, GraphProto.Builder g, UniqueNames names, double[] factor, List<String> replaced) {
        for (int op : ops) {
            NodeProto n = index.node(op);
            int k = constantInput(index, n);
            TensorProto original = index.constant(n.getInput(k)).orElseThrow();
            float[] v = TensorValues.floats(original);
            float[] scaled = new float[layout.channels()];
            for (int c = 0; c < scaled.length; c++) {
                scaled[c] = (float) ((v.length == 1 ? v[0] : v[c]) * factor[c]);
            }
            String name = names.take(n.getInput(k) + "_equalized");
            g.addInitializer(TensorValues.floatTensor(name, layout.dimsFor(original), scaled));
            g.setNode(op, g.getNode(op).toBuilder().setInput(k, name));
            replaced.add(n.getInput(k));
        }
    }

    /** The position of the constant operand of a binary node, or -1 if not exactly one is constant. */
    private static int constantInput(GraphIndex index, NodeProto n) {
        boolean a = index.constant(n.getInput(0)).isPresent();
        boolean b = index.constant(n.getInput(1)).isPresent();
        return a == b ? -1 : a ? 0 : 1;
    }
}
