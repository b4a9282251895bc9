package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mean per channel of some tensors of a model over samples, measured in the graph: each tensor gets a ReduceMean
 * as an extra output, so only one number per channel leaves ONNX Runtime per batch. Bias correction's measurements.
 */
final class ChannelMeans {
    private static final long REDUCE_AXES_AS_INPUT_OPSET = 18;

    /**
     * A tensor whose mean per channel is wanted.
     *
     * @param tensor   the tensor
     * @param label    a name for the nodes that measure it
     * @param channels its channel count
     * @param rank     its rank with channels on axis 1 (a Conv's output); 0 for channels on the last axis of any rank
     *                 (a MatMul's output)
     */
    record Request(String tensor, String label, int channels, int rank) {
    }

    private ChannelMeans() {
    }

    /**
     * Adds to {@code g} a per-channel mean of {@code request}'s tensor, over the batch and every other axis, as a new
     * graph output, and returns that output's name.
     */
    static String addOutput(GraphProto.Builder g, UniqueNames names, Request request, long opset) {
        String label = request.label();
        String tensor = request.tensor();
        List<Long> axes = new ArrayList<>(List.of(0L));
        if (request.rank() == 0) {
            // [..., C] → [rows, C], then the mean over the rows.
            String shape = names.take(label + "_mean_shape");
            g.addInitializer(TensorValues.int64Vector(shape, List.of(-1L, (long) request.channels())));
            String rows = names.take(label + "_mean_rows");
            g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName(names.take(label + "_mean_reshape"))
                    .addInput(tensor).addInput(shape).addOutput(rows));
            tensor = rows;
        } else {
            for (long a = 2; a < request.rank(); a++) {
                axes.add(a);
            }
        }
        String output = names.take(label + "_mean");
        NodeProto.Builder mean = NodeProto.newBuilder().setOpType("ReduceMean").setName(names.take(label + "_mean_op"))
                .addInput(tensor).addOutput(output).addAttribute(Attributes.ofInt("keepdims", 0));
        if (opset >= REDUCE_AXES_AS_INPUT_OPSET) {
            String axesName = names.take(label + "_mean_axes");
            g.addInitializer(TensorValues.int64Vector(axesName, axes));
            mean.addInput(axesName);
        } else {
            mean.addAttribute(Attributes.ofInts("axes", axes));
        }
        g.addNode(mean);
        g.addOutput(ValueInfoProto.newBuilder().setName(output).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return output;
    }

    /**
     * The per-channel means of the requested tensors of {@code model} over all {@code batches} (each batch weighted by
     * its samples), in request order. The model is cut down to the nodes those tensors depend on, so a tensor early
     * in the graph costs only the layers before it.
     *
     * @param name what the model is called in ONNX Runtime's error messages
     */
    static List<double[]> measure(ModelProto model, List<Request> requests, List<Batch> batches,
                                  OrtRunnerOptions options, String name) {
        ModelProto cut = cutTo(model, requests.stream().map(Request::tensor).toList());
        GraphProto.Builder g = cut.getGraph().toBuilder().clearOutput();
        UniqueNames names = new UniqueNames(cut.getGraph());
        long opset = OpsetUpgrade.defaultOpset(model);
        List<String> outputs = new ArrayList<>();
        for (Request r : requests) {
            outputs.add(addOutput(g, names, r, opset));
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        long samples = 0;
        try (OrtModelRunner runner = OrtModelRunner.open(cut.toBuilder().setGraph(g).build(), name,
                options)) {
            for (Batch batch : batches) {
                int n = batch.size();
                runner.run(batch, outputs, (output, tensor) -> accumulate(sums, output, tensor, n));
                samples += n;
            }
        }
        return means(sums, outputs, requests, samples, name);
    }

    /**
     * The means from the running sums that {@link #accumulate} kept under each request's output name, over
     * {@code samples}, in request order.
     *
     * @throws Trt4jException if an output is missing or has another number of channels than its request
     */
    static List<double[]> means(Map<String, double[]> sums, List<String> outputs, List<Request> requests,
                                long samples, String name) {
        List<double[]> means = new ArrayList<>();
        for (int k = 0; k < requests.size(); k++) {
            double[] sum = sums.get(outputs.get(k));
            Request r = requests.get(k);
            if (sum == null || sum.length != r.channels()) {
                throw new Trt4jException(name + ": '" + r.tensor() + "' gave " + (sum == null ? "no" : sum.length)
                        + " channel means for " + r.channels() + " channels");
            }
            for (int c = 0; c < sum.length; c++) {
                sum[c] /= samples;
            }
            means.add(sum);
        }
        return means;
    }

    /** Adds a batch's mean, weighted by the batch's samples, to the running sum of {@code name}. */
    static void accumulate(Map<String, double[]> sums, String name, HostTensor mean, int batchSize) {
        float[] v = mean.floats();
        double[] sum = sums.computeIfAbsent(name, k -> new double[v.length]);
        for (int c = 0; c < v.length; c++) {
            sum[c] += (double) v[c] * batchSize;
        }
    }

    /**
     * {@code model} with only the nodes that {@code tensors} depend on (graph order kept), the constants they read,
     * every graph input (the samples feed them all) and no graph output.
     */
    static ModelProto cutTo(ModelProto model, List<String> tensors) {
        GraphProto graph = model.getGraph();
        GraphIndex index = new GraphIndex(graph);
        Set<Integer> kept = new HashSet<>();
        Set<String> read = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(tensors);
        while (!todo.isEmpty()) {
            String tensor = todo.pop();
            int producer = index.producer(tensor);
            if (producer < 0 || !kept.add(producer)) {
                continue;
            }
            Set<String> inputs = index.reads(producer);
            read.addAll(inputs);
            todo.addAll(inputs);
        }
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        Set<String> produced = new HashSet<>();
        GraphProto.Builder g = graph.toBuilder().clearNode().clearOutput().clearInitializer().clearValueInfo()
                .clearSparseInitializer();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (kept.contains(i)) {
                g.addNode(graph.getNode(i));
                produced.addAll(graph.getNode(i).getOutputList());
            }
        }
        graph.getInitializerList().stream().filter(t -> read.contains(t.getName()) || graphInputs.contains(t.getName()))
                .forEach(g::addInitializer);
        graph.getSparseInitializerList().stream().filter(t -> read.contains(t.getValues().getName())
                || graphInputs.contains(t.getValues().getName())).forEach(g::addSparseInitializer);
        graph.getValueInfoList().stream().filter(v -> produced.contains(v.getName())).forEach(g::addValueInfo);
        return model.toBuilder().setGraph(g).build();
    }
}
