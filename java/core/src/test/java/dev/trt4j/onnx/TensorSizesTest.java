package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorSizesTest {
    @TempDir
    Path dir;

    @Test
    void sizesTensorsByTypeAndShape() {
        TensorProto.Builder t = TensorProto.newBuilder().addDims(3).addDims(5);
        assertThat(TensorSizes.byteSize(t.setDataType(TensorProto.DataType.FLOAT_VALUE).build())).hasValue(60);
        assertThat(TensorSizes.byteSize(t.setDataType(TensorProto.DataType.FLOAT16_VALUE).build())).hasValue(30);
        assertThat(TensorSizes.byteSize(t.setDataType(TensorProto.DataType.INT4_VALUE).build())).hasValue(8);
        assertThat(TensorSizes.byteSize(t.setDataType(TensorProto.DataType.STRING_VALUE).build())).isEmpty();
        assertThat(TensorSizes.byteSize(t.setDataType(TensorProto.DataType.INT64_VALUE).addDims(1L << 61).build()))
                .isEmpty();
        assertThat(TensorSizes.elementCount(TensorProto.newBuilder().build())).hasValue(1); // a scalar
    }

    @Test
    void refusesWeightsWhoseDataDoesNotFitTheirShape() {
        assertThat(error(w1 -> w1.setDims(0, 5))).endsWith(
                ": initializer 'w1' holds 48 bytes but its shape [5, 3] of FLOAT needs 60");
        assertThat(error(w1 -> w1.setDims(0, -4))).endsWith(
                ": initializer 'w1' has a negative dimension in its shape [-4, 3]");
        assertThat(error(w1 -> w1.clearRawData().setDims(0, 1L << 62).setDims(1, 1L << 62))).endsWith(
                ": initializer 'w1' holds 0 values but its shape [" + (1L << 62) + ", " + (1L << 62)
                        + "] of FLOAT needs more than 2^63");
        assertThat(error(w1 -> w1.clearRawData().addFloatData(1f))).endsWith(
                ": initializer 'w1' holds 1 values but its shape [4, 3] of FLOAT needs 12");
        assertThat(error(w1 -> w1.setDataType(999))).endsWith(
                ": initializer 'w1' has data type 999, which ONNX does not define");
    }

    @Test
    void refusesASparseInitializerOfAnImpossibleShape() {
        ModelProto mlp = TestModels.mlp();
        ModelProto model = mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().addSparseInitializer(
                SparseTensorProto.newBuilder().setValues(TensorProto.newBuilder().setName("s")
                        .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(0)).addDims(-1))).build();
        Path file = TestModels.write(model, dir, "m.onnx");

        assertThatThrownBy(() -> OnnxModel.load(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": sparse initializer 's' has shape [-1], which has a negative dimension or too"
                        + " many values");
    }

    @Test
    void acceptsTheModelsItShipsWith() {
        OnnxModel model = OnnxModel.load(TestModels.write(TestModels.convNet(), dir, "conv.onnx"));
        // Conv weight 2·1·3·3 and bias 2, the MatMul weight 32·3 and the Add's bias 3, two of them Constant nodes
        assertThat(model.parameterCount()).isEqualTo(18 + 2 + 96 + 3);
    }

    private String error(UnaryOperator<TensorProto.Builder> change) {
        ModelProto mlp = TestModels.mlp();
        TensorProto w1 = change.apply(mlp.getGraph().getInitializer(0).toBuilder()).build();
        Path file = TestModels.write(mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, w1))
                .build(), dir, "m.onnx");
        try {
            OnnxModel.load(file);
        } catch (Trt4jException e) {
            assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("loaded " + file);
    }
}
