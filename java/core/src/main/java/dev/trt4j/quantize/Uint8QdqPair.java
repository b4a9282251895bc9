package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A QuantizeLinear whose only reader is a DequantizeLinear on the same per-tensor UINT8 grid (the same scale and zero
 * point inputs), as the ONNX Runtime CPU layout writes each activation. The rewrites that move a constant shift into a
 * zero point start from one.
 *
 * @param quantize   index of the QuantizeLinear
 * @param dequantize index of the DequantizeLinear
 * @param step       the grid's scale
 * @param zeroPoint  the grid's zero point
 */
record Uint8QdqPair(int quantize, int dequantize, float step, int zeroPoint) {

    /** The pair that starts at node {@code q}, if it is one. */
    static Optional<Uint8QdqPair> at(GraphIndex index, int q) {
        NodeProto quantize = index.node(q);
        if (!GraphIndex.isDefaultOp(quantize, "QuantizeLinear") || quantize.getInputCount() != 3) {
            return Optional.empty();
        }
        Optional<Float> step = index.scalarConstant(quantize.getInput(1));
        Optional<TensorProto> zero = index.constant(quantize.getInput(2));
        Optional<Integer> dq = index.soleReader(quantize.getOutput(0));
        if (step.isEmpty() || zero.isEmpty() || dq.isEmpty()
                || zero.get().getDataType() != TensorProto.DataType.UINT8_VALUE || zero.get().getDimsCount() != 0) {
            return Optional.empty();
        }
        NodeProto dequantize = index.node(dq.get());
        List<String> sameGrid = List.of(quantize.getOutput(0), quantize.getInput(1), quantize.getInput(2));
        if (!GraphIndex.isDefaultOp(dequantize, "DequantizeLinear") || !dequantize.getInputList().equals(sameGrid)) {
            return Optional.empty();
        }
        return Optional.of(new Uint8QdqPair(q, dq.get(), step.get(), TensorValues.uint8Value(zero.get())));
    }

    /** The zero point moved by {@code steps}, if that is still a UINT8 value. */
    OptionalInt zeroPointPlus(long steps) {
        long z = zeroPoint + steps;
        return z >= 0 && z <= 255 ? OptionalInt.of((int) z) : OptionalInt.empty();
    }
}
