package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.onnx.TestGraph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A spectrum scaled by 2^20 before a logarithm, as Silero VAD v4 computes it: FP16 overflows unless kept FP32. */
class Fp16RangeCheckTest {
    private static ModelProto scaledLog() {
        return new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 4)
                .initializer("big", new long[] {}, 1048576f)
                .initializer("one", new long[] {}, 1f)
                .node("Relu", List.of("x"), List.of("r"))
                .node("Mul", List.of("r", "big"), List.of("scaled"))
                .node("Add", List.of("scaled", "one"), List.of("shifted"))
                .node("Log", List.of("shifted"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 4)
                .build(13);
    }

    @Test
    void nodesReadingOrWritingValuesBeyondFp16AreNamedWithTheirWorstTensor() {
        Map<String, Float> absMax = Map.of("x", 16f, "r", 16f, "scaled", 1.6777216e7f, "shifted", 1.6777216e7f,
                "y", 16.6f);

        assertThat(Fp16RangeCheck.beyond(scaledLog(), absMax, Fp16RangeCheck.FP16_MAX)).containsExactly(
                new Fp16RangeCheck.Finding("Mul_1", "scaled", 1.6777216e7f),
                new Fp16RangeCheck.Finding("Add_2", "scaled", 1.6777216e7f),
                new Fp16RangeCheck.Finding("Log_3", "shifted", 1.6777216e7f));
        assertThat(Fp16RangeCheck.beyond(scaledLog(), Map.of("x", 16f), Fp16RangeCheck.FP16_MAX)).isEmpty();
    }

    @Test
    void keptInFp32TheConvertedModelComputesWhatFp16AloneCannot() throws Exception {
        ModelProto model = scaledLog();
        List<String> keep = Fp16RangeCheck.beyond(model, Map.of("scaled", 1.6e7f, "shifted", 1.6e7f),
                Fp16RangeCheck.FP16_MAX).stream().map(Fp16RangeCheck.Finding::node).toList();
        ModelProto plain = new Fp16Converter().convert(model).model();
        ModelProto checked = new Fp16Converter(Fp16Converter.DEFAULT_FP32_OP_TYPES, Set.copyOf(keep)).convert(model)
                .model();
        float[] x = {1, 2, 8, 16};
        long[] shape = {1, 4};

        float[] fp32 = OrtRunner.runOnce(model, "x", x, shape, "y");
        float[] overflowed = OrtRunner.runOnce(Fp16Emulation.emulate(plain), "x", x, shape, "y");
        float[] kept = OrtRunner.runOnce(Fp16Emulation.emulate(checked), "x", x, shape, "y");

        assertThat(overflowed[3]).as("2^24 is infinite in FP16").isInfinite();
        for (int i = 0; i < 4; i++) {
            assertThat(kept[i]).isCloseTo(fp32[i], within(0.02f));
        }
    }
}
