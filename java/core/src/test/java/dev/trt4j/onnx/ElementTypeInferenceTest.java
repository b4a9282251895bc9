package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ElementTypeInferenceTest {
    /** A node reading a tensor nothing produces (a broken or hand-edited graph): its type is unknown, not a crash. */
    @Test
    void anUnknownFirstInputLeavesTheSameTypedOutputUnknownAndTypesTheRest() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("MaxPool").addInput("ghost").addOutput("pooled")
                        .addOutput("indices"))
                .addNode(NodeProto.newBuilder().setOpType("Dropout").addInput("ghost").addOutput("dropped")
                        .addOutput("mask"))
                .build();

        Map<String, Integer> types = ElementTypeInference.infer(g);

        assertThat(types).doesNotContainKeys("pooled", "dropped")
                .containsEntry("indices", DataType.INT64_VALUE)
                .containsEntry("mask", DataType.BOOL_VALUE);
    }
}
