package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * In the ONNX Runtime CPU layout, moves a constant shift after a quantized Conv's output into the zero point of its
 * DequantizeLinear: {@code DQ(q; s, z) + c} is {@code DQ(q; s, z − k)} when {@code c = k·s}. The Conv's output grid
 * is given the step {@code s' = c / k} with {@code k = round(c / s)}, so that the shift is a whole number of steps;
 * the Add node, a float pass over the tensor, goes. A shift of fewer than {@link #MIN_STEPS} steps is left alone,
 * since the step would change by more than {@code 1 / (2·MIN_STEPS)}; so is one that would put the zero point
 * outside UINT8. When the step shrinks, the grid's ends move in with it: a max-calibrated output may clip in its
 * top 11 % (percentile ranges, which suit this layout better, clip there already).
 *
 * <p>Folding the shift into the Conv's bias instead ({@link ConvAffineFolder} does not, in this layout) and
 * moving the zero point with the old step would leave the Conv's output off its grid by the shift's fraction of a
 * step, which cost the PP-OCRv4 recognizer 4.6 points of exact match; here the output keeps its grid, with zero on
 * it, and the shift is exact.
 */
final class ZeroPointShiftAbsorber {
    private static final Logger LOG = LoggerFactory.getLogger(ZeroPointShiftAbsorber.class);
    /** Shifts of at least this many steps move into the zero point: the step changes by at most 1/8. */
    static final int MIN_STEPS = 4;

    /** One Q → DQ → Add chain, with the DQ's new step and the whole steps of the shift. */
    private record Chain(Uint8QdqPair pair, int add, float step, int steps) {
    }

    private ZeroPointShiftAbsorber() {
    }

    static FoldedModel absorb(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Chain> chains = index.matchEach(i -> chain(index, i));
        if (chains.isEmpty()) {
            return FoldedModel.unchanged(model);
        }
        UniqueNames names = new UniqueNames(index.graph());
        GraphSplice edit = new GraphSplice(index);
        List<String> labels = new ArrayList<>();
        for (Chain c : chains) {
            NodeProto q = index.node(c.pair().quantize());
            NodeProto dq = index.node(c.pair().dequantize());
            NodeProto add = index.node(c.add());
            String tensor = q.getInput(0);
            String step = names.take(tensor + "_shifted_scale");
            String dqZero = names.take(tensor + "_shift_zero_point");
            edit.addInitializer(TensorValues.floatTensor(step, List.of(), new float[] {c.step()}));
            edit.addInitializer(TensorValues.uint8Scalar(dqZero, c.pair().zeroPoint() - c.steps()));
            // the Q keeps its zero point; only the DQ's moves
            edit.replace(c.pair().quantize(), q.toBuilder().setInput(1, step).build());
            edit.replace(c.pair().dequantize(), dq.toBuilder().setInput(1, step).setInput(2, dqZero)
                    .setOutput(0, add.getOutput(0)).build());
            edit.remove(c.add());
            labels.add(index.label(c.add()));
        }
        LOG.debug("moved {} shifts after quantized Convs into zero points", labels.size());
        return new FoldedModel(model.toBuilder().setGraph(edit.build()).build(), labels);
    }

    private static Optional<Chain> chain(GraphIndex index, int qIndex) {
        NodeProto q = index.node(qIndex);
        int producer = q.getInputCount() > 0 ? index.producer(q.getInput(0)) : -1;
        if (producer < 0 || !GraphIndex.isDefaultOp(index.node(producer), "Conv")) {
            return Optional.empty();
        }
        Optional<Uint8QdqPair> pair = Uint8QdqPair.at(index, qIndex);
        Optional<Integer> addIndex = pair.flatMap(p -> index.soleReader(index.node(p.dequantize()).getOutput(0)));
        if (addIndex.isEmpty()) {
            return Optional.empty();
        }
        NodeProto add = index.node(addIndex.get());
        if (!GraphIndex.isDefaultOp(add, "Add") || add.getInputCount() != 2) {
            return Optional.empty();
        }
        String dequantized = index.node(pair.get().dequantize()).getOutput(0);
        Optional<Float> shift = index.scalarConstant(add.getInput(add.getInput(0).equals(dequantized) ? 1 : 0));
        if (shift.isEmpty()) {
            return Optional.empty();
        }
        long steps = Math.round(shift.get() / (double) pair.get().step());
        if (Math.abs(steps) < MIN_STEPS || pair.get().zeroPointPlus(-steps).isEmpty()) {
            return Optional.empty();
        }
        float step = (float) (shift.get() / (double) steps);
        return Optional.of(new Chain(pair.get(), addIndex.get(), step, (int) steps));
    }
}
