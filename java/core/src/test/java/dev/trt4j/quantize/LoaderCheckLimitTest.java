package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoaderCheckLimitTest {
    private static NodeProto relu() {
        return NodeProto.newBuilder().setOpType("Relu").addInput("a").addOutput("b").build();
    }

    /** ONNX Runtime loads the bodies and the local functions too, so they count. */
    @Test
    void countsTheNodesOfBodiesAndLocalFunctions() {
        GraphProto branch = GraphProto.newBuilder().addNode(relu()).addNode(relu()).build();
        NodeProto ifNode = NodeProto.newBuilder().setOpType("If").addInput("c").addOutput("d")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(branch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setG(branch)).build();
        NodeProto scan = NodeProto.newBuilder().setOpType("Scan")
                .addAttribute(AttributeProto.newBuilder().setName("body")
                        .setG(GraphProto.newBuilder().addNode(ifNode))).build();
        ModelProto model = ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addNode(relu()).addNode(scan))
                .addFunctions(FunctionProto.newBuilder().setName("f").addNode(relu()).addNode(ifNode)).build();

        // main graph 2, Scan's body 1 + the If's branches 4, the function 2 + 4
        assertThat(LoaderCheckLimit.nodes(model)).isEqualTo(13);
        assertThat(LoaderCheckLimit.exceeded(model)).isFalse();
    }
}
