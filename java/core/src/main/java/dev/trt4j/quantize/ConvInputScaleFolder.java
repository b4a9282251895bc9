package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds a positive scalar {@code Mul} into the Conv that reads it, through an optional {@code Add} of a constant:
 * {@code Conv(W, x·a + c)} becomes {@code Conv(W·a, x + c/a)}, and {@code Conv(W, x·a)} becomes {@code Conv(W·a, x)}.
 * Both compute the same values, padding included (the padded zeros are scaled by {@code a} either way), and one
 * float pass over the activation goes. PP-LCNet writes such a scale after every hard-swish of the PP-OCRv4
 * recognizer ({@link ConvAffineFolder} takes the ones before it).
 *
 * <p>The Conv then reads {@code x + c/a}, under the Add's output name, so an activation range recorded for that
 * name must be divided by {@code a}: {@link Result#rangeScales} says by how much. With per-channel weight scales the
 * folded weights quantize to the same integers, and with the divided range the activation does too, so a Q/DQ model
 * computes what it computed before. Only {@code a > 0} is folded, since a quantization scale is positive.
 */
final class ConvInputScaleFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ConvInputScaleFolder.class);

    /**
     * @param model       the model with the folds applied (the input model if nothing was folded)
     * @param foldedNodes labels of the removed Mul nodes, in graph order
     * @param rangeScales tensor → factor its recorded activation range is to be multiplied by ({@code 1/a})
     */
    record Result(ModelProto model, List<String> foldedNodes, Map<String, Double> rangeScales) {
        Result {
            foldedNodes = List.copyOf(foldedNodes);
            rangeScales = Map.copyOf(rangeScales);
        }
    }

    /** One Mul (its data input at {@code input}), the Add after it (-1 if none) and the Conv, with the scale. */
    private record Fold(int mul, int input, int add, int addConstant, int conv, double scale) {
    }

    private ConvInputScaleFolder() {
    }

    static Result fold(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Fold> folds = index.matchEach(i -> plan(index, i));
        if (folds.isEmpty()) {
            return new Result(model, List.of(), Map.of());
        }
        UniqueNames names = new UniqueNames(index.graph());
        GraphSplice edit = new GraphSplice(index);
        Map<String, Double> rangeScales = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (Fold f : folds) {
            NodeProto mul = index.node(f.mul());
            NodeProto conv = index.node(f.conv());
            edit.remove(f.mul());
            labels.add(index.label(f.mul()));
            String convInput = f.input() == 0 ? mul.getInput(0) : mul.getInput(1);
            if (f.add() >= 0) {
                NodeProto add = index.node(f.add());
                String constant = add.getInput(f.addConstant());
                TensorProto c = index.constant(constant).orElseThrow();
                float[] shifted = TensorValues.floats(c);
                for (int k = 0; k < shifted.length; k++) {
                    shifted[k] = (float) (shifted[k] / f.scale());
                }
                String name = names.take(constant + "_unscaled");
                edit.addInitializer(TensorValues.floatTensor(name, c.getDimsList(), shifted));
                NodeProto.Builder b = add.toBuilder();
                b.setInput(f.addConstant(), name);
                b.setInput(1 - f.addConstant(), convInput);
                edit.replace(f.add(), b.build());
                rangeScales.put(add.getOutput(0), 1.0 / f.scale());
                convInput = add.getOutput(0);
            }
            TensorProto w = index.constant(conv.getInput(1)).orElseThrow();
            float[] scaled = TensorValues.floats(w);
            for (int k = 0; k < scaled.length; k++) {
                scaled[k] = (float) (scaled[k] * f.scale());
            }
            String weight = names.take(conv.getInput(1) + "_scaled");
            edit.addInitializer(TensorValues.floatTensor(weight, w.getDimsList(), scaled));
            edit.replace(f.conv(), conv.toBuilder().setInput(0, convInput).setInput(1, weight).build());
        }
        LOG.debug("folded {} input scales into Convs", labels.size());
        return new Result(model.toBuilder().setGraph(edit.build()).build(), labels, rangeScales);
    }

    private static Optional<Fold> plan(GraphIndex index, int mulIndex) {
        NodeProto mul = index.node(mulIndex);
        if (!GraphIndex.isDefaultOp(mul, "Mul") || mul.getInputCount() != 2 || mul.getOutputCount() != 1) {
            return Optional.empty();
        }
        int input = -1;
        double scale = 0;
        for (int k = 0; k < 2; k++) {
            Optional<Float> a = index.scalarConstant(mul.getInput(1 - k));
            if (a.isPresent() && index.constant(mul.getInput(k)).isEmpty()) {
                input = k;
                scale = a.get();
            }
        }
        // The range is divided by the scale and the weights multiplied: both must stay finite, nonzero floats.
        if (input < 0 || !(scale >= Float.MIN_NORMAL) || !Float.isFinite((float) (1 / scale))) {
            return Optional.empty();
        }
        String tensor = mul.getOutput(0);
        Optional<Integer> next = index.soleReader(tensor);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        int add = -1;
        int addConstant = -1;
        NodeProto n = index.node(next.get());
        if (GraphIndex.isDefaultOp(n, "Add") && n.getInputCount() == 2) {
            int side = n.getInput(0).equals(tensor) ? 0 : 1; // the sole reader reads it once
            Optional<TensorProto> c = index.constant(n.getInput(1 - side));
            if (c.isEmpty() || c.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                return Optional.empty();
            }
            add = next.get();
            addConstant = 1 - side;
            tensor = n.getOutput(0);
            next = index.soleReader(tensor);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            n = index.node(next.get());
        }
        if (!GraphIndex.isDefaultOp(n, "Conv") || n.getInputCount() < 2 || !n.getInput(0).equals(tensor)) {
            return Optional.empty();
        }
        Optional<TensorProto> w = index.constant(n.getInput(1));
        if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return Optional.empty();
        }
        for (float v : TensorValues.floats(w.get())) {
            if (!Float.isFinite((float) (v * scale))) {
                return Optional.empty();
            }
        }
        return Optional.of(new Fold(mulIndex, input, add, addConstant, next.get(), scale));
    }
}
