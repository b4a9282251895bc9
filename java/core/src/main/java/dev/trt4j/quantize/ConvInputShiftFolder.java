package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * In the ONNX Runtime CPU layout, folds a constant shift in front of a quantized Conv's input. With {@code k} the
 * shift's whole steps on the grid {@code (s, z)} and {@code r = c − k·s} the rest,
 * {@code Conv(W, DQ(Q(x + c; s, z); s, z))} becomes {@code Conv(W, DQ(Q(x; s, z + k); s, z)) + r·ΣW}: the
 * QuantizeLinear's zero point takes the whole steps, so the dequantized tensor is {@code x + k·s} rounded to the grid,
 * and the Conv's INT32 bias takes the rest. The Add node, a float pass over the tensor, goes.
 *
 * <p>A Conv without padding is linear in its input plus its bias, so the Conv computes the same sum, except that the
 * rest {@code r} is no longer rounded away: the grid keeps its step, and its ends move by {@code r}, under half a step.
 * PP-LCNet leaves such shifts (under a tenth of a step on the PP-OCRv4 recognizer) in front of every quantized
 * pointwise Conv once {@link ConvInputScaleFolder} has taken the scales; the hard-swish before them writes many exact
 * zeros, which the shift rounded to zero and lost. This runs after Q/DQ insertion, on the grid calibrated for the
 * shifted tensor, which it keeps, so that the whole steps go in exactly. A float fold before insertion would give
 * {@code x} a grid of its own and move where each value rounds by up to half a step; on text lines most positions
 * share one background value, and the way it rounds counts for the whole line (docs/speedup-cpu.md).
 *
 * <p>Only Convs without padding qualify: padding adds zeros after the shift, which the bias would then count as
 * {@code c}. Every reader of the dequantized tensor must be such a Conv, since all of them see the shift go.
 */
