package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperatorCheckTest {
    /** x [1, 8, 4, 4] → ReorderInput → ReorderOutput → y, as ONNX Runtime saves a model in its blocked layout. */
    private static ModelProto blockedLayoutModel() {
        String nchwc = "com.microsoft.nchwc";
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(nchw("x")).addOutput(nchw("y"))
                .addNode(NodeProto.newBuilder().setOpType("ReorderInput").setDomain(nchwc).setName("in")
                        .addInput("x").addOutput("b"))
                .addNode(NodeProto.newBuilder().setOpType("ReorderOutput").setDomain(nchwc).setName("out")
                        .addInput("b").addOutput("y").addAttribute(AttributeProto.newBuilder().setName("channels")
                                .setType(AttributeProto.AttributeType.INT).setI(8)))
                .build();
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(nchwc).setVersion(1)).setGraph(g).build();
    }

    private static ValueInfoProto nchw(String name) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 8, 4, 4}) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    @Test
    void onnxRuntimesOwnBlockedLayoutNodesAreNoPlugins() {
        assertThat(OperatorCheck.require(blockedLayoutModel(), "nchwc.onnx", "--runtime onnxruntime-cpu")).isEmpty();
    }

    @Test
    void refusesAGraphOnnxRuntimeFindsBroken() {
        // Relu reads its own output: a cycle, which quantize or convert would otherwise write out unchanged
        ModelProto cycle = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInput(nchw("x")).addOutput(nchw("y"))
                        .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("b")
                                .addOutput("y"))
                        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("y")
                                .addOutput("b")))
                .build();

        assertThatThrownBy(() -> OperatorCheck.require(cycle, "cycle.onnx", null))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("cycle.onnx: ONNX Runtime refuses the model: ")
                .hasMessageContaining("not acyclic").hasMessageNotContaining("\n");
        ModelProto tooNew = cycle.toBuilder().setIrVersion(100).build();
        assertThatThrownBy(() -> OperatorCheck.require(tooNew, "new.onnx", null))
                .hasMessageContaining("Unsupported model IR version: 100");
    }

    /** Quantize and convert wrote such models out with exit 0; calibrate and bench refused them. */
    @Test
    void aWrittenModelIsJudgedByEveryRefusal() {
        // an Add of a float and a float16 tensor, the kind of graph a faulty FP16 conversion writes: the check of
        // a model read lets it through to the steps that name its problem, a model about to be written is refused
        ModelProto mixed = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInput(nchw("x")).addOutput(nchw("y"))
                        .addNode(NodeProto.newBuilder().setOpType("Cast").setName("half").addInput("x")
                                .addOutput("h").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                                        .setName("to").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                                        .setI(10)))
                        .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("h")
                                .addOutput("y")))
                .build();

        assertThat(OperatorCheck.require(mixed, "mixed.onnx", null)).isEmpty();
        assertThat(OperatorCheck.loadRefusal(mixed)).hasValueSatisfying(why -> assertThat(why).contains("add"));
        assertThat(OperatorCheck.loadRefusal(blockedLayoutModel())).isEmpty();
    }

    @Test
    void refusesANodeWithoutAnOperatorAndContradictoryShapes() {
        ModelProto noOperator = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInput(nchw("x")).addOutput(nchw("y"))
                        .addNode(NodeProto.newBuilder().setName("blank").addInput("x").addOutput("y")))
                .build();
        assertThatThrownBy(() -> OperatorCheck.require(noOperator, "blank.onnx", null))
                .hasMessageStartingWith("blank.onnx: ONNX Runtime refuses the model: ")
                .hasMessageContaining("'op_type' of 'node' is required to be non-empty");

        // x [1, 4] times a weight [5, 4]: the weight's shape is known without its values
        ai.onnx.proto.OnnxMl.TensorProto.Builder w = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w")
                .setDataType(1).addDims(5).addDims(4);
        for (int i = 0; i < 20; i++) {
            w.addFloatData(i);
        }
        ModelProto badMatMul = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInput(matrix("x", 1, 4)).addOutput(matrix("y", 1, 4))
                        .addInitializer(w)
                        .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                                .addOutput("y")))
                .build();
        assertThatThrownBy(() -> OperatorCheck.require(badMatMul, "mm.onnx", null))
                .hasMessageStartingWith("mm.onnx: ONNX Runtime refuses the model: ")
                .hasMessageContaining("Incompatible dimensions for matrix multiplication");
        // a TensorRT plugin beside it does not hide the contradiction (the check cuts plugin nodes out)
        ModelProto withPlugin = badMatMul.toBuilder().setGraph(badMatMul.getGraph().toBuilder()
                .setOutput(0, matrix("z", 1, 4)).addNode(NodeProto.newBuilder().setOpType("MyPlugin")
                        .setDomain("my.plugins").setName("plugin").addInput("y").addOutput("z"))).build();
        assertThatThrownBy(() -> OperatorCheck.require(withPlugin, "mm.onnx", null))
                .hasMessageContaining("Incompatible dimensions for matrix multiplication");
        // the same MatMul with a weight that fits passes
        ModelProto fits = badMatMul.toBuilder().setGraph(badMatMul.getGraph().toBuilder().setInitializer(0,
                w.setDims(0, 4))).build();
        assertThat(OperatorCheck.require(fits, "mm.onnx", null)).isEmpty();
    }

    /**
     * Resize at opset 13 with an empty {@code scales} beside {@code sizes}, as tf2onnx writes it and as an opset-11
     * export raised to 13 has it: valid, though the graph checked without a weight's value would not show that
     * {@code scales} is empty (a large weight elsewhere keeps the check's shortcut in play).
     */
    @Test
    void aResizeWithEmptyScalesBesideItsSizesPasses() {
        ai.onnx.proto.OnnxMl.TensorProto.Builder empty = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setDataType(1)
                .addDims(0);
        ai.onnx.proto.OnnxMl.TensorProto.Builder sizes = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("sizes")
                .setDataType(7).addDims(4).addInt64Data(1).addInt64Data(8).addInt64Data(8).addInt64Data(8);
        ai.onnx.proto.OnnxMl.TensorProto.Builder big = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("big")
                .setDataType(1).addDims(100_000);
        for (int i = 0; i < 100_000; i++) {
            big.addFloatData(i);
        }
        ModelProto resize = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInput(nchw("x"))
                        .addOutput(ValueInfoProto.newBuilder().setName("y")).addOutput(ValueInfoProto.newBuilder()
                                .setName("z"))
                        .addInitializer(empty.clone().setName("roi")).addInitializer(empty.clone().setName("scales"))
                        .addInitializer(sizes).addInitializer(big)
                        .addNode(NodeProto.newBuilder().setOpType("Resize").setName("rs").addInput("x").addInput("roi")
                                .addInput("scales").addInput("sizes").addOutput("y"))
                        .addNode(NodeProto.newBuilder().setOpType("Neg").setName("neg").addInput("big")
                                .addOutput("z")))
                .build();

        assertThat(OperatorCheck.require(resize, "resize.onnx", null)).isEmpty();
    }

    private static ValueInfoProto matrix(String name, long rows, long columns) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(rows))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))))).build();
    }
}
