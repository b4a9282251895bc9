package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * In the ONNX Runtime CPU layout, removes a constant shift in front of a quantized Conv's input:
 * {@code Conv(W, DQ(Q(x + c)))} becomes {@code Conv(W, DQ(Q(x))) + (c − k·s)·ΣW}, where the whole steps
 * {@code k = round(c / s)} of the shift go into the QuantizeLinear's zero point and the rest into the Conv's INT32
 * bias. The Add node, a float pass over the tensor, goes.
 *
 * <p>The Conv computes the same sum either way, since a Conv without padding is linear in its input plus its bias; the
 * grid keeps its step, and only the fraction {@code c/s − k} of a step by which the shift moved it goes. PP-LCNet
 * leaves such shifts (under a tenth of a step on the PP-OCRv4 recognizer) in front of every quantized pointwise Conv
 * once {@link ConvInputScaleFolder} has taken the scales. Folding them also makes the many exact zeros of the
 * hard-swish before them exact again: quantized with the shift, they rounded to zero and lost it.
 *
 * <p>Only Convs without padding qualify: padding adds zeros after the shift, which the bias would then count as
 * {@code c}. Every reader of the dequantized tensor must be such a Conv, since all of them see the shift go.
 */
final class ConvInputShiftFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ConvInputShiftFolder.class);

    /** The bias of one Conv reading the shifted tensor: its DequantizeLinear and the INT32 values it adds. */
    private record Bias(int dequantize, int[] correction) {
    }

    /** One Add → Q → DQ chain, the zero point the Q takes and the Convs' bias corrections. */
    private record Fold(int add, int data, int quantize, int zeroPoint, List<Bias> biases) {
    }

    /**
     * @param model  the model with the shifts folded
     * @param folded labels of the removed Add nodes
     */
    record Result(ModelProto model, List<String> folded) {
        Result {
            folded = List.copyOf(folded);
        }
    }

    private ConvInputShiftFolder() {
    }

    static Result fold(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Fold> folds = index.matchEach(i -> fold(index, i));
        if (folds.isEmpty()) {
            return new Result(model, List.of());
        }
        UniqueNames names = new UniqueNames(index.graph());
        GraphSplice edit = new GraphSplice(index);
        List<String> labels = new ArrayList<>();
        for (Fold f : folds) {
            NodeProto add = index.node(f.add());
            NodeProto q = index.node(f.quantize());
            NodeProto.Builder newQ = q.toBuilder().setInput(0, add.getInput(f.data()));
            if (f.zeroPoint() != TensorValues.uint8Value(index.constant(q.getInput(2)).orElseThrow())) {
                String zero = names.take(q.getInput(0) + "_unshifted_zero_point");
                edit.addInitializer(TensorValues.uint8Scalar(zero, f.zeroPoint()));
                newQ.setInput(2, zero);
            }
            edit.replace(f.quantize(), newQ.build());
            for (Bias b : f.biases()) {
                NodeProto dq = index.node(b.dequantize());
                TensorProto bias = index.constant(dq.getInput(0)).orElseThrow();
                int[] values = TensorValues.int32s(bias);
                for (int o = 0; o < values.length; o++) {
                    values[o] += b.correction()[o];
                }
                String name = names.take(dq.getInput(0) + "_shifted");
                edit.addInitializer(TensorValues.int32Tensor(name, bias.getDimsList(), values));
                edit.replace(b.dequantize(), dq.toBuilder().setInput(0, name).build());
            }
            edit.remove(f.add());
            labels.add(index.label(f.add()));
        }
        LOG.debug("folded {} shifts before quantized Convs into their biases", labels.size());
        return new Result(model.toBuilder().setGraph(edit.build()).build(), labels);
    }

    private static Optional<Fold> fold(GraphIndex index, int addIndex) {
        NodeProto add = index.node(addIndex);
        if (!GraphIndex.isDefaultOp(add, "Add") || add.getInputCount() != 2) {
            return Optional.empty();
        }
        int data = index.scalarConstant(add.getInput(1)).isPresent() ? 0 : 1;
        Optional<Float> shift = index.scalarConstant(add.getInput(1 - data));
        Optional<Integer> qIndex = index.soleReader(add.getOutput(0));
        if (shift.isEmpty() || qIndex.isEmpty() || index.constant(add.getInput(data)).isPresent()) {
            return Optional.empty();
        }
        NodeProto q = index.node(qIndex.get());
        if (!GraphIndex.isDefaultOp(q, "QuantizeLinear") || q.getInputCount() != 3) {
            return Optional.empty();
        }
        Optional<Float> step = index.scalarConstant(q.getInput(1));
        Optional<TensorProto> zero = index.constant(q.getInput(2))
                .filter(z -> z.getDataType() == TensorProto.DataType.UINT8_VALUE
                        && TensorValues.elementCount(z.getDimsList()) == 1);
        Optional<Integer> dqIndex = index.soleReader(q.getOutput(0));
        if (step.isEmpty() || zero.isEmpty() || dqIndex.isEmpty()) {
            return Optional.empty();
        }
        NodeProto dq = index.node(dqIndex.get());
        if (!GraphIndex.isDefaultOp(dq, "DequantizeLinear")
                || !dq.getInputList().equals(List.of(q.getOutput(0), q.getInput(1), q.getInput(2)))) {
            return Optional.empty();
        }
        long steps = Math.round(shift.get() / (double) step.get());
        int zeroPoint = TensorValues.uint8Value(zero.get());
        if (zeroPoint + steps < 0 || zeroPoint + steps > 255) {
            return Optional.empty();
        }
        double rest = shift.get() - steps * (double) step.get();
        List<GraphIndex.Use> readers = index.consumers(dq.getOutput(0));
        if (readers.isEmpty() || index.isGraphOutput(dq.getOutput(0))) {
            return Optional.empty();
        }
        List<Bias> biases = new ArrayList<>();
        for (GraphIndex.Use use : readers) {
            Optional<Bias> bias = use.input() == 0 ? bias(index, use.node(), rest) : Optional.empty();
            if (bias.isEmpty()) {
                return Optional.empty();
            }
            biases.add(bias.get());
        }
        return Optional.of(new Fold(addIndex, data, qIndex.get(), (int) (zeroPoint + steps), biases));
    }

    /**
     * The correction {@code rest · ΣW / bias scale} of each output channel's INT32 bias, for a Conv without padding
     * whose weights and bias are dequantized constants (the layout's quantized Convs); empty for any other node.
     */
    private static Optional<Bias> bias(GraphIndex index, int convIndex, double rest) {
        NodeProto conv = index.node(convIndex);
        if (!GraphIndex.isDefaultOp(conv, "Conv") || conv.getInputCount() != 3 || pads(conv)) {
            return Optional.empty();
        }
        Optional<NodeProto> weightDq = dequantizedConstant(index, conv.getInput(1), TensorProto.DataType.INT8);
        Optional<NodeProto> biasDq = dequantizedConstant(index, conv.getInput(2), TensorProto.DataType.INT32);
        if (weightDq.isEmpty() || biasDq.isEmpty() || index.soleReader(conv.getInput(2)).isEmpty()) {
            return Optional.empty();
        }
        TensorProto weight = index.constant(weightDq.get().getInput(0)).orElseThrow();
        byte[] w = TensorValues.int8s(weight);
        float[] weightScale = TensorValues.floats(index.constant(weightDq.get().getInput(1)).orElseThrow());
        byte[] weightZero = weightDq.get().getInputCount() > 2
                ? TensorValues.int8s(index.constant(weightDq.get().getInput(2)).orElseThrow()) : new byte[weightScale.length];
        float[] biasScale = TensorValues.floats(index.constant(biasDq.get().getInput(1)).orElseThrow());
        int[] bias = TensorValues.int32s(index.constant(biasDq.get().getInput(0)).orElseThrow());
        int outputs = Math.toIntExact(weight.getDims(0));
        boolean perChannelWeight = weightScale.length == outputs
                && Attributes.getInt(weightDq.get(), "axis", 1) == 0;
        if (weightZero.length != weightScale.length || bias.length != outputs
                || !(weightScale.length == 1 || perChannelWeight)
                || !(biasScale.length == 1 || biasScale.length == outputs)) {
            return Optional.empty();
        }
        int perOutput = w.length / outputs;
        int[] correction = new int[outputs];
        for (int o = 0; o < outputs; o++) {
            int k = weightScale.length == 1 ? 0 : o;
            long sum = 0;
            for (int i = o * perOutput; i < (o + 1) * perOutput; i++) {
                sum += w[i] - weightZero[k];
            }
            double c = Math.rint(rest * weightScale[k] * sum / biasScale[biasScale.length == 1 ? 0 : o]);
            if (!(Math.abs(bias[o] + c) <= Integer.MAX_VALUE)) {
                return Optional.empty();
            }
            correction[o] = (int) c;
        }
        return Optional.of(new Bias(index.producer(conv.getInput(2)), correction));
    }

    /**
     * The DequantizeLinear that writes {@code tensor} from constants whose data is of {@code type}, if one does; an
     * INT32 one (a bias) must have a zero point of zero, as the layout writes it.
     */
    private static Optional<NodeProto> dequantizedConstant(GraphIndex index, String tensor,
                                                           TensorProto.DataType type) {
        int p = index.producer(tensor);
        if (p < 0 || !GraphIndex.isDefaultOp(index.node(p), "DequantizeLinear")) {
            return Optional.empty();
        }
        NodeProto dq = index.node(p);
        List<Optional<TensorProto>> inputs = dq.getInputList().stream().map(index::constant).toList();
        if (inputs.stream().anyMatch(Optional::isEmpty) || inputs.get(0).get().getDataType() != type.getNumber()
                || inputs.size() > 2 && inputs.get(2).get().getDataType() != type.getNumber()) {
            return Optional.empty();
        }
        boolean zeroBias = type != TensorProto.DataType.INT32 || inputs.size() < 3
                || Arrays.stream(TensorValues.int32s(inputs.get(2).get())).allMatch(z -> z == 0);
        return zeroBias ? Optional.of(dq) : Optional.empty();
    }

    /** True unless the Conv pads nothing: no {@code pads} above zero and no SAME {@code auto_pad}. */
    private static boolean pads(NodeProto conv) {
        String autoPad = Attributes.find(conv, "auto_pad").map(a -> a.getS().toStringUtf8()).orElse("NOTSET");
        boolean explicit = Attributes.find(conv, "pads").map(a -> a.getIntsList().stream().anyMatch(p -> p != 0))
                .orElse(false);
        return explicit || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"));
    }
}
