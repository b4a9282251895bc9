package dev.trt4j.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelSummaryTest {
    @TempDir
    Path dir;

    @Test
    void summarisesTheModel() {
        Path file = TestModels.write(TestModels.convNet(), dir, "conv.onnx");
        OnnxModel model = OnnxModel.load(file);

        ModelSummary summary = ModelSummary.of(model);

        assertThat(summary.path()).isEqualTo(file);
        assertThat(summary.sha256()).isEqualTo(model.sha256());
        assertThat(summary.producer()).isEqualTo("trt4j-test");
        assertThat(summary.irVersion()).isEqualTo(8);
        assertThat(summary.opset()).isEqualTo(13);
        assertThat(summary.nodeCount()).isEqualTo(8);
        assertThat(summary.weightCount()).isEqualTo(5);
        assertThat(summary.parameterCount()).isEqualTo(119);
        assertThat(summary.quantizableActivationTensors()).containsExactly("x", "f", "m");
        assertThat(summary.allActivationTensors()).hasSize(6);
    }

    @Test
    void namesHoldingControlCharactersStayOnTheirLine() {
        ai.onnx.proto.OnnxMl.ModelProto model = new TestGraph().input("in put:0\nx", TestGraph.FLOAT, 1)
                .output("y\u0000", TestGraph.FLOAT, 1)
                .node("Relu", java.util.List.of("in put:0\nx"), java.util.List.of("y\u0000")).build(13);

        String text = ModelSummary.of(OnnxModel.load(TestModels.write(model, dir, "odd.onnx"))).toText(false);

        assertThat(text.lines()).contains("inputs     in put:0\\u000ax FLOAT32 [1]", "outputs    y\\u0000 FLOAT32 [1]");
        assertThat(text).doesNotContain("\u0000");
    }

    @Test
    void printsOneFactPerLine() {
        ModelSummary summary = ModelSummary.of(OnnxModel.load(TestModels.write(TestModels.convNet(), dir, "c.onnx")));

        String text = summary.toText(true);

        assertThat(text.lines()).contains(
                "inputs     x FLOAT32 [N,1,4,4]",
                "outputs    y FLOAT32 [N,3]",
                "producer   trt4j-test (IR 8, opset 13)",
                "operators  8 nodes: Constant 3, Add 1, Conv 1, MatMul 1, Relu 1, Reshape 1",
                "weights    5 tensors, 119 parameters");
        assertThat(text.lines().dropWhile(l -> !l.startsWith("explicit")).toList()).containsExactly(
                "explicit   x", "           f", "           m",
                "implicit   x", "           c", "           r", "           f", "           m", "           y");
        assertThat(text.lines().filter(l -> l.startsWith("calibrate"))).singleElement().asString()
                .startsWith("calibrate  3 tensors for explicit Q/DQ");
        assertThat(summary.toText(false)).doesNotContain("explicit   x");
    }
}
