package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
    }

    /** Past 2 GiB protobuf's int count wraps; this one does not. */
    @Test
    void aModelPastTwoGibIsCountedWithoutOverflow() {
        // 512 MiB shared by reference (a rope of one 1 MiB array), five times: 2.7 GB to write, little to hold
        ByteString half = ByteString.copyFrom(new byte[1 << 20]);
        for (int i = 0; i < 9; i++) {
            half = half.concat(half);
        }
        ModelProto big = model(half, 5);

        assertThat(big.getSerializedSize()).as("protobuf's own count wraps").isNegative();
        assertThat(OnnxFileLimit.serializedSize(big)).isBetween(5L * (512 << 20), 5L * (512 << 20) + 1000);
        assertThat(OnnxModelFile.needsExternalData(big)).isTrue();
    }
}
