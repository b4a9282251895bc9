package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.QdqModels.axis;
import static dev.trt4j.quantize.QdqModels.dequantizeAfter;
import static dev.trt4j.quantize.QdqModels.floats;
import static dev.trt4j.quantize.QdqModels.node;
import static dev.trt4j.quantize.QdqModels.nodes;
import static dev.trt4j.quantize.QdqModels.quantizeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QdqQuantizerTest {
    private static final List<float[]> SAMPLES = List.of(gaussian(40, 256, 1.0), gaussian(41, 256, 1.0),
            gaussian(42, 256, 1.0), gaussian(43, 256, 1.0));

    private static Map<String, Float> residualAmax(ModelProto model, QdqQuantizer q) throws Exception {
        return OrtRunner.maxPass(model, "x", SAMPLES, TinyModels.RESIDUAL_INPUT, q.requiredActivations(model));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void residualBlockGetsQdqOnInputsWeightsAndResidual(boolean weightsInConstants) throws Exception {
        ModelProto model = TinyModels.residual(11, weightsInConstants);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        assertThat(quantizer.requiredActivations(model)).containsExactly("x", "r", "f");
        Map<String, Float> amax = residualAmax(model, quantizer);

        QuantizationResult result = quantizer.quantize(model, amax);
        ModelProto q = result.model();

        assertThat(QdqModels.opset(q)).isEqualTo(13);
        assertThat(nodes(q, "QuantizeLinear")).hasSize(6);
        assertThat(nodes(q, "DequantizeLinear")).hasSize(6);
        assertThat(nodes(q, "BatchNormalization")).isEmpty();
        // One shared pair for r, read by conv2 and by the residual input of the Add; the Conv side stays FP32.
        String rDequantized = dequantizeAfter(q, quantizeOf(q, "r")).getOutput(0);
        assertThat(node(q, "conv2").getInput(0)).isEqualTo(rDequantized);
        assertThat(node(q, "add").getInputList()).containsExactly("bn2_out", rDequantized);
        // Outputs of quantized ops are not quantized.
        assertThat(nodes(q, "QuantizeLinear")).extracting(n -> n.getInput(0))
                .containsExactlyInAnyOrder("x", "r", "f", "w1", "w2", "wf");

        for (String activation : List.of("x", "r", "f")) {
            NodeProto qn = quantizeOf(q, activation);
            assertThat(axis(qn)).isEmpty();
            assertThat(floats(q, qn.getInput(1))).containsExactly(amax.get(activation) / 127f);
            assertZeroPoint(q, qn, List.of());
        }
        for (String weight : List.of("w1", "w2", "wf")) {
            NodeProto qn = quantizeOf(q, weight);
            NodeProto dq = dequantizeAfter(q, qn);
            assertThat(axis(qn)).contains(0L);
            assertThat(axis(dq)).contains(0L);
            assertThat(dq.getInputList().subList(1, 3)).isEqualTo(qn.getInputList().subList(1, 3));
            float[] w = floats(q, weight);
            float[] scale = floats(q, qn.getInput(1));
            int perChannel = w.length / scale.length;
            for (int c = 0; c < scale.length; c++) {
                float max = 0;
                for (int k = c * perChannel; k < (c + 1) * perChannel; k++) {
                    max = Math.max(max, Math.abs(w[k]));
                }
                assertThat(scale[c]).as("%s channel %d", weight, c).isEqualTo(max == 0 ? 1f : max / 127f);
            }
            assertZeroPoint(q, qn, List.of((long) scale.length));
        }
        assertThat(floats(q, quantizeOf(q, "w2").getInput(1))[3]).as("all-zero channel").isEqualTo(1f);

        QuantizationReport report = result.report();
        assertThat(report.quantizedNodes()).containsExactly("conv1", "conv2", "fc");
        assertThat(report.residualAdds()).containsExactly("add");
        assertThat(report.quantizedActivations()).containsExactly("x", "r", "f");
        assertThat(report.quantizedWeights()).isEqualTo(3);
        assertThat(report.singleScaleWeights()).isZero();
        assertThat(report.foldedBatchNorms()).containsExactly("bn1", "bn2");
        assertThat(report.sourceOpset()).isEqualTo(11);
        assertThat(report.opset()).isEqualTo(13);
    }

    private static void assertZeroPoint(ModelProto q, NodeProto qn, List<Long> dims) {
        TensorProto zp = QdqModels.tensor(q, qn.getInput(2));
        assertThat(zp.getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
        assertThat(zp.getDimsList()).isEqualTo(dims);
        assertThat(zp.getRawData().toByteArray()).containsOnly((byte) 0);
    }

    @Test
    void quantizedResidualModelRunsCloseToFp32() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        ModelProto q = quantizer.quantize(model, residualAmax(model, quantizer)).model();

        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner int8 = new OrtRunner(q)) {
            for (float[] x : SAMPLES) {
                float[] expected = fp32.run("x", x, TinyModels.RESIDUAL_INPUT, "logits");
                float[] actual = int8.run("x", x, TinyModels.RESIDUAL_INPUT, "logits");
                // Three quantized layers, each off by at most half a step of its input and weight scales (no
                // clipping on the calibration samples): about 0.5% of the logits' range here, 2% allowed.
                BatchNormFolderTest.assertClose(actual, expected, 0.02);
                assertThat(actual).isNotEqualTo(expected); // it did quantize
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void singleLayerErrorStaysWithinTheBoundOfItsScales(boolean gemm) throws Exception {
        ModelProto model = gemm ? TinyModels.gemm(13, false) : TinyModels.matMul(13);
        long[] shape = {2, 16};
        float[] x = gaussian(9, 32, 1.0);
        float xMax = 0;
        for (float v : x) {
            xMax = Math.max(xMax, Math.abs(v));
        }
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(model, Map.of("x", xMax)).model();

        NodeProto wq = quantizeOf(q, "w");
        assertThat(axis(wq)).as("[in, out] weight: output axis").contains(1L);
        float[] w = floats(q, "w");
        float[] ws = floats(q, wq.getInput(1));
        float xs = floats(q, quantizeOf(q, "x").getInput(1))[0];
        assertThat(ws).hasSize(6);
        float[] expected = OrtRunner.runOnce(model, "x", x, shape, "y");
        float[] actual = OrtRunner.runOnce(q, "x", x, shape, "y");
        // |x̂w′ − xw| ≤ Σ_k |x̂_k − x_k|·|w′_kj| + |x_k|·|w′_kj − w_kj| with rounding errors ≤ half a scale.
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                double bound = 0;
                for (int k = 0; k < 16; k++) {
                    double wAbs = Math.abs(w[k * 6 + j]) + ws[j] / 2;
                    bound += xs / 2 * wAbs + Math.abs(x[i * 16 + k]) * ws[j] / 2;
                }
                bound += 1e-5 * (1 + Math.abs(expected[i * 6 + j]));
                assertThat((double) Math.abs(actual[i * 6 + j] - expected[i * 6 + j])).as("y[%d,%d]", i, j)
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    /** A table passed whole is checked for its grid: a 4-bit table's amaxes are no signed 8-bit ranges. */
    @Test
    void aTableForAnotherGridThanSigned8BitIsRefused() {
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        dev.trt4j.table.Provenance fourBit = new dev.trt4j.table.Provenance("max", Map.of("numBits", "4"), null, null,
                null, null, null, null);
        assertThatThrownBy(() -> quantizer.quantize(TinyModels.gemm(13, true),
                new dev.trt4j.table.CalibrationTable(Map.of("x", 1f), fourBit)))
                .isInstanceOf(Trt4jException.class).hasMessageStartingWith("the table: calibrated with \"numBits\": "
                        + "\"4\" but QdqQuantizer writes signed 8-bit Q/DQ");
        ModelProto q = quantizer.quantize(TinyModels.gemm(13, true), new dev.trt4j.table.CalibrationTable(
                Map.of("x", 1f), dev.trt4j.table.Provenance.unknown())).model();
        assertThat(quantizeOf(q, "x")).isNotNull();
    }

    @Test
    void weightAxisFollowsTheOutputChannel() {
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        ModelProto gemmT = quantizer.quantize(TinyModels.gemm(13, true), Map.of("x", 1f)).model();
        ModelProto deconv = quantizer.quantize(TinyModels.convTranspose(13), Map.of("x", 1f)).model();

        assertThat(axis(quantizeOf(gemmT, "w"))).contains(0L);
        assertThat(floats(gemmT, quantizeOf(gemmT, "w").getInput(1))).hasSize(6);
        assertThat(axis(quantizeOf(deconv, "w"))).contains(1L);
        assertThat(floats(deconv, quantizeOf(deconv, "w").getInput(1))).hasSize(3);
        // Gemm bias is not quantized.
        assertThat(node(gemmT, "fc").getInput(2)).isEqualTo("b");
    }

    /** As old exporters write it (IR 3 requires it): every initializer also listed as a graph input. */
    @Test
    void initializersListedAsGraphInputsAreQuantizedAsWeights() throws Exception {
        ModelProto plain = TinyModels.gemm(13, true);
        ModelProto.Builder listed = plain.toBuilder();
        for (TensorProto t : plain.getGraph().getInitializerList()) {
            listed.getGraphBuilder().addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(t.getName())
                    .setType(plain.getGraph().getInput(0).getType().toBuilder().clearTensorType()
                            .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(t.getDataType()))));
        }
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        assertThat(quantizer.requiredActivations(listed.build())).containsExactly("x");

        ModelProto q = quantizer.quantize(listed.build(), Map.of("x", 1f)).model();
        assertThat(q.getGraph().getInputList()).extracting(v -> v.getName()).containsExactly("x");
        assertThat(q).isEqualTo(quantizer.quantize(plain, Map.of("x", 1f)).model());
        float[] x = ModelBuilder.uniform(13, 32, -1, 1);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, new long[] {2, 16}, "y"),
                OrtRunner.runOnce(plain, "x", x, new long[] {2, 16}, "y"), 0.03);
    }

    /** Old exporters write a Linear layer as Transpose(W) → MatMul: W is folded and quantized as a weight. */
    @Test
    void aTransposedConstantWeightIsFoldedAndQuantizedPerChannel() throws Exception {
        float[] w = ModelBuilder.uniform(7, 6 * 16, -1, 1);
        ModelProto model = new ModelBuilder("linear", 13).input("x", 2, 16).output("y")
                .initializer("w", new long[] {6, 16}, w)
                .node("Transpose", "t", List.of("w"), List.of("wt"),
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("perm")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS).addInts(1).addInts(0)
                                .build())
                .node("MatMul", "mm", List.of("x", "wt"), List.of("y")).build();
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        assertThat(quantizer.requiredActivations(model)).containsExactly("x");

        ModelProto q = quantizer.quantize(model, Map.of("x", 1f)).model();
        assertThat(nodes(q, "Transpose")).isEmpty();
        assertThat(q.getGraph().getInitializerList()).extracting(TensorProto::getName).doesNotContain("w");
        assertThat(QdqModels.tensor(q, "wt").getDimsList()).containsExactly(16L, 6L);
        float[] wt = floats(q, "wt");
        for (int i = 0; i < 16; i++) {
            for (int o = 0; o < 6; o++) {
                assertThat(wt[i * 6 + o]).as("wt[%d][%d] = w[%d][%d]", i, o, o, i).isEqualTo(w[o * 16 + i]);
            }
        }
        assertThat(axis(quantizeOf(q, "wt"))).contains(1L);
        assertThat(floats(q, quantizeOf(q, "wt").getInput(1))).hasSize(6);

        // A weight that another node still reads stays.
        ModelProto shared = model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("copy")
                        .addInput("w").addOutput("w_copy"))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("w_copy"))).build();
        ModelProto qs = quantizer.quantize(shared, Map.of("x", 1f)).model();
        assertThat(qs.getGraph().getInitializerList()).extracting(TensorProto::getName).contains("w", "wt");
    }

    /** A weight held in a Constant node and folded through its Transpose leaves no second, FP32 copy behind. */
    @Test
    void aFoldedConstantNodeWeightIsNotKeptTwice() throws Exception {
        float[] w = ModelBuilder.uniform(7, 6 * 16, -1, 1);
        ModelProto model = new ModelBuilder("linear", 13).input("x", 2, 16).output("y")
                .constant("w", new long[] {6, 16}, w)
                .node("Transpose", "t", List.of("w"), List.of("wt"),
                        ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("perm")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS).addInts(1).addInts(0)
                                .build())
                .node("MatMul", "mm", List.of("x", "wt"), List.of("y")).build();

        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(model, Map.of("x", 1f)).model();

        assertThat(nodes(q, "Transpose")).isEmpty();
        assertThat(q.getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("Constant")
                && n.getOutput(0).equals("w"));
        assertThat(floats(q, "wt")).hasSize(96);
    }

    /** PyTorch exports a tied weight as Identity(W): it is folded and quantized as a weight, not asked of the table. */
    @Test
    void anIdentityOfAConstantWeightIsFoldedAndQuantizedPerChannel() throws Exception {
        float[] w = ModelBuilder.uniform(7, 16 * 6, -1, 1);
        ModelProto model = new ModelBuilder("tied", 13).input("x", 2, 16).output("y").output("z")
                .initializer("w", new long[] {16, 6}, w)
                .node("MatMul", "mm", List.of("x", "w"), List.of("y"))
                .node("Identity", "tie", List.of("w"), List.of("w_tied"))
                .node("MatMul", "mm2", List.of("x", "w_tied"), List.of("z")).build();
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        assertThat(quantizer.requiredActivations(model)).containsExactly("x");

        ModelProto q = quantizer.quantize(model, Map.of("x", 1f)).model();

        assertThat(nodes(q, "Identity")).isEmpty();
        assertThat(floats(q, "w_tied")).containsExactly(w);
        assertThat(axis(quantizeOf(q, "w_tied"))).contains(1L);
        assertThat(floats(q, quantizeOf(q, "w_tied").getInput(1))).hasSize(6);
    }

    @Test
    void perChannelGemmAndConvTransposeRunCloseToFp32() throws Exception {
        assertQuantizedClose(TinyModels.gemm(13, true), new long[] {2, 16});
        assertQuantizedClose(TinyModels.convTranspose(13), new long[] {1, 4, 5, 5});
    }

    private static void assertQuantizedClose(ModelProto model, long[] shape) throws Exception {
        float[] x = ModelBuilder.uniform(13, (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b), -1, 1);
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(model, Map.of("x", 1f)).model();

        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, shape, "y"),
                OrtRunner.runOnce(model, "x", x, shape, "y"), 0.03);
    }

    @Test
    void perTensorWeightsUseOneScaleAndKeepTheOpset() throws Exception {
        ModelProto model = TinyModels.residual(11, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.builder()
                .weightGranularity(WeightGranularity.PER_TENSOR).build());
        QuantizationResult r = quantizer.quantize(model, residualAmax(model, quantizer));
        ModelProto q = r.model();

        assertThat(QdqModels.opset(q)).isEqualTo(11);
        for (String weight : List.of("w1", "w2", "wf")) {
            NodeProto qn = quantizeOf(q, weight);
            assertThat(axis(qn)).isEmpty();
            float max = 0;
            for (float v : floats(q, weight)) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(floats(q, qn.getInput(1))).containsExactly(max / 127f);
            assertThat(QdqModels.tensor(q, qn.getInput(1)).getDimsCount()).isZero();
        }
        assertThat(r.report().weightGranularity()).isEqualTo(WeightGranularity.PER_TENSOR);
        assertThat(OrtRunner.runOnce(q, "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "logits")).hasSize(3);
    }

    @Test
    void withoutFoldingTheResidualIsFoundThroughTheBatchNorm() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.builder().foldBatchNorm(false).build());
        QuantizationResult r = quantizer.quantize(model, residualAmax(model, quantizer));

        assertThat(nodes(r.model(), "BatchNormalization")).hasSize(2);
        assertThat(r.report().foldedBatchNorms()).isEmpty();
        assertThat(r.report().residualAdds()).containsExactly("add");
        assertThat(node(r.model(), "add").getInput(1)).isEqualTo("r_dequantized");
        assertThat(OrtRunner.runOnce(r.model(), "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "logits"))
                .hasSize(3);
    }

    @Test
    void excludedNodesStayFp32() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.builder().excludeNode("conv2").build());
        assertThat(quantizer.requiredActivations(model)).containsExactly("x", "f");
        QuantizationResult r = quantizer.quantize(model, Map.of("x", 4f, "f", 2f));
        ModelProto q = r.model();

        NodeProto conv2 = node(q, "conv2");
        assertThat(conv2.getInput(0)).isEqualTo("r");
        assertThat(conv2.getInput(1)).isEqualTo("w2");
        assertThat(node(q, "add").getInputList()).containsExactly("bn2_out", "r");
        assertThat(nodes(q, "QuantizeLinear")).extracting(n -> n.getInput(0))
                .containsExactlyInAnyOrder("x", "f", "w1", "wf");
        assertThat(r.report().excludedNodes()).containsExactly("conv2");
        assertThat(r.report().residualAdds()).isEmpty();
        assertThat(OrtRunner.runOnce(q, "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "logits")).hasSize(3);
    }

    @Test
    void exclusionsByOpTypeAndPattern() {
        QdqQuantizer byType = new QdqQuantizer(QuantizationConfig.builder().excludeOpType("Gemm").build());
        QdqQuantizer byPattern = new QdqQuantizer(QuantizationConfig.builder().excludePattern("^conv").build());
        ModelProto model = TinyModels.residual(13, false);

        QuantizationReport typeReport = byType.quantize(model, Map.of("x", 4f, "r", 3f)).report();
        QuantizationReport patternReport = byPattern.quantize(model, Map.of("f", 2f)).report();

        assertThat(typeReport.excludedNodes()).containsExactly("fc");
        assertThat(typeReport.quantizedNodes()).containsExactly("conv1", "conv2");
        assertThat(patternReport.excludedNodes()).containsExactly("conv1", "conv2");
        assertThat(patternReport.quantizedNodes()).containsExactly("fc");
    }

    @Test
    void anExclusionThatMatchesNothingIsAnError() {
        ModelProto model = TinyModels.residual(13, false);
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludeNode("conv9").build())
                .requiredActivations(model)).isInstanceOf(Trt4jException.class).hasMessageContaining("'conv9'")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludeOpType("LSTM").build())
                .requiredActivations(model)).isInstanceOf(Trt4jException.class).hasMessageContaining("'LSTM'");
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludePattern("dense.*").build())
                .requiredActivations(model)).isInstanceOf(Trt4jException.class).hasMessageContaining("'dense.*'");
    }

    @Test
    void anExclusionThatMatchesOnlyNodesNeverQuantizedIsAnError() {
        ModelProto model = TinyModels.residual(13, false);

        // Relus are never quantized; both BatchNorms are folded away; the pattern finds the Relus and the Flatten.
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludeOpType("Relu").build())
                .requiredActivations(model)).isInstanceOf(Trt4jException.class)
                .hasMessage("exclusion 'Relu' matches only nodes that are not quantized anyway (Relu ×2), so it "
                        + "changes nothing");
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludeNode("bn1").build())
                .requiredActivations(model)).isInstanceOf(Trt4jException.class)
                .hasMessage("exclusion 'bn1' matches only nodes that are not quantized anyway "
                        + "(BatchNormalization ×1), so it changes nothing");
        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.builder().excludePattern("^(relu|flat)")
                .build()).requiredActivations(model)).isInstanceOf(Trt4jException.class)
                .hasMessage("exclusion '^(relu|flat)' matches only nodes that are not quantized anyway (Relu ×2, "
                        + "Flatten ×1), so it changes nothing");
    }

    @Test
    void anExclusionCountsIfOneOfItsNodesWouldBeQuantized() {
        ModelProto model = TinyModels.residual(13, false);

        // "^(conv2|relu)" also finds the Relus, but conv2 is enough for it to matter.
        QuantizationReport mixed = new QdqQuantizer(QuantizationConfig.builder().excludePattern("^(conv2|relu)")
                .build()).quantize(model, Map.of("x", 4f, "f", 2f)).report();
        assertThat(mixed.excludedNodes()).containsExactly("conv2");
        // The Add is no quantized operator, but excluding it drops the residual Q/DQ TensorRT would get otherwise.
        QuantizationReport noResidual = new QdqQuantizer(QuantizationConfig.builder().excludeNode("add").build())
                .quantize(model, Map.of("x", 4f, "r", 3f, "f", 2f)).report();
        assertThat(noResidual.residualAdds()).isEmpty();
        assertThat(new QdqQuantizer(QuantizationConfig.defaults()).quantize(model, Map.of("x", 4f, "r", 3f,
                "f", 2f)).report().residualAdds()).containsExactly("add");
    }

    @Test
    void aMissingOrInvalidActivationRangeNamesTheTensor() {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());

        assertThatThrownBy(() -> quantizer.quantize(model, Map.of("x", 1f, "f", 1f)))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'r'").hasMessageContaining("conv2")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> quantizer.quantize(model, Map.of("x", 1f, "r", Float.NaN, "f", 1f)))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'r'");
    }

    @Test
    void anAlreadyQuantizedModelIsRefused() {
        ModelProto model = TinyModels.matMul(13);
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(model, Map.of("x", 1f)).model();

        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.defaults()).quantize(q, Map.of()))
                .isInstanceOf(Trt4jException.class).hasMessage("model 'matmul' is already quantized (2 "
                        + "DequantizeLinear, 2 QuantizeLinear); quantize the FP32 model");
    }

    /** ONNX Runtime's dynamic quantization leaves no Q/DQ pair, yet its integer MatMuls are INT8 already. */
    @Test
    void aDynamicallyQuantizedModelIsRefusedToo() {
        ModelProto model = TinyModels.matMul(13);
        ModelProto dynamic = model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode()
                .addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName("dql").addInput("x")
                        .addOutput("xq").addOutput("xs").addOutput("xz"))
                .addNode(NodeProto.newBuilder().setOpType("MatMulIntegerToFloat").setDomain("com.microsoft")
                        .setName("mm").addInput("xq").addInput("w").addOutput("y"))).build();

        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(dynamic))
                .isInstanceOf(Trt4jException.class).hasMessage("model 'matmul' is already quantized (1 "
                        + "DynamicQuantizeLinear, 1 MatMulIntegerToFloat); quantize the FP32 model");
    }

    /** Its activations are float16 tensors behind Casts, which no FP32 table names: say what the model is. */
    @Test
    void anFp16ModelIsRefusedAsSuch() {
        ModelProto model = TinyModels.matMul(13);
        ModelProto half = new Fp16Converter().convert(model).model();

        assertThatThrownBy(() -> new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(half))
                .isInstanceOf(Trt4jException.class).hasMessageEndingWith("is FP16 (it computes with float16 weights "
                        + "such as 'w'); quantize the FP32 model");
    }

    /** A float16 weight that only a Cast to float reads is FP32 storage saved small: the model computes in FP32. */
    @Test
    void aFloat16WeightCastToFloatIsQuantizedAsTheFp32WeightItIs() {
        ModelProto model = TinyModels.matMul(13);
        ai.onnx.proto.OnnxMl.TensorProto.Builder half = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w_h")
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE).addDims(16).addDims(6);
        for (int i = 0; i < 96; i++) {
            half.addInt32Data(i % 2 == 0 ? 0x3800 : 0xB400); // 0.5 and -0.25
        }
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer().addInitializer(half)
                .addNode(0, ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Cast").setName("to_float")
                        .addInput("w_h").addOutput("w").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                                .setName("to").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        ModelProto stored = model.toBuilder().setGraph(g).build();

        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults()).quantize(stored, Map.of("x", 1f)).model();

        assertThat(q.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DequantizeLinear")).hasSize(2);
        // the weight's scale, per column: max |w| = 0.5 in every column of this pattern
        assertThat(q.getGraph().getInitializerList()).filteredOn(t -> t.getDimsCount() == 1 && t.getDims(0) == 6
                && t.getDataType() == ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .singleElement().satisfies(t -> assertThat(t.getFloatDataCount() > 0 ? t.getFloatData(0)
                        : java.nio.ByteBuffer.wrap(t.getRawData().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getFloat()).isEqualTo(0.5f / 127f));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sameInputsGiveTheSameBytes(boolean weightsInConstants) throws Exception {
        ModelProto model = TinyModels.residual(11, weightsInConstants);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        Map<String, Float> amax = residualAmax(model, quantizer);
        Map<String, Float> reordered = new HashMap<>();
        List<String> keys = new ArrayList<>(new TreeMap<>(amax).descendingKeySet());
        keys.forEach(k -> reordered.put(k, amax.get(k)));
        reordered.put("unused", 9f);

        byte[] first = quantizer.quantize(model, amax).toByteArray();
        byte[] second = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(ModelProto.parseFrom(model.toByteArray()), reordered).toByteArray();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void writesTheModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        QuantizationResult r = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(TinyModels.matMul(13), Map.of("x", 2f));
        java.nio.file.Path file = dir.resolve("out/model.int8.onnx");

        r.write(file);

        assertThat(ModelProto.parseFrom(java.nio.file.Files.readAllBytes(file))).isEqualTo(r.model());
    }

    @Test
    void percentileWeightsClipBelowTheMaxScales() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer max = new QdqQuantizer(QuantizationConfig.defaults());
        QdqQuantizer percentile = new QdqQuantizer(QuantizationConfig.builder().weightCalibrator(
                WeightCalibrator.byName("percentile", CalibrationOptions.defaults().withPercentile(99))).build());
        Map<String, Float> amax = residualAmax(model, max);

        QuantizationResult byMax = max.quantize(model, amax);
        QuantizationResult byPercentile = percentile.quantize(model, amax);

        assertThat(byPercentile.report().weightMethod()).isEqualTo("percentile-99");
        float[] maxScales = floats(byMax.model(), quantizeOf(byMax.model(), "w1").getInput(1));
        float[] clipped = floats(byPercentile.model(), quantizeOf(byPercentile.model(), "w1").getInput(1));
        for (int c = 0; c < maxScales.length; c++) {
            assertThat(clipped[c]).as("channel %d", c).isLessThan(maxScales[c]);
        }
        float[] logits = OrtRunner.runOnce(byPercentile.model(), "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT,
                "logits");
        BatchNormFolderTest.assertClose(logits,
                OrtRunner.runOnce(model, "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "logits"), 0.05);
    }

    @Test
    void poolingInputsAreQuantizedOnlyWhenAsked() {
        ModelProto model = TinyModels.residual(13, false);
        Set<String> withPooling = new java.util.TreeSet<>(QuantizationConfig.DEFAULT_OP_TYPES);
        withPooling.add("GlobalAveragePool");

        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.builder().opTypes(withPooling).build());

        assertThat(new QdqQuantizer(QuantizationConfig.defaults()).requiredActivations(model)).doesNotContain("y");
        assertThat(quantizer.requiredActivations(model)).containsExactly("x", "r", "y", "f");
        assertThatThrownBy(() -> QuantizationConfig.builder().opTypes(Set.of("Relu")).build())
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'Relu'");
    }

    /** Two Conv branches meeting in an Add: which input is the residual one depends on which Convs are quantized. */
    @Test
    void anySubsetOfLayersFindsTheRangesOfBothResidualInputs() throws Exception {
        ModelBuilder m = new ModelBuilder("branches", 13).input("x", TinyModels.RESIDUAL_INPUT).output("logits");
        m.initializer("wa", new long[] {8, 4, 3, 3}, gaussian(5, 8 * 4 * 9, 0.25));
        m.initializer("wb", new long[] {8, 4, 1, 1}, gaussian(6, 8 * 4, 0.25));
        m.initializer("wf", new long[] {3, 8}, gaussian(7, 24, 0.5));
        m.node("Conv", "convA", List.of("x", "wa"), List.of("a"), ModelBuilder.ints("kernel_shape", 3, 3),
                ModelBuilder.ints("pads", 1, 1, 1, 1));
        m.node("Conv", "convB", List.of("x", "wb"), List.of("b"), ModelBuilder.ints("kernel_shape", 1, 1));
        m.node("Add", "add", List.of("a", "b"), List.of("s"));
        m.node("GlobalAveragePool", "pool", List.of("s"), List.of("g"));
        m.node("Flatten", "flatten", List.of("g"), List.of("f"));
        m.node("Gemm", "fc", List.of("f", "wf"), List.of("logits"), ModelBuilder.integer("transB", 1));
        ModelProto model = m.build();
        QdqQuantizer all = new QdqQuantizer(QuantizationConfig.defaults());
        QdqQuantizer onlyA = new QdqQuantizer(QuantizationConfig.builder().excludeNode("convB").build());

        assertThat(all.requiredActivations(model)).as("with both Convs, convB fuses and 'a' is the residual")
                .contains("a").doesNotContain("b");
        List<String> anySubset = all.requiredActivationsForAnySubset(model);
        assertThat(anySubset).contains("a", "b");
        Map<String, Float> plain = OrtRunner.maxPass(model, "x", SAMPLES, TinyModels.RESIDUAL_INPUT,
                all.requiredActivations(model));
        assertThatThrownBy(() -> onlyA.quantize(model, plain)).isInstanceOf(Trt4jException.class)
                .hasMessage("no activation range for tensor 'b' (input of residual Add 'add')");
        Map<String, Float> wide = OrtRunner.maxPass(model, "x", SAMPLES, TinyModels.RESIDUAL_INPUT, anySubset);
        assertThat(onlyA.quantize(model, wide).report().residualAdds()).containsExactly("add");
    }

    /** A weight the graph computes from constants (here a Reshape) is folded by running it, then quantized. */
    @Test
    void aWeightComputedFromConstantsIsFoldedAndQuantizedPerChannel() throws Exception {
        float[] w = ModelBuilder.uniform(5, 12, -1, 1);
        ModelProto reshaped = new dev.trt4j.onnx.TestGraph().input("x", dev.trt4j.onnx.TestGraph.FLOAT, 1, 6)
                .initializer("w", new long[] {12}, w)
                .constantInt64("shape", 6, 2)
                .node("Reshape", List.of("w", "shape"), List.of("wr"))
                .node("MatMul", List.of("x", "wr"), List.of("y"))
                .output("y", dev.trt4j.onnx.TestGraph.FLOAT, 1, 2).build(13);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        assertThat(quantizer.requiredActivations(reshaped)).containsExactly("x");

        ModelProto q = quantizer.quantize(reshaped, Map.of("x", 1f)).model();

        assertThat(nodes(q, "Reshape")).isEmpty();
        assertThat(q.getGraph().getInitializerList()).extracting(TensorProto::getName).doesNotContain("w", "shape");
        assertThat(QdqModels.tensor(q, "wr").getDimsList()).containsExactly(6L, 2L);
        assertThat(floats(q, "wr")).containsExactly(w);
        assertThat(axis(quantizeOf(q, "wr"))).contains(1L);

        // one ONNX Runtime cannot compute (12 values into [5, 2]) is named with the node to keep in FP32
        ModelProto broken = new dev.trt4j.onnx.TestGraph().input("x", dev.trt4j.onnx.TestGraph.FLOAT, 1, 5)
                .initializer("w", new long[] {12}, w)
                .constantInt64("shape", 5, 2)
                .node("Reshape", List.of("w", "shape"), List.of("wr"))
                .node("MatMul", List.of("x", "wr"), List.of("y"))
                .output("y", dev.trt4j.onnx.TestGraph.FLOAT, 1, 2).build(13);
        assertThatThrownBy(() -> quantizer.requiredActivations(broken)).isInstanceOf(Trt4jException.class)
                .hasMessage("MatMul 'MatMul_2': its weight 'wr' is computed from constants (by Reshape), which "
                        + "quantize could not fold; export the model with constant folding, or keep the node in "
                        + "FP32 with --exclude MatMul_2");
    }
}
