package dev.trt4j.tensorrt;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.platform.Fp16Conversions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny model of the GPU tests, written with OnnxMl builders: x [batch,3,8,8] → Conv(4 filters 3x3, fixed
 * weights) → Relu → y [batch,4,6,6]; variants with Q/DQ on x and w (explicit INT8) and in float16 (for a
 * strongly typed FP16 build). {@link #reference} computes the same function in Java.
 */
final class GpuTestModels {
    static final int C = 3;
    static final int K = 4;
    static final int H = 8;
    static final int OUT = H - 2;

    private GpuTestModels() {
    }

    static float weight(int i) {
        return (i % 7 - 3) / 10f;
    }

    static Path write(Path dir, String name, boolean qdq, boolean fp16) throws IOException {
        int floatType = fp16 ? OnnxMl.TensorProto.DataType.FLOAT16_VALUE : OnnxMl.TensorProto.DataType.FLOAT_VALUE;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny");
        g.addInput(valueInfo("x", floatType, -1, C, H, H));
        g.addOutput(valueInfo("y", floatType, -1, K, OUT, OUT));
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(floatType)
                .addAllDims(List.of((long) K, (long) C, 3L, 3L));
        for (int i = 0; i < K * C * 9; i++) {
            if (fp16) {
                w.addInt32Data(Fp16Conversions.floatToFp16(weight(i)) & 0xffff);
            } else {
                w.addFloatData(weight(i));
            }
        }
        g.addInitializer(w);
        String convIn = "x";
        String convW = "w";
        if (qdq) {
            scale(g, "x_scale", 2f / 127);
            scale(g, "w_scale", 0.3f / 127);
            g.addNode(node("QuantizeLinear", new String[] {"x", "x_scale"}, "x_q"));
            g.addNode(node("DequantizeLinear", new String[] {"x_q", "x_scale"}, "x_dq"));
            g.addNode(node("QuantizeLinear", new String[] {"w", "w_scale"}, "w_q"));
            g.addNode(node("DequantizeLinear", new String[] {"w_q", "w_scale"}, "w_dq"));
            convIn = "x_dq";
            convW = "w_dq";
        }
        g.addNode(node("Conv", new String[] {convIn, convW}, "conv_out"));
        g.addNode(node("Relu", new String[] {"conv_out"}, "y"));
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("trt4j-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        return Files.write(dir.resolve(name), model.toByteArray());
    }

    /** The model's function on one batch laid out NCHW. */
    static float[] reference(float[] x, int batch) {
        float[] y = new float[batch * K * OUT * OUT];
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < K; k++) {
                for (int i = 0; i < OUT; i++) {
                    for (int j = 0; j < OUT; j++) {
                        float acc = 0;
                        for (int c = 0; c < C; c++) {
                            for (int di = 0; di < 3; di++) {
                                for (int dj = 0; dj < 3; dj++) {
                                    acc += x[((n * C + c) * H + i + di) * H + j + dj] * weight(((k * C + c) * 3 + di) * 3 + dj);
                                }
                            }
                        }
                        y[((n * K + k) * OUT + i) * OUT + j] = Math.max(0, acc);
                    }
                }
            }
        }
        return y;
    }

    private static void scale(OnnxMl.GraphProto.Builder g, String name, float value) {
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addFloatData(value));
    }

    private static OnnxMl.NodeProto node(String op, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output + "_node").addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }
}
