package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ControlFlowTest {
    private static final String IF_NOTE = "If node(s), whose branches are not calibrated or converted until folded"
            + " (trt4j convert --fix-input NAME=VALUE and/or --fix-shapes SPEC)";
    private static final String LOOP_NOTE = "Loop/Scan node(s), whose bodies are never calibrated or converted";

    @Test
    void onlyIfBranchesArePromisedAFold() {
        assertThat(ControlFlow.bodiesNote(graph("If", "Relu"))).isEqualTo("1 " + IF_NOTE);
        // convert folds If nodes only, so a Loop or Scan must not be sent there
        assertThat(ControlFlow.bodiesNote(graph("Loop", "Scan"))).isEqualTo("2 " + LOOP_NOTE);
        assertThat(ControlFlow.bodiesNote(graph("If", "Loop", "If"))).isEqualTo("2 " + IF_NOTE + "; 1 " + LOOP_NOTE);
        assertThat(ControlFlow.bodiesNote(graph("Relu"))).isEmpty();
    }

    /** A graph of one node per op type; every If, Loop and Scan holds a (trivial) body. */
    private static GraphProto graph(String... ops) {
        GraphProto.Builder g = GraphProto.newBuilder();
        GraphProto body = GraphProto.newBuilder().setName("body").build();
        for (String op : ops) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op);
            if (!op.equals("Relu")) {
                n.addAttribute(AttributeProto.newBuilder().setName("body").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(body));
            }
            g.addNode(n);
        }
        return g.build();
    }
}
