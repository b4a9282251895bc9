package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trt4j.quantize.ModelBuilder.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputSpecializerTest {
    private static final long[] SHAPE = {2, 3};

    private static AttributeProto branch(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    private static GraphProto body(String name, NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(name);
        for (NodeProto n : nodes) {
            g.addNode(n);
        }
        String out = nodes[nodes.length - 1].getOutput(0);
        return g.addOutput(ModelBuilder.valueInfo(out, DataType.FLOAT_VALUE, null)).build();
    }

    private static NodeProto node(String op, String name, String in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addInput(in).addOutput(out).build();
    }

    /**
     * y = sr == 16000 ? (inner: sr == 16000 ? relu(x) : x) : -x, where the then branch holds another If. The inner
     * then branch names its result "y2", which the outer graph also uses, to check that clashing names are renamed.
     */
    private static ModelProto model() {
        GraphProto innerThen = body("inner_then", node("Relu", "relu", "x", "y2"));
        GraphProto innerElse = body("inner_else", node("Identity", "same", "x", "kept"));
        NodeProto inner = NodeProto.newBuilder().setOpType("If").setName("inner").addInput("is16k").addOutput("r")
                .addAttribute(branch("then_branch", innerThen)).addAttribute(branch("else_branch", innerElse))
                .build();
        GraphProto outerThen = GraphProto.newBuilder().setName("outer_then").addNode(inner)
                .addOutput(ModelBuilder.valueInfo("r", DataType.FLOAT_VALUE, null)).build();
        GraphProto outerElse = body("outer_else", node("Neg", "neg", "x", "n"));
        ModelProto m = new ModelBuilder("specialize", 13).input("x", SHAPE).output("y").output("y2")
                .int64Initializer("rate", 16000)
                .node("Equal", "check", List.of("sr", "rate"), List.of("is16k"))
                .node("If", "outer", List.of("is16k"), List.of("y"), branch("then_branch", outerThen),
                        branch("else_branch", outerElse))
                .node("Sigmoid", "other", List.of("x"), List.of("y2"))
                .build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addInput(ModelBuilder.valueInfo("sr", DataType.INT64_VALUE, new long[] {1}))).build();
    }

    @Test
    void aFixedInputFoldsTheIfsItDecidesAndLeavesTheBranchTaken() throws Exception {
        ModelProto model = model();
        float[] x = gaussian(1, 6, 1.0);

        InputSpecializer.Result at16k = InputSpecializer.fix(model,
                Map.of("sr", InputSpecializer.value(model, "sr", "16000")));
        InputSpecializer.Result at8k = InputSpecializer.fix(model,
                Map.of("sr", InputSpecializer.value(model, "sr", "8000")));

        assertThat(at16k.foldedIfs()).containsExactly("outer (then)", "inner (then)");
        assertThat(at8k.foldedIfs()).containsExactly("outer (else)");
        for (InputSpecializer.Result r : List.of(at16k, at8k)) {
            assertThat(QdqModels.nodes(r.model(), "If")).isEmpty();
            assertThat(QdqModels.nodes(r.model(), "Equal")).as("dead once folded").isEmpty();
            assertThat(r.model().getGraph().getInputList()).extracting(v -> v.getName()).containsExactly("x");
        }
        float[] relu = new float[6];
        float[] neg = new float[6];
        for (int i = 0; i < 6; i++) {
            relu[i] = Math.max(0f, x[i]);
            neg[i] = -x[i];
        }
        try (OrtRunner a = new OrtRunner(at16k.model()); OrtRunner b = new OrtRunner(at8k.model())) {
            Map<String, float[]> fast = a.run("x", x, SHAPE, List.of("y", "y2"));
            assertThat(fast.get("y")).containsExactly(relu);
            assertThat(fast.get("y2")).as("the outer y2 is untouched by the branch's own y2")
                    .isEqualTo(b.run("x", x, SHAPE, "y2"));
            assertThat(b.run("x", x, SHAPE, "y")).containsExactly(neg);
        }
    }

    /** y = c ? relu(x) : -x, with the boolean input c read directly by the If. */
    private static ModelProto conditionModel() {
        ModelProto m = new ModelBuilder("direct", 13).input("x", SHAPE).output("y")
                .node("If", "branch", List.of("c"), List.of("y"),
                        branch("then_branch", body("then", node("Relu", "relu", "x", "r"))),
                        branch("else_branch", body("else", node("Neg", "neg", "x", "m"))))
                .build();
        return m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addInput(ModelBuilder.valueInfo("c", DataType.BOOL_VALUE, new long[0]))).build();
    }

    @Test
    void aFixedInputTheConditionReadsDirectlyLeavesNoInitializerBehind() {
        ModelProto model = conditionModel();

        InputSpecializer.Result r = InputSpecializer.fix(model, Map.of("c", InputSpecializer.value(model, "c", "1")));

        assertThat(r.foldedIfs()).containsExactly("branch (then)");
        assertThat(r.model().getGraph().getInitializerList()).as("ONNX Runtime would warn about an unread 'c'")
                .isEmpty();
    }

    @Test
    void booleansAreTakenAsPythonWritesThemToo() {
        ModelProto model = conditionModel();

        assertThat(InputSpecializer.fix(model, Map.of("c", InputSpecializer.value(model, "c", "True"))).foldedIfs())
                .containsExactly("branch (then)");
        assertThat(InputSpecializer.fix(model, Map.of("c", InputSpecializer.value(model, "c", "False"))).foldedIfs())
                .containsExactly("branch (else)");
        assertThatThrownBy(() -> InputSpecializer.value(model, "c", "yes"))
                .hasMessage("--fix-input: input 'c': 'yes' is not a boolean (true, false, 1 or 0)");
    }

    /** y = (first dimension of x == 2) ? relu(x) : -x: a condition only a fixed shape decides. */
    private static ModelProto shapeModel() {
        ModelProto m = new ModelBuilder("by-shape", 13).input("x", -1, 3).output("y")
                .int64Initializer("zero", 0).int64Initializer("two", 2)
                .node("Shape", "shape", List.of("x"), List.of("s"))
                .node("Gather", "rows", List.of("s", "zero"), List.of("n"))
                .node("Equal", "check", List.of("n", "two"), List.of("pair"))
                .node("If", "branch", List.of("pair"), List.of("y"),
                        branch("then_branch", body("then", node("Relu", "relu", "x", "r"))),
                        branch("else_branch", body("else", node("Neg", "neg", "x", "m"))))
                .build();
        return m;
    }

    @Test
    void aFixedShapeFoldsTheIfsItDecides() throws Exception {
        ModelProto model = shapeModel();
        float[] x = gaussian(4, 6, 1.0);

        InputSpecializer.Result two = InputSpecializer.fix(model, Map.of(), Map.of("x", new long[] {2, 3}));
        InputSpecializer.Result three = InputSpecializer.fix(model, Map.of(), Map.of("x", new long[] {3, 3}));
        InputSpecializer.Result open = InputSpecializer.fix(model, Map.of(), Map.of());

        assertThat(two.foldedIfs()).containsExactly("branch (then)");
        assertThat(three.foldedIfs()).containsExactly("branch (else)");
        assertThat(open.foldedIfs()).as("the shape is not fixed: nothing to decide").isEmpty();
        assertThat(two.model().getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue())
                .isEqualTo(2);
        try (OrtRunner a = new OrtRunner(two.model())) {
            float[] y = a.run("x", x, SHAPE, "y");
            for (int i = 0; i < 6; i++) {
                assertThat(y[i]).isEqualTo(Math.max(0f, x[i]));
            }
        }
        assertThatThrownBy(() -> InputSpecializer.fix(model, Map.of(), Map.of("x", new long[] {2, 4})))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("dimension 1 of input 'x' is fixed to 3");
        assertThatThrownBy(() -> InputSpecializer.fix(model, Map.of(), Map.of("x", new long[] {0, 3})))
                .isInstanceOf(InvalidOptionException.class).hasMessage("--fix-shapes: dimension 0 of input 'x' is "
                        + "0; a fixed shape needs every dimension at least 1");
    }

    @Test
    void aBranchThatPassesAnOuterValueThroughBecomesAnIdentity() throws Exception {
        GraphProto passThrough = GraphProto.newBuilder().setName("pass")
                .addOutput(ModelBuilder.valueInfo("x", DataType.FLOAT_VALUE, null)).build();
        ModelProto m = new ModelBuilder("pass", 13).input("x", SHAPE).output("y")
                .int64Initializer("rate", 16000)
                .node("Equal", "check", List.of("sr", "rate"), List.of("is16k"))
                .node("If", "maybe", List.of("is16k"), List.of("y"),
                        branch("then_branch", body("neg", node("Neg", "neg", "x", "n"))),
                        branch("else_branch", passThrough))
                .build();
        ModelProto model = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addInput(ModelBuilder.valueInfo("sr", DataType.INT64_VALUE, new long[] {1}))).build();

        InputSpecializer.Result r = InputSpecializer.fix(model, Map.of("sr", InputSpecializer.value(model, "sr",
                "8000")));

        assertThat(r.foldedIfs()).containsExactly("maybe (else)");
        assertThat(QdqModels.nodes(r.model(), "Identity")).hasSize(1);
        float[] x = gaussian(5, 6, 1.0);
        assertThat(OrtRunner.runOnce(r.model(), "x", x, SHAPE, "y")).containsExactly(x);
    }

    @Test
    void badValuesAreRefusedByName() {
        ModelProto model = model();
        assertThatThrownBy(() -> InputSpecializer.value(model, "rate_typo", "1")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("no input 'rate_typo'").hasMessageContaining("[x, sr]");
        assertThatThrownBy(() -> InputSpecializer.value(model, "sr", "1,2")).isInstanceOf(Trt4jException.class)
                .hasMessage("--fix-input: input 'sr' has shape [1] (1 value), got 2 (one value fills it; commas "
                        + "separate the values of one input, and each other input takes its own --fix-input)");
        assertThatThrownBy(() -> InputSpecializer.value(model, "x", "1,2")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("shape [2, 3] (6 values), got 2 (one value fills it");
        for (String notFinite : List.of("NaN", "Infinity", "-Infinity", "1e39")) {
            assertThatThrownBy(() -> InputSpecializer.value(model, "x", notFinite))
                    .isInstanceOf(InvalidOptionException.class)
                    .hasMessage("--fix-input: input 'x': '" + notFinite + "' is not a finite FLOAT value");
        }
        assertThat(TensorValues.floats(InputSpecializer.value(model, "x", "0.5"))).containsOnly(0.5f).hasSize(6);
        assertThatThrownBy(() -> InputSpecializer.value(model, "sr", "fast")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("'fast' is not a valid INT64 value");
        assertThatCode(() -> InputSpecializer.value(model, "x", "1,2,3,4,5,6")).doesNotThrowAnyException();
        // a trailing comma is one value more, not ignored
        assertThatThrownBy(() -> InputSpecializer.value(model, "x", "1,2,3,4,5,6,"))
                .hasMessageContaining("shape [2, 3] (6 values), got 7");
        // An input with an open dimension takes a value once its shape is given, as --fix-shapes gives it.
        ModelProto open = shapeModel();
        assertThatThrownBy(() -> InputSpecializer.value(open, "x", "1,2,3,4,5,6"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("not fixed (N)");
        assertThat(InputSpecializer.value(open, "x", "1,2,3,4,5,6", new long[] {2, 3}).getDimsList())
                .containsExactly(2L, 3L);
    }

    /** ids - mask, both [batch_size, sequence_length]: BERT's inputs share their dimensions by name. */
    private static ModelProto bertPair() {
        ModelProto m = new ModelBuilder("pair", 13).output("y")
                .node("Sub", "sub", List.of("input_ids", "attention_mask"), List.of("y")).build();
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (String name : List.of("input_ids", "attention_mask")) {
            g.addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(
                    ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                            ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.INT64_VALUE)
                                    .setShape(ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                                            .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                    .setDimParam("batch_size"))
                                            .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                                    .setDimParam("sequence_length"))))));
        }
        return m.toBuilder().setGraph(g).build();
    }

    @Test
    void aFixedShapeReachesTheInputsSharingItsDimensionsAndDisagreeingSizesAreRefused() {
        ModelProto fixed = InputSpecializer.fix(bertPair(), Map.of(), Map.of("input_ids", new long[] {2, 16}))
                .model();
        assertThat(fixed.getGraph().getInputList()).allSatisfy(in -> assertThat(in.getType().getTensorType()
                .getShape().getDimList()).extracting(d -> d.getDimValue()).containsExactly(2L, 16L));

        assertThatThrownBy(() -> InputSpecializer.fix(bertPair(), Map.of(), new java.util.LinkedHashMap<>(Map.of(
                "input_ids", new long[] {2, 16})) {{ put("attention_mask", new long[] {2, 17}); }}))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--fix-shapes gives dimension 'sequence_length' 16 (input_ids) and 17 (attention_mask); "
                        + "inputs that share a dimension take one size");
    }

    @Test
    void outputsAndValuesSharingAFixedDimensionTakeItsSizeAndKeepTheirOtherNames() {
        ModelProto pair = bertPair();
        GraphProto.Builder g = pair.getGraph().toBuilder();
        // y as exporters declare it: the inputs' names for their sizes; a value with a name no input has
        g.setOutput(0, g.getInput(0).toBuilder().setName("y").build());
        ai.onnx.proto.OnnxMl.ValueInfoProto.Builder hidden = g.getInput(0).toBuilder().setName("inner");
        hidden.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1).setDimParam("hidden");
        g.addValueInfo(hidden);
        ModelProto fixed = InputSpecializer.fix(pair.toBuilder().setGraph(g).build(), Map.of(),
                Map.of("input_ids", new long[] {2, 16})).model();

        assertThat(fixed.getGraph().getOutput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.getDimValue()).containsExactly(2L, 16L);
        assertThat(fixed.getGraph().getValueInfo(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam())
                .containsExactly("2", "hidden");
    }

    @Test
    void fixingEveryInputIsRefused() {
        ModelProto model = shapeModel();
        assertThatThrownBy(() -> InputSpecializer.fix(model, Map.of("x", InputSpecializer.value(model, "x", "0.5",
                new long[] {2, 3})), Map.of("x", new long[] {2, 3})))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--fix-input fixes every input of the model (x), which would leave a constant; leave at "
                        + "least one input open");
    }
}
