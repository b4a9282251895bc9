package dev.trt4j.cli;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny ONNX models written with protobuf builders, for command tests. */
public final class TestModels {
    private TestModels() {
    }

    /** {@code y = MatMul(x, w)} with x float [batch, 4] and a 4×4 weight initializer: one quantizable layer. */
    public static Path matMul(Path file) throws IOException {
        OnnxMl.ValueInfoProto x = batchOfFour("x");
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("matmul").addInput(x).addOutput(batchOfFour("y"))
                .addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("y")).build());
    }

    /** {@code y = Relu(x)} with x and y float [batch, 4]. */
    public static Path relu(Path file) throws IOException {
        return write(file, OnnxMl.GraphProto.newBuilder().setName("relu").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y")).build());
    }

    /** A float tensor [batch, 4]. */
    private static OnnxMl.ValueInfoProto batchOfFour(String name) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /** The graph as an IR 8, opset 13 model file. */
    private static Path write(Path file, OnnxMl.GraphProto graph) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build()
                .toByteArray());
    }
}
