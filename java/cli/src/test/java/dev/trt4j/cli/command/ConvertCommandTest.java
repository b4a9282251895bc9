package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trt4j convert}: messages for misused options (each names the option at fault), and FP16's range check. */
class ConvertCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void extract() throws IOException {
        model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
    }

    private static CliRun convert(String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "convert";
        args[1] = model.toString();
        args[2] = "--out";
        args[3] = dir.resolve("out.onnx").toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return CliRun.of(args);
    }

    @Test
    void aModelWithoutAnOpsetIsNamedByItsFile() throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto cls = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(model));
        Path noOpset = java.nio.file.Files.write(dir.resolve("no-opset.onnx"),
                cls.toBuilder().clearOpsetImport().build().toByteArray());

        CliRun run = CliRun.of("convert", noOpset.toString(), "--fp16", "--out", dir.resolve("x.onnx").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: no-opset.onnx: ")
                .endsWith("imports no default-domain opset");
    }

    /** A second --fp16 converts nothing: it says so instead of "Converted ... to FP16". */
    @Test
    void fp16OfAnFp16ModelSaysNothingWasConverted() throws IOException {
        Path half = dir.resolve("twice.fp16.onnx");
        CliRun first = CliRun.of("convert", model.toString(), "--fp16", "--out", half.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.errLines()).isEmpty();

        CliRun second = CliRun.of("convert", half.toString(), "--fp16", "--out", dir.resolve("again.onnx").toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).containsExactly("trt4j: warning: twice.fp16.onnx has nothing --fp16 converts "
                + "(converted already, or what is FP32 stays so by rule): again.onnx is written with that step "
                + "unchanged");
        assertThat(second.out()).startsWith("Converted twice.fp16.onnx (FP16: nothing to convert) → ");
        assertThat(first.out()).startsWith("Converted cls.onnx to FP16 → ");
        // and for scripts
        CliRun json = CliRun.of("convert", half.toString(), "--fp16", "--out", dir.resolve("again.onnx").toString(),
                "--json");
        assertThat(json.out()).contains("\"fp16NothingToConvert\":true");
        assertThat(CliRun.of("convert", model.toString(), "--fp16", "--out", dir.resolve("once.onnx").toString(),
                "--json").out()).contains("\"fp16NothingToConvert\":false");

        // a MatMul kept by --keep-fp32 beside a Softmax FP32 by rule: nothing converted, which is said, not refused
        Path matMulSoftmax = dir.resolve("mm-softmax.onnx");
        var mm = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(TestModels.matMul(
                dir.resolve("mm.onnx")))).toBuilder();
        var g = mm.getGraphBuilder();
        String y = g.getOutput(0).getName();
        g.setOutput(0, g.getOutput(0).toBuilder().setName("p"));
        g.addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(y)
                .addOutput("p"));
        Files.write(matMulSoftmax, mm.build().toByteArray());
        CliRun kept = CliRun.of("convert", matMulSoftmax.toString(), "--fp16", "--keep-fp32", "mm", "--out",
                dir.resolve("kept.onnx").toString());
        assertThat(kept.exitCode()).as(kept.err()).isZero();
        assertThat(kept.errLines()).singleElement().asString().contains("or by --keep-fp32");
    }

    @Test
    void keepingEveryNodeInFp32IsRefusedAndAnUnknownFixedInputIsAUsageError() {
        CliRun all = convert("--fp16", "--keep-fp32", ".*");
        assertThat(all.exitCode()).isEqualTo(2);
        assertThat(all.errLines()).hasSize(1);
        assertThat(all.errLines().get(0)).startsWith("trt4j: --keep-fp32 keeps every node in FP32 (")
                .endsWith("), so the output would be the FP32 model; keep fewer");

        CliRun unknown = convert("--fix-input", "nope=1");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines().get(0)).contains("--fix-input: the model has no input 'nope'");
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void aShapeForAnInputTheModelLacksNamesFixShapes() {
        CliRun run = convert("--fix-shapes", "y:1x3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: cls.onnx: --fix-shapes: the model has no input 'y'; its "
                + "inputs are [x]");
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void aFixInputWithoutAValueAsksForNameEqualsValues() {
        CliRun run = convert("--fix-input", "token_type_ids");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --fix-input: expected NAME=VALUES (e.g. sr=16000 or "
                + "state=0), got 'token_type_ids'");
        assertThat(convert("--fix-input", "x=").errLines().get(0)).contains("expected NAME=VALUES");
        assertThat(convert("--fix-input", "x=0", "--fix-input", "x=1").errLines().get(0))
                .isEqualTo("trt4j: --fix-input: input 'x' is given twice");
    }

    @Test
    void anInputBothHeldAndShapedIsReportedOnceWithItsShape() throws Exception {
        Path streaming = dev.trt4j.cli.TestModels.streaming(dir.resolve("streaming.onnx"));
        Path out = dir.resolve("held.onnx");
        CliRun run = CliRun.of("convert", streaming.toString(), "--fix-shapes", "state:2x1x4", "--fix-input",
                "state=0", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        // x shares its batch dimension's name with state, so the shape fixes it too, and the summary says so
        assertThat(run.out().lines()).contains("Fixed state (2x1x4) at the given values, x to 1x4; folded 0 If nodes");

        // holding the only input would leave a constant that no command can feed
        CliRun constant = CliRun.of("convert", model.toString(), "--fix-shapes", "x:1x3x48x192", "--fix-input",
                "x=0", "--out", dir.resolve("constant.onnx").toString());
        assertThat(constant.exitCode()).isEqualTo(2);
        assertThat(constant.errLines()).singleElement().asString().endsWith("--fix-input fixes every input of the "
                + "model (x), which would leave a constant; leave at least one input open");
        assertThat(dir.resolve("constant.onnx")).doesNotExist();
    }

    @Test
    void shapesAndValuesThatCannotBeHeldAreRefusedAsOptions() {
        CliRun zero = convert("--fix-shapes", "x:0x3x48x192");
        CliRun twoInputs = convert("--fix-input", "start=0,limit=5,6");
        CliRun nan = convert("--fix-shapes", "x:1x3x48x192", "--fix-input", "x=NaN");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.errLines()).containsExactly("trt4j: cls.onnx: --fix-shapes: dimension 0 of input 'x' is 0; "
                + "a fixed shape needs every dimension at least 1");
        assertThat(twoInputs.exitCode()).isEqualTo(2);
        assertThat(twoInputs.errLines()).containsExactly("trt4j: --fix-input: 'start=0,limit=5,6' names more than "
                + "one input; commas separate the values of one input, so repeat the option for each (--fix-input "
                + "start=0 --fix-input limit=5,6)");
        assertThat(nan.exitCode()).isEqualTo(2);
        assertThat(nan.errLines()).containsExactly("trt4j: cls.onnx: --fix-input: input 'x': 'NaN' is not a finite "
                + "FLOAT value");
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void dataOptionsWithoutDataAreRefusedNotIgnored() throws IOException {
        CliRun shapes = convert("--fix-shapes", "x:1x3x48x192", "--shapes", "x:2x3x48x192");
        CliRun batch = convert("--fp16", "--batch", "4");
        Path data = dir.resolve("cls-x.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {1, 3, 48, 192}, new float[3 * 48 * 192]));
        CliRun fixedAndShaped = convert("--fp16", "--data", data.toString(), "--fix-shapes", "x:1x3x48x192",
                "--shapes", "x:2x3x48x192");

        assertThat(shapes.exitCode()).isEqualTo(2);
        assertThat(shapes.errLines()).containsExactly("trt4j: --shapes gives the shapes of the --data samples of "
                + "FP16's range check (--fix-shapes fixes the model's); give --data too");
        assertThat(batch.exitCode()).isEqualTo(2);
        assertThat(batch.errLines()).containsExactly("trt4j: --batch applies to the --data samples of FP16's range "
                + "check; give --data too");
        assertThat(fixedAndShaped.exitCode()).isEqualTo(2);
        assertThat(fixedAndShaped.errLines()).containsExactly("trt4j: --shapes: input 'x' is fixed by --fix-input or "
                + "--fix-shapes, and the samples take the shape it is fixed to; leave it out of --shapes");
        assertThat(dir.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void keepFp32WithoutFp16SaysItNeedsFp16() {
        CliRun run = convert("--keep-fp32", "Conv");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --keep-fp32 needs --fp16");
    }

    @Test
    void foldWritesTheSameFunctionWithBatchNormsAndHardSwishesFolded() throws IOException {
        Path out = dir.resolve("cls.folded.onnx");
        CliRun run = CliRun.of("convert", "--fold", model.toString(), "--out", out.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        // The classifier: 35 Conv → BatchNorm pairs and 18 hard-swishes spelled out as Add, Clip, Div and Mul.
        assertThat(json.get("foldedBatchNorms")).hasSize(35);
        assertThat(json.get("hardSwishes").asInt()).isEqualTo(18);
        assertThat(json.get("opset").asInt()).isEqualTo(14);
        assertThat(json.get("precision").asText()).isEqualTo("fp32");
        assertThat(json.get("castsAdded").isNull()).isTrue();

        CliRun evaluate = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", out.toString(),
                "--samples", "16", "--json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        JsonNode output = new ObjectMapper().readTree(evaluate.out()).get("outputs").get(0);
        assertThat(output.get("cosine").asDouble()).isGreaterThan(0.999999);
        assertThat(output.get("maxAbsoluteError").asDouble()).isLessThan(1e-4);

        CliRun plain = CliRun.of("convert", "--opset", "13", model.toString(), "--out",
                dir.resolve("o13.onnx").toString(), "--json");
        assertThat(new ObjectMapper().readTree(plain.out()).get("hardSwishes").isNull()).as("not asked, not done")
                .isTrue();
    }

    /** --fold on a model with nothing to fold warns as --fp16 does, instead of only counting zeros. */
    @Test
    void foldOfAModelWithNothingToFoldSaysItsStepChangedNothing() throws IOException {
        Path mm = TestModels.matMul(dir.resolve("mm.onnx"));
        Path out = dir.resolve("mm.folded.onnx");

        CliRun run = CliRun.of("convert", "--fold", mm.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: mm.onnx has nothing --fold folds (no BatchNorm "
                + "or constant scale or shift after a Conv, no spelled-out hard-swish, no positive scalar scale before "
                + "a Conv): mm.folded.onnx is written with that step unchanged");
        assertThat(run.out()).contains("Folded 0 BatchNorms and 0 scale/shift nodes into Convs");
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(mm));
        // the classifier has Convs to fold: no warning
        CliRun cls = CliRun.of("convert", "--fold", model.toString(), "--out", dir.resolve("f.onnx").toString());
        assertThat(cls.exitCode()).as(cls.err()).isZero();
        assertThat(cls.errLines()).isEmpty();
    }

    @Test
    void aSecondConversionKeepsWhatTheSamplesKeptInFp32() throws IOException {
        Path squaredLog = TestModels.squaredLog(dir.resolve("squared-log.onnx"));
        float[] x = new float[16 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 10f; // up to 630: Relu's values fit FP16, their squares (396900) do not
        }
        Path data = dir.resolve("x.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {16, 4}, x));
        Path once = dir.resolve("once.onnx");
        CliRun first = CliRun.of("convert", "--fp16", squaredLog.toString(), "--data", data.toString(), "--out",
                once.toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(new ObjectMapper().readTree(first.out()).get("beyondFp16").get(0).get("node").asText())
                .isEqualTo("square");

        // without the samples the square would turn FP16 (overflowing) behind a Cast from FP16 to FP16, which
        // ONNX Runtime refused to load; the islands between trt4j's own Casts stay as they are instead
        Path twice = dir.resolve("twice.onnx");
        CliRun second = CliRun.of("convert", "--fp16", once.toString(), "--out", twice.toString());

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.errLines()).containsExactly("trt4j: warning: once.onnx has nothing --fp16 converts "
                + "(converted already, or what is FP32 stays so by rule): twice.onnx is written with that step "
                + "unchanged");
        assertThat(Files.readAllBytes(twice)).isEqualTo(Files.readAllBytes(once));
        CliRun evaluate = CliRun.of("evaluate", "--reference", squaredLog.toString(), "--candidate",
                twice.toString(), "--data", data.toString(), "--json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(new ObjectMapper().readTree(evaluate.out()).get("outputs").get(0).get("cosine").asDouble())
                .isGreaterThan(0.9999);
    }

    @Test
    void samplesKeepInFp32TheNodesWhoseValuesFp16CannotHold() throws IOException {
        Path scaledLog = TestModels.scaledLog(dir.resolve("scaled-log.onnx"));
        float[] x = new float[16 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 4f;  // up to 15.75: times 2^20 is 1.65e7, far beyond FP16's 65504
        }
        Path data = dir.resolve("x.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {16, 4}, x));
        Path out = dir.resolve("scaled-log.fp16.onnx");

        CliRun run = CliRun.of("convert", "--fp16", scaledLog.toString(), "--data", data.toString(), "--out",
                out.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).get("fp16RangeChecked").asBoolean()).isTrue();
        JsonNode beyond = new ObjectMapper().readTree(run.out()).get("beyondFp16");
        assertThat(beyond).hasSize(3);
        assertThat(beyond.get(0).get("node").asText()).isEqualTo("scale");
        assertThat(beyond.get(0).get("tensor").asText()).isEqualTo("scaled");
        assertThat(beyond.get(0).get("absMax").floatValue()).isEqualTo(15.75f * 1048576f);
        assertThat(beyond.get(1).get("node").asText()).isEqualTo("shift");
        assertThat(beyond.get(2).get("node").asText()).isEqualTo("log");
        // a node the user pins that the samples keep as well is no typo: accepted with --data as without it
        CliRun pinned = CliRun.of("convert", "--fp16", scaledLog.toString(), "--data", data.toString(),
                "--keep-fp32", "shift", "--out", dir.resolve("pinned.onnx").toString());
        assertThat(pinned.exitCode()).as(pinned.err()).isZero();

        CliRun plain = CliRun.of("convert", "--fp16", scaledLog.toString(), "--out", dir.resolve("plain.onnx")
                .toString(), "--json");
        assertThat(new ObjectMapper().readTree(plain.out()).get("fp16RangeChecked").asBoolean()).as("no samples, no check")
                .isFalse();
        assertThat(new ObjectMapper().readTree(plain.out()).get("beyondFp16").isNull()).as("not an empty list")
                .isTrue();
        CliRun feedbackAlone = CliRun.of("convert", "--fp16", scaledLog.toString(), "--feedback", "y=x", "--out",
                dir.resolve("f.onnx").toString());
        assertThat(feedbackAlone.errLines().get(0)).isEqualTo("trt4j: --feedback feeds state back while --data is run "
                + "for FP16's range check; give --data too");
        CliRun samplesAlone = CliRun.of("convert", "--fp16", scaledLog.toString(), "--samples", "8", "--out",
                dir.resolve("s.onnx").toString());
        assertThat(samplesAlone.exitCode()).isEqualTo(2);
        assertThat(samplesAlone.errLines()).containsExactly("trt4j: --samples counts the --data samples of FP16's "
                + "range check; give --data too");
        assertThat(dir.resolve("s.onnx")).doesNotExist();
        CliRun evaluate = CliRun.of("evaluate", "--reference", scaledLog.toString(), "--candidate", out.toString(),
                "--data", data.toString(), "--json");
        assertThat(new ObjectMapper().readTree(evaluate.out()).get("outputs").get(0).get("cosine").asDouble())
                .isGreaterThan(0.9999);

        CliRun withoutFp16 = CliRun.of("convert", "--opset", "13", scaledLog.toString(), "--data", data.toString(),
                "--out", dir.resolve("o.onnx").toString());
        assertThat(withoutFp16.exitCode()).isNotZero();
        assertThat(withoutFp16.errLines().get(0)).isEqualTo("trt4j: --data checks FP16's range; it needs --fp16");
        // the model is at opset 13: raising it would write it unchanged
        CliRun alreadyThere = CliRun.of("convert", "--opset", "13", scaledLog.toString(), "--out",
                dir.resolve("o.onnx").toString());
        assertThat(alreadyThere.exitCode()).isEqualTo(2);
        assertThat(alreadyThere.errLines()).containsExactly("trt4j: --opset 13: scaled-log.onnx is at opset 13 "
                + "already, which per-channel Q/DQ takes as it is; leave --opset out");
        assertThat(dir.resolve("o.onnx")).doesNotExist();
    }

    @Test
    void theRangeCheckPreprocessesImagesAsTheImageOptionsSay() throws IOException {
        // One tensor channel divided by 1e-5 lifts a full pixel to 1e5, beyond FP16's 65504, and a zero pixel to 0:
        // the check finds the input beyond FP16 exactly when that channel is fed the red pixels.
        Path red = image(dir.resolve("red/r.png"), 192, 48, x -> new Color(255, 0, 0));
        String[] std = {"--mean", "0,0,0", "--std", "0.00001,1,1"};
        assertThat(inputBeyondFp16(red.getParent(), std, "--channel-order", "rgb")).isTrue();
        assertThat(inputBeyondFp16(red.getParent(), std, "--channel-order", "bgr")).isFalse();

        // White only in the left quarter: stretching keeps it, cropping the centre cuts it away.
        Path wide = image(dir.resolve("wide/w.png"), 384, 48, x -> x < 96 ? Color.WHITE : Color.BLACK);
        String[] tiny = {"--mean", "0,0,0", "--std", "0.00001,0.00001,0.00001"};
        assertThat(inputBeyondFp16(wide.getParent(), tiny, "--resize", "stretch")).isTrue();
        assertThat(inputBeyondFp16(wide.getParent(), tiny, "--resize", "crop")).isFalse();
        // ppocr-cls pads (keeps the white), imagenet crops the centre
        assertThat(inputBeyondFp16(wide.getParent(), tiny, "--preprocess", "ppocr-cls")).isTrue();
        assertThat(inputBeyondFp16(wide.getParent(), tiny, "--preprocess", "imagenet")).isFalse();
    }

    /** Whether the FP16 range check of {@code images} under the options finds any tensor beyond FP16. */
    private static boolean inputBeyondFp16(Path images, String[] normalisation, String... options) throws IOException {
        // its own --out: other tests check that a refused run leaves out.onnx unwritten
        List<String> args = new ArrayList<>(List.of("convert", model.toString(), "--out",
                dir.resolve("ranged.onnx").toString(), "--fp16", "--json", "--data", images.toString()));
        args.addAll(List.of(normalisation));
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return !new ObjectMapper().readTree(run.out()).get("beyondFp16").isEmpty();
    }

    private static Path image(Path file, int width, int height, IntFunction<Color> colourOfColumn) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            int rgb = colourOfColumn.apply(x).getRGB();
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** The weights file is read, not written: the model would still load, with other weights, had it been replaced. */
    @Test
    void anOutputNamingTheModelsExternalDataIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("external"));
        Path inline = TestModels.matMul(folder.resolve("inline.onnx"));
        ai.onnx.proto.OnnxMl.ModelProto proto = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(inline));
        ai.onnx.proto.OnnxMl.TensorProto w = proto.getGraph().getInitializer(0);
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * w.getFloatDataCount())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        w.getFloatDataList().forEach(bytes::putFloat);
        Path data = Files.write(folder.resolve("mm.onnx.data"), bytes.array());
        ai.onnx.proto.OnnxMl.TensorProto external = w.toBuilder().clearFloatData()
                .setDataLocation(ai.onnx.proto.OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder().setKey("location")
                        .setValue("mm.onnx.data")).build();
        Path mm = Files.write(folder.resolve("mm.onnx"), proto.toBuilder().setGraph(proto.getGraph().toBuilder()
                .setInitializer(0, external)).build().toByteArray());
        byte[] before = Files.readAllBytes(data);

        // quantize reads its table first: a real one, so that the model and its data are reached
        Path table = Files.writeString(dir.resolve("mm.table.json"), "{\"tensors\": {\"x\": {\"amax\": 1.0}}}");
        for (String[] command : new String[][] {{"convert", mm.toString(), "--opset", "13"},
            {"quantize", mm.toString(), "--table", table.toString()}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 2);
            args[command.length] = "--out";
            args[command.length + 1] = data.toString();
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(command[0]).isEqualTo(2);
            assertThat(run.errLines()).as(command[0]).containsExactly("trt4j: --out names " + data + ", which is the "
                    + "input model's external data this command reads; write it elsewhere");
        }
        assertThat(Files.readAllBytes(data)).isEqualTo(before);
    }

    /** A fixed token length past the position table is refused in the words --shapes and --seq-len use. */
    @Test
    void fixShapesPastThePositionTableIsRefusedAsShapesIs() throws IOException {
        Path text = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        Path out = dir.resolve("text9.onnx");

        CliRun past = CliRun.of("convert", text.toString(), "--fix-shapes", "input_ids:2x9", "--out", out.toString());

        assertThat(past.errLines()).containsExactly("trt4j: --fix-shapes input_ids:2x9: text.onnx's position table "
                + "has 8 rows (node 'position'); use a sequence length of 8 or less");
        assertThat(past.exitCode()).isEqualTo(2);
        assertThat(out).doesNotExist();
        CliRun full = CliRun.of("convert", text.toString(), "--fix-shapes", "input_ids:2x8", "--out", out.toString());
        assertThat(full.exitCode()).as(full.err()).isZero();
    }

    /** A held token id past its lookup table (or negative, read from its end) is refused, as a request's would be. */
    @Test
    void fixInputValuesOutsideTheTableTheyIndexAreRefused() throws IOException {
        Path text = TestModels.tokenIds(dir.resolve("ids.onnx"));
        Path out = dir.resolve("ids-held.onnx");

        for (String value : List.of("3,10", "-1,3")) {
            CliRun run = CliRun.of("convert", text.toString(), "--fix-shapes", "input_ids:1x2", "--fix-input",
                    "input_ids=" + value, "--out", out.toString());
            assertThat(run.exitCode()).as(value).isEqualTo(2);
            assertThat(run.errLines()).as(value).containsExactly("trt4j: ids.onnx: --fix-input input_ids: value "
                    + (value.startsWith("-") ? "-1 (element 0)" : "10 (element 1)") + " is outside the table it "
                    + "indexes, which has 10 rows (node 'embed'); its values must be from 0 to 9");
        }
        assertThat(out).doesNotExist();
    }

    /**
     * Integer shape operators never compute in float: the count and --json leave them out, and a --keep-fp32 that
     * picks only nodes staying FP32 anyway (such as Shape) is refused, since the model written would be the same.
     */
    @Test
    void fp16CountsFloatNodesAndRefusesAKeepThatChangesNothing() throws IOException {
        Path text = TestModels.positionTable(dir.resolve("positions.onnx"), 8);
        Path out = dir.resolve("positions.fp16.onnx");

        CliRun json = CliRun.of("convert", text.toString(), "--fp16", "--out", out.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode fp32 = new ObjectMapper().readTree(json.out()).get("fp32Nodes");
        List<String> names = new ArrayList<>();
        fp32.forEach(n -> names.add(n.asText()));
        assertThat(names).doesNotContain("shape", "length", "ids");

        CliRun shape = CliRun.of("convert", text.toString(), "--fp16", "--keep-fp32", "Shape", "--out",
                dir.resolve("same.onnx").toString());
        assertThat(shape.errLines()).containsExactly("trt4j: positions.onnx: --keep-fp32 'Shape' matches only nodes "
                + "that stay FP32 anyway by the FP16 rules (integer Shape ×1), so it changes nothing");
        assertThat(shape.exitCode()).isEqualTo(2);
        assertThat(dir.resolve("same.onnx")).doesNotExist();
        CliRun mm = CliRun.of("convert", text.toString(), "--fp16", "--keep-fp32", "mm", "--out",
                dir.resolve("mm32.onnx").toString());
        assertThat(mm.exitCode()).as(mm.err()).isZero();
    }

    /** --fold's HardSwish needs opset 14: asked for 13, the user is told the file is at 14. */
    @Test
    void foldRaisingTheOpsetPastTheAskedOneWarns() {
        CliRun run = convert("--fold", "--opset", "13");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: --opset 13: --fold wrote HardSwish nodes, which "
                + "need opset 14, so out.onnx is at opset 14");
        assertThat(run.out()).startsWith("Converted cls.onnx from opset 11 to 14 → ");
    }

    /** --fix-shapes is repeatable as --fix-input is; the help's example is Silero VAD v5's 576 samples. */
    @Test
    void fixShapesIsRepeatableAndItsHelpShowsSileroV5sShape() throws IOException {
        Path streaming = TestModels.streaming(dir.resolve("stream2.onnx"));
        CliRun run = CliRun.of("convert", streaming.toString(), "--fix-shapes", "state:2x1x4", "--fix-shapes",
                "x:1x4", "--out", dir.resolve("stream2.fixed.onnx").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).contains("Fixed state to 2x1x4, x to 1x4; folded 0 If nodes");
        assertThat(CliRun.of("convert", "--help").out()).contains("input:1x576,state:2x1x128")
                .doesNotContain("input:1x512");
    }

    /**
     * An If's branches stay FP32 under --fp16, said as quantize says it; a --keep-fp32 naming a node inside them is
     * told so, not only that it matches no node name.
     */
    @Test
    void fp16SaysThatIfBranchesStayFp32() throws IOException {
        Path withIf = TestModels.matMulInIf(dir.resolve("mm-if.onnx"));

        CliRun run = CliRun.of("convert", withIf.toString(), "--fp16", "--out", dir.resolve("if16.onnx").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: mm-if.onnx: 1 If node(s), whose branches are not "
                + "calibrated or converted until folded (trt4j convert --fix-input NAME=VALUE and/or --fix-shapes "
                + "SPEC); their nodes stay FP32 and --keep-fp32 does not see them");

        CliRun inside = CliRun.of("convert", withIf.toString(), "--fp16", "--keep-fp32", "body_mm", "--out",
                dir.resolve("if16b.onnx").toString());
        assertThat(inside.exitCode()).isEqualTo(2);
        assertThat(inside.errLines()).containsExactly("trt4j: mm-if.onnx: --keep-fp32 'body_mm' matches no node "
                + "name, operator type or node-name pattern; it is found inside the branches of If 'wrap', whose nodes "
                + "stay FP32 anyway (fold the If first with convert --fix-input or --fix-shapes to reach them)");
    }

}
