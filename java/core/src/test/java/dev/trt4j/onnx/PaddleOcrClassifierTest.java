package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.tensor.ElementType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real PP-OCR text-direction classifier: every weight sits in a Constant node. */
class PaddleOcrClassifierTest {
    @TempDir
    static Path dir;
    static Path file;
    static OnnxModel model;

    @BeforeAll
    static void load() {
        file = TestModels.ppocrClassifier(dir);
        model = OnnxModel.load(file);
    }

    @Test
    void describesTheModel() {
        assertThat(model.opset()).isEqualTo(11);
        assertThat(model.inputs()).hasSize(1);
        assertThat(model.inputs().get(0).name()).isEqualTo("x");
        assertThat(model.inputs().get(0).type()).isEqualTo(ElementType.FLOAT32);
        assertThat(model.inputs().get(0).dims()).containsExactly(-1, 3, -1, -1);
        assertThat(model.outputs()).hasSize(1);
        assertThat(model.outputs().get(0).dims()).containsExactly(-1, 2);
        assertThat(model.operatorCounts()).containsEntry("Conv", 53).containsEntry("MatMul", 1);
    }

    @Test
    void findsTheWeightsInConstantNodes() throws Exception {
        assertThat(model.proto().getGraph().getInitializerCount()).isZero();
        assertThat(model.weightNames()).hasSize(model.operatorCounts().get("Constant"));
        // models-and-data.md counts 101 weight-like constants: float tensors of 64 values or more
        long large = model.weightNames().stream().flatMap(n -> model.weight(n).stream())
                .filter(w -> w.elementCount() >= 64).count();
        assertThat(large).isEqualTo(101);
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("Conv")) {
                assertThat(model.weight(node.getInput(1)).orElseThrow().dims()).hasSize(4);
            }
        }
        // the file is little more than its float32 weights
        long bytes = Files.size(file);
        assertThat(model.parameterCount() * 4).isBetween((long) (bytes * 0.9), bytes);
    }

    @Test
    void selectsTheInputsOfConvolutionsAndMatMulForCalibration() {
        var quantizable = model.quantizableActivationTensors();
        assertThat(quantizable).startsWith("x").doesNotHaveDuplicates();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("Conv") || node.getOpType().equals("MatMul")) {
                assertThat(quantizable).contains(node.getInput(0));
            }
        }
        assertThat(quantizable).noneMatch(model::isConstant).allMatch(model::isFloatTensor);
        assertThat(model.allActivationTensors()).containsAll(quantizable).doesNotHaveDuplicates()
                .noneMatch(model::isConstant).allMatch(model::isFloatTensor)
                .hasSizeGreaterThan(quantizable.size());
    }

    @Test
    void summaryCountsEveryNode() {
        ModelSummary summary = ModelSummary.of(model);
        assertThat(summary.nodeCount()).isEqualTo(model.proto().getGraph().getNodeCount());
    }
}
