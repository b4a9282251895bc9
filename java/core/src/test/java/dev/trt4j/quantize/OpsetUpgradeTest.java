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

    @Test
    void opset10CannotBeRaised() {
        ModelProto old = TinyModels.matMul(10);

        assertThatThrownBy(() -> OpsetUpgrade.toTarget(old)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("opset 10");
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.defaults()).quantize(TinyModels.matMul(9),
                Map.of("x", 1f))).isInstanceOf(Trt4jException.class).hasMessageContaining("opset 9");
    }

    @Test
    void perTensorQuantizationWorksOnOpset10() throws Exception {
        QuantizationResult r = new QdqQuantizer(QuantizationConfig.builder()
                .weightGranularity(WeightGranularity.PER_TENSOR).build())
                .quantize(TinyModels.matMul(10), Map.of("x", 3f));

        assertThat(QdqModels.opset(r.model())).isEqualTo(10);
        assertThat(OrtRunner.runOnce(r.model(), "x", gaussian(1, 32, 1), new long[] {2, 16}, "y")).hasSize(12);
    }
}
