package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.OrtOptimizedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link QuantizationConfig#dynamic()}: chosen MatMuls take a range measured on each run (DynamicQuantizeMatMul). */
class DynamicMatMulTest {
    private static final long[] SHAPE = {2, 3, 16};

    /** x [2, 3, 16] → MatMul(w) → Add(b) → y, and x → Relu → r → MatMul(u) → z: a MatMul with a bias, one without. */
    private static ModelProto model() {
        return new ModelBuilder("linear", 13).input("x", SHAPE).output("y").output("z")
                .initializer("w", new long[] {16, 6}, gaussian(5, 96, 0.3))
                .initializer("b", new long[] {6}, gaussian(6, 6, 0.5))
                .initializer("u", new long[] {16, 4}, gaussian(8, 64, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("t"))
                .node("Add", "bias_add", List.of("t", "b"), List.of("y"))
                .node("Relu", "relu", List.of("x"), List.of("r"))
                .node("MatMul", "mm3", List.of("r", "u"), List.of("z"))
                .build();
    }

    private static QuantizationConfig.Builder ort() {
        return QuantizationConfig.builder().target(QuantizationTarget.ONNXRUNTIME_CPU).reduceRange(true);
    }

    private static NodeSelection select(ModelProto model, String... values) {
        return NodeSelection.parse(model.getGraph(), List.of(values));
    }

    @Test
    void chosenMatMulsReadTheFloatInputAndNeedNoRangeForIt() throws Exception {
        ModelProto model = model();
        QuantizationResult result = new QdqQuantizer(ort().dynamic(select(model, "mm3")).build())
                .quantize(model, Map.of("x", 2.5f)); // no range for r: only the dynamic MatMul reads it
        ModelProto q = result.model();

        List<NodeProto> dynamic = nodes(q, "DynamicQuantizeMatMul");
        assertThat(dynamic).extracting(NodeProto::getName).containsExactly("mm3");
        NodeProto mm3 = dynamic.get(0);
        assertThat(mm3.getDomain()).isEqualTo("com.microsoft");
        assertThat(mm3.getInput(0)).isEqualTo("r");
        assertThat(mm3.getInputCount()).isEqualTo(4); // no bias Add after it
        assertThat(mm3.getOutputList()).containsExactly("z");
        // x's Q/DQ serves the static MatMul; nothing quantizes r any more, and its range constants are gone
        assertThat(nodes(q, "QuantizeLinear")).extracting(n -> n.getInput(0)).containsExactly("x");
        assertThat(q.getGraph().getInitializerList()).noneMatch(t -> t.getName().startsWith("r_"));
        assertThat(result.report().dynamicNodes()).containsExactly("mm3");
        assertThat(result.report().quantizedActivations()).containsExactly("x");
        assertThat(result.report().summary()).contains("1 MatMul with dynamic input ranges");

        OrtOptimizedGraph optimized = OrtOptimizedGraph.of(q);
        assertThat(optimized.count("com.microsoft:DynamicQuantizeMatMul")).isEqualTo(1);
        // the rewrite leaves the other MatMuls as the all-static model has them
        ModelProto allStatic = new QdqQuantizer(ort().build()).quantize(model, Map.of("x", 2.5f, "r", 3f)).model();
        assertThat(optimized.floatKernels()).isEqualTo(OrtOptimizedGraph.of(allStatic).floatKernels());
        float[] x = ModelBuilder.uniform(3, 96, -2.4, 2.4);
        float[] z = OrtRunner.runOnce(q, "x", x, SHAPE, "z");
        BatchNormFolderTest.assertClose(z, OrtRunner.runOnce(model, "x", x, SHAPE, "z"), 0.05);
    }

    @Test
    void aBiasAddGoesIntoTheDynamicNodeAndTheOutputFollowsTheInputsScale() throws Exception {
        ModelProto model = model();
        ModelProto q = new QdqQuantizer(ort().dynamic(select(model, "^mm$")).build())
                .quantize(model, Map.of("x", 2.5f, "r", 3f)).model();

        NodeProto mm = nodes(q, "DynamicQuantizeMatMul").get(0);
        assertThat(mm.getInputList()).containsExactly("x", "w_quantized", "w_scale", "w_zero_point", "b");
        assertThat(mm.getOutputList()).containsExactly("y");
        assertThat(nodes(q, "Add")).isEmpty();
        // a static range fixed at 2.5 would clip x·10; a range measured on each run does not
        float[] x = ModelBuilder.uniform(3, 96, -24, 24);
        float[] y = OrtRunner.runOnce(q, "x", x, SHAPE, "y");
        BatchNormFolderTest.assertClose(y, OrtRunner.runOnce(model, "x", x, SHAPE, "y"), 0.05);
    }

    @Test
    void anExcludedMatMulStaysFloatEvenWhenChosenAndASelectionOfOnlySuchIsRefused() {
        ModelProto model = model();
        ModelProto q = new QdqQuantizer(ort().excludeNode("mm3").dynamic(select(model, "MatMul")).build())
                .quantize(model, Map.of("x", 2.5f)).model();

        assertThat(nodes(q, "DynamicQuantizeMatMul")).extracting(NodeProto::getName).containsExactly("mm");
        assertThat(nodes(q, "MatMul")).extracting(NodeProto::getName).containsExactly("mm3");
        assertThatThrownBy(() -> new QdqQuantizer(ort().excludeNode("mm3").dynamic(select(model, "mm3")).build())
                .quantize(model, Map.of("x", 2.5f))).isInstanceOf(InvalidOptionException.class)
                .hasMessage("the dynamic selection 'mm3' picks only MatMuls that an exclusion keeps in FP32, so it "
                        + "changes nothing; leave out one of the two");
    }

    @Test
    void aBatchedWeightIsNoDynamicMatMul() {
        ModelProto batched = new ModelBuilder("batched", 13).input("x", 3, 2, 16).output("y")
                .initializer("w", new long[] {3, 16, 6}, ModelBuilder.gaussian(5, 288, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("y")).build();

        assertThatThrownBy(() -> new QdqQuantizer(ort().dynamic(select(batched, "mm")).build())
                .quantize(batched, Map.of("x", 3f)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("dynamic node 'mm' selects no MatMul with constant 2-D weights; only those can take a "
                        + "range measured on each run");
    }

    @Test
    void aSelectionWithoutAMatMulWithWeightsAndTheTensorRtLayoutAreRefused() {
        ModelProto model = model();
        assertThatThrownBy(() -> new QdqQuantizer(ort().dynamic(select(model, "Relu")).build())
                .quantize(model, Map.of("x", 2.5f, "r", 3f)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("dynamic operator type 'Relu' selects no MatMul with constant 2-D weights; only those can "
                        + "take a range measured on each run");
        assertThatThrownBy(() -> QuantizationConfig.builder().dynamic(select(model, "mm")).build())
                .isInstanceOf(Trt4jException.class)
                .hasMessage("dynamic quantization is for target onnxruntime-cpu, not tensorrt (TensorRT takes every "
                        + "INT8 range from the model)");
    }
}
