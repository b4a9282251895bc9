package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeSelectionTest {
    /** conv1 → Relu (unnamed, so Relu#1) → conv2 → head/MatMul. */
    private static GraphProto graph() {
        return new ModelBuilder("select", 13).input("x", new long[] {1, 4}).output("y")
                .initializer("w", new long[] {4, 4}, new float[16])
                .node("MatMul", "conv1", List.of("x", "w"), List.of("a"))
                .node("Relu", "", List.of("a"), List.of("b"))
                .node("MatMul", "conv2", List.of("b", "w"), List.of("c"))
                .node("MatMul", "head/MatMul", List.of("c", "w"), List.of("y"))
                .build().getGraph();
    }

    @Test
    void valuesAreNamesThenOperatorTypesThenPatterns() {
        NodeSelection s = NodeSelection.parse(graph(), List.of("conv2", "Relu#1", "Relu", "^conv"));
        assertThat(s.nodes()).containsExactly("conv2", "Relu#1");
        assertThat(s.opTypes()).containsExactly("Relu");
        assertThat(s.patterns()).containsExactly("^conv");
        assertThat(s.select(graph())).containsExactly("conv1", "Relu#1", "conv2");
        assertThat(NodeSelection.parse(graph(), List.of("MatMul")).select(graph()))
                .containsExactly("conv1", "conv2", "head/MatMul");
    }

    @Test
    void aValueThatPicksNothingIsRefusedAsATypo() {
        assertThatThrownBy(() -> NodeSelection.parse(graph(), List.of("conv3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'conv3' matches no node name, operator type or node-name pattern");
        assertThatThrownBy(() -> NodeSelection.parse(graph(), List.of("head/(")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'head/(' is no node name or operator type, and not a valid regular "
                        + "expression: ");
        assertThatThrownBy(() -> NodeSelection.parse(graph(), List.of("conv1", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("' ' is empty, which as a pattern would select every node; give a node name, an operator "
                        + "type or a pattern ('.' selects every node)");
        assertThatThrownBy(() -> new NodeSelection(List.of(), List.of(), List.of("[")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'[' is not a valid regular");
        assertThatThrownBy(() -> NodeSelection.ofNodes(Set.of("nope", "conv1")).requireEachSelects(graph(), "to keep"))
                .isInstanceOf(Trt4jException.class).hasMessage("node 'nope' to keep does not exist in the model");
    }

    @Test
    void withNodesAddsNamesOnce() {
        NodeSelection s = NodeSelection.ofNodes(Set.of("conv1")).withNodes(List.of("conv1", "conv2"));
        assertThat(s.nodes()).containsExactly("conv1", "conv2");
        assertThat(NodeSelection.NONE.isEmpty()).isTrue();
        assertThat(s.isEmpty()).isFalse();
    }
}
