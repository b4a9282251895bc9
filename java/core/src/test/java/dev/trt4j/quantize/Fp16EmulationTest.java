package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.platform.Fp16Conversions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static org.assertj.core.api.Assertions.assertThat;

class Fp16EmulationTest {
    private static final long[] SHAPE = {4, 16};

    /** x → Relu → Sigmoid → y, converted to FP16 (casts at the input and output). */
    private static ModelProto fp16Model() {
        ModelProto fp32 = new ModelBuilder("act", 17).input("x", SHAPE).output("y")
                .node("Relu", "relu", List.of("x"), List.of("r"))
                .node("Sigmoid", "sigmoid", List.of("r"), List.of("y")).build();
        return new Fp16Converter().convert(fp32).model();
    }

    private static float half(float v) {
        return Fp16Conversions.fp16ToFloat(Fp16Conversions.floatToFp16(v));
    }

    @Test
    void everyFp16TensorIsRoundedWhereOnnxRuntimeAloneWouldNotRoundIt() throws Exception {
        ModelProto model = fp16Model();
        ModelProto emulated = Fp16Emulation.emulate(model);
        float[] x = gaussian(3, 64, 2.0);

        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float r = half(Math.max(0f, half(x[i])));
            expected[i] = half((float) (1 / (1 + Math.exp(-r))));
        }
        float[] actual = OrtRunner.runOnce(emulated, "x", x, SHAPE, "y");
        float[] plain = OrtRunner.runOnce(model, "x", x, SHAPE, "y");

        assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-7f));
        // ONNX Runtime's CPU has no FP16 Relu or Sigmoid: it computes both in FP32 and drops the casts around them.
        assertThat(plain).isNotEqualTo(actual);
        assertThat(Fp16Emulation.computesInFp16(model)).isTrue();
        assertThat(Fp16Emulation.computesInFp16(emulated)).as("everything computes in FP32 now").isFalse();
        for (NodeProto n : emulated.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Cast")) {
                assertThat(n.getOutput(0)).as(n.getName()).endsWith("_fp32");
            }
        }
    }

    @Test
    void anFp32ModelIsNotFp16() {
        ModelProto fp32 = new ModelBuilder("act", 17).input("x", SHAPE).output("y")
                .node("Relu", "relu", List.of("x"), List.of("y")).build();

        assertThat(Fp16Emulation.computesInFp16(fp32)).isFalse();
        assertThat(Fp16Emulation.emulate(fp32)).as("returned as it is").isSameAs(fp32);
    }
}
