package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.ElementTypeInference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static dev.trt4j.quantize.ModelBuilder.integer;
import static dev.trt4j.quantize.ModelBuilder.ints;
import static dev.trt4j.quantize.QdqModels.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Fp16ConverterTest {
    private static final long[] SHAPE = {2, 8};
    private static final List<String> OUTPUTS = List.of("features", "probs");
    private static final List<String> LAYER_NORM = List.of("mean", "center", "square", "variance", "add_eps", "sqrt",
            "normalize");

    /** MatMul → bias → LayerNorm written out → Relu → add a −1e9 mask → Softmax; outputs features and probs. */
    private static ModelProto model() {
        float[] mask = new float[16];
        mask[15] = -1e9f;
        return new ModelBuilder("fp16", 13).input("x", SHAPE).output("features").output("probs")
                .initializer("w", new long[] {8, 16}, gaussian(1, 128, 0.4))
                .initializer("b", new long[] {16}, gaussian(2, 16, 0.1))
                .initializer("gamma", new long[] {16}, ModelBuilder.uniform(3, 16, 0.5, 1.5))
                .initializer("beta", new long[] {16}, gaussian(4, 16, 0.1))
                .initializer("two", new long[] {}, new float[] {2f})
                .initializer("eps", new long[] {}, new float[] {1e-12f})
                .initializer("mask", new long[] {16}, mask)
                .node("MatMul", "matmul", List.of("x", "w"), List.of("h"))
                .node("Add", "bias", List.of("h", "b"), List.of("h2"))
                .node("ReduceMean", "mean", List.of("h2"), List.of("m"), ints("axes", -1))
                .node("Sub", "center", List.of("h2", "m"), List.of("d"))
                .node("Pow", "square", List.of("d", "two"), List.of("d2"))
                .node("ReduceMean", "variance", List.of("d2"), List.of("v"), ints("axes", -1))
                .node("Add", "add_eps", List.of("v", "eps"), List.of("ve"))
                .node("Sqrt", "sqrt", List.of("ve"), List.of("sd"))
                .node("Div", "normalize", List.of("d", "sd"), List.of("n"))
                .node("Mul", "scale", List.of("n", "gamma"), List.of("g"))
                .node("Add", "shift", List.of("g", "beta"), List.of("features"))
                .node("Relu", "relu", List.of("features"), List.of("r"))
                .node("Add", "masking", List.of("r", "mask"), List.of("masked"))
                .node("Softmax", "softmax", List.of("masked"), List.of("probs"))
                .build();
    }

    @Test
    void sensitiveNodesStayFp32AndTheRestIsFp16() {
        Fp16Converter.Result r = new Fp16Converter().convert(model());
        ModelProto m = r.model();

        assertThat(r.fp32Nodes()).containsExactlyInAnyOrderElementsOf(
                concat(LAYER_NORM, List.of("masking", "softmax")));
        for (String name : List.of("w", "b", "gamma", "beta")) {
            assertThat(QdqModels.tensor(m, name).getDataType()).as(name).isEqualTo(DataType.FLOAT16_VALUE);
        }
        for (String name : List.of("two", "eps", "mask")) {
            assertThat(QdqModels.tensor(m, name).getDataType()).as(name).isEqualTo(DataType.FLOAT_VALUE);
        }
        // Casts at the boundaries: x into FP16, h2 back to FP32 for the statistics, features out as FP32.
        NodeProto matmul = node(m, "matmul");
        assertThat(castTo(m, matmul.getInput(0))).isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(castTo(m, node(m, "mean").getInput(0))).isEqualTo(DataType.FLOAT_VALUE);
        assertThat(castTo(m, node(m, "scale").getInput(0))).isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(castTo(m, "features")).isEqualTo(DataType.FLOAT_VALUE);
        assertThat(node(m, "shift").getOutput(0)).isNotEqualTo("features");
        assertThat(r.castsAdded()).isEqualTo(QdqModels.nodes(m, "Cast").size());
        assertThat(m.getGraph().getInputList()).allMatch(v -> v.getType().getTensorType().getElemType()
                == DataType.FLOAT_VALUE);
        assertThat(m.getGraph().getOutputList()).allMatch(v -> v.getType().getTensorType().getElemType()
                == DataType.FLOAT_VALUE);
    }

    private static int castTo(ModelProto m, String tensor) {
        NodeProto cast = m.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor))
                .findFirst().orElseThrow();
        assertThat(cast.getOpType()).as("producer of " + tensor).isEqualTo("Cast");
        return (int) cast.getAttribute(0).getI();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void convertedModelRunsWithFp32IoAndStaysClose() throws Exception {
        ModelProto original = model();
        ModelProto half = new Fp16Converter().convert(original).model();
        float[] x = gaussian(5, 16, 1.0);

        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(half.toByteArray())) {
            assertThat(((TensorInfo) s.getInputInfo().get("x").getInfo()).type)
                    .isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT);
            assertThat(((TensorInfo) s.getOutputInfo().get("probs").getInfo()).type)
                    .isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT);
        }
        try (OrtRunner a = new OrtRunner(original); OrtRunner b = new OrtRunner(half)) {
            Map<String, float[]> expected = a.run("x", x, SHAPE, OUTPUTS);
            Map<String, float[]> actual = b.run("x", x, SHAPE, OUTPUTS);
            // FP16 keeps 11 significant bits: a relative error of 2^-11 per rounding, a few roundings deep.
            BatchNormFolderTest.assertClose(actual.get("features"), expected.get("features"), 4e-3);
            assertThat(actual.get("probs")).containsExactly(expected.get("probs"), within(2e-3f));
            assertThat(actual.get("probs")[15]).as("masked by -1e9, kept in FP32").isZero();
            assertThat(actual.get("features")).isNotEqualTo(expected.get("features"));
        }
    }

    @Test
    void sameModelGivesTheSameBytes() {
        assertThat(new Fp16Converter().convert(model()).model().toByteArray())
                .isEqualTo(new Fp16Converter().convert(model()).model().toByteArray());
    }

    @Test
    void extraFp32NodesAndUnknownNames() {
        Fp16Converter.Result r = new Fp16Converter(Fp16Converter.DEFAULT_FP32_OP_TYPES, Set.of("matmul"))
                .convert(model());

        assertThat(r.fp32Nodes()).contains("matmul");
        assertThat(QdqModels.tensor(r.model(), "w").getDataType()).isEqualTo(DataType.FLOAT_VALUE);
        assertThatThrownBy(() -> new Fp16Converter(Set.of(), Set.of("nope")).convert(model()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'nope'");
    }

    @Test
    void aSelectionKeepsNodesByNameOperatorTypeAndPatternAsTheCliDoes() {
        ModelProto model = model();
        NodeSelection keep = NodeSelection.parse(model.getGraph(), List.of("matmul", "Relu", "^sh"));
        assertThat(keep).isEqualTo(new NodeSelection(List.of("matmul"), List.of("Relu"), List.of("^sh")));

        Fp16Converter.Result r = new Fp16Converter(keep).convert(model);
        assertThat(r.fp32Nodes()).contains("matmul", "relu", "shift").doesNotContain("bias", "scale");
        assertThat(new Fp16Converter().convert(model).fp32Nodes()).doesNotContain("matmul", "relu", "shift");
        assertThatThrownBy(() -> new Fp16Converter(new NodeSelection(List.of(), List.of("Conv"), List.of()))
                .convert(model)).isInstanceOf(Trt4jException.class)
                .hasMessage("operator type 'Conv' to keep in FP32 does not occur in the model");
        assertThatThrownBy(() -> new Fp16Converter(new NodeSelection(List.of(), List.of(), List.of("^head/")))
                .convert(model)).isInstanceOf(Trt4jException.class)
                .hasMessage("pattern '^head/' to keep in FP32 matches no node name in the model");
    }

    @Test
    void operatorsWithoutAnFp16FormRunUnchangedInFp32() throws Exception {
        // Celu's type constraint has no float16; an accumulating scatter has no FP16 kernel in ONNX Runtime; GRU has
        // no FP16 rule in trt4j. Each keeps its FP32 form between casts, and the neighbours still go to FP16.
        int hidden = 3;
        ModelProto model = new ModelBuilder("fp32-only", 16).input("x", 2, 1, 4).output("y").output("scattered")
                .initializer("w", new long[] {1, 3 * hidden, 4}, gaussian(7, 3 * hidden * 4, 0.5))
                .initializer("r", new long[] {1, 3 * hidden, hidden}, gaussian(8, 3 * hidden * hidden, 0.5))
                .int64Initializer("index", 0, 0, 3, 3)
                .int64Initializer("shape", 8)
                .initializer("updates", new long[] {4}, new float[] {1f, 2f, 3f, 4f})
                .node("Relu", "relu", List.of("x"), List.of("a"))
                .node("Celu", "celu", List.of("a"), List.of("c"))
                .node("GRU", "gru", List.of("c", "w", "r"), List.of("h"), ModelBuilder.integer("hidden_size", hidden))
                .node("Sigmoid", "sigmoid", List.of("h"), List.of("y"))
                .node("Reshape", "flat", List.of("x", "shape"), List.of("xf"))
                .node("ScatterElements", "scatter", List.of("xf", "index", "updates"), List.of("scattered"),
                        ModelBuilder.text("reduction", "add"))
                .build();

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).containsExactlyInAnyOrder("celu", "gru", "scatter");
        assertThat(QdqModels.tensor(r.model(), "w").getDataType()).isEqualTo(DataType.FLOAT_VALUE);
        float[] x = gaussian(9, 8, 1.0);
        try (OrtRunner a = new OrtRunner(model); OrtRunner b = new OrtRunner(r.model())) {
            Map<String, float[]> expected = a.run("x", x, new long[] {2, 1, 4}, List.of("y", "scattered"));
            Map<String, float[]> actual = b.run("x", x, new long[] {2, 1, 4}, List.of("y", "scattered"));
            BatchNormFolderTest.assertClose(actual.get("y"), expected.get("y"), 4e-3);
            assertThat(actual.get("scattered")).containsExactly(expected.get("scattered"), within(1e-2f));
        }
    }

    @Test
    void arithmeticOnShapesStaysFp32() throws Exception {
        // x [1, N] → y = Relu(x[:, :floor(N · 0.5)]); FP16 rounds N = 4099 to 4100, which would give 2050 columns
        ModelProto model = new ModelBuilder("half-width", 13).input("x", 1, -1).output("y")
                .int64Initializer("one", 1).int64Initializer("zero", 0)
                .initializer("half", new long[0], new float[] {0.5f})
                .node("Shape", "shape", List.of("x"), List.of("sh"))
                .node("Gather", "width", List.of("sh", "one"), List.of("n"))
                .node("Cast", "to_float", List.of("n"), List.of("nf"), ModelBuilder.integer("to", 1))
                .node("Mul", "halve", List.of("nf", "half"), List.of("h"))
                .node("Floor", "floor", List.of("h"), List.of("hf"))
                .node("Cast", "to_int", List.of("hf"), List.of("end"), ModelBuilder.integer("to", 7))
                .node("Slice", "slice", List.of("x", "zero", "end", "one"), List.of("s"))
                .node("Relu", "relu", List.of("s"), List.of("y")).build();

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).contains("to_float", "halve", "floor").doesNotContain("relu");
        float[] x = gaussian(3, 4099, 1.0);
        assertThat(OrtRunner.runOnce(r.model(), "x", x, new long[] {1, 4099}, "y")).hasSize(2049);
    }

    @Test
    void resizeScalesComputedInTheGraphStayFloat32() throws Exception {
        // scales = [1, 1, 2, 2] computed from two shapes: Resize takes float32 scales only
        ModelProto model = new ModelBuilder("resize-like", 13).input("x", 1, 1, 2, 2).input("ref", 1, 1, 4, 4)
                .output("y")
                .node("Relu", "relu", List.of("x"), List.of("a"))
                .node("Shape", "big", List.of("ref"), List.of("sb"))
                .node("Shape", "small", List.of("x"), List.of("ss"))
                .node("Cast", "big_f", List.of("sb"), List.of("fb"), ModelBuilder.integer("to", 1))
                .node("Cast", "small_f", List.of("ss"), List.of("fs"), ModelBuilder.integer("to", 1))
                .node("Div", "ratio", List.of("fb", "fs"), List.of("scales"))
                .node("Resize", "resize", List.of("a", "", "scales"), List.of("y")).build();

        ModelProto half = new Fp16Converter().convert(model).model();

        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(half.toByteArray())) {
            assertThat(s.getOutputNames()).containsExactly("y");
        }
    }

    @Test
    void constantsFp16CannotHoldKeepTheirReadersInFp32() {
        // weights of 1e-9 would be 0 in FP16, and a ConstantOfShape of 1e5 infinite
        ModelProto model = new ModelBuilder("ranges", 13).input("x", 2, 4).output("y").output("z")
                .initializer("tiny", new long[] {4, 4}, gaussian(4, 16, 1e-9))
                .node("MatMul", "tiny_mm", List.of("x", "tiny"), List.of("y"))
                .node("Shape", "shape", List.of("x"), List.of("sh"))
                .node("ConstantOfShape", "big", List.of("sh"), List.of("k"), ai.onnx.proto.OnnxMl.AttributeProto
                        .newBuilder().setName("value").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                        .setT(TensorValues.floatTensor("", List.of(1L), new float[] {1e5f})).build())
                .node("Add", "add_big", List.of("x", "k"), List.of("z")).build();

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).contains("tiny_mm", "big", "add_big");
        assertThat(QdqModels.tensor(r.model(), "tiny").getDataType()).isEqualTo(DataType.FLOAT_VALUE);

        // the same ranges read from float_data instead of raw_data, and an infinity that is no magnitude to hold
        TensorProto tiny = QdqModels.tensor(model, "tiny");
        float[] tinyValues = TensorValues.floats(tiny);
        TensorProto.Builder listed = tiny.toBuilder().clearRawData();
        for (float v : tinyValues) {
            listed.addFloatData(v);
        }
        TensorProto.Builder fits = TensorProto.newBuilder().setName("fits").setDataType(DataType.FLOAT_VALUE)
                .addDims(2).addFloatData(Float.POSITIVE_INFINITY).addFloatData(3f);
        ModelProto.Builder b = model.toBuilder();
        b.getGraphBuilder().setInitializer(0, listed);
        b.getGraphBuilder().addInitializer(fits).addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder()
                .setName("w")).addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("fits_mul")
                .addInput("fits").addInput("fits").addOutput("w"));
        Fp16Converter.Result listedResult = new Fp16Converter().convert(b.build());
        assertThat(listedResult.fp32Nodes()).contains("tiny_mm", "big", "add_big").doesNotContain("fits_mul");
    }

    @Test
    void aSparseInitializerIsReadThroughACast() throws Exception {
        ModelProto dense = new ModelBuilder("sparse", 13).input("x", 2, 4).output("y")
                .initializer("w", new long[] {4, 3}, gaussian(6, 12, 0.5))
                .node("MatMul", "mm", List.of("x", "w"), List.of("y")).build();
        TensorProto w = dense.getGraph().getInitializer(0);
        TensorProto indices = TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addDims(12)
                .addAllInt64Data(java.util.stream.LongStream.range(0, 12).boxed().toList()).build();
        ModelProto sparse = dense.toBuilder().setGraph(dense.getGraph().toBuilder().clearInitializer()
                .addSparseInitializer(ai.onnx.proto.OnnxMl.SparseTensorProto.newBuilder()
                        .setValues(w.toBuilder().clearDims().addDims(12)).setIndices(indices).addDims(4).addDims(3)))
                .build();
        float[] x = gaussian(7, 8, 1.0);

        ModelProto half = new Fp16Converter().convert(sparse).model();

        BatchNormFolderTest.assertClose(OrtRunner.runOnce(half, "x", x, new long[] {2, 4}, "y"),
                OrtRunner.runOnce(dense, "x", x, new long[] {2, 4}, "y"), 4e-3);
    }

    @Test
    void softmaxWrittenOutKeepsItsSubtractionInFp32() throws Exception {
        // Logits near 10000: FP16's step there is 8, so x − max(x) computed in FP16 would lose the differences.
        ModelProto model = new ModelBuilder("softmax", 12).input("x", 2, 4).output("y")
                .node("ReduceMax", "max", List.of("x"), List.of("m"), ints("axes", 1))
                .node("Sub", "shift", List.of("x", "m"), List.of("d"))
                .node("Exp", "exp", List.of("d"), List.of("e"))
                .node("ReduceSum", "sum", List.of("e"), List.of("s"), ints("axes", 1))
                .node("Div", "normalize", List.of("e", "s"), List.of("y")).build();
        float[] x = {10000f, 10001f, 10002f, 10003f, 1f, 2f, 3f, 4f};

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).contains("shift", "exp", "sum");
        float[] expected = OrtRunner.runOnce(model, "x", x, new long[] {2, 4}, "y");
        float[] actual = OrtRunner.runOnce(Fp16Emulation.emulate(r.model()), "x", x, new long[] {2, 4}, "y");
        assertThat(actual).containsExactly(expected, within(2e-3f));
    }

    /**
     * ONNX Runtime's dynamic quantization: x → DynamicQuantizeLinear → MatMulInteger (INT32 sums, here near 10⁶) →
     * Cast → Mul by the scales. In FP16 the Cast would overflow to infinity; it and the Mul stay FP32.
     */
    @Test
    void anIntegerAccumulatorsCastAndItsRescalingStayFp32() throws Exception {
        byte[] weights = new byte[64 * 4];
        java.util.Arrays.fill(weights, (byte) 127);
        ModelProto model = new ModelBuilder("dynamic", 13).input("x", 2, 64).output("y")
                .initializer("w_scale", new long[] {}, new float[] {0.01f})
                .node("DynamicQuantizeLinear", "dql", List.of("x"), List.of("xq", "xs", "xz"))
                .node("MatMulInteger", "mmi", List.of("xq", "wq", "xz"), List.of("acc"))
                .node("Cast", "acc_cast", List.of("acc"), List.of("acc_f"), integer("to", DataType.FLOAT_VALUE))
                .node("Mul", "scales", List.of("xs", "w_scale"), List.of("s"))
                .node("Mul", "rescale", List.of("acc_f", "s"), List.of("r"))
                .node("Relu", "relu", List.of("r"), List.of("y")).build();
        model = model.toBuilder().setGraph(model.getGraph().toBuilder().addInitializer(TensorProto.newBuilder()
                .setName("wq").addDims(64).addDims(4).setDataType(DataType.INT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(weights)))).build();
        float[] x = ModelBuilder.uniform(8, 128, 0.5, 1.0);

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).contains("acc_cast", "rescale").doesNotContain("relu");
        assertThat(ElementTypeInference.castTarget(node(r.model(), "acc_cast"))).isEqualTo(DataType.FLOAT_VALUE);
        float[] expected = OrtRunner.runOnce(model, "x", x, new long[] {2, 64}, "y");
        float[] actual = OrtRunner.runOnce(Fp16Emulation.emulate(r.model()), "x", x, new long[] {2, 64}, "y");
        assertThat(expected[0]).isGreaterThan(10f); // sums near 1.5·10⁶ (64 products of about 190 · 127), rescaled
        assertThat(actual).containsExactly(expected, within(expected[0] * 2e-3f));
    }

    /**
     * Neither FP16 weights transposed before their Cast to FP32 nor a round trip through FP16 Casts makes an FP32
     * model "partly FP16": such a model is converted, not kept FP32 whole as a second conversion's islands.
     */
    @Test
    void fp16StorageAndRoundTripsAreNoIslandsKeptInFp32() {
        byte[] half = new byte[4 * 4 * 2];
        ModelProto stored = new ModelBuilder("stored", 13).input("x", 2, 4).output("y")
                .initializer("w1", new long[] {4, 4}, ModelBuilder.uniform(3, 16, -1, 1))
                .node("MatMul", "mm1", List.of("x", "w1"), List.of("a"))
                .node("Relu", "relu", List.of("a"), List.of("b"))
                .node("Transpose", "t", List.of("w2h"), List.of("w2t"))
                .node("Cast", "c32", List.of("w2t"), List.of("w2"), integer("to", DataType.FLOAT_VALUE))
                .node("MatMul", "mm2", List.of("b", "w2"), List.of("y")).build();
        stored = stored.toBuilder().setGraph(stored.getGraph().toBuilder().addInitializer(TensorProto.newBuilder()
                .setName("w2h").addDims(4).addDims(4).setDataType(DataType.FLOAT16_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(half)))).build();
        assertThat(new Fp16Converter().convert(stored).fp32Nodes()).isEmpty();

        ModelProto roundTrip = new ModelBuilder("round", 13).input("x", 2, 4).output("y")
                .node("Relu", "relu", List.of("x"), List.of("a"))
                .node("Cast", "to16", List.of("a"), List.of("a16"), integer("to", DataType.FLOAT16_VALUE))
                .node("Cast", "to32", List.of("a16"), List.of("a32"), integer("to", DataType.FLOAT_VALUE))
                .node("Sigmoid", "sig", List.of("a32"), List.of("y")).build();
        Fp16Converter.Result r = new Fp16Converter().convert(roundTrip);
        assertThat(r.fp32Nodes()).isEmpty();
        assertThat(r.castsAdded()).isPositive();
    }

    @Test
    void operatorsOfOtherDomainsStayFp32OrAreRefusedByName() {
        ModelProto declared = new ModelBuilder("custom", 13).input("x", SHAPE).output("y")
                .node("Relu", "relu", List.of("x"), List.of("a"))
                .node("Custom", "custom", List.of("a"), List.of("y")).build();
        declared = declared.toBuilder().setGraph(declared.getGraph().toBuilder()
                .setNode(1, declared.getGraph().getNode(1).toBuilder().setDomain("com.example"))).build();

        Fp16Converter.Result r = new Fp16Converter().convert(declared);
        assertThat(r.fp32Nodes()).containsExactly("custom");
        assertThat(castTo(r.model(), node(r.model(), "custom").getInput(0))).isEqualTo(DataType.FLOAT_VALUE);

        // Without a declared output type, neither trt4j nor ONNX Runtime can type the custom node's output.
        ModelProto undeclared = declared.toBuilder().setGraph(declared.getGraph().toBuilder()
                .setNode(1, declared.getGraph().getNode(1).toBuilder().setOutput(0, "b"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("after").addInput("b").addOutput("y")))
                .build();
        assertThatThrownBy(() -> new Fp16Converter().convert(undeclared)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("output 'b'").hasMessageContaining("'custom'")
                .hasMessageContaining("com.example.Custom");
    }

    @Test
    void controlFlowComputesInFp32AndItsBodyReadsOuterValuesInFp32() throws Exception {
        // y = all(x > 0) ? sigmoid(r) : -r, r = relu(x) · w: the branches read r, which the graph computes in FP16.
        ai.onnx.proto.OnnxMl.GraphProto thenBody = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName("sig").addInput("r").addOutput("t"))
                .addOutput(ModelBuilder.valueInfo("t", DataType.FLOAT_VALUE, null)).build();
        ai.onnx.proto.OnnxMl.GraphProto elseBody = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Neg").setName("neg").addInput("r").addOutput("e"))
                .addOutput(ModelBuilder.valueInfo("e", DataType.FLOAT_VALUE, null)).build();
        ModelProto model = new ModelBuilder("branching", 13).input("x", SHAPE).output("y")
                .initializer("w", new long[] {8, 8}, gaussian(6, 64, 0.5))
                .initializer("zero", new long[] {}, new float[] {0f})
                .node("Relu", "relu", List.of("x"), List.of("a"))
                .node("MatMul", "mm", List.of("a", "w"), List.of("r"))
                .node("ReduceMin", "lowest", List.of("x"), List.of("low"), integer("keepdims", 0))
                .node("Greater", "positive", List.of("low", "zero"), List.of("cond"))
                .node("If", "branch", List.of("cond"), List.of("y"), graph("then_branch", thenBody),
                        graph("else_branch", elseBody))
                .build();

        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).contains("branch");
        NodeProto converted = node(r.model(), "branch");
        String read = converted.getAttribute(0).getG().getNode(0).getInput(0);
        assertThat(read).as("the body reads an FP32 cast of r").isNotEqualTo("r");
        assertThat(castTo(r.model(), read)).isEqualTo(DataType.FLOAT_VALUE);
        float[] x = gaussian(7, 16, 1.0);
        float[] positive = new float[16];
        for (int i = 0; i < 16; i++) {
            positive[i] = Math.abs(x[i]) + 0.1f;
        }
        for (float[] in : List.of(x, positive)) {
            float[] expected = OrtRunner.runOnce(model, "x", in, SHAPE, "y");
            float[] actual = OrtRunner.runOnce(Fp16Emulation.emulate(r.model()), "x", in, SHAPE, "y");
            BatchNormFolderTest.assertClose(actual, expected, 4e-3);
        }
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto graph(String name, ai.onnx.proto.OnnxMl.GraphProto g) {
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    @Test
    void opsetsBeforeSixAreRefused() {
        ModelProto old = new ModelBuilder("old", 5).input("x", SHAPE).output("y")
                .node("Relu", "relu", List.of("x"), List.of("y")).build();
        assertThatThrownBy(() -> new Fp16Converter().convert(old)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("opset 6").hasMessageContaining("opset 5");
    }

    @Test
    void paddleOcrClassifierRunsInFp16AndAgreesWithFp32() throws Exception {
        ModelProto model = PaddleOcrQuantizationTest.load("models/ch_ppocr_mobile_v2.0_cls_infer.onnx");
        String output = model.getGraph().getOutput(0).getName();
        Fp16Converter.Result r = new Fp16Converter().convert(model);

        assertThat(r.fp32Nodes()).anyMatch(n -> n.startsWith("Softmax"));
        try (OrtRunner fp32 = new OrtRunner(model); OrtRunner fp16 = new OrtRunner(r.model())) {
            for (TextLines.Line line : TextLines.render(4, 8)) {
                float[] e = fp32.run("x", line.pixels(), TextLines.SHAPE, output);
                float[] a = fp16.run("x", line.pixels(), TextLines.SHAPE, output);
                assertThat(a).containsExactly(e, within(1e-2f));
            }
        }
    }

    @Test
    void paddleOcrRecognizerKeepsItsLayerNormStatisticsInFp32() throws Exception {
        ModelProto model = PaddleOcrQuantizationTest.load("models/ch_PP-OCRv4_rec_infer.onnx");
        String output = model.getGraph().getOutput(0).getName();
        Fp16Converter.Result r = new Fp16Converter().convert(model);

        List<String> sqrt = QdqModels.nodes(model, "Sqrt").stream().map(NodeProto::getName).toList();
        assertThat(sqrt).hasSize(5);
        assertThat(r.fp32Nodes()).containsAll(sqrt);
        float[] pixels = TextLines.render(5, 1).get(0).pixels();
        float[] e = OrtRunner.runOnce(model, "x", pixels, TextLines.SHAPE, output);
        float[] a = OrtRunner.runOnce(r.model(), "x", pixels, TextLines.SHAPE, output);
        assertThat(a).containsExactly(e, within(2e-2f));
    }

    @Test
    void aQuantizedModelKeepsItsQdqInFp32AroundFp16Compute() throws Exception {
        ModelProto model = TinyModels.residual(13, false);
        QdqQuantizer quantizer = new QdqQuantizer(QuantizationConfig.defaults());
        float[] x = gaussian(40, 256, 1.0);
        Map<String, Float> amax = OrtRunner.maxPass(model, "x", List.of(x), TinyModels.RESIDUAL_INPUT,
                quantizer.requiredActivations(model));
        ModelProto int8 = quantizer.quantize(model, amax).model();

        Fp16Converter.Result r = new Fp16Converter().convert(int8);

        assertThat(r.fp32Nodes()).filteredOn(n -> n.endsWith("Linear")).hasSize(12);
        assertThat(QdqModels.tensor(r.model(), "x_scale").getDataType()).isEqualTo(DataType.FLOAT_VALUE);
        BatchNormFolderTest.assertClose(OrtRunner.runOnce(r.model(), "x", x, TinyModels.RESIDUAL_INPUT, "logits"),
                OrtRunner.runOnce(int8, "x", x, TinyModels.RESIDUAL_INPUT, "logits"), 0.01);
    }
}
