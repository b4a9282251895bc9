package dev.trt4j.runtime.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.TestGraph;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.InferenceSession;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outputs trt4j cannot carry: y = x (float), z = double(x), s = [x] (a sequence). */
class OrtLoadedModelTest {
    @TempDir
    Path dir;

    private Path model() {
        ModelProto graph = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 2)
                .node("Identity", List.of("x"), List.of("y"))
                .node("Cast", List.of("x"), List.of("z"),
                        TestGraph.intAttribute("to", TensorProto.DataType.DOUBLE_VALUE))
                .node("SequenceConstruct", List.of("x"), List.of("s"))
                .output("y", TestGraph.FLOAT, 1, 2)
                .output("z", TensorProto.DataType.DOUBLE_VALUE, 1, 2)
                .build(13);
        TypeProto floats = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TestGraph.FLOAT)).build();
        ModelProto withSequence = graph.toBuilder().setGraph(graph.getGraph().toBuilder()
                .addOutput(ValueInfoProto.newBuilder().setName("s").setType(TypeProto.newBuilder()
                        .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(floats))))).build();
        return TestModels.write(withSequence, dir, "mixed.onnx");
    }

    @Test
    void outputsOfTypesTrt4jDoesNotCarryAreLeftOutAndNamedWhenAskedFor() {
        try (InferenceSession session = InferenceSession.open(model(),
                InferenceOptions.defaults().withContexts(1).withIntraOpThreads(1))) {
            assertThat(session.outputs()).extracting(TensorSpec::name).containsExactly("y");
            Map<String, HostTensor> x = Map.of("x", HostTensor.ofFloats(new long[] {1, 2}, new float[] {1, -2}));
            assertThat(session.run(x).keySet()).containsExactly("y");
            assertThatThrownBy(() -> session.run(x, out -> out.copy("z"))).isInstanceOf(Trt4jException.class)
                    .hasMessageEndingWith("mixed.onnx: output 'z' (DOUBLE tensor) is of a type trt4j does not carry, "
                            + "so runs leave it out; outputs are [y]");
            assertThatThrownBy(() -> session.run(x, out -> out.floats("s"))).isInstanceOf(Trt4jException.class)
                    .hasMessageContaining("output 's' (sequence) is of a type trt4j does not carry");
            assertThatThrownBy(() -> session.run(x, out -> out.floats("w"))).isInstanceOf(Trt4jException.class)
                    .hasMessageContaining("no output named 'w'; outputs are [y]");
        }
    }

    @Test
    void aModelWithNoOutputTrt4jCanReadIsRefusedAtOpen() {
        ModelProto doubles = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 2)
                .node("Cast", List.of("x"), List.of("z"),
                        TestGraph.intAttribute("to", TensorProto.DataType.DOUBLE_VALUE))
                .output("z", TensorProto.DataType.DOUBLE_VALUE, 1, 2)
                .build(13);
        Path file = TestModels.write(doubles, dir, "doubles.onnx");
        assertThatThrownBy(() -> InferenceSession.open(file, InferenceOptions.defaults().withContexts(1)))
                .isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("doubles.onnx: no output trt4j can read; the model's outputs are "
                        + "'z' (DOUBLE tensor), and trt4j reads tensors of FLOAT32, FLOAT16, INT64, INT32, INT8, UINT8 "
                        + "or BOOL");
    }

    /** A model taking uint8 pixels (its preprocessing inside) or int8 values is served from int32 or int64 data. */
    @Test
    void byteInputsAreFedFromIntegersInTheirRange() {
        ModelProto bytes = new TestGraph()
                .input("u8", TensorProto.DataType.UINT8_VALUE, 1, 3)
                .input("i8", TensorProto.DataType.INT8_VALUE, 1, 3)
                .node("Cast", List.of("u8"), List.of("uf"), TestGraph.intAttribute("to", TestGraph.FLOAT))
                .node("Cast", List.of("i8"), List.of("if"), TestGraph.intAttribute("to", TestGraph.FLOAT))
                .node("Add", List.of("uf", "if"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, 3)
                .build(13);
        Path file = TestModels.write(bytes, dir, "bytes.onnx");
        try (InferenceSession session = InferenceSession.open(file, InferenceOptions.defaults().withContexts(1))) {
            Map<String, HostTensor> in = Map.of("u8", HostTensor.ofInts(new long[] {1, 3}, new int[] {0, 200, 255}),
                    "i8", HostTensor.ofLongs(new long[] {1, 3}, new long[] {-128, 5, 127}));
            assertThat(session.run(in).get("y").floats()).containsExactly(-128f, 205f, 382f);
            Map<String, HostTensor> outOfRange = Map.of("u8", HostTensor.ofInts(new long[] {1, 3},
                    new int[] {0, 256, 1}), "i8", HostTensor.ofInts(new long[] {1, 3}, new int[] {0, 0, 0}));
            assertThatThrownBy(() -> session.run(outOfRange)).isInstanceOf(dev.trt4j.InvalidInputException.class)
                    .hasMessageContaining("input 'u8': value 256 at element 1 does not fit UINT8 (0 to 255)");
        }
    }

    /** Token ids arrive as int64 from most tokenizers; an INT32 input takes them while they fit. */
    @Test
    void int64DataTooLargeForAnInt32InputIsABadRequest() {
        ModelProto ids = new TestGraph()
                .input("ids", TensorProto.DataType.INT32_VALUE, 1, 2)
                .node("Cast", List.of("ids"), List.of("y"), TestGraph.intAttribute("to", TestGraph.FLOAT))
                .output("y", TestGraph.FLOAT, 1, 2)
                .build(13);
        Path file = TestModels.write(ids, dir, "ids.onnx");
        try (InferenceSession session = InferenceSession.open(file, InferenceOptions.defaults().withContexts(1))) {
            assertThat(session.run(Map.of("ids", HostTensor.ofLongs(new long[] {1, 2}, new long[] {7, -3})))
                    .get("y").floats()).containsExactly(7f, -3f);
            assertThatThrownBy(() -> session.run(Map.of("ids", HostTensor.ofLongs(new long[] {1, 2},
                    new long[] {7, 1L << 31})))).isInstanceOf(dev.trt4j.InvalidInputException.class)
                    .hasMessageEndingWith("ids.onnx: input 'ids': value 2147483648 at element 1 does not fit INT32 "
                            + "(-2147483648 to 2147483647)");
        }
    }
}