final class ConvInputShiftFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ConvInputShiftFolder.class);

    /** One Conv's bias: its DequantizeLinear, and the INT32 values it reads from now on. */
    private record Bias(int dequantize, TensorProto values) {
    }

    /** One Add (its data input at {@code data}) → Q → DQ chain, the zero point the Q takes and the Convs' biases. */
    private record Fold(int add, int data, Uint8QdqPair pair, int zeroPoint, List<Bias> biases) {
    }

    private ConvInputShiftFolder() {
    }

    static FoldedModel fold(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Fold> folds = index.matchEach(i -> fold(index, i));
        if (folds.isEmpty()) {
            return FoldedModel.unchanged(model);
        }
        UniqueNames names = new UniqueNames(index.graph());
        GraphSplice edit = new GraphSplice(index);
        List<String> labels = new ArrayList<>();
        for (Fold f : folds) {
            NodeProto add = index.node(f.add());
            NodeProto q = index.node(f.pair().quantize());
            NodeProto.Builder newQ = q.toBuilder().setInput(0, add.getInput(f.data()));
            if (f.zeroPoint() != f.pair().zeroPoint()) {
                String zero = names.take(add.getInput(f.data()) + "_shifted_zero_point");
                edit.addInitializer(TensorValues.uint8Scalar(zero, f.zeroPoint()));
                newQ.setInput(2, zero);
            }
            edit.replace(f.pair().quantize(), newQ.build());
            for (Bias b : f.biases()) {
                NodeProto dq = index.node(b.dequantize());
                String name = names.take(dq.getInput(0) + "_shifted");
                edit.addInitializer(b.values().toBuilder().setName(name).build());
                edit.replace(b.dequantize(), dq.toBuilder().setInput(0, name).build());
            }
            edit.remove(f.add());
            labels.add(index.label(f.add()));
        }
        LOG.debug("folded {} shifts before quantized Convs into their biases", labels.size());
        return new FoldedModel(model.toBuilder().setGraph(edit.build()).build(), labels);
    }

    private static Optional<Fold> fold(GraphIndex index, int addIndex) {
        NodeProto add = index.node(addIndex);
        if (!GraphIndex.isDefaultOp(add, "Add") || add.getInputCount() != 2) {
            return Optional.empty();
        }
        int data = index.scalarConstant(add.getInput(1)).isPresent() ? 0 : 1;
        Optional<Float> shift = index.scalarConstant(add.getInput(1 - data));
        Optional<Uint8QdqPair> pair = index.soleReader(add.getOutput(0)).flatMap(q -> Uint8QdqPair.at(index, q));
        if (shift.isEmpty() || pair.isEmpty() || index.constant(add.getInput(data)).isPresent()) {
            return Optional.empty();
        }
        long steps = Math.round(shift.get() / (double) pair.get().step());
        OptionalInt zeroPoint = pair.get().zeroPointPlus(steps);
        String dequantized = index.node(pair.get().dequantize()).getOutput(0);
        List<GraphIndex.Use> readers = index.consumers(dequantized);
        if (zeroPoint.isEmpty() || readers.isEmpty() || index.isGraphOutput(dequantized)) {
            return Optional.empty();
        }
        double rest = shift.get() - steps * (double) pair.get().step();
        List<Bias> biases = new ArrayList<>();
        for (GraphIndex.Use use : readers) {
            Optional<Bias> bias = use.input() == 0 ? shiftedBias(index, use.node(), rest) : Optional.empty();
            if (bias.isEmpty()) {
                return Optional.empty();
            }
            biases.add(bias.get());
        }
        return Optional.of(new Fold(addIndex, data, pair.get(), zeroPoint.getAsInt(), biases));
    }

    /**
     * The INT32 bias of a Conv without padding, whose weights and bias are dequantized constants (the layout's
     * quantized Convs), with {@code rest · ΣW} added to each output channel; empty for any other node, or if a sum
     * leaves INT32.
     */
    private static Optional<Bias> shiftedBias(GraphIndex index, int convIndex, double rest) {
        NodeProto conv = index.node(convIndex);
        if (!GraphIndex.isDefaultOp(conv, "Conv") || conv.getInputCount() != 3 || padsInput(conv)
                || index.soleReader(conv.getInput(2)).isEmpty()) {
            return Optional.empty();
        }
        Optional<NodeProto> weightDq = dequantizedConstant(index, conv.getInput(1), TensorProto.DataType.INT8);
        Optional<NodeProto> biasDq = dequantizedConstant(index, conv.getInput(2), TensorProto.DataType.INT32);
        if (weightDq.isEmpty() || biasDq.isEmpty()) {
            return Optional.empty();
        }
        TensorProto weight = index.constant(weightDq.get().getInput(0)).orElseThrow();
        TensorProto weightScaleTensor = index.constant(weightDq.get().getInput(1)).orElseThrow();
        float[] weightScale = TensorValues.floats(weightScaleTensor);
        byte[] weightZero = weightDq.get().getInputCount() > 2
                ? TensorValues.int8s(index.constant(weightDq.get().getInput(2)).orElseThrow())
                : new byte[weightScale.length];
        TensorProto biasTensor = index.constant(biasDq.get().getInput(0)).orElseThrow();
        int[] bias = TensorValues.int32s(biasTensor);
        float[] biasScale = TensorValues.floats(index.constant(biasDq.get().getInput(1)).orElseThrow());
        int outputs = Math.toIntExact(weight.getDims(0));
        boolean perChannelWeight = weightScale.length == outputs && weightScaleTensor.getDimsCount() == 1
                && Attributes.getInt(weightDq.get(), "axis", 1) == 0;
        if (weightZero.length != weightScale.length || bias.length != outputs
                || !(weightScale.length == 1 || perChannelWeight)
                || !(biasScale.length == 1 || biasScale.length == outputs)) {
            return Optional.empty();
        }
        byte[] w = TensorValues.int8s(weight);
        int perOutput = w.length / outputs;
        for (int o = 0; o < outputs; o++) {
            int k = weightScale.length == 1 ? 0 : o;
            long sum = 0;
            for (int i = o * perOutput; i < (o + 1) * perOutput; i++) {
                sum += w[i] - weightZero[k];
            }
            double shifted = bias[o] + Math.rint(rest * weightScale[k] * sum / biasScale[biasScale.length == 1 ? 0 : o]);
            if (!(Math.abs(shifted) <= Integer.MAX_VALUE)) {
                return Optional.empty();
            }
            bias[o] = (int) shifted;
        }
        return Optional.of(new Bias(index.producer(conv.getInput(2)),
                TensorValues.int32Tensor("", biasTensor.getDimsList(), bias)));
    }

    /** The DequantizeLinear that writes {@code tensor} from constants whose data and zero point are {@code type}. */
    private static Optional<NodeProto> dequantizedConstant(GraphIndex index, String tensor,
                                                           TensorProto.DataType type) {
        int p = index.producer(tensor);
        if (p < 0 || !GraphIndex.isDefaultOp(index.node(p), "DequantizeLinear")) {
            return Optional.empty();
        }
        NodeProto dq = index.node(p);
        List<Optional<TensorProto>> inputs = dq.getInputList().stream().map(index::constant).toList();
        boolean typed = inputs.stream().allMatch(Optional::isPresent)
                && inputs.get(0).get().getDataType() == type.getNumber()
                && (inputs.size() < 3 || inputs.get(2).get().getDataType() == type.getNumber());
        return typed ? Optional.of(dq) : Optional.empty();
    }

    /** True if the Conv pads its input: a {@code pads} value above zero or a SAME {@code auto_pad}. */
    private static boolean padsInput(NodeProto conv) {
        String autoPad = Attributes.find(conv, "auto_pad").map(a -> a.getS().toStringUtf8()).orElse("NOTSET");
        boolean explicit = Attributes.find(conv, "pads").map(a -> a.getIntsList().stream().anyMatch(p -> p != 0))
                .orElse(false);
        return explicit || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"));
    }
}
