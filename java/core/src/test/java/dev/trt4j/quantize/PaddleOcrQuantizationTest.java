package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.trt4j.quantize.QdqModels.nodes;
import static org.assertj.core.api.Assertions.assertThat;

/** The real PaddleOCR models: weights in Constant nodes, opset 11/12, BatchNorm everywhere. */
class PaddleOcrQuantizationTest {
    static ModelProto load(String resource) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                PaddleOcrQuantizationTest.class.getClassLoader().getResourceAsStream(resource), resource)) {
            return ModelProto.parseFrom(in);
        }
    }

    private static List<float[]> pixels(List<TextLines.Line> lines) {
        return lines.stream().map(TextLines.Line::pixels).toList();
    }

    @Test
    void directionClassifierQuantizedWithAMaxPassAgreesWithFp32() throws Exception {
        ModelProto model = load("models/ch_ppocr_mobile_v2.0_cls_infer.onnx");
        String output = model.getGraph().getOutput(0).getName();
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        List<String> needed = quantizer.requiredActivations(model);
        Map<String, Float> amax = OrtRunner.maxPass(model, "x", pixels(TextLines.render(1, 16)), TextLines.SHAPE,
                needed);

        QuantizationResult result = quantizer.quantize(model, amax);
        ModelProto q = result.model();

        long convs = nodes(model, "Conv").size();
        long matMuls = nodes(model, "MatMul").size();
        assertThat(QdqModels.opset(q)).isEqualTo(13);
        assertThat(result.report().quantizedWeights()).as("every Conv/MatMul weight, all in Constant nodes")
                .isEqualTo(convs + matMuls);
        assertThat(result.report().foldedBatchNorms()).hasSize(nodes(model, "BatchNormalization").size());
        assertThat(nodes(q, "BatchNormalization")).isEmpty();
        assertThat(nodes(q, "QuantizeLinear")).hasSize(needed.size() + (int) (convs + matMuls));
        assertThat(result.report().residualAdds()).isNotEmpty();
        for (String add : result.report().residualAdds()) {
            NodeProto n = QdqModels.node(q, add);
            assertThat(n.getInputList()).as(add).anyMatch(i -> i.endsWith("_dequantized"));
        }

        List<TextLines.Line> test = TextLines.render(2, 32);
        int fp32Correct = 0;
        int int8Correct = 0;
        int agree = 0;
        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner int8 = new OrtRunner(q)) {
            for (TextLines.Line line : test) {
                boolean e = argmaxIsOne(fp32.run("x", line.pixels(), TextLines.SHAPE, output));
                boolean a = argmaxIsOne(int8.run("x", line.pixels(), TextLines.SHAPE, output));
                fp32Correct += e == line.rotated() ? 1 : 0;
                int8Correct += a == line.rotated() ? 1 : 0;
                agree += e == a ? 1 : 0;
            }
        }
        assertThat(fp32Correct).as("the rendered lines are meaningful to the FP32 model").isGreaterThanOrEqualTo(29);
        assertThat(agree).as("INT8 argmax agrees with FP32").isGreaterThanOrEqualTo(29);
        assertThat(int8Correct).isGreaterThanOrEqualTo(fp32Correct - 2);
    }

    private static boolean argmaxIsOne(float[] softmax) {
        return softmax[1] > softmax[0];
    }

    @Test
    void recognizerAtOpset12IsRaisedQuantizedAndReadsTheSameText() throws Exception {
        ModelProto model = load("models/ch_PP-OCRv4_rec_infer.onnx");
        String output = model.getGraph().getOutput(0).getName();
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        List<TextLines.Line> upright = new ArrayList<>();
        for (TextLines.Line l : TextLines.render(3, 16)) {
            if (!l.rotated()) {
                upright.add(l);
            }
        }
        Map<String, Float> amax = OrtRunner.maxPass(model, "x", pixels(upright.subList(0, 4)), TextLines.SHAPE,
                quantizer.requiredActivations(model));

        QuantizationResult result = quantizer.quantize(model, amax);

        assertThat(result.report().sourceOpset()).isEqualTo(12);
        assertThat(QdqModels.opset(result.model())).isEqualTo(13);
        assertThat(nodes(result.model(), "Squeeze")).allMatch(n -> n.getAttributeList().stream()
                .noneMatch(a -> a.getName().equals("axes")));
        int edits = 0;
        int characters = 0;
        List<TextLines.Line> test = upright.subList(4, 8);
        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner int8 = new OrtRunner(result.model())) {
            for (TextLines.Line line : test) {
                List<Integer> expected = ctcGreedy(fp32.run("x", line.pixels(), TextLines.SHAPE, output));
                List<Integer> actual = ctcGreedy(int8.run("x", line.pixels(), TextLines.SHAPE, output));
                assertThat(expected).as("FP32 reads something").hasSizeGreaterThan(5);
                edits += editDistance(expected, actual);
                characters += expected.size();
            }
        }
        assertThat((double) edits / characters).as("character error rate of INT8 against FP32")
                .isLessThanOrEqualTo(0.1);
    }

    private static int editDistance(List<Integer> a, List<Integer> b) {
        int[] row = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int up = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
                        diagonal + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1));
                diagonal = up;
            }
        }
        return row[b.size()];
    }

    /** Best class per time step, repeats merged and blanks (class 0) dropped. */
    private static List<Integer> ctcGreedy(float[] probabilities) {
        int classes = 6625;
        List<Integer> text = new ArrayList<>();
        int previous = -1;
        for (int t = 0; t < probabilities.length / classes; t++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (probabilities[t * classes + k] > probabilities[t * classes + best]) {
                    best = k;
                }
            }
            if (best != 0 && best != previous) {
                text.add(best);
            }
            previous = best;
        }
        return text;
    }
}
