package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.OrtOptimizedGraph;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.axis;
import static dev.trt4j.quantize.QdqModels.dequantizeAfter;
import static dev.trt4j.quantize.QdqModels.floats;
import static dev.trt4j.quantize.QdqModels.node;
import static dev.trt4j.quantize.QdqModels.nodes;
import static dev.trt4j.quantize.QdqModels.quantizeOf;
import static dev.trt4j.quantize.QdqModels.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The {@link QuantizationTarget#ONNXRUNTIME_CPU} layout: its types, its numbers, and that ONNX Runtime fuses it. */
class OrtCpuQuantizationTest {
    private static final List<float[]> SAMPLES = List.of(gaussian(40, 256, 1.0), gaussian(41, 256, 1.0),
            gaussian(42, 256, 1.0), gaussian(43, 256, 1.0));
    /**
     * 7-bit weights: with 8-bit ones, the fused kernels of x86 CPUs without VNNI saturate (this build machine's
     * AVX2 EPYC reads these tiny models 10 times further off FP32), so a numeric check would depend on the CPU.
     */
    private static final QuantizationConfig ORT = QuantizationConfig.builder()
            .target(QuantizationTarget.ONNXRUNTIME_CPU).reduceRange(true).build();

    private static Map<String, Float> amax(ModelProto model, QdqQuantizer q) throws Exception {
        return OrtRunner.maxPass(model, "x", SAMPLES, TinyModels.RESIDUAL_INPUT, q.requiredActivations(model));
    }

    @Test
    void convOutputsAreQuantizedTooAndReluOutputsUseTheUnsignedGrid() throws Exception {
        ModelProto model = TinyModels.residual(11, false);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        // conv1's only reader is relu1, so its pair sits on relu1's output r; conv2 feeds the Add: bn2_out.
        assertThat(quantizer.requiredActivations(model)).containsExactly("x", "r", "f", "bn2_out");
        Map<String, Float> amax = amax(model, quantizer);

        QuantizationResult result = quantizer.quantize(model, amax);
        ModelProto q = result.model();

        assertThat(result.report().residualAdds()).isEmpty();
        assertThat(result.report().target()).isEqualTo(QuantizationTarget.ONNXRUNTIME_CPU);
        assertThat(nodes(q, "QuantizeLinear")).extracting(n -> n.getInput(0))
                .containsExactlyInAnyOrder("x", "r", "f", "bn2_out");
        for (String signed : List.of("x", "f", "bn2_out")) {
            NodeProto qn = quantizeOf(q, signed);
            assertThat(floats(q, qn.getInput(1))).containsExactly(amax.get(signed) / 127f);
            assertUint8(q, qn.getInput(2), 128);
        }
        NodeProto r = quantizeOf(q, "r");
        assertThat(floats(q, r.getInput(1))).containsExactly(amax.get("r") / 255f);
        assertUint8(q, r.getInput(2), 0);
        // Every reader of a quantized tensor reads its dequantized copy: the Add reads conv2's quantized output.
        assertThat(node(q, "add").getInputList()).containsExactly(dequantizeAfter(q, quantizeOf(q, "bn2_out"))
                .getOutput(0), dequantizeAfter(q, r).getOutput(0));
    }

    @Test
    void weightsAreStoredAsInt8AndBiasesAsInt32WithTheProductScale() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        Map<String, Float> amax = amax(model, quantizer);
        ModelProto q = quantizer.quantize(model, amax).model();

        assertThat(q.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .doesNotContain("w1", "w2", "wf", "bf"); // the FP32 copies are gone
        NodeProto conv1 = node(q, "conv1");
        NodeProto wDq = producer(q, conv1.getInput(1));
        TensorProto w = tensor(q, wDq.getInput(0));
        assertThat(w.getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
        assertThat(axis(wDq)).contains(0L);
        float[] wScale = floats(q, wDq.getInput(1));
        assertThat(wScale).hasSize(8);

        NodeProto bDq = producer(q, conv1.getInput(2));
        TensorProto b = tensor(q, bDq.getInput(0));
        assertThat(b.getDataType()).isEqualTo(TensorProto.DataType.INT32_VALUE);
        float xScale = amax.get("x") / 127f;
        float[] bScale = floats(q, bDq.getInput(1));
        for (int c = 0; c < 8; c++) {
            assertThat(bScale[c]).as("channel %d", c).isEqualTo(xScale * wScale[c]);
        }
        NodeProto fcBias = producer(q, node(q, "fc").getInput(2));
        assertThat(tensor(q, fcBias.getInput(0)).getDataType()).isEqualTo(TensorProto.DataType.INT32_VALUE);
    }

    @Test
    void eachInt8WeightIsItsValueOverItsChannelScaleRounded() {
        ModelProto model = TinyModels.matMul(13);
        ModelProto q = new QdqQuantizer(ORT.toBuilder().reduceRange(false).build()).quantize(model, Map.of("x", 1f))
                .model();

        NodeProto dq = producer(q, node(q, "mm").getInput(1));
        assertThat(axis(dq)).contains(1L);
        byte[] wq = tensor(q, dq.getInput(0)).getRawData().toByteArray();
        float[] scale = floats(q, dq.getInput(1));
        float[] w = floats(model, "w");
        for (int k = 0; k < w.length; k++) {
            assertThat((int) wq[k]).as("w[%d]", k).isEqualTo((int) Math.rint(w[k] / scale[k % 6]));
        }
        assertThat(wq).contains((byte) 127, (byte) -127).doesNotContain((byte) -128);
    }

    @Test
    void aBatchedMatMulWeightTakesOneScaleAndRunsFused() throws Exception {
        // x [3, 2, 16] · w [3, 16, 6]: ONNX Runtime's MatMulIntegerToFloat fusion refuses a per-axis B of rank 3
        ModelProto model = new ModelBuilder("batched", 13).input("x", 3, 2, 16).output("y")
                .initializer("w", new long[] {3, 16, 6}, gaussian(5, 288, 0.3))
                .node("MatMul", "mm", List.of("x", "w"), List.of("y")).build();
        for (QuantizationConfig config : List.of(ORT, QuantizationConfig.defaults())) {
            QuantizationResult result = new QdqQuantizer(config).quantize(model, Map.of("x", 3f));
            ModelProto q = result.model();
            assertThat(result.report().singleScaleWeights()).isEqualTo(1);
            assertThat(result.report().summary()).contains("1 weight per-channel max (1 of them with one scale: no "
                    + "channel axis)");

            NodeProto dq = producer(q, node(q, "mm").getInput(1));
            assertThat(axis(dq)).isEmpty();
            assertThat(floats(q, dq.getInput(1))).hasSize(1);
            float[] x = gaussian(6, 96, 1.0);
            float[] expected = OrtRunner.runOnce(model, "x", x, new long[] {3, 2, 16}, "y");
            assertThat(OrtRunner.runOnce(q, "x", x, new long[] {3, 2, 16}, "y")).hasSize(expected.length);
        }
    }

    @Test
    void onnxRuntimeFusesTheLayoutIntoIntegerKernelsAndMatchesFp32() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        ModelProto q = quantizer.quantize(model, amax(model, quantizer)).model();

        OrtOptimizedGraph fused = OrtOptimizedGraph.of(q);
        assertThat(integerConvs(fused)).isEqualTo(2);
        assertThat(fused.count("com.microsoft:QGemm")).isEqualTo(1);
        assertThat(fused.floatKernels()).isEmpty();
        // The TensorRT layout of the same model is not fused: ONNX Runtime needs a Q on each Conv's output.
        ModelProto trt = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(model, amax(model, new QdqQuantizer(QuantizationConfig.defaults()))).model();
        assertThat(OrtOptimizedGraph.of(trt).floatKernels()).isNotEmpty();

        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner int8 = new OrtRunner(q)) {
            for (float[] x : SAMPLES) {
                float[] expected = fp32.run("x", x, TinyModels.RESIDUAL_INPUT, "logits");
                float[] actual = int8.run("x", x, TinyModels.RESIDUAL_INPUT, "logits");
                BatchNormFolderTest.assertClose(actual, expected, 0.03);
                assertThat(actual).isNotEqualTo(expected);
            }
        }
    }

    /**
     * PP-LCNet's block as Paddle exports it: Conv → scalar Mul and Add (a "learnable affine block") → hard-swish
     * spelled out as Add, Clip, Mul, Div → Conv (→ Sigmoid, so that the second Conv's output is not the graph's).
     */
    private static ModelProto lcNetBlock() {
        return lcNetBlock(false);
    }

    /** As {@link #lcNetBlock()}, with a second learnable affine block after the hard-swish if {@code postAffine}. */
    private static ModelProto lcNetBlock(boolean postAffine) {
        return lcNetBlock(postAffine, false);
    }

    /** As {@link #lcNetBlock(boolean)}, with a bias on the second Conv if {@code conv2Bias}. */
    private static ModelProto lcNetBlock(boolean postAffine, boolean conv2Bias) {
        long[] w1 = {4, 4, 3, 3};
        long[] w2 = {2, 4, 1, 1};
        ModelBuilder m = new ModelBuilder("lcnet", 12).input("x", TinyModels.RESIDUAL_INPUT).output("y")
                .initializer("w1", w1, gaussian(50, 144, 0.3))
                .initializer("b1", new long[] {4}, gaussian(51, 4, 0.2))
                .constant("lab_scale", new long[] {1}, new float[] {1.3f})
                .constant("lab_bias", new long[] {1}, new float[] {0.4f})
                .constant("three", new long[] {1}, new float[] {3f})
                .constant("zero", new long[] {}, new float[] {0f})
                .constant("six", new long[] {1}, new float[] {6f})
                .initializer("w2", w2, gaussian(52, 8, 0.5))
                .node("Conv", "conv1", List.of("x", "w1", "b1"), List.of("c1"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1))
                .node("Mul", "lab_mul", List.of("lab_scale", "c1"), List.of("m"))
                .node("Add", "lab_add", List.of("m", "lab_bias"), List.of("a"))
                .node("Add", "hs_add", List.of("a", "three"), List.of("h1"))
                .node("Clip", "hs_clip", List.of("h1", "zero", "six"), List.of("h2"))
                .node("Mul", "hs_mul", List.of("a", "h2"), List.of("h3"))
                .node("Div", "hs_div", List.of("h3", "six"), List.of("h"));
        String convInput = "h";
        if (postAffine) {
            m.constant("post_scale", new long[] {1}, new float[] {0.6f})
                    .constant("post_bias", new long[] {1}, new float[] {-0.3f})
                    .node("Mul", "post_mul", List.of("h", "post_scale"), List.of("pm"))
                    .node("Add", "post_add", List.of("pm", "post_bias"), List.of("p"));
            convInput = "p";
        }
        List<String> conv2Inputs = new ArrayList<>(List.of(convInput, "w2"));
        if (conv2Bias) {
            m.initializer("b2", new long[] {2}, gaussian(53, 2, 0.2));
            conv2Inputs.add("b2");
        }
        return m.node("Conv", "conv2", conv2Inputs, List.of("c2"), ints("kernel_shape", 1, 1))
                .node("Sigmoid", "gate", List.of("c2"), List.of("y")).build();
    }

    @Test
    void learnableScalesFoldIntoTheConvAndHardSwishIsOneNode() throws Exception {
        ModelProto model = lcNetBlock();
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        // The scale folds into conv1, whose output (now the Mul's tensor m) is quantized; the shift stays out of the
        // Conv and goes into the zero point of m's DequantizeLinear instead.
        assertThat(quantizer.requiredActivations(model)).containsExactlyInAnyOrder("x", "m", "h", "c2");
        QuantizationResult result = quantizer.quantize(model, amax(model, quantizer));
        ModelProto q = result.model();

        assertThat(result.report().foldedScaleShifts()).containsExactly("lab_mul", "lab_add");
        NodeProto mq = quantizeOf(q, "m");
        NodeProto mdq = dequantizeAfter(q, mq);
        assertThat(mdq.getOutputList()).containsExactly("a");
        float step = floats(q, mq.getInput(1))[0];
        int steps = 128 - Byte.toUnsignedInt(tensor(q, mdq.getInput(2)).getRawData().byteAt(0));
        assertThat(steps).isGreaterThanOrEqualTo(ZeroPointShiftAbsorber.MIN_STEPS);
        assertThat(steps * step).as("the shift, in whole steps").isCloseTo(0.4f, within(1e-6f));
        assertThat(result.report().hardSwishes()).isEqualTo(1);
        assertThat(result.report().summary()).contains("1 hard-swish written as HardSwish");
        assertThat(OpsetUpgrade.defaultOpset(q)).isEqualTo(14);
        assertThat(nodes(q, "HardSwish")).singleElement().satisfies(n -> {
            assertThat(n.getInputList()).containsExactly("a");
            assertThat(n.getOutputList()).containsExactly("h");
        });
        assertThat(nodes(q, "Clip")).isEmpty();
        assertThat(nodes(q, "Add")).isEmpty();
        OrtOptimizedGraph fused = OrtOptimizedGraph.of(q);
        assertThat(integerConvs(fused)).isEqualTo(2);
        assertThat(fused.floatKernels()).isEmpty();
        // m's step moved (here by up to 7 %) to make the shift whole steps, so the bound is a little wider
        assertCloseToFp32(model, q, 0.035);

        // --no-bn-fold keeps the affine block as it is, shift included.
        QdqQuantizer unfolded = new QdqQuantizer(ORT.toBuilder().foldBatchNorm(false).build());
        QuantizationResult kept = unfolded.quantize(model, amax(model, unfolded));
        assertThat(kept.report().foldedScaleShifts()).isEmpty();
        assertThat(nodes(kept.model(), "Add")).extracting(NodeProto::getName).contains("lab_add");

        // TensorRT's layout quantizes Conv inputs only, so the shift folds too; the hard-swish is TensorRT's to fuse.
        QdqQuantizer trt = new QdqQuantizer(QuantizationConfig.defaults());
        QuantizationResult t = trt.quantize(model, amax(model, trt));
        assertThat(t.report().foldedScaleShifts()).containsExactly("lab_mul", "lab_add");
        assertThat(t.report().hardSwishes()).isZero();
        assertThat(nodes(t.model(), "HardSwish")).isEmpty();
        assertThat(nodes(t.model(), "Clip")).hasSize(1);
    }

    @Test
    void theShiftLeftBeforeAQuantizedConvWithABiasGoesIntoItsQuantizeAndBias() throws Exception {
        ModelProto model = lcNetBlock(true, true);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        QuantizationResult result = quantizer.quantize(model, amax(model, quantizer));
        ModelProto q = result.model();

        assertThat(result.report().foldedScaleShifts()).containsExactly("lab_mul", "post_mul", "lab_add", "post_add");
        assertThat(nodes(q, "Add")).isEmpty();
        // h's Q takes the shift's whole steps in its zero point; its DQ keeps the grid's
        NodeProto hq = quantizeOf(q, "h");
        float step = floats(q, hq.getInput(1))[0];
        int moved = TensorValues.uint8Value(tensor(q, hq.getInput(2)))
                - TensorValues.uint8Value(tensor(q, dequantizeAfter(q, hq).getInput(2)));
        assertThat(moved).isEqualTo(Math.round(-0.3f / 0.6f / step)).isNotZero();
        OrtOptimizedGraph fused = OrtOptimizedGraph.of(q);
        assertThat(integerConvs(fused)).isEqualTo(2);
        assertThat(fused.floatKernels()).isEmpty();
        assertCloseToFp32(model, q, 0.03);

        QdqQuantizer unfolded = new QdqQuantizer(ORT.toBuilder().foldBatchNorm(false).build());
        assertThat(nodes(unfolded.quantize(model, amax(model, unfolded)).model(), "Add"))
                .extracting(NodeProto::getName).contains("post_add");
    }

    @Test
    void aScaleAfterTheHardSwishFoldsIntoTheNextConvAndItsRangeFollows() throws Exception {
        ModelProto model = lcNetBlock(true);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        assertThat(quantizer.requiredActivations(model)).containsExactlyInAnyOrder("x", "m", "p", "c2");
        Map<String, Float> amax = amax(model, quantizer);
        QuantizationResult result = quantizer.quantize(model, amax);
        ModelProto q = result.model();

        assertThat(result.report().foldedScaleShifts()).containsExactly("lab_mul", "post_mul", "lab_add");
        assertThat(nodes(q, "Mul")).isEmpty();
        assertThat(nodes(q, "Add")).extracting(NodeProto::getName).containsExactly("post_add");
        // p now holds h − 0.3/0.6, its recorded values divided by 0.6, so its grid's range is divided too.
        float expectedAmax = (float) (amax.get("p") * (1.0 / 0.6f));
        assertThat(floats(q, quantizeOf(q, "p").getInput(1))[0])
                .isEqualTo(OrtCpuQdqInserter.activationScale(expectedAmax, false));
        OrtOptimizedGraph fused = OrtOptimizedGraph.of(q);
        assertThat(integerConvs(fused)).isEqualTo(2);
        assertCloseToFp32(model, q, 0.03);

        // TensorRT fuses elementwise work itself: its layout keeps the scale before conv2.
        QdqQuantizer trt = new QdqQuantizer(QuantizationConfig.defaults());
        QuantizationResult t = trt.quantize(model, amax(model, trt));
        assertThat(t.report().foldedScaleShifts()).containsExactly("lab_mul", "lab_add");
        assertThat(nodes(t.model(), "Mul")).extracting(NodeProto::getName).contains("post_mul");
    }

    @Test
    void aConvLeftInFp32TakesItsShiftsAndAQuantizedOneDoesNot() throws Exception {
        ModelBuilder m = new ModelBuilder("dwshift", 13).input("x", TinyModels.RESIDUAL_INPUT).output("y")
                .initializer("wd", new long[] {4, 1, 3, 3}, gaussian(62, 36, 0.3))
                .initializer("wp", new long[] {2, 4, 1, 1}, gaussian(63, 8, 0.3))
                .constant("s", new long[] {1}, new float[] {1.5f})
                .constant("c", new long[] {1}, new float[] {0.02f}) // under a step: no zero point can take it
                .node("Conv", "depthwise", List.of("x", "wd"), List.of("d"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 4))
                .node("Mul", "mul", List.of("d", "s"), List.of("ds"))
                .node("Add", "add", List.of("ds", "c"), List.of("dc"))
                .node("Relu", "relu", List.of("dc"), List.of("r"))
                .node("Conv", "pointwise", List.of("r", "wp"), List.of("y"), ints("kernel_shape", 1, 1));
        ModelProto model = m.build();

        QdqQuantizer skipping = new QdqQuantizer(ORT.toBuilder().skipDepthwise(true).build());
        QuantizationResult kept = skipping.quantize(model, amax(model, skipping));
        assertThat(kept.report().foldedScaleShifts()).containsExactly("mul", "add");
        assertThat(nodes(kept.model(), "Add")).isEmpty();

        QdqQuantizer quantizing = new QdqQuantizer(ORT.toBuilder().skipDepthwise(false).build());
        QuantizationResult quantized = quantizing.quantize(model, amax(model, quantizing));
        assertThat(quantized.report().foldedScaleShifts()).containsExactly("mul");
        assertThat(nodes(quantized.model(), "Add")).extracting(NodeProto::getName).containsExactly("add");
        for (ModelProto q : List.of(kept.model(), quantized.model())) {
            BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "y"),
                    OrtRunner.runOnce(model, "x", SAMPLES.get(0), TinyModels.RESIDUAL_INPUT, "y"), 0.05);
        }
    }

    @Test
    void matMulBecomesMatMulIntegerToFloat() throws Exception {
        ModelProto model = TinyModels.matMul(13);
        ModelProto q = new QdqQuantizer(ORT).quantize(model, Map.of("x", 3f)).model();

        assertThat(OrtOptimizedGraph.of(q).count("com.microsoft:MatMulIntegerToFloat")).isEqualTo(1);
        assertThat(nodes(q, "QuantizeLinear")).extracting(n -> n.getInput(0)).containsExactly("x");
        float[] x = ModelBuilder.uniform(3, 32, -3, 3);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, new long[] {2, 16}, "y"),
                OrtRunner.runOnce(model, "x", x, new long[] {2, 16}, "y"), 0.03);
    }

    @Test
    void reducedRangeWeightsStayWithinPlusMinus64() {
        QdqQuantizer quantizer = new QdqQuantizer(ORT.toBuilder().reduceRange(true).build());
        QuantizationResult r = quantizer.quantize(TinyModels.matMul(13), Map.of("x", 1f));
        ModelProto q = r.model();

        NodeProto dq = producer(q, node(q, "mm").getInput(1));
        byte[] w = tensor(q, dq.getInput(0)).getRawData().toByteArray();
        int max = 0;
        for (byte v : w) {
            max = Math.max(max, Math.abs(v));
        }
        assertThat(max).isEqualTo(64); // each column's largest weight lands on the bound
        float[] wf = floats(TinyModels.matMul(13), "w");
        float col0 = 0;
        for (int k = 0; k < 16; k++) {
            col0 = Math.max(col0, Math.abs(wf[k * 6]));
        }
        assertThat(floats(q, dq.getInput(1))[0]).isEqualTo(col0 / 64);
        assertThat(r.report().summary()).contains("7-bit").contains("onnxruntime-cpu");
    }

    @Test
    void reducedRangeIsRefusedForTensorRt() {
        assertThatThrownBy(() -> QuantizationConfig.builder().reduceRange(true).build())
                .isInstanceOf(Trt4jException.class).hasMessageContaining("onnxruntime-cpu");
    }

    @Test
    void aMissingOutputRangeIsNamed() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        Map<String, Float> amax = new HashMap<>(amax(model, quantizer));
        amax.remove("bn2_out");

        assertThatThrownBy(() -> quantizer.quantize(model, amax)).isInstanceOf(Trt4jException.class)
                .hasMessage("no activation range for tensor 'bn2_out' (input of output of Conv 'conv2')");
    }

    @Test
    void aBiasTooLargeForInt32WidensItsChannelsWeightScale() throws Exception {
        // Channel 1 has weights of 1e-9 and a bias of 10: at input scale × weight scale the bias would be ~1e12.
        float[] w = gaussian(50, 2 * 3 * 9, 0.3);
        for (int k = 27; k < 54; k++) {
            w[k] = 1e-9f;
        }
        ModelProto model = new ModelBuilder("bias", 13).input("x", 1, 3, 4, 4).output("y")
                .initializer("w", new long[] {2, 3, 3, 3}, w).initializer("b", new long[] {2}, new float[] {0.5f, 10f})
                .node("Conv", "conv", List.of("x", "w", "b"), List.of("c"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", List.of("c"), List.of("y2"))
                .node("Sigmoid", "sig", List.of("y2"), List.of("y")).build();
        Map<String, Float> amax = Map.of("x", 1f, "y2", 12f);
        ModelProto q = new QdqQuantizer(ORT).quantize(model, amax).model();

        NodeProto bDq = producer(q, node(q, "conv").getInput(2));
        int[] b = ints32(tensor(q, bDq.getInput(0)));
        float[] bScale = floats(q, bDq.getInput(1));
        assertThat(Math.abs((long) b[1])).isLessThan(Integer.MAX_VALUE);
        assertThat((double) b[1] * bScale[1]).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-3));
        float[] x = ModelBuilder.uniform(4, 48, -1, 1);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(q, "x", x, new long[] {1, 3, 4, 4}, "y"),
                OrtRunner.runOnce(model, "x", x, new long[] {1, 3, 4, 4}, "y"), 0.01);
    }

    @Test
    void depthwiseConvsStayFp32WhenAskedAndGroupedOnesAreNotDepthwise() {
        ModelBuilder m = new ModelBuilder("dw", 13).input("x", 1, 4, 6, 6).output("y")
                .initializer("wd", new long[] {4, 1, 3, 3}, gaussian(60, 36, 0.3))
                .initializer("wg", new long[] {4, 2, 3, 3}, gaussian(61, 72, 0.3))
                .node("Conv", "depthwise", List.of("x", "wd"), List.of("d"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 4))
                .node("Conv", "grouped", List.of("d", "wg"), List.of("y"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 2));
        QdqQuantizer quantizer = new QdqQuantizer(ORT.toBuilder().skipDepthwise(true).build());

        QuantizationReport report = quantizer.quantize(m.build(), Map.of("d", 2f)).report();

        assertThat(report.excludedNodes()).containsExactly("depthwise");
        assertThat(report.quantizedNodes()).containsExactly("grouped");
        assertThat(new QdqQuantizer(ORT).requiredActivations(m.build())).containsExactly("x", "d");
    }

    @Test
    void excludingADepthwiseConvThatIsSkippedAnywayIsAnError() {
        ModelBuilder m = new ModelBuilder("dw", 13).input("x", 1, 4, 6, 6).output("y")
                .initializer("wd", new long[] {4, 1, 3, 3}, gaussian(60, 36, 0.3))
                .initializer("wg", new long[] {4, 2, 3, 3}, gaussian(61, 72, 0.3))
                .node("Conv", "depthwise", List.of("x", "wd"), List.of("d"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 4))
                .node("Conv", "grouped", List.of("d", "wg"), List.of("y"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 2));
        QuantizationConfig.Builder skipping = ORT.toBuilder().skipDepthwise(true);

        assertThatThrownBy(() -> new QdqQuantizer(skipping.excludeNode("depthwise").build())
                .requiredActivations(m.build())).isInstanceOf(Trt4jException.class)
                .hasMessage("exclusion 'depthwise' matches only nodes that are not quantized anyway "
                        + "(depthwise Conv ×1), so it changes nothing");
        // Without the skip the same exclusion keeps a Conv in FP32 that would otherwise be quantized.
        assertThat(new QdqQuantizer(ORT.toBuilder().skipDepthwise(false).excludeNode("depthwise").build())
                .quantize(m.build(), Map.of("d", 2f)).report().excludedNodes()).containsExactly("depthwise");
    }

    @Test
    void aFp32ConvBetweenDequantizeAndQuantizeIsNamedAsOneOnnxRuntimeQuantizesItself() {
        // conv1 → Relu → depthwise (skipped) → Relu → conv3 → pool: the depthwise Conv reads conv1's dequantized
        // output and its Relu feeds conv3's Q, which is the pattern ONNX Runtime quantizes and fuses on its own.
        ModelBuilder sandwiched = new ModelBuilder("sandwich", 13).input("x", 1, 4, 6, 6).output("y")
                .initializer("w1", new long[] {4, 4, 1, 1}, gaussian(70, 16, 0.4))
                .initializer("wd", new long[] {4, 1, 3, 3}, gaussian(71, 36, 0.3))
                .initializer("bd", new long[] {4}, gaussian(72, 4, 0.1))
                .initializer("w3", new long[] {4, 4, 1, 1}, gaussian(73, 16, 0.4))
                .node("Conv", "conv1", List.of("x", "w1"), List.of("c1"), ints("kernel_shape", 1, 1))
                .node("Relu", "relu1", List.of("c1"), List.of("r1"))
                .node("Conv", "depthwise", List.of("r1", "wd", "bd"), List.of("d"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 4))
                .node("Relu", "relu2", List.of("d"), List.of("r2"))
                .node("Conv", "conv3", List.of("r2", "w3"), List.of("c3"), ints("kernel_shape", 1, 1))
                .node("GlobalAveragePool", "pool", List.of("c3"), List.of("y"));
        QdqQuantizer quantizer = new QdqQuantizer(ORT.toBuilder().skipDepthwise(true).build());
        QuantizationResult r = quantizer.quantize(sandwiched.build(), Map.of("x", 3f, "r1", 2f, "r2", 2f,
                "c3", 2f));

        assertThat(r.report().excludedNodes()).containsExactly("depthwise");
        assertThat(OrtImplicitQuantization.fusedFloatConvs(r.model())).containsExactly("depthwise");
        // What is named is what ONNX Runtime does: three integer Convs where two were planned, no float Conv left.
        OrtOptimizedGraph fused = OrtOptimizedGraph.of(r.model());
        assertThat(integerConvs(fused)).isEqualTo(3);
        assertThat(fused.floatKernels()).isEmpty();
    }

    @Test
    void aFp32ConvThatReadsNoDequantizeLinearStaysFloatInOnnxRuntime() {
        // The depthwise Conv reads the graph input, which is not quantized while it is skipped.
        ModelBuilder m = new ModelBuilder("dw", 13).input("x", 1, 4, 6, 6).output("y")
                .initializer("wd", new long[] {4, 1, 3, 3}, gaussian(60, 36, 0.3))
                .initializer("wg", new long[] {4, 2, 3, 3}, gaussian(61, 72, 0.3))
                .node("Conv", "depthwise", List.of("x", "wd"), List.of("d"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 4))
                .node("Conv", "grouped", List.of("d", "wg"), List.of("y"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ModelBuilder.integer("group", 2));
        ModelProto q = new QdqQuantizer(ORT.toBuilder().skipDepthwise(true).build())
                .quantize(m.build(), Map.of("d", 2f)).model();

        assertThat(OrtImplicitQuantization.fusedFloatConvs(q)).isEmpty();
        OrtOptimizedGraph fused = OrtOptimizedGraph.of(q);
        assertThat(fused.floatKernels()).isNotEmpty();
    }

    @Test
    void targetsAreNamedAsOnTheCommandLine() {
        assertThat(QuantizationTarget.byName("ONNXRuntime-CPU")).isEqualTo(QuantizationTarget.ONNXRUNTIME_CPU);
        assertThat(QuantizationTarget.byName("tensorrt")).isEqualTo(QuantizationTarget.TENSORRT);
        assertThatThrownBy(() -> QuantizationTarget.byName("openvino")).isInstanceOf(InvalidOptionException.class)
                .hasMessage("unknown quantization target 'openvino'; use tensorrt or onnxruntime-cpu");
    }

    private static NodeProto producer(ModelProto m, String tensor) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing produces " + tensor));
    }

    private static void assertUint8(ModelProto m, String name, int value) {
        TensorProto zp = tensor(m, name);
        assertThat(zp.getDataType()).isEqualTo(TensorProto.DataType.UINT8_VALUE);
        assertThat(zp.getDimsList()).isEmpty();
        assertThat(Byte.toUnsignedInt(zp.getRawData().byteAt(0))).isEqualTo(value);
    }

    private static int[] ints32(TensorProto t) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }

    /** The QLinearConv nodes in ONNX Runtime's optimized graph, in either of the domains it writes them in. */
    private static int integerConvs(OrtOptimizedGraph fused) {
        return fused.count("com.microsoft:QLinearConv") + fused.count("QLinearConv");
    }

    /** Asserts that {@code q}'s output {@code y} stays within {@code bound} of {@code model}'s on every sample. */
    private static void assertCloseToFp32(ModelProto model, ModelProto q, double bound) throws Exception {
        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner int8 = new OrtRunner(q)) {
            for (float[] x : SAMPLES) {
                BatchNormFolderTest.assertClose(int8.run("x", x, TinyModels.RESIDUAL_INPUT, "y"),
                        fp32.run("x", x, TinyModels.RESIDUAL_INPUT, "y"), bound);
            }
        }
    }

    @Test
    void aWeightChannelWhoseScaleUnderflowsGetsScaleOneNotZero() throws Exception {
        // MatMul weight [4, 2]: output channel 0 ordinary, channel 1 of values near 1.7e-44 (amax / 64 underflows)
        float[] w = {0.5f, 1.7e-44f, -0.25f, -1.7e-44f, 0.75f, 1.4e-44f, -1f, 0f};
        ModelProto model = new ModelBuilder("tiny-channel", 13).input("x", 2, 4).output("y")
                .initializer("w", new long[] {4, 2}, w)
                .node("MatMul", "mm", List.of("x", "w"), List.of("y")).build();
        QdqQuantizer quantizer = new QdqQuantizer(ORT);
        Map<String, Float> amax = new HashMap<>();
        quantizer.requiredActivations(model).forEach(t -> amax.put(t, 1f));

        ModelProto q = quantizer.quantize(model, amax).model();

        // the weight is stored as int8 behind a DequantizeLinear with one scale per output channel
        float[] scales = nodes(q, "DequantizeLinear").stream().map(n -> floats(q, n.getInput(1)))
                .filter(f -> f.length == 2).findFirst().orElseThrow();
        assertThat(scales[0]).isEqualTo(1f / 64);
        assertThat(scales[1]).isEqualTo(1f);
    }
}
