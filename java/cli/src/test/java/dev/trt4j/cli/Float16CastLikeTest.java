package dev.trt4j.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A float16 weight cast to float32 with {@code CastLike} (FP16 storage, FP32 compute) made ONNX Runtime 1.29 abort
 * the whole JVM (exit 134, an assertion in its fp16-initializer fusion) in every session at full optimisation, so
 * this runs in a process of its own.
 */
class Float16CastLikeTest {
    @TempDir
    Path work;

    @Test
    void aFloat16WeightCastLikeTheInputIsCalibratedNotAnAbort() throws Exception {
        Path model = work.resolve("fp16-storage.onnx");
        Files.write(model, model().toByteArray());

        CliProcess.Result r = CliProcess.run(work, CliProcess.testClassPath(), Map.of(), List.of(), "calibrate",
                model.toString(), "--samples", "8", "--method", "max", "--out", work.resolve("cal").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).isEmpty();
        assertThat(work.resolve("cal").resolve("max.cache")).isRegularFile();
        assertThat(Files.readString(work.resolve("cal").resolve("max.cache"))).startsWith("TRT-").contains("\ns: ")
                .doesNotContain("\nw: ");
    }

    /**
     * y = 2 (x - CastLike(w16, x)), w16 a float16 initializer [2]: only s = x - w is calibrated, so the weight's cast
     * is not exposed as an output, which would keep ONNX Runtime from fusing it.
     */
    private static ModelProto model() {
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2)))).build();
        // 1.5 and 2.5 as IEEE half floats, little-endian
        TensorProto w16 = TensorProto.newBuilder().setName("w16").setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addDims(2).setRawData(ByteString.copyFrom(new byte[] {0x00, 0x3e, 0x00, 0x41})).build();
        GraphProto graph = GraphProto.newBuilder().setName("storage")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(type))
                .addInitializer(w16)
                .addNode(NodeProto.newBuilder().setName("to_fp32").setOpType("CastLike").addInput("w16")
                        .addInput("x").addOutput("w"))
                .addNode(NodeProto.newBuilder().setName("sub").setOpType("Sub").addInput("x").addInput("w")
                        .addOutput("s"))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("s").addInput("s")
                        .addOutput("y"))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(19)).build();
    }
}
