package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxFileLimitTest {
    /** A graph of {@code count} initializers sharing {@code data}, and one node. */
    private static ModelProto model(ByteString data, int count) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addNode(NodeProto.newBuilder().setOpType("Relu")
                .setName("relu").addInput("x").addOutput("y"));
        for (int i = 0; i < count; i++) {
            g.addInitializer(TensorProto.newBuilder().setName("w" + i).setDataType(2).addDims(data.size())
                    .setRawData(data));
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test").setGraph(g).build();
    }

    @Test
    void aModelUnderTheLimitIsCountedAtLeastAsProtobufCountsIt() {
        ModelProto small = model(ByteString.copyFrom(new byte[1000]), 3);
        long bound = OnnxFileLimit.serializedSize(small);
        assertThat(bound).isBetween((long) small.getSerializedSize(), small.getSerializedSize() + 100L);
        OnnxFileLimit.requireFits(Path.of("small.onnx"), small); // no exception
    }

    /** Past 2 GiB protobuf's int count wraps and its writer fails naming nothing; this names the file and size. */
    @Test
    void aModelPastTwoGibIsRefusedNamingTheFile() {
        // 512 MiB shared by reference (a rope of one 1 MiB array), five times: 2.7 GB to write, little to hold
        ByteString half = ByteString.copyFrom(new byte[1 << 20]);
        for (int i = 0; i < 9; i++) {
            half = half.concat(half);
        }
        ModelProto big = model(half, 5);

        assertThat(OnnxFileLimit.serializedSize(big)).isGreaterThan(5L * (512 << 20));
        assertThatThrownBy(() -> OnnxFileLimit.requireFits(Path.of("q.onnx"), big))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("q.onnx: the model would be 2.68 GB, more than the 2 GiB (2.15 GB) one ONNX file holds "
                        + "with its weights inline, as trt4j writes them");
    }
}
