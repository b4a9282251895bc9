package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.ort.OrtOptimizedGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.QdqModels.floats;
import static dev.trt4j.quantize.QdqModels.nodes;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The ONNX Runtime CPU layout writes a quantized MatMul and its bias Add as one MatMulIntegerToFloat. */
class MatMulBiasFusionTest {
    private static final long[] SHAPE = {2, 3, 16};
    private static final QuantizationConfig ORT = QuantizationConfig.builder()
            .target(QuantizationTarget.ONNXRUNTIME_CPU).reduceRange(true).build();

    /**
     * x [2, 3, 16] → MatMul(w [16, 6]) → t → Add(b, t), the bias first as PyTorch exports it, with t's shape
     * declared; a second MatMul too.
     */
    private static ModelProto linear() {
        ModelProto m = new ModelBuilder("linear", 13).input("x", SHAPE).output("y").output("z")
                .initializer("w", new long[] {16, 6}, gaussian(5, 96, 0.3))
                .initializer("b", new long[] {6}, gaussian(6, 6, 0.5))
                .initializer("v", new long[] {16, 4}, gaussian(7, 64, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("t"))
                .node("Add", "bias_add", List.of("b", "t"), List.of("y"))
                .node("MatMul", "mm2", List.of("x", "v"), List.of("z"))
                .build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addValueInfo(
                ModelBuilder.valueInfo("t", TensorProto.DataType.FLOAT_VALUE, new long[] {2, 3, 6}))).build();
    }

    @Test
    void theBiasAddGoesIntoTheIntegerMatMulAndTheResultIsTheQuantizedGridsProduct() throws Exception {
        ModelProto model = linear();
        float amax = 2.5f;
        ModelProto q = new QdqQuantizer(ORT).quantize(model, Map.of("x", amax)).model();

        NodeProto fused = q.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMulIntegerToFloat"))
                .findFirst().orElseThrow();
        assertThat(fused.getDomain()).isEqualTo("com.microsoft");
        assertThat(fused.getName()).isEqualTo("mm");
        assertThat(fused.getInputCount()).isEqualTo(7);
        assertThat(fused.getInput(6)).isEqualTo("b");
        assertThat(fused.getOutputList()).containsExactly("y");
        assertThat(nodes(q, "Add")).isEmpty();
        assertThat(q.getGraph().getValueInfoList()).noneMatch(v -> v.getName().equals("t"));
        // The bias-free MatMul stays Q/DQ, which ONNX Runtime fuses itself.
        assertThat(nodes(q, "MatMul")).extracting(NodeProto::getName).containsExactly("mm2");
        assertThat(q.getOpsetImportList()).anyMatch(o -> o.getDomain().equals("com.microsoft") && o.getVersion() == 1);
        OrtOptimizedGraph optimized = OrtOptimizedGraph.of(q);
        assertThat(optimized.count("com.microsoft:MatMulIntegerToFloat")).isEqualTo(2);
        assertThat(optimized.floatKernels()).isEmpty();

        float[] x = ModelBuilder.uniform(3, 96, -2.4, 2.4);
        float[] y = OrtRunner.runOnce(q, "x", x, SHAPE, "y");
        float[] expected = gridProduct(q, x, amax);
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).as("y[%d]", i).isCloseTo(expected[i], offset(
                    1e-5 * Math.max(1, Math.abs(expected[i]))));
        }
        float[] fp32 = OrtRunner.runOnce(model, "x", x, SHAPE, "y");
        BatchNormFolderTest.assertClose(y, fp32, 0.05);
    }

    /** (round(x / sx) clamped to the symmetric grid) · sx × (INT8 weights · per-column scale) + bias, in doubles. */
    private static float[] gridProduct(ModelProto q, float[] x, float amax) {
        TensorProto w = tensor(q, "w_quantized");
        byte[] wq = w.getRawData().toByteArray();
        float[] ws = floats(q, "w_scale");
        float[] b = floats(q, "b");
        double sx = amax / 127f;
        int rows = x.length / 16;
        float[] y = new float[rows * 6];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 6; c++) {
                double acc = 0;
                for (int k = 0; k < 16; k++) {
                    double qx = Math.max(-128, Math.min(127, Math.rint(x[r * 16 + k] / (float) sx)));
                    acc += qx * wq[k * 6 + c];
                }
                y[r * 6 + c] = (float) (acc * sx * ws[c] + b[c]);
            }
        }
        return y;
    }

    @Test
    void anAddOfAnotherTensorIsLeftAlone() {
        ModelProto model = new ModelBuilder("residual", 13).input("x", 2, 16).output("y")
                .initializer("w", new long[] {16, 16}, gaussian(5, 256, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("t"))
                .node("Add", "residual", List.of("t", "x"), List.of("y"))
                .build();
        assertUnfused(new QdqQuantizer(ORT).quantize(model, Map.of("x", 3f)).model());
    }

    /** {@code x [2, 16] → MatMul(w [16, 6]) → t → Add(b [6]) → y}, {@code extraOutputs} graph outputs too. */
    private static ModelBuilder linear(String name, String... extraOutputs) {
        ModelBuilder m = new ModelBuilder(name, 13).input("x", 2, 16).output("y");
        for (String o : extraOutputs) {
            m.output(o);
        }
        return m.initializer("w", new long[] {16, 6}, gaussian(5, 96, 0.3))
                .initializer("b", new long[] {6}, gaussian(6, 6, 0.5))
                .node("MatMul", "mm", List.of("x", "w"), List.of("t"))
                .node("Add", "bias_add", List.of("t", "b"), List.of("y"));
    }

    @Test
    void aProductWithAnotherReaderIsLeftAlone() {
        ModelProto model = linear("two_readers", "r").node("Relu", "relu", List.of("t"), List.of("r")).build();
        assertUnfused(new QdqQuantizer(ORT).quantize(model, Map.of("x", 3f)).model());
    }

    @Test
    void aProductThatIsAGraphOutputIsLeftAlone() {
        ModelProto model = linear("product_out", "t").build();
        assertUnfused(new QdqQuantizer(ORT).quantize(model, Map.of("x", 3f)).model());
    }

    private static void assertUnfused(ModelProto q) {
        assertThat(nodes(q, "MatMul")).hasSize(1);
        assertThat(nodes(q, "Add")).hasSize(1);
        assertThat(q.getGraph().getNodeList()).noneMatch(n -> n.getDomain().equals("com.microsoft"));
        assertThat(q.getOpsetImportList()).noneMatch(o -> o.getDomain().equals("com.microsoft"));
    }

    @Test
    void theTensorRtLayoutKeepsStandardOperators() {
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(linear(), Map.of("x", 2.5f)).model();

        assertThat(nodes(q, "MatMul")).hasSize(2);
        assertThat(nodes(q, "Add")).hasSize(1);
        assertThat(q.getGraph().getNodeList()).noneMatch(n -> n.getDomain().equals("com.microsoft"));
    }
}
