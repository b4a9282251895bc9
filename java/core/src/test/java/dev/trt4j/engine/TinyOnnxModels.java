package dev.trt4j.engine;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny ONNX models written with protobuf builders, for planner and model-fact tests. */
final class TinyOnnxModels {
    private TinyOnnxModels() {
    }

    /** x [batch,3,8,8] float → Conv(w: 4x3x3x3) → Relu → y; optionally with Q/DQ on x or a float16 Cast. */
    static Path conv(Path dir, String fileName, boolean qdq, boolean fp16Cast) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny");
        g.addInput(valueInfo("x", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, 3, 8, 8));
        g.addOutput(valueInfo("y", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, 4, 6, 6));
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w")
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addAllDims(java.util.List.of(4L, 3L, 3L, 3L));
        for (int i = 0; i < 4 * 3 * 3 * 3; i++) {
            w.addFloatData((i % 7 - 3) / 10f);
        }
        g.addInitializer(w);
        String convIn = "x";
        if (qdq) {
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("x_scale")
                    .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addFloatData(1f / 127));
            g.addNode(node("QuantizeLinear", "q_x", new String[] {"x", "x_scale"}, "x_q"));
            g.addNode(node("DequantizeLinear", "dq_x", new String[] {"x_q", "x_scale"}, "x_dq"));
            convIn = "x_dq";
        }
        if (fp16Cast) {
            g.addNode(node("Cast", "cast_x", new String[] {convIn}, "x_half").toBuilder()
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                            .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(OnnxMl.TensorProto.DataType.FLOAT16_VALUE)));
            g.addNode(node("Cast", "cast_back", new String[] {"x_half"}, "x_full").toBuilder()
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                            .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE)));
            convIn = "x_full";
        }
        g.addNode(node("Conv", "conv", new String[] {convIn, "w"}, "conv_out"));
        g.addNode(node("Relu", "relu", new String[] {"conv_out"}, "y"));
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        Path file = dir.resolve(fileName);
        Files.write(file, model.toByteArray());
        return file;
    }

    static OnnxMl.NodeProto node(String op, String name, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }
}
