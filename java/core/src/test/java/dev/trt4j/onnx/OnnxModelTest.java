package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.trt4j.onnx.TestGraph.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxModelTest {
    @TempDir
    Path dir;

    @Test
    void describesInputsOutputsOperatorsAndWeights() throws Exception {
        Path file = TestModels.write(TestModels.convNet(), dir, "conv.onnx");
        OnnxModel model = OnnxModel.load(file);

        assertThat(model.path()).isEqualTo(file);
        assertThat(model.sha256()).isEqualTo(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        assertThat(model.opset()).isEqualTo(13);
        assertThat(model.inputs()).containsExactly(
                new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 1, 4, 4}, java.util.Arrays.asList("N", null,
                        null, null)));
        assertThat(model.outputs()).extracting(TensorSpec::name).containsExactly("y");
        assertThat(model.outputs().get(0).shapeText()).isEqualTo("[N,3]");
        assertThat(model.operatorCounts()).containsExactly(Map.entry("Add", 1), Map.entry("Constant", 3),
                Map.entry("Conv", 1), Map.entry("MatMul", 1), Map.entry("Relu", 1), Map.entry("Reshape", 1));
        assertThat(model.weightNames()).containsExactly("w", "b", "shape", "wm", "bias");
        // conv weight 2*1*3*3 + conv bias 2 + matmul weight 32*3 + bias 3; the int64 reshape shape is no parameter
        assertThat(model.parameterCount()).isEqualTo(18 + 2 + 96 + 3);
    }

    @Test
    void readsWeightsFromInitializersAndConstants() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));

        WeightTensor w1 = model.weight("w1").orElseThrow();
        assertThat(w1.dims()).containsExactly(4, 3);
        assertThat(w1.data()).containsExactly(TestModels.MLP_W1);
        WeightTensor w2 = model.weight("w2").orElseThrow();
        assertThat(w2.dims()).containsExactly(3, 2);
        assertThat(w2.data()).containsExactly(TestModels.MLP_W2);
        assertThat(w2.absMax()).isEqualTo(2.0f);
        assertThat(model.weight("h")).isEmpty();
        assertThat(model.weight("missing")).isEmpty();
    }

    @Test
    void selectsActivationTensorsInGraphOrder() {
        OnnxModel conv = OnnxModel.fromProto(TestModels.convNet(), dir.resolve("conv.onnx"));
        // Conv data input, MatMul data input, Add data input; Relu and Reshape are not quantized
        assertThat(conv.quantizableActivationTensors()).containsExactly("x", "f", "m");
        assertThat(conv.allActivationTensors()).containsExactly("x", "c", "r", "f", "m", "y");

        OnnxModel mlp = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        assertThat(mlp.quantizableActivationTensors()).containsExactly("x", "r");
        assertThat(mlp.allActivationTensors()).containsExactly("x", "h", "r", "y");
        assertThat(mlp.isFloatTensor("h")).isTrue();
        assertThat(conv.elementTypeName("shape")).contains("INT64");
        assertThat(conv.isFloatTensor("shape")).isFalse();
    }

    @Test
    void sharedInputsAreListedOnceAndNonFloatTensorsAreSkipped() {
        ModelProto proto = new TestGraph()
                .input("x", FLOAT, -1, 4)
                .initializer("w", new long[] {4, 4}, new float[16])
                .node("MatMul", List.of("x", "w"), List.of("a"))
                .node("Add", List.of("x", "a"), List.of("s"))
                .node("Shape", List.of("s"), List.of("shp"))
                .node("Cast", List.of("shp"), List.of("shpf"), TestGraph.intAttribute("to", FLOAT))
                .node("Mul", List.of("shpf", "shpf"), List.of("sq"))
                .output("s", FLOAT, -1, 4)
                .output("sq", FLOAT, 2)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("m.onnx"));
        assertThat(model.quantizableActivationTensors()).containsExactly("x", "a", "shpf");
        assertThat(model.allActivationTensors()).containsExactly("x", "a", "s", "shpf", "sq");
    }

    @Test
    void tensorsComputedFromWeightsAloneAreNotActivations() {
        ModelProto proto = new TestGraph()
                .input("x", FLOAT, -1, 4)
                .initializer("w", new long[] {4, 3}, TestModels.MLP_W1)
                .constant("bias", new long[] {3}, 1f, 2f, 3f)
                .constantInt64("shape", 1, 3)
                .node("MatMul", List.of("x", "w"), List.of("a"))
                .node("Reshape", List.of("bias", "shape"), List.of("rb"))
                .node("Add", List.of("a", "rb"), List.of("y"))
                .output("y", FLOAT, -1, 3)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("bias.onnx"));
        assertThat(model.isConstant("rb")).isTrue();
        assertThat(model.isConstant("bias")).isTrue();
        assertThat(model.isConstant("a")).isFalse();
        assertThat(model.weightNames()).doesNotContain("rb");
        assertThat(model.quantizableActivationTensors()).containsExactly("x", "a");
        assertThat(model.allActivationTensors()).containsExactly("x", "a", "y");
    }

    @Test
    void declaredTypesTakePrecedenceForUnknownOperators() {
        ModelProto proto = new TestGraph()
                .input("x", FLOAT, -1, 4)
                .node("my.domain", "Mystery", List.of("x"), List.of("z"))
                .node("MatMul", List.of("z", "x"), List.of("y"))
                .valueInfo("z", FLOAT)
                .output("y", FLOAT, -1, -1)
                .opset("my.domain", 1)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("m.onnx"));
        assertThat(model.quantizableActivationTensors()).containsExactly("x", "z");
    }

    @Test
    void asksOnnxRuntimeForTypesTheRulesDoNotCover() {
        // com.microsoft Gelu is an ONNX Runtime contrib operator: no standard rule types its output
        ModelProto proto = new TestGraph()
                .input("x", FLOAT, -1, 4)
                .initializer("w", new long[] {4, 4}, new float[16])
                .node("com.microsoft", "Gelu", List.of("x"), List.of("g"))
                .node("MatMul", List.of("g", "w"), List.of("y"))
                .output("y", FLOAT, -1, 4)
                .opset("com.microsoft", 1)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("gelu.onnx"));
        assertThat(model.elementTypeName("g")).contains("FLOAT");
        assertThat(model.quantizableActivationTensors()).containsExactly("g");
        assertThat(model.allActivationTensors()).containsExactly("x", "g", "y");
    }

    @Test
    void convertsFloat16DoubleAndBfloat16Weights() {
        TensorProto f16raw = TensorProto.newBuilder().setName("f16raw").setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addDims(3).setRawData(com.google.protobuf.ByteString.copyFrom(
                        le16((short) 0x3E00, (short) 0xC080, (short) 0x7BFF))).build();
        TensorProto f16int = TensorProto.newBuilder().setName("f16int").setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addDims(3).addInt32Data(0x3E00).addInt32Data(0xC080).addInt32Data(0x7BFF).build();
        TensorProto dbl = TensorProto.newBuilder().setName("dbl").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDims(2).addDoubleData(0.1).addDoubleData(-3.5).build();
        ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3.5);
        TensorProto dblraw = TensorProto.newBuilder().setName("dblraw").setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDims(2).setRawData(com.google.protobuf.ByteString.copyFrom(raw.array())).build();
        TensorProto fdata = TensorProto.newBuilder().setName("fdata").setDataType(FLOAT).addDims(1).addDims(3)
                .addFloatData(1f).addFloatData(-2f).addFloatData(3.25f).build();
        TensorProto bf16 = TensorProto.newBuilder().setName("bf16").setDataType(TensorProto.DataType.BFLOAT16_VALUE)
                .addDims(1).setRawData(com.google.protobuf.ByteString.copyFrom(le16((short) 0x3FC0))).build();
        TensorProto bad = TensorProto.newBuilder().setName("bad").setDataType(FLOAT).addDims(3)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[8])).build();
        ModelProto proto = new TestGraph().input("x", FLOAT, 1)
                .initializer(f16raw).initializer(f16int).initializer(dbl).initializer(dblraw).initializer(fdata)
                .initializer(bf16)
                .node("Constant", List.of(), List.of("vf"), ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                        .setName("value_floats").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOATS)
                        .addFloats(0.5f).addFloats(-4f).build())
                .node("Identity", List.of("x"), List.of("y")).output("y", FLOAT, 1).build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("types.onnx"));

        assertThat(model.weight("f16raw").orElseThrow().data()).containsExactly(1.5f, -2.25f, 65504f);
        assertThat(model.weight("f16int").orElseThrow().data()).containsExactly(1.5f, -2.25f, 65504f);
        assertThat(model.weight("dbl").orElseThrow().data()).containsExactly(0.1f, -3.5f);
        assertThat(model.weight("dblraw").orElseThrow().data()).containsExactly(0.1f, -3.5f);
        assertThat(model.weight("fdata").orElseThrow().data()).containsExactly(1f, -2f, 3.25f);
        assertThat(model.weight("fdata").orElseThrow().dims()).containsExactly(1, 3);
        assertThat(model.weight("bf16").orElseThrow().data()).containsExactly(1.5f);
        assertThat(model.weight("vf").orElseThrow().data()).containsExactly(0.5f, -4f);
        assertThat(model.weight("vf").orElseThrow().dims()).containsExactly(2);
        assertThat(model.parameterCount()).isEqualTo(3 + 3 + 2 + 2 + 3 + 1 + 2);
        // data too short for the shape is refused when the model is made, not when the weight is read
        ModelProto withBad = proto.toBuilder().setGraph(proto.getGraph().toBuilder().addInitializer(bad)).build();
        assertThatThrownBy(() -> OnnxModel.fromProto(withBad, dir.resolve("types.onnx")))
                .isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("initializer 'bad' holds 8 bytes but its shape [3] of FLOAT needs 12");
    }

    @Test
    void inlinesExternalData() throws Exception {
        ByteBuffer bin = ByteBuffer.allocate(16 + 4 * TestModels.MLP_W1.length).order(ByteOrder.LITTLE_ENDIAN);
        bin.position(16);
        for (float v : TestModels.MLP_W1) {
            bin.putFloat(v);
        }
        Files.write(dir.resolve("weights.bin"), bin.array());
        Path file = TestModels.write(externalW1("weights.bin"), dir, "ext.onnx");

        OnnxModel model = OnnxModel.load(file);

        assertThat(model.weight("w1").orElseThrow().data()).containsExactly(TestModels.MLP_W1);
        TensorProto inlined = model.proto().getGraph().getInitializer(0);
        assertThat(inlined.getDataLocation()).isEqualTo(TensorProto.DataLocation.DEFAULT);
        assertThat(inlined.getExternalDataCount()).isZero();
        assertThat(ModelProto.parseFrom(model.toBytes()).getGraph().getInitializer(0).getRawData().size())
                .isEqualTo(48);
        // ONNX Runtime takes the inlined bytes and computes what the original model computes
        float[] x = {1f, -2f, 0.5f, 3f};
        Batch batch = new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, x)));
        try (OrtModelRunner fromBytes = OrtModelRunner.open(model.toBytes(), "ext", OrtRunnerOptions.defaults());
             OrtModelRunner original = OrtModelRunner.open(TestModels.mlp().toByteArray(), "mlp",
                     OrtRunnerOptions.defaults())) {
            assertThat(fromBytes.run(batch).get("y").floats()).containsExactly(original.run(batch).get("y").floats());
        }
    }

    @Test
    void reportsMissingOrEscapingExternalData() {
        Path missing = TestModels.write(externalW1("gone.bin"), dir, "missing.onnx");
        assertThatThrownBy(() -> OnnxModel.load(missing)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("missing.onnx").hasMessageContaining("'w1'").hasMessageContaining("gone.bin")
                .hasMessageContaining("not found").hasMessageNotContaining("\n");
        Path escaping = TestModels.write(externalW1("../w.bin"), dir, "escaping.onnx");
        assertThatThrownBy(() -> OnnxModel.load(escaping)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("outside the model's folder");
    }

    @Test
    void reportsFilesThatAreNotModels() throws Exception {
        assertThatThrownBy(() -> OnnxModel.load(dir.resolve("nope.onnx"))).isInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("nope.onnx") + ": no such model file");
        Path text = Files.writeString(dir.resolve("text.onnx"), "this is not a protobuf\n");
        assertThatThrownBy(() -> OnnxModel.load(text)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(text + ": not an ONNX model").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> OnnxModel.load(dir)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("is a folder");
    }

    /**
     * A newline in a missing model's name is escaped as {@code inspect} shows names: the one-line error turned it into
     * a space, naming a file that is not there either.
     */
    @Test
    void aMissingModelsControlCharactersAreEscaped() {
        Path missing = dir.resolve("gone\nx.onnx");
        assertThatThrownBy(() -> OnnxModel.load(missing)).isInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("gone") + "\\u000ax.onnx: no such model file");
    }

    /** {@code inspect /dev/null} or a FIFO: the path is there, so "no such model file" sent the user looking for it. */
    @Test
    void aDeviceOrPipeIsNamedAsNotAFileNotAsMissing() throws Exception {
        Path fifo = dir.resolve("ff.onnx");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (Path notAFile : List.of(fifo, Path.of("/dev/null"))) {
            assertThatThrownBy(() -> OnnxModel.load(notAFile)).isInstanceOf(Trt4jException.class)
                    .hasMessage(notAFile + ": not a model file (a device, pipe or socket); give an ONNX model file");
        }
    }

    @Test
    void rejectsGraphsThatReadUndefinedTensorsOrHaveNoOutputs() {
        ModelProto cut = new TestGraph().output("y", FLOAT, 1)
                .node("Relu", List.of("x"), List.of("y")).build(13);
        Path cutFile = TestModels.write(cut, dir, "cut.onnx");
        assertThatThrownBy(() -> OnnxModel.load(cutFile)).isInstanceOf(Trt4jException.class)
                .hasMessage(cutFile + ": node 'Relu_0' (Relu) reads tensor 'x', which no graph input, initializer or"
                        + " node output defines");

        ModelProto unnamed = cut.toBuilder().setGraph(cut.getGraph().toBuilder()
                .setNode(0, cut.getGraph().getNode(0).toBuilder().clearName())).build();
        Path unnamedFile = TestModels.write(unnamed, dir, "unnamed.onnx");
        assertThatThrownBy(() -> OnnxModel.load(unnamedFile)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining(": node Relu#0 reads tensor 'x'");

        ModelProto noOutputs = new TestGraph().input("x", FLOAT, 1).node("Relu", List.of("x"), List.of("y"))
                .build(13);
        Path noOutputsFile = TestModels.write(noOutputs, dir, "no-outputs.onnx");
        assertThatThrownBy(() -> OnnxModel.load(noOutputsFile)).isInstanceOf(Trt4jException.class)
                .hasMessage(noOutputsFile + ": the graph has no outputs");

        ModelProto strayOutput = new TestGraph().input("x", FLOAT, 1).output("z", FLOAT, 1)
                .node("Relu", List.of("x"), List.of("y")).build(13);
        Path strayFile = TestModels.write(strayOutput, dir, "stray.onnx");
        assertThatThrownBy(() -> OnnxModel.load(strayFile)).isInstanceOf(Trt4jException.class)
                .hasMessage(strayFile + ": graph output 'z' is not a graph input, initializer or node output");
    }

    @Test
    void acceptsOptionalInputsAndBodiesReadingTheOuterGraph() {
        // Clip's empty min is an optional input left out; the If body reads 'x' from the graph around it.
        GraphProto body = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("t"))
                .addOutput(ValueInfoProto.newBuilder().setName("t")).build();
        ModelProto model = new TestGraph().input("x", FLOAT, 1).input("c", TensorProto.DataType.BOOL_VALUE).output("y", FLOAT, 1)
                .initializer("max", new long[0], 6f)
                .node("Clip", List.of("x", "", "max"), List.of("r"))
                .node("If", List.of("c"), List.of("y"), AttributeProto.newBuilder().setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(body).build(),
                        AttributeProto.newBuilder().setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(body).build())
                .build(13);
        Path file = TestModels.write(model, dir, "optional.onnx");

        assertThat(OnnxModel.load(file).outputs()).extracting(TensorSpec::name).containsExactly("y");
    }

    @Test
    void exposesTensorsAsExtraOutputs() throws Exception {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));

        ModelProto augmented = ModelProto.parseFrom(model.withExtraOutputs(List.of("h", "r", "y")));

        assertThat(augmented.getGraph().getOutputList()).extracting(ValueInfoProto::getName)
                .containsExactly("y", "h", "r");
        assertThat(augmented.getGraph().getOutput(1).getType().getTensorType().getElemType()).isEqualTo(FLOAT);
        assertThat(model.proto().getGraph().getOutputCount()).isEqualTo(1);
        assertThatThrownBy(() -> model.withExtraOutputs(List.of("nope"))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("'nope'");
    }

    private static ModelProto externalW1(String location) {
        ModelProto mlp = TestModels.mlp();
        TensorProto w1 = mlp.getGraph().getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("16"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("48")).build();
        return mlp.toBuilder().setGraph(mlp.getGraph().toBuilder().setInitializer(0, w1)).build();
    }

    private static byte[] le16(short... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        return b.array();
    }

    @Test
    void weightsAndParametersOfIfBodiesAreCountedWithTheirOperators() {
        TensorProto thenWeight = TensorProto.newBuilder().setName("wt").setDataType(FLOAT).addDims(4).addDims(3)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[48])).build();
        GraphProto thenBranch = GraphProto.newBuilder().setName("then").addInitializer(thenWeight)
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("wt").addOutput("yt"))
                .addOutput(ValueInfoProto.newBuilder().setName("yt")).build();
        TensorProto elseValue = thenWeight.toBuilder().setName("").build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Constant").addOutput("we").addAttribute(AttributeProto
                        .newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(elseValue)))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("we").addOutput("ye"))
                .addOutput(ValueInfoProto.newBuilder().setName("ye")).build();
        ModelProto m = new TestGraph().input("x", FLOAT, 2, 4).input("c", TensorProto.DataType.BOOL_VALUE)
                .node("If", List.of("c"), List.of("y"))
                .output("y", FLOAT, 2, 3).build(13);
        NodeProto branch = m.getGraph().getNode(0).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch)).build();
        m = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0, branch)).build();

        OnnxModel model = OnnxModel.fromProto(m, dir.resolve("if.onnx"));

        assertThat(model.operatorCounts()).containsEntry("MatMul", 2).containsEntry("Constant", 1);
        assertThat(model.weightCount()).isEqualTo(2);
        assertThat(model.parameterCount()).isEqualTo(24);
        assertThat(model.weightNames()).as("the main graph's, which trt4j quantizes").isEmpty();
    }

    @Test
    void anOutputOfATypeTrt4jDoesNotCarryIsLeftOutAndShownNotRefused() {
        ModelProto m = new TestGraph().input("x", FLOAT, 1, 4)
                .node("Cast", List.of("x"), List.of("d"), TestGraph.intAttribute("to", TensorProto.DataType.DOUBLE_VALUE))
                .node("Relu", List.of("x"), List.of("y"))
                .output("d", TensorProto.DataType.DOUBLE_VALUE, 1, 4).output("y", FLOAT, 1, 4).build(13);

        OnnxModel model = OnnxModel.fromProto(m, dir.resolve("double.onnx"));

        assertThat(model.outputs()).extracting(TensorSpec::name).containsExactly("y");
        assertThat(model.outputsLeftOut()).containsExactly(Map.entry("d", "DOUBLE"));
        assertThat(ModelSummary.of(model).toText(false)).contains("\noutputs    y FLOAT32 [1,4]")
                .contains("\n           d DOUBLE (trt4j does not read it)\n");
    }

    @Test
    void aWeightDequantizedByOnnxRuntimesOwnOperatorIsNoActivation() {
        ModelProto m = new TestGraph().input("x", FLOAT, 1, 4)
                .initializer("scale", new long[] {}, 0.1f)
                .initializer("wf", new long[] {4, 3}, new float[12])
                .node("com.microsoft", "QuantizeLinear", List.of("wf", "scale"), List.of("wq"))
                .node("com.microsoft", "DequantizeLinear", List.of("wq", "scale"), List.of("w"))
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", FLOAT, 1, 3).opset("com.microsoft", 1).build(13);

        OnnxModel model = OnnxModel.fromProto(m, dir.resolve("ms-qdq.onnx"));

        assertThat(model.quantizableActivationTensors()).containsExactly("x");
    }

    /** Protobuf stops reading at 100 message levels, three per If body: the line says nesting, not "not ONNX". */
    @Test
    void graphsNestedBeyondProtobufsLimitAreCalledThatNotAnInvalidFile() throws Exception {
        GraphProto body = GraphProto.newBuilder().setName("leaf")
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y0"))
                .addOutput(ValueInfoProto.newBuilder().setName("y0")).build();
        for (int depth = 1; depth <= 40; depth++) {
            body = GraphProto.newBuilder().setName("level" + depth)
                    .addNode(NodeProto.newBuilder().setOpType("If").addInput("c").addOutput("y" + depth)
                            // one branch only: two would double the file at every level
                            .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                                    .setType(AttributeProto.AttributeType.GRAPH).setG(body)))
                    .addOutput(ValueInfoProto.newBuilder().setName("y" + depth)).build();
        }
        Path file = Files.write(dir.resolve("deep.onnx"), ModelProto.newBuilder().setIrVersion(8).setGraph(body)
                .build().toByteArray());

        assertThatThrownBy(() -> OnnxModel.load(file)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": nests its graphs deeper than protobuf reads (about 33 levels of If/Loop/Scan "
                        + "bodies); ONNX Runtime cannot load it either: flatten the nesting");
    }
}
