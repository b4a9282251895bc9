package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code evaluate}'s refusals of inputs it could only half use. */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    @Test
    void keysThatFitNoOutputAreRefusedInsteadOfDroppingTheTextMetric() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path keys = Files.writeString(dir.resolve("keys.txt"), "a\nb\n");

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--keys", keys.toString(), "--samples", "8");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).containsExactly("trt4j: --keys " + keys + ": 2 keys make 4 classes (blank + keys + "
                + "space), but no output of the model is [N,steps,4]; its outputs are [y [batch,4]]");
    }

    /** A model whose input convert --fix-input held inside it is fed the reference's other inputs. */
    @Test
    void aCandidateWithAnInputHeldInsideItTakesTheOthers() throws IOException {
        // z = x + y, both [batch, 4]; the candidate holds y at 0
        Path model = dir.resolve("add.onnx");
        ai.onnx.proto.OnnxMl.TypeProto rows = ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(
                        ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("b"))
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))
                .build();
        Files.write(model, ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("add")
                        .addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(rows))
                        .addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(rows))
                        .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("z").setType(rows))
                        .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("x")
                                .addInput("y").addOutput("z"))).build().toByteArray());
        Path fixed = dir.resolve("fixed.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fix-shapes", "y:2x4", "--fix-input", "y=0",
                "--out", fixed.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", fixed.toString(),
                "--batch", "2", "--samples", "4", "--task", "none");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("cosine");
    }

    /** {@code model}, a one-node graph, with that node's operator replaced by {@code op}, written to {@code file}. */
    /**
     * A model ONNX Runtime refuses is named in the words the other commands use (evaluate passed ONNX Runtime's own
     * paragraph through), and an input type trt4j does not feed is named by its ONNX name.
     */
    @Test
    void aModelOnnxRuntimeRefusesIsNamedAsTheOtherCommandsNameIt() throws IOException {
        Path model = TestModels.relu(dir.resolve("ok.onnx"));
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        Path future = Files.write(dir.resolve("future.onnx"), m.toBuilder().setOpsetImport(0,
                m.getOpsetImport(0).toBuilder().setVersion(99)).build().toByteArray());
        var bf16 = m.toBuilder();
        bf16.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(16);
        bf16.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setElemType(16);
        Path brain = Files.write(dir.resolve("bf16.onnx"), bf16.build().toByteArray());

        CliRun newer = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", future.toString(),
                "--samples", "2");
        assertThat(newer.exitCode()).isEqualTo(1);
        assertThat(newer.errLines()).singleElement().asString().startsWith("trt4j: future.onnx: opset 99 is newer "
                + "than ONNX Runtime ").endsWith("export the model at opset " + newer.err().replaceAll(
                "(?s).*up to opset (\\d+).*", "$1") + " or earlier");
        CliRun typed = CliRun.of("evaluate", "--reference", brain.toString(), "--candidate", model.toString(),
                "--samples", "2");
        assertThat(typed.exitCode()).isEqualTo(1);
        assertThat(typed.errLines()).containsExactly("trt4j: " + brain + ": input 'x' is BFLOAT16, which trt4j does "
                + "not handle");
    }

    private static Path withOperator(Path model, String op, Path file) throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        return Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder()
                .setNode(0, m.getGraph().getNode(0).toBuilder().setOpType(op))).build().toByteArray());
    }

    /** Models given as plain words (as calibrate takes its MODEL) are told the options that take them. */
    @Test
    void modelsGivenAsWordsAreToldTheirOptions() throws IOException {
        Path reference = TestModels.relu(dir.resolve("relu.onnx"));

        CliRun both = CliRun.of("evaluate", reference.toString(), "relu.int8.onnx", "--samples", "8");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines()).containsExactly("trt4j: evaluate takes its models with --reference and "
                + "--candidate, not as plain arguments: give them as --reference " + reference
                + " --candidate relu.int8.onnx");
        CliRun one = CliRun.of("evaluate", "--reference", reference.toString(), "relu.int8.onnx");
        assertThat(one.exitCode()).isEqualTo(2);
        assertThat(one.errLines()).containsExactly("trt4j: evaluate takes its models with --reference and "
                + "--candidate, not as plain arguments: give it as --candidate relu.int8.onnx");
    }

    /** An explicit --samples the data cannot fill is said, as calibrate and compare-calibrators say it. */
    @Test
    void samplesBeyondTheDataAreSaid() throws IOException {
        Path reference = TestModels.relu(dir.resolve("relu.onnx"));
        float[] values = new float[5 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        Path data = dir.resolve("five.npy");
        dev.trt4j.data.npy.NpyFile.write(data, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {5, 4}, values));

        CliRun run = CliRun.of("evaluate", "--reference", reference.toString(), "--candidate", reference.toString(),
                "--data", data.toString(), "--samples", "100", "--json");
        CliRun asMany = CliRun.of("evaluate", "--reference", reference.toString(), "--candidate",
                reference.toString(), "--data", data.toString(), "--samples", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly(
                "trt4j: warning: --samples 100: the comparison's figures come from 5 samples");
        assertThat(asMany.exitCode()).as(asMany.err()).isZero();
        assertThat(asMany.errLines()).isEmpty();
    }

    /** Acosh of the seeded data, below 1, is NaN: the table's NaNs are named on stderr too. */
    @Test
    void aCandidateComputingNanIsNamedInAWarning() throws IOException {
        Path reference = TestModels.relu(dir.resolve("relu.onnx"));
        Path candidate = withOperator(reference, "Acosh", dir.resolve("acosh.onnx"));

        CliRun run = CliRun.of("evaluate", "--reference", reference.toString(), "--candidate", candidate.toString(),
                "--samples", "8", "--json");
        CliRun same = CliRun.of("evaluate", "--reference", reference.toString(), "--candidate", reference.toString(),
                "--samples", "8");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: output 'y' holds NaN or infinite values in the "
                + "reference or the candidate on these samples, so its comparison is no number (an FP16 overflow in "
                + "the candidate, for example)");
        assertThat(run.out()).contains("\"cosine\":\"NaN\"");
        assertThat(same.errLines()).isEmpty();
    }

    /** A folder given as a model is named as one, in evaluate and bench as in every other command. */
    @Test
    void saysWhenItFindsNoTaskMetric() throws IOException {
        Path model = TestModels.relu(dir.resolve("plain.onnx"));

        CliRun auto = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--samples", "4");
        CliRun none = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--samples", "4", "--task", "none");

        assertThat(auto.exitCode()).as(auto.err()).isZero();
        assertThat(auto.out()).contains("Task       none detected: ");
        assertThat(none.out()).doesNotContain("Task ");
        // the same sentence for scripts
        CliRun json = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--samples", "4", "--json");
        String reason = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("noTaskReason")
                .asText();
        assertThat(auto.out()).contains("Task       " + reason);
        assertThat(reason).startsWith("none detected: ");
    }

    /** The warning of a reference that cannot do the task, on {@code samples}, with the width's clause or not. */
    static String poorReference(String reference, String judged, String samples, Integer width) {
        return "trt4j: warning: " + reference + " scores only exactMatch 0.0000 on these " + samples + " (below 0.5), "
                + "so " + judged + " against a baseline that cannot do the task on them" + (width == null ? ""
                : "; the rendered lines may not fit the width " + width + ": they are made for 640 (--shapes can give "
                + "that width where the model leaves it open)");
    }

    /**
     * A reference that cannot read the lines (the PP-OCRv4 recognizer at a width of 320: exact match 0.25) makes every
     * figure a comparison with a baseline that cannot do the task: one warning says so and, at a width below the 640
     * the lines are rendered for, that they may not fit it.
     */
    @Test
    void aReferenceThatCannotDoTheTaskIsNamed() throws IOException {
        Path model = TestModels.blindLineReader(dir.resolve("blind.onnx"), 5);
        Path keys = java.nio.file.Files.writeString(dir.resolve("keys.txt"), "a\nb\nc\n");
        List<String> common = List.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--task", "ctc", "--keys", keys.toString(), "--samples", "4", "--shapes");

        CliRun narrow = CliRun.of(java.util.stream.Stream.concat(common.stream(), java.util.stream.Stream.of(
                "x:1x3x48x320")).toArray(String[]::new));
        CliRun wide = CliRun.of(java.util.stream.Stream.concat(common.stream(), java.util.stream.Stream.of(
                "x:1x3x48x640")).toArray(String[]::new));

        assertThat(narrow.exitCode()).as(narrow.err()).isZero();
        assertThat(narrow.out()).contains("exactMatch *              0.0000");
        assertThat(narrow.errLines()).containsExactly(poorReference("the reference", "the candidate is judged",
                "4 samples", 320));
        assertThat(wide.exitCode()).as(wide.err()).isZero();
        assertThat(wide.errLines()).containsExactly(poorReference("the reference", "the candidate is judged",
                "4 samples", null));
    }

    /** A direction classifier fed arrays (no known orientation) is told as such, not as a model of no known kind. */
    @Test
    void anOcrModelFedUnlabelledImagesIsToldWhyItHasNoAccuracy() throws IOException {
        Path model = TestModels.ppocrClassifier(dir.resolve("unlabelled-cls.onnx"));
        float[] pixels = new float[2 * 3 * 48 * 192];
        java.util.Arrays.fill(pixels, 0.25f);
        Path npy = dir.resolve("lines.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {2, 3, 48, 192},
                pixels));

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", npy.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Task       none: the model takes text images, and its accuracy needs lines "
                + "whose orientation is known, which only rendered samples (a .txt of sentences as --data, or no "
                + "--data) and a label file of images have (a .txt of PATH<TAB>LABEL lines, as PaddleOCR's "
                + "rec_gt.txt); the outputs are compared above");
        // JSON has no table above the reason to point at
        CliRun json = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", npy.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("noTaskReason")
                .asText()).isEqualTo("none: the model takes text images, and its accuracy needs lines whose "
                + "orientation is known, which only rendered samples (a .txt of sentences as --data, or no --data) "
                + "and a label file of images have (a .txt of PATH<TAB>LABEL lines, as PaddleOCR's rec_gt.txt); "
                + "only the outputs are compared");
    }

    /**
     * The user's own line images with their directions, listed as PaddleOCR's cls label files are, get the
     * classifier's accuracy against those labels; a label that is no direction is named with its line.
     */
    @Test
    void aLabelFileOfLineImagesGivesTheClassifiersAccuracy() throws IOException {
        Path model = TestModels.ppocrClassifier(dir.resolve("labelled-cls.onnx"));
        dev.trt4j.data.text.TextLineRenderer renderer = new dev.trt4j.data.text.TextLineRenderer();
        StringBuilder labels = new StringBuilder();
        java.nio.file.Files.createDirectories(dir.resolve("crops"));
        String[] texts = {"The quick brown fox", "jumps over the lazy dog", "Hello world", "reads its labels"};
        for (int i = 0; i < texts.length; i++) {
            javax.imageio.ImageIO.write(renderer.render(texts[i], i % 2 == 1), "png",
                    dir.resolve("crops/l" + i + ".png").toFile());
            labels.append("crops/l").append(i).append(".png\t").append(i % 2 == 1 ? 180 : 0).append('\n');
        }
        Path gt = java.nio.file.Files.writeString(dir.resolve("cls_gt.txt"), labels);

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", gt.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode task = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.out()).path("task");
        assertThat(task.path("task").asText()).isEqualTo("classification");
        assertThat(task.path("samples").asLong()).isEqualTo(4);
        assertThat(task.path("reference").path("accuracy").asDouble()).isEqualTo(1.0);

        Path words = java.nio.file.Files.writeString(dir.resolve("words_gt.txt"), "crops/l0.png\tupright\n");
        CliRun wrong = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", words.toString());
        assertThat(wrong.exitCode()).as("the file's fault, as an empty label or a missing image").isEqualTo(1);
        assertThat(wrong.errLines()).containsExactly("trt4j: " + words + ": line 1's label 'upright' is no text "
                + "direction (0 or 180), which a direction classifier's accuracy needs");
    }

    /** A detector fed labelled line crops has no score for want of pages with known boxes, and is told so. */
    @Test
    void aDetectorFedALabelFileIsToldItsScoreNeedsPages() throws IOException {
        Path model = TestModels.ppocrDetector(dir.resolve("det.onnx"));
        java.nio.file.Files.createDirectories(dir.resolve("det-crops"));
        javax.imageio.ImageIO.write(new dev.trt4j.data.text.TextLineRenderer().render("Hello world"), "png",
                dir.resolve("det-crops/l0.png").toFile());
        Path gt = java.nio.file.Files.writeString(dir.resolve("det_gt.txt"), "det-crops/l0.png\tHello world\n");

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", gt.toString(), "--shapes", "x:1x3x96x128");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Task       none: the model takes text images, and its score needs pages "
                + "whose text boxes are known, which only rendered samples have");
    }

    @Test
    void aFolderGivenAsAModelIsNamedAsOne() throws IOException {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("models.onnx"));
        Path model = TestModels.relu(dir.resolve("relu.onnx"));

        CliRun evaluate = CliRun.of("evaluate", "--reference", folder.toString(), "--candidate", model.toString(),
                "--samples", "4");
        CliRun bench = CliRun.of("bench", folder.toString(), "--duration", "0.1");

        for (CliRun run : List.of(evaluate, bench)) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).containsExactly("trt4j: " + folder + ": is a folder, not an ONNX model file");
        }
    }

    /** A shape mismatch names both files, the candidate first. */
    @Test
    void outputsOfDifferentShapesAreNamedWithBothModels() throws IOException {
        Path reference = TestModels.relu(dir.resolve("relu.onnx"));
        Path candidate = withOperator(reference, "ReduceSum", dir.resolve("sum.onnx"));

        CliRun run = CliRun.of("evaluate", "--reference", reference.toString(), "--candidate", candidate.toString(),
                "--samples", "8");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + candidate + " (against " + reference + "): output 'y' "
                + "has shape [8,4] in the reference model but [1,1] in the candidate");
    }

    /** The batch comes from both models: a candidate fixed to batch 1 gets batches of 1 without --batch. */
    @Test
    void aCandidateWithAFixedBatchSetsTheBatchOfBoth() throws IOException {
        Path reference = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        Path fixed = dir.resolve("cls.fixed.onnx");
        CliRun convert = CliRun.of("convert", reference.toString(), "--fix-shapes", "x:1x3x48x192", "--out",
                fixed.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();

        for (String[] pair : List.of(new String[] {reference.toString(), fixed.toString()},
                new String[] {fixed.toString(), reference.toString()})) {
            CliRun run = CliRun.of("evaluate", "--reference", pair[0], "--candidate", pair[1], "--samples", "4",
                    "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("\"samples\":4");
        }
    }

    @Test
    void anUnknownTaskListsEveryValueTheOptionTakes() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));

        CliRun run = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--task", "ocr", "--samples", "8");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --task: unknown task 'ocr'; known: auto, none, embedding "
                + "(or embedding-cosine), ctc (or ctc-text), classification, detection");
    }

    /**
     * A tokenizer given as the data stands for the bundled sentences, as with --tokenizer: a model is judged on their
     * held-out half, not on the half calibrate took its ranges from.
     */
    @Test
    void aTokenizerAsTheDataJudgesOnTheHeldOutSentences() throws IOException {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));

        for (String option : new String[] {"--data", "--tokenizer"}) {
            CliRun run = CliRun.of("evaluate", "--reference", text.toString(), "--candidate", text.toString(),
                    option, tokenizer.toString(), "--shapes", "input_ids:2x5", "--samples", "4", "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).as(option).contains("bundled sentences, second half");
        }
    }

    @Test
    void poolingIsTakenForTheEmbeddingTaskAndRefusedElsewhere() throws IOException {
        Path text = TestModels.tokenIds(dir.resolve("text.onnx"));
        Path mm = TestModels.matMul(dir.resolve("mm.onnx"));

        CliRun cls = CliRun.of("evaluate", "--reference", text.toString(), "--candidate", text.toString(),
                "--shapes", "input_ids:2x5", "--samples", "4", "--pooling", "cls", "--json");
        assertThat(cls.exitCode()).as(cls.err()).isZero();
        assertThat(cls.out()).contains("\"task\":\"embedding-cosine\"").contains("\"meanCosine\":1.0");

        CliRun unknown = CliRun.of("evaluate", "--reference", text.toString(), "--candidate", text.toString(),
                "--shapes", "input_ids:2x5", "--samples", "4", "--pooling", "max");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).containsExactly("trt4j: --pooling: unknown pooling 'max'; known: mean, cls");

        CliRun none = CliRun.of("evaluate", "--reference", text.toString(), "--candidate", text.toString(),
                "--shapes", "input_ids:2x5", "--samples", "4", "--pooling", "cls", "--task", "none");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.errLines()).containsExactly("trt4j: --pooling applies to the embedding task, which --task "
                + "none is not");

        CliRun notText = CliRun.of("evaluate", "--reference", mm.toString(), "--candidate", mm.toString(),
                "--samples", "4", "--pooling", "mean");
        assertThat(notText.exitCode()).isEqualTo(2);
        assertThat(notText.errLines()).containsExactly("trt4j: --pooling applies to the embedding task, which is "
                + "found for models with an input_ids input (give --task embedding for another)");
        CliRun asked = CliRun.of("evaluate", "--reference", mm.toString(), "--candidate", mm.toString(),
                "--samples", "4", "--pooling", "cls", "--task", "embedding", "--json");
        assertThat(asked.exitCode()).as(asked.err()).isZero();
    }
}
