package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.function.UnaryOperator;

/**
 * A model rebuilt with each of its tensors passed through one function: the main graph's initializers (then its
 * sparse initializers), then its nodes' tensor attributes and subgraphs, depth first, then the model's functions.
 * The order is fixed because callers depend on it: {@link ExternalDataInliner} hashes the data it reads in this order
 * and {@link ExternalDataWriter} lays the data file out in it.
 */
final class TensorRewriter {
    private final UnaryOperator<TensorProto> tensor;
    private final boolean sparseToo;

    private TensorRewriter(UnaryOperator<TensorProto> tensor, boolean sparseToo) {
        this.tensor = tensor;
        this.sparseToo = sparseToo;
    }

    /**
     * {@code model} with every tensor replaced by {@code tensor}'s result for it.
     *
     * @param sparseToo whether the values and indices of sparse tensors are passed through {@code tensor} as well
     */
    static ModelProto rewrite(ModelProto model, UnaryOperator<TensorProto> tensor, boolean sparseToo) {
        TensorRewriter r = new TensorRewriter(tensor, sparseToo);
        ModelProto.Builder b = model.toBuilder().setGraph(r.graph(model.getGraph()));
        for (int i = 0; i < b.getFunctionsCount(); i++) {
            FunctionProto.Builder f = b.getFunctions(i).toBuilder();
            for (int j = 0; j < f.getNodeCount(); j++) {
                f.setNode(j, r.node(f.getNode(j)));
            }
            b.setFunctions(i, f);
        }
        return b.build();
    }

    private GraphProto graph(GraphProto g) {
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getInitializerCount(); i++) {
            b.setInitializer(i, tensor.apply(b.getInitializer(i)));
        }
        if (sparseToo) {
            for (int i = 0; i < b.getSparseInitializerCount(); i++) {
                b.setSparseInitializer(i, sparse(b.getSparseInitializer(i)));
            }
        }
        for (int i = 0; i < b.getNodeCount(); i++) {
            b.setNode(i, node(b.getNode(i)));
        }
        return b.build();
    }

    private NodeProto node(NodeProto n) {
        if (n.getAttributeCount() == 0) {
            return n;
        }
        NodeProto.Builder node = n.toBuilder();
        for (int j = 0; j < node.getAttributeCount(); j++) {
            AttributeProto a = node.getAttribute(j);
            if (!holdsTensors(a)) {
                continue;
            }
            AttributeProto.Builder attribute = a.toBuilder();
            if (attribute.hasT()) {
                attribute.setT(tensor.apply(attribute.getT()));
            }
            for (int k = 0; k < attribute.getTensorsCount(); k++) {
                attribute.setTensors(k, tensor.apply(attribute.getTensors(k)));
            }
            if (sparseToo) {
                if (attribute.hasSparseTensor()) {
                    attribute.setSparseTensor(sparse(attribute.getSparseTensor()));
                }
                for (int k = 0; k < attribute.getSparseTensorsCount(); k++) {
                    attribute.setSparseTensors(k, sparse(attribute.getSparseTensors(k)));
                }
            }
            if (attribute.hasG()) {
                attribute.setG(graph(attribute.getG()));
            }
            for (int k = 0; k < attribute.getGraphsCount(); k++) {
                attribute.setGraphs(k, graph(attribute.getGraphs(k)));
            }
            node.setAttribute(j, attribute);
        }
        return node.build();
    }

    private boolean holdsTensors(AttributeProto a) {
        return a.hasT() || a.getTensorsCount() > 0 || a.hasG() || a.getGraphsCount() > 0
                || (sparseToo && (a.hasSparseTensor() || a.getSparseTensorsCount() > 0));
    }

    private SparseTensorProto sparse(SparseTensorProto s) {
        TensorProto values = tensor.apply(s.getValues());
        TensorProto indices = tensor.apply(s.getIndices());
        if (values == s.getValues() && indices == s.getIndices()) {
            return s;
        }
        return s.toBuilder().setValues(values).setIndices(indices).build();
    }
}
