package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** A small builder for ONNX graphs in tests. A dimension of -1 becomes the symbolic dimension {@code N}. */
public final class TestGraph {
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    private final ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8).setProducerName("trt4j-test");

    public TestGraph input(String name, int type, long... dims) {
        g.addInput(valueInfo(name, type, dims));
        return this;
    }

    public TestGraph output(String name, int type, long... dims) {
        g.addOutput(valueInfo(name, type, dims));
        return this;
    }

    public TestGraph valueInfo(String name, int type) {
        g.addValueInfo(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
        return this;
    }

    /** A float32 initializer stored as little-endian raw data. */
    public TestGraph initializer(String name, long[] dims, float... values) {
        g.addInitializer(floatTensor(name, dims, values));
        return this;
    }

    public TestGraph initializer(TensorProto tensor) {
        g.addInitializer(tensor);
        return this;
    }

    /** A {@code Constant} node holding a float32 tensor. */
    public TestGraph constant(String name, long[] dims, float... values) {
        return node("Constant", List.of(), List.of(name), tensorAttribute("value", floatTensor(name, dims, values)));
    }

    /** A {@code Constant} node holding a 1-D int64 tensor. */
    public TestGraph constantInt64(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return node("Constant", List.of(), List.of(name), tensorAttribute("value", t.build()));
    }

    public TestGraph node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        return node("", op, inputs, outputs, attributes);
    }

    public TestGraph node(String domain, String op, List<String> inputs, List<String> outputs,
                          AttributeProto... attributes) {
        g.addNode(NodeProto.newBuilder().setDomain(domain).setOpType(op).setName(op + "_" + g.getNodeCount())
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(List.of(attributes)));
        return this;
    }

    public TestGraph opset(String domain, long version) {
        model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
        return this;
    }

    /** The model, importing the default domain at {@code opset} plus any {@link #opset} calls. */
    public ModelProto build(long opset) {
        return model.clone().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build();
    }

    public static TensorProto floatTensor(String name, long[] dims, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto tensorAttribute(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value)
                .build();
    }

    private static ValueInfoProto valueInfo(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }
}
