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
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        OnnxMl.ValueInfoProto x = OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("matmul").addInput(x)
                .addOutput(x.toBuilder().setName("y")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("y")).build();
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build()
                .toByteArray());
    }

    /** {@code y = Relu(x)} with x and y float [batch, 4]. */
    public static Path relu(Path file) throws IOException {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        OnnxMl.ValueInfoProto x = OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("relu").addInput(x)
                .addOutput(x.toBuilder().setName("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y")).build();
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build()
                .toByteArray());
    }
}
