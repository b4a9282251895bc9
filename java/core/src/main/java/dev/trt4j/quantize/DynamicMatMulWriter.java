package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes chosen quantized MatMuls of the ONNX Runtime CPU layout as {@code com.microsoft} {@code
 * DynamicQuantizeMatMul}: the weights stay the INT8 matrix the quantizer wrote, and the input's range is measured
 * on every run instead of taken from the calibration table. A constant bias Add after the MatMul goes into the node.
 *
 * <p>Why: a static range must cover every input the layer will see, and some inputs (BERT's feed-forward output
 * projection, after GELU) vary so much between samples that one range loses accuracy, which SmoothQuant wins back
 * only with a per-channel Mul in front of the MatMul, a pass of its own over the largest activation. A dynamic
 * range needs neither; ONNX Runtime computes it inside the fused kernel, as its own dynamic quantizer does.
 *
 * <p>Matched: a MatMul whose first input is DequantizeLinear(QuantizeLinear(x)) and whose second input is a
 * DequantizeLinear of a constant INT8 matrix {@code [K, N]}, per tensor or per column. The QuantizeLinear and
 * DequantizeLinear nodes left without readers are dropped ({@link UnreadQdq}), and so are the constants only they
 * read.
 */
final class DynamicMatMulWriter {
    static final String OP = "DynamicQuantizeMatMul";
    private static final Logger LOG = LoggerFactory.getLogger(DynamicMatMulWriter.class);

    private record Rewrite(int matMul, int add, NodeProto node) {
    }

    private DynamicMatMulWriter() {
    }

    /**
     * {@code model} with each MatMul named in {@code names} written as DynamicQuantizeMatMul.
     *
     * @throws Trt4jException naming a MatMul that is not laid out as described above (a caller's bug: the plan
     *                        chooses only MatMuls with constant weights)
     */
    static ModelProto write(ModelProto model, Set<String> names) {
        if (names.isEmpty()) {
            return model;
        }
        GraphIndex index = new GraphIndex(model.getGraph());
        List<Rewrite> rewrites = new ArrayList<>();
        for (int i = 0; i < index.nodeCount(); i++) {
            NodeProto n = index.node(i);
            if (n.getOpType().equals("MatMul") && GraphIndex.isDefaultDomain(n.getDomain())
                    && names.contains(n.getName())) {
                rewrites.add(rewrite(index, i));
            }
        }
        Set<String> missing = new HashSet<>(names);
        rewrites.forEach(r -> missing.remove(r.node().getName()));
        if (!missing.isEmpty()) {
            throw new Trt4jException("cannot quantize dynamically: no quantized MatMul named " + missing);
        }
        GraphSplice edit = new GraphSplice(index);
        for (Rewrite r : rewrites) {
            if (r.add() >= 0) {
                edit.remove(r.matMul());
                edit.replace(r.add(), r.node());
            } else {
                edit.replace(r.matMul(), r.node());
            }
        }
        LOG.info("'{}': {} MatMuls written as {} {}", model.getGraph().getName(), rewrites.size(),
                MatMulBiasFusion.DOMAIN, OP);
        return MatMulBiasFusion.withContribDomain(model, UnreadQdq.removed(edit.build()));
    }

    private static Rewrite rewrite(GraphIndex index, int m) {
        NodeProto matMul = index.node(m);
        NodeProto dqA = producer(index, matMul.getInput(0), "DequantizeLinear", matMul);
        NodeProto q = producer(index, dqA.getInput(0), "QuantizeLinear", matMul);
        NodeProto dqB = producer(index, matMul.getInput(1), "DequantizeLinear", matMul);
        Optional<TensorProto> weight = index.constant(dqB.getInput(0));
        if (weight.isEmpty() || weight.get().getDataType() != TensorProto.DataType.INT8_VALUE
                || weight.get().getDimsCount() != 2) {
            throw new Trt4jException("cannot quantize MatMul '" + matMul.getName() + "' dynamically: its weights "
                    + "are not a constant INT8 matrix");
        }
        long columns = weight.get().getDims(1);
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(OP).setDomain(MatMulBiasFusion.DOMAIN)
                .setName(matMul.getName())
                .addInput(q.getInput(0)).addInput(dqB.getInput(0)).addInput(dqB.getInput(1))
                .addInput(dqB.getInputCount() > 2 ? dqB.getInput(2) : "");
        Optional<GraphIndex.Use> bias = index.constantBiasAdd(matMul.getOutput(0), columns);
        if (bias.isPresent()) {
            NodeProto add = index.node(bias.get().node());
            node.addInput(add.getInput(bias.get().input())).addOutput(add.getOutput(0));
            return new Rewrite(m, bias.get().node(), node.build());
        }
        return new Rewrite(m, -1, node.addOutput(matMul.getOutput(0)).build());
    }

    private static NodeProto producer(GraphIndex index, String tensor, String op, NodeProto reader) {
        int p = index.producer(tensor);
        if (p < 0 || !index.node(p).getOpType().equals(op)) {
            throw new Trt4jException("cannot quantize MatMul '" + reader.getName() + "' dynamically: input '" + tensor
                    + "' is not made by a " + op);
        }
        return index.node(p);
    }
}
