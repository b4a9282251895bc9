package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsetUpgradeTest {
    private static final long[] SHAPE = {2, 3, 4};
    private static final List<String> OUTPUTS = List.of("softmax", "log_softmax", "sum_plus_head", "tail");

    /** Every operator whose meaning changes between opsets 11 and 13, in its opset-11 form. */
    private static ModelProto opset11Model() {
        return new ModelBuilder("changed-ops", 11).input("x", SHAPE).output("softmax").output("log_softmax")
                .output("sum_plus_head").output("tail")
                .node("Softmax", "softmax_node", List.of("x"), List.of("softmax"), integer("axis", 1))
                .node("LogSoftmax", "log_softmax_node", List.of("x"), List.of("log_softmax"), integer("axis", -1))
                .node("Unsqueeze", "unsqueeze", List.of("x"), List.of("u"), ints("axes", 0))
                .node("Squeeze", "squeeze", List.of("u"), List.of("s"), ints("axes", 0))
                .node("ReduceSum", "reduce", List.of("s"), List.of("sum"), ints("axes", 2), integer("keepdims", 1))
                .node("Split", "split", List.of("x"), List.of("head", "tail"), integer("axis", 2), ints("split", 1, 3))
                .node("Add", "add", List.of("sum", "head"), List.of("sum_plus_head"))
                .build();
    }

    @Test
    void upgradedModelComputesTheSame() throws Exception {
        ModelProto original = opset11Model();
        ModelProto upgraded = OpsetUpgrade.toTarget(original);

        assertThat(QdqModels.opset(upgraded)).isEqualTo(13);
        assertThat(upgraded.getIrVersion()).isGreaterThanOrEqualTo(7);
        for (String op : List.of("Unsqueeze", "Squeeze", "ReduceSum", "Split")) {
            NodeProto n = nodes(upgraded, op).get(0);
            assertThat(n.getAttributeList()).as(op).noneMatch(a -> a.getName().equals("axes")
                    || a.getName().equals("split"));
            assertThat(n.getInputCount()).as(op).isEqualTo(2);
        }
        // Softmax over a non-last axis is rebuilt on the 2-D view; LogSoftmax over the last axis stays as is.
        assertThat(nodes(upgraded, "Flatten")).hasSize(1);
        assertThat(nodes(upgraded, "LogSoftmax")).hasSize(1);

        float[] x = gaussian(3, 24, 2.0);
        try (OrtRunner before = new OrtRunner(original); OrtRunner after = new OrtRunner(upgraded)) {
            Map<String, float[]> expected = before.run("x", x, SHAPE, OUTPUTS);
            Map<String, float[]> actual = after.run("x", x, SHAPE, OUTPUTS);
            for (String o : OUTPUTS) {
                assertThat(actual.get(o)).as(o).containsExactly(expected.get(o),
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    /** The operators whose inputs change between opsets 7 and 11, in their old forms. */
    private static ModelProto oldModel(long opset) {
        ModelBuilder b = new ModelBuilder("old-ops", opset).input("x", 1, 2, 3, 4).output("sliced").output("top")
                .output("padded").output("clipped").output("upsampled");
        if (opset < 10) {
            b.node("Slice", "slice", List.of("x"), List.of("sliced"), ints("starts", 0, 1), ints("ends", 2, 4),
                    ints("axes", 2, 3));
        } else {
            b.int64Initializer("starts", 0, 1).int64Initializer("ends", 2, 4).int64Initializer("axes", 2, 3)
                    .node("Slice", "slice", List.of("x", "starts", "ends", "axes"), List.of("sliced"));
        }
        b.node("Pad", "pad", List.of("x"), List.of("padded"), ints("pads", 0, 0, 1, 2, 0, 0, 0, 1),
                        ModelBuilder.real("value", 0.5f))
                .node("Clip", "clip", List.of("x"), List.of("clipped"), ModelBuilder.real("min", -0.25f),
                        ModelBuilder.real("max", 0.75f));
        if (opset < 9) {
            b.node("Upsample", "upsample", List.of("x"), List.of("upsampled"),
                    ModelBuilder.reals("scales", 1f, 1f, 2f, 1.5f));
        } else {
            b.initializer("scales", new long[] {4}, new float[] {1f, 1f, 2f, 1.5f})
                    .node(opset < 10 ? "Upsample" : "Resize", "upsample", List.of("x", "scales"), List.of("upsampled"));
        }
        return (opset < 10 ? b.node("TopK", "topk", List.of("x"), List.of("top", "top_index"), integer("k", 2))
                : b.int64Initializer("k", 2).node("TopK", "topk", List.of("x", "k"), List.of("top", "top_index")))
                .build();
    }

    /**
     * Attention as exporters write it: the Reshape target is built from Shape → Gather → Unsqueeze → Concat, so the
     * Softmax's rank is known only by following those lengths. Its axis is then the last one, and it stays one node
     * (a Flatten/Reshape around it would hide the attention pattern from TensorRT).
     */
    @Test
    void aSoftmaxWhoseRankFollowsFromAComputedReshapeTargetStaysOneNode() throws Exception {
        ModelProto original = new ModelBuilder("attention-like", 11).input("x", 2, 12).output("y")
                .node("Shape", "shape", List.of("x"), List.of("s"))
                .node("Constant", "zero", List.of(), List.of("i0"), int64Value(new long[0], 0))
                .node("Gather", "gather", List.of("s", "i0"), List.of("n"), integer("axis", 0))
                .node("Unsqueeze", "unsqueeze", List.of("n"), List.of("n1"), ints("axes", 0))
                .node("Constant", "tail", List.of(), List.of("t"), int64Value(new long[] {2}, 3, 4))
                .node("Concat", "concat", List.of("n1", "t"), List.of("target"), integer("axis", 0))
                .node("Reshape", "reshape", List.of("x", "target"), List.of("r"))
                .node("Softmax", "softmax", List.of("r"), List.of("y"), integer("axis", 2))
                .build();
        ModelProto upgraded = OpsetUpgrade.toTarget(original);
        assertThat(nodes(upgraded, "Flatten")).isEmpty();
        assertThat(nodes(upgraded, "Softmax")).hasSize(1);

        float[] x = gaussian(4, 24, 2.0);
        try (OrtRunner before = new OrtRunner(original); OrtRunner after = new OrtRunner(upgraded)) {
            assertThat(after.run("x", x, new long[] {2, 12}, List.of("y")).get("y")).containsExactly(
                    before.run("x", x, new long[] {2, 12}, List.of("y")).get("y"),
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto int64Value(long[] dims, long... values) {
        ai.onnx.proto.OnnxMl.TensorProto.Builder t = ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    @Test
    void opsets7To10ComputeTheSameAtOpset13() throws Exception {
        List<String> outputs = List.of("sliced", "top", "padded", "clipped", "upsampled");
        float[] x = gaussian(5, 24, 1.0);
        for (long opset : new long[] {7, 9, 10}) {
            ModelProto original = oldModel(opset);
            ModelProto upgraded = OpsetUpgrade.toTarget(original);

            assertThat(QdqModels.opset(upgraded)).isEqualTo(13);
            assertThat(nodes(upgraded, "Upsample")).isEmpty();
            assertThat(nodes(upgraded, "Resize").get(0).getInputCount()).as("X, roi, scales").isEqualTo(3);
            try (OrtRunner before = new OrtRunner(original); OrtRunner after = new OrtRunner(upgraded)) {
                Map<String, float[]> expected = before.run("x", x, new long[] {1, 2, 3, 4}, outputs);
                Map<String, float[]> actual = after.run("x", x, new long[] {1, 2, 3, 4}, outputs);
                for (String o : outputs) {
                    assertThat(actual.get(o)).as("opset " + opset + ": " + o).containsExactly(expected.get(o));
                }
            }
        }
    }

    @Test
    void opsetsBefore6AreRefusedAndOpset9IsQuantizedAfterRaising() throws Exception {
        assertThatThrownBy(() -> OpsetUpgrade.toTarget(TinyModels.matMul(5))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("opset 5").hasMessageContaining("from 6");

        QuantizationResult r = new QdqQuantizer(QuantizationConfig.defaults()).quantize(TinyModels.matMul(9),
                Map.of("x", 3f));
        assertThat(QdqModels.opset(r.model())).isEqualTo(13);
        assertThat(OrtRunner.runOnce(r.model(), "x", gaussian(1, 32, 1), new long[] {2, 16}, "y")).hasSize(12);
    }

    @Test
    void opset6BroadcastingByAxisAndPerChannelPReluKeepTheirMeaning() throws Exception {
        // Opset 6: b [3] is added along axis 1 of x [1, 3, 2, 2], and PRelu's slope [3] is per channel. Opset 7
        // broadcasts from the last axis, so both need trailing dimensions of 1. ONNX Runtime no longer runs
        // opset 6, so the expected values are computed here.
        float[] b = {1f, -2f, 3f};
        float[] slope = {0.5f, 0.25f, 2f};
        ModelProto old = new ModelBuilder("opset6", 6).input("x", 1, 3, 2, 2).output("y").output("z")
                .initializer("b", new long[] {3}, b).initializer("slope", new long[] {3}, slope)
                .node("Add", "bias", List.of("x", "b"), List.of("y"), integer("broadcast", 1), integer("axis", 1))
                .node("PRelu", "prelu", List.of("x", "slope"), List.of("z"))
                .build();

        ModelProto upgraded = OpsetUpgrade.toTarget(old);

        assertThat(QdqModels.opset(upgraded)).isEqualTo(13);
        assertThat(nodes(upgraded, "Add").get(0).getAttributeList()).isEmpty();
        float[] x = gaussian(8, 12, 1.0);
        float[] y = new float[12];
        float[] z = new float[12];
        for (int i = 0; i < 12; i++) {
            int c = i / 4;
            y[i] = x[i] + b[c];
            z[i] = x[i] >= 0 ? x[i] : slope[c] * x[i];
        }
        try (OrtRunner r = new OrtRunner(upgraded)) {
            Map<String, float[]> out = r.run("x", x, new long[] {1, 3, 2, 2}, List.of("y", "z"));
            assertThat(out.get("y")).containsExactly(y);
            assertThat(out.get("z")).containsExactly(z);
        }
    }

    @Test
    void perTensorQuantizationOfOpset10IsRaisedForOnnxRuntimesFusions() throws Exception {
        // ONNX Runtime's Q/DQ fusion quantizes a Conv's float bias with a Round (opset 11): at opset 10 the
        // quantized model would not load with its default optimisations
        QuantizationResult r = new QdqQuantizer(QuantizationConfig.builder()
                .weightGranularity(WeightGranularity.PER_TENSOR).build())
                .quantize(TinyModels.residual(10, false), Map.of("x", 3f, "r", 4f, "f", 4f));

        assertThat(QdqModels.opset(r.model())).isEqualTo(13);
        assertThat(OrtRunner.runOnce(r.model(), "x", gaussian(1, 4 * 8 * 8, 1), TinyModels.RESIDUAL_INPUT,
                "logits")).hasSize(3);
    }
}
