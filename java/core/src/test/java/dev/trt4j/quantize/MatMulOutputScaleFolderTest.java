package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;

class MatMulOutputScaleFolderTest {
    private static final long[] SHAPE = {2, 4, 4};

    /**
     * Attention scores as the ONNX Runtime CPU layout writes them: a and its transpose b each through Q(0.05, 128)
     * → DQ, then MatMul → {@code op}(factor) → Softmax → y.
     */
    private static ModelProto scores(String op, float factor, boolean constantFirst, boolean scoresReadTwice) {
        ModelBuilder m = new ModelBuilder("scores", 13).input("a", SHAPE).output("y")
                .initializer("s", new long[] {}, new float[] {0.05f})
                .constant("factor", new long[] {}, new float[] {factor})
                .node("Transpose", "t", List.of("a"), List.of("b"), ModelBuilder.ints("perm", 0, 2, 1))
                .node("QuantizeLinear", "qa", List.of("a", "s", "zero"), List.of("aq"))
                .node("DequantizeLinear", "dqa", List.of("aq", "s", "zero"), List.of("ad"))
                .node("QuantizeLinear", "qb", List.of("b", "s", "zero"), List.of("bq"))
                .node("DequantizeLinear", "dqb", List.of("bq", "s", "zero"), List.of("bd"))
                .node("MatMul", "scores", List.of("ad", "bd"), List.of("m"))
                .node(op, "scale", constantFirst ? List.of("factor", "m") : List.of("m", "factor"), List.of("d"))
                .node("Softmax", "softmax", List.of("d"), List.of("y"));
        if (scoresReadTwice) {
            m.output("m");
        }
        ModelProto model = m.build();
        return model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addInitializer(TensorValues.uint8Scalar("zero", 128))).build();
    }

    private static float[] run(ModelProto model, float[] a) throws Exception {
        return OrtRunner.runOnce(model, "a", a, SHAPE, "y");
    }

    @Test
    void aDivisionAfterTheScoresGoesIntoADequantizeScale() throws Exception {
        float[] a = gaussian(1, 32, 2.0);
        for (float divisor : new float[] {8f, (float) Math.sqrt(32)}) {
            ModelProto model = scores("Div", divisor, false, false);
            FoldedModel r = MatMulOutputScaleFolder.fold(model);

            assertThat(r.foldedNodes()).containsExactly("scale");
            assertThat(nodes(r.model(), "Div")).isEmpty();
            NodeProto dqa = nodes(r.model(), "DequantizeLinear").get(0);
            assertThat(QdqModels.floats(r.model(), dqa.getInput(1))[0]).isEqualTo((float) (0.05f / (double) divisor));
            assertThat(nodes(r.model(), "QuantizeLinear")).allSatisfy(q -> assertThat(q.getInput(1)).isEqualTo("s"));
            float[] expected = run(model, a);
            float[] actual = run(r.model(), a);
            if (divisor == 8f) {
                assertThat(actual).as("a power of two: the same bits").containsExactly(expected);
            } else {
                BatchNormFolderTest.assertClose(actual, expected, 1e-6);
            }
        }
    }

    @Test
    void aMultiplicationWithTheConstantFirstFoldsToo() throws Exception {
        ModelProto model = scores("Mul", 0.125f, true, false);
        FoldedModel r = MatMulOutputScaleFolder.fold(model);

        assertThat(r.foldedNodes()).containsExactly("scale");
        assertThat(nodes(r.model(), "Mul")).isEmpty();
        float[] a = gaussian(3, 32, 2.0);
        assertThat(run(r.model(), a)).containsExactly(run(model, a));
    }

    @Test
    void factorsItCannotMoveAreLeftAlone() {
        Map<String, ModelProto> cases = new LinkedHashMap<>();
        cases.put("the constant divided by the scores", scores("Div", 8f, true, false));
        cases.put("a negative factor", scores("Mul", -0.125f, false, false));
        cases.put("a zero factor", scores("Mul", 0f, false, false));
        cases.put("the scores read twice", scores("Div", 8f, false, true));
        cases.put("an Add, not a scaling", scores("Add", 8f, false, false));
        cases.forEach((name, model) -> {
            FoldedModel r = MatMulOutputScaleFolder.fold(model);
            assertThat(r.foldedNodes()).as(name).isEmpty();
            assertThat(r.model()).as(name).isSameAs(model);
        });
    }
}
