package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * In the ONNX Runtime CPU layout, folds a division or multiplication by a positive constant after a MatMul of
 * dequantized tensors into the scale of one of its DequantizeLinear nodes: {@code MatMul(DQ(a; s), b) / c} is
 * {@code MatMul(DQ(a; s/c), b)}. Attention writes one after every score MatMul ({@code Q·Kᵀ / √d}); ONNX Runtime fuses
 * the MatMul into {@code MatMulIntegerToFloat} but runs the division as a float pass of its own, which its dynamic
 * quantizer's model does not have (its MatMul absorbs the factor). The DequantizeLinear gets a scale of its own; the
 * QuantizeLinear before it keeps the old one, so the integers do not change. For a power-of-two factor, such as
 * √64, the result is the same to the bit; otherwise it differs by the rounding of the new scale (all-MiniLM-L6-v2,
 * √32: the same mean sentence cosine to FP32, 0.9786, to four digits).
 */
final class MatMulOutputScaleFolder {
    private static final Logger LOG = LoggerFactory.getLogger(MatMulOutputScaleFolder.class);

    /** One MatMul, the DequantizeLinear of its input whose scale takes the factor, and the Div or Mul after it. */
    private record Fold(int matMul, int dequantize, int scaling, double factor) {
    }

    private MatMulOutputScaleFolder() {
    }

    static FoldedModel fold(ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Fold> folds = index.matchEach(i -> plan(index, i));
        if (folds.isEmpty()) {
            return FoldedModel.unchanged(model);
        }
        UniqueNames names = new UniqueNames(index.graph());
        GraphSplice edit = new GraphSplice(index);
        List<String> labels = new ArrayList<>();
        for (Fold f : folds) {
            NodeProto dq = index.node(f.dequantize());
            float scale = TensorValues.floats(index.constant(dq.getInput(1)).orElseThrow())[0];
            String name = names.take(dq.getInput(1) + "_folded");
            edit.addInitializer(TensorValues.floatTensor(name, List.of(), new float[] {(float) (scale * f.factor())}));
            edit.replace(f.dequantize(), dq.toBuilder().setInput(1, name).build());
            NodeProto scaling = index.node(f.scaling());
            edit.replace(f.matMul(), index.node(f.matMul()).toBuilder().setOutput(0, scaling.getOutput(0)).build());
            edit.remove(f.scaling());
            labels.add(index.label(f.scaling()));
        }
        LOG.debug("folded {} constant factors after MatMuls into DequantizeLinear scales", labels.size());
        return new FoldedModel(model.toBuilder().setGraph(edit.build()).build(), labels);
    }

    private static Optional<Fold> plan(GraphIndex index, int matMulIndex) {
        NodeProto matMul = index.node(matMulIndex);
        if (!GraphIndex.isDefaultOp(matMul, "MatMul") || matMul.getInputCount() != 2 || matMul.getOutputCount() != 1) {
            return Optional.empty();
        }
        Optional<Integer> next = index.soleReader(matMul.getOutput(0));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        NodeProto scaling = index.node(next.get());
        boolean divides = GraphIndex.isDefaultOp(scaling, "Div");
        if (!(divides || GraphIndex.isDefaultOp(scaling, "Mul")) || scaling.getInputCount() != 2
                || scaling.getInput(0).equals(scaling.getInput(1))) {
            return Optional.empty();
        }
        int side = scaling.getInput(0).equals(matMul.getOutput(0)) ? 0 : 1;
        if (divides && side != 0) {
            return Optional.empty(); // c / MatMul is no scaling
        }
        Optional<Float> c = index.scalarConstant(scaling.getInput(1 - side));
        if (c.isEmpty() || !(c.get() > 0) || c.get().isInfinite()) {
            return Optional.empty();
        }
        double factor = divides ? 1.0 / c.get() : c.get();
        for (int k = 0; k < 2; k++) {
            int p = index.producer(matMul.getInput(k));
            if (p < 0 || !GraphIndex.isDefaultOp(index.node(p), "DequantizeLinear")
                    || index.soleReader(matMul.getInput(k)).isEmpty()) {
                continue;
            }
            NodeProto dq = index.node(p);
            Optional<TensorProto> scale = dq.getInputCount() > 1 ? index.constant(dq.getInput(1)) : Optional.empty();
            if (scale.isPresent() && scale.get().getDataType() == TensorProto.DataType.FLOAT_VALUE
                    && scale.get().getDimsCount() == 0) {
                double folded = TensorValues.floats(scale.get())[0] * factor;
                if (folded > 0 && folded <= Float.MAX_VALUE && (float) folded > 0) {
                    return Optional.of(new Fold(matMulIndex, p, next.get(), factor));
                }
            }
        }
        return Optional.empty();
    }
}
