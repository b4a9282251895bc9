package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Fp16ComputeCheckTest {
    /** w_h [16, 6] float16: 0.5 and -0.25 alternating. */
    private static TensorProto halfWeight(String name) {
        TensorProto.Builder half = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT16_VALUE)
                .addDims(16).addDims(6);
        for (int i = 0; i < 96; i++) {
            half.addInt32Data(i % 2 == 0 ? 0x3800 : 0xB400);
        }
        return half.build();
    }

    private static AttributeProto to(DataType type) {
        return AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                .setI(type.getNumber()).build();
    }

    private static NodeProto node(String op, String name, String... inOut) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String s : inOut) {
            if (s.startsWith(">")) {
                n.addOutput(s.substring(1));
            } else {
                n.addInput(s);
            }
        }
        return n.build();
    }

    /** The MatMul model whose weight is read through CastLike(w_h, like), {@code like} a scalar of {@code type}. */
    private static ModelProto castLike(DataType type) {
        ModelProto model = TinyModels.matMul(15);
        TensorProto like = TensorProto.newBuilder().setName("like").setDataType(type.getNumber())
                .addAllInt32Data(type == DataType.FLOAT16 ? java.util.List.of(0) : java.util.List.of())
                .addAllFloatData(type == DataType.FLOAT ? java.util.List.of(0f) : java.util.List.of()).build();
        GraphProto g = model.getGraph().toBuilder().clearInitializer().addInitializer(halfWeight("w_h"))
                .addInitializer(like).addNode(0, node("CastLike", "to_float", "w_h", "like", ">w")).build();
        return model.toBuilder().setGraph(g).build();
    }

    @Test
    void aFloat16WeightCastLikeAFloat32TensorIsStorageAndGetsQuantized() {
        ModelProto q = new QdqQuantizer(QuantizationConfig.defaults())
                .quantize(castLike(DataType.FLOAT), Map.of("x", 1f)).model();

        assertThat(q.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DequantizeLinear")).hasSize(2);
        assertThat(q.getGraph().getInitializerList()).filteredOn(t -> t.getDimsCount() == 1 && t.getDims(0) == 6
                && t.getDataType() == DataType.FLOAT_VALUE).singleElement()
                .satisfies(t -> assertThat(t.getFloatDataCount() > 0 ? t.getFloatData(0)
                        : ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getFloat())
                        .isEqualTo(0.5f / 127f));
    }

    @Test
    void aFloat16WeightCastLikeAFloat16TensorComputesInFp16() {
        assertThatThrownBy(() -> Fp16ComputeCheck.refuseFp16Compute(castLike(DataType.FLOAT16), "m"))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("model 'm' is FP16 (it computes with float16 weights such as 'w_h'); quantize the FP32 model");
    }

    /** An If whose branch casts x to float16 and multiplies it by a float16 weight held in the branch. */
    private static GraphProto ifWithHalfMatMul(boolean weightInBranch, boolean castWeightToFloat) {
        GraphProto.Builder branch = GraphProto.newBuilder().setName("then");
        if (weightInBranch) {
            branch.addInitializer(halfWeight("w_h"));
        }
        if (castWeightToFloat) {
            branch.addNode(NodeProto.newBuilder(node("Cast", "w_to_float", "w_h", ">w")).addAttribute(to(DataType.FLOAT)))
                    .addNode(node("MatMul", "mm", "x", "w", ">y_then"));
        } else {
            branch.addNode(NodeProto.newBuilder(node("Cast", "x_to_half", "x", ">x_h")).addAttribute(to(DataType.FLOAT16)))
                    .addNode(node("MatMul", "mm", "x_h", "w_h", ">y_h"))
                    .addNode(NodeProto.newBuilder(node("Cast", "y_to_float", "y_h", ">y_then")).addAttribute(to(DataType.FLOAT)));
        }
        branch.addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y_then"));
        GraphProto.Builder main = TinyModels.matMul(13).getGraph().toBuilder().clearNode();
        if (!weightInBranch) {
            main.addInitializer(halfWeight("w_h"));
        }
        TensorProto cond = TensorProto.newBuilder().setName("cond").setDataType(DataType.BOOL_VALUE).addInt32Data(1).build();
        return main.addInitializer(cond).addNode(NodeProto.newBuilder(node("If", "branch", "cond", ">y"))
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(branch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(branch))).build();
    }

    @Test
    void float16ComputeInsideABranchIsFp16WhereverTheWeightIsHeld() {
        for (boolean inBranch : new boolean[] {true, false}) {
            assertThatThrownBy(() -> Fp16ComputeCheck.refuseFp16Compute(model(ifWithHalfMatMul(inBranch, false)), "m"))
                    .as("weight in the branch: %s", inBranch).isInstanceOf(Trt4jException.class)
                    .hasMessageContaining("is FP16 (it computes with float16 weights such as 'w_h')");
        }
    }

    @Test
    void aBranchThatOnlyCastsItsFloat16WeightToFloatComputesInFp32() {
        for (boolean inBranch : new boolean[] {true, false}) {
            assertThatCode(() -> Fp16ComputeCheck.refuseFp16Compute(model(ifWithHalfMatMul(inBranch, true)), "m"))
                    .as("weight in the branch: %s", inBranch).doesNotThrowAnyException();
        }
    }

    private static ModelProto model(GraphProto graph) {
        return TinyModels.matMul(13).toBuilder().setGraph(graph).build();
    }

    /** Both branches return a float16 constant, the main graph casts the pick to float: FP32 compute. */
    @Test
    void anIfThatPicksAFloat16ConstantWhichIsThenCastToFloatComputesInFp32() {
        GraphProto.Builder branch = GraphProto.newBuilder().setName("pick")
                .addNode(NodeProto.newBuilder().setOpType("Constant").setName("c").addOutput("t16")
                        .addAttribute(AttributeProto.newBuilder().setName("value")
                                .setType(AttributeProto.AttributeType.TENSOR).setT(halfWeight("t16"))))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("t16"));
        TensorProto cond = TensorProto.newBuilder().setName("cond").setDataType(DataType.BOOL_VALUE).addInt32Data(1)
                .build();
        GraphProto.Builder main = TinyModels.matMul(13).getGraph().toBuilder().clearNode().clearInitializer()
                .addInitializer(cond)
                .addNode(NodeProto.newBuilder(node("If", "choose", "cond", ">w16"))
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(branch))
                        .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(branch)));
        GraphProto storage = main.clone().addNode(NodeProto.newBuilder(node("Cast", "to_float", "w16", ">w"))
                .addAttribute(to(DataType.FLOAT))).addNode(node("MatMul", "mm", "x", "w", ">y")).build();
        GraphProto compute = main.clone().addNode(NodeProto.newBuilder(node("Cast", "x_half", "x", ">x16"))
                .addAttribute(to(DataType.FLOAT16))).addNode(node("MatMul", "mm", "x16", "w16", ">y16"))
                .addNode(NodeProto.newBuilder(node("Cast", "y_float", "y16", ">y")).addAttribute(to(DataType.FLOAT)))
                .build();

        assertThatCode(() -> Fp16ComputeCheck.refuseFp16Compute(model(storage), "m")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Fp16ComputeCheck.refuseFp16Compute(model(compute), "m"))
                .hasMessageContaining("float16 weights such as 'w16'");
    }

    /** CastLike's target is an activation whose type nothing declares: inferred as float32, so storage. */
    @Test
    void castLikeAnUndeclaredFloatActivationIsStorage() {
        ModelProto model = TinyModels.matMul(15);
        GraphProto g = model.getGraph().toBuilder().clearInitializer().addInitializer(halfWeight("w_h"))
                .addNode(0, node("Relu", "r", "x", ">r_out"))
                .addNode(1, node("CastLike", "to_float", "w_h", "r_out", ">w")).build();

        assertThatCode(() -> Fp16ComputeCheck.refuseFp16Compute(model.toBuilder().setGraph(g).build(), "m"))
                .doesNotThrowAnyException();
    }
}
