package dev.trt4j.cli;

import dev.trt4j.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Warnings the library logs through SLF4J reach the terminal in the CLI's own words, not as {@code WARN ...}. */
class LoggedWarningsTest {
    @TempDir
    Path work;

    @Test
    void aLoggedWarningReadsLikeTheCommandsOwnWarnings() throws Exception {
        // a table whose decimal amax and hex disagree: the table reader logs a warning and uses the hex
        Path table = Files.writeString(work.resolve("edited.table.json"), "{\"format\":\"trt4j.calibration-table\","
                + "\"version\":1,\"provenance\":{\"method\":\"max\"},\"tensors\":{\"a\":{\"amax\":1.0,"
                + "\"hex\":\"40000000\"}}}");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "cache", "convert", table.toString(), "--out",
                work.resolve("edited.cache").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + table + ": tensors[\"a\"]: amax 1 and hex "
                + "40000000 disagree; using the hex value 2.0");
        assertThat(Files.readString(work.resolve("edited.cache"))).contains("a: 3c810204");
    }

    /**
     * calibrate, equalize and bench name a node ONNX Runtime cannot run as evaluate does, in one line: they printed
     * ONNX Runtime's "Fatal error: my.plugins:MyPlugin(-1) is not a registered function/op", calibrate after a warning
     * that the plugin's outputs, which it then failed on, would not be calibrated. inspect keeps that note, saying
     * why.
     */
    @Test
    void aPluginNodeIsNamedInOneLineByTheCommandsThatRunTheModel() throws Exception {
        Path model = TestModels.plugin(work.resolve("plugin.onnx"));
        Path npy = work.resolve("x.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4},
                new float[32]));
        String refused = "trt4j: plugin.onnx: node 'weird' has operator MyPlugin of domain 'my.plugins', which ONNX "
                + "Runtime cannot run";

        Result calibrate = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                npy.toString(), "--method", "max", "--out", work.resolve("cal").toString());
        Result equalize = CliProcess.run(work, CliProcess.testClassPath(), "equalize", model.toString(), "--data",
                npy.toString(), "--out", work.resolve("plugin.eq.onnx").toString());
        Result inspect = CliProcess.run(work, CliProcess.testClassPath(), "inspect", model.toString());
        Result bench = CliProcess.run(work, CliProcess.testClassPath(), "bench", model.toString(), "--backend",
                "onnxruntime", "--duration", "0.1", "--warmup", "0");

        assertThat(calibrate.exit()).isEqualTo(1);
        assertThat(calibrate.stderrLines()).containsExactly(refused + " (calibrate runs it)");
        assertThat(equalize.exit()).isEqualTo(1);
        assertThat(equalize.stderrLines()).containsExactly(refused + " (equalize runs it)");
        assertThat(work.resolve("plugin.eq.onnx")).doesNotExist();
        assertThat(bench.exit()).isEqualTo(1);
        assertThat(bench.stderrLines()).containsExactly(refused + " (bench --backend onnxruntime runs it)");
        assertThat(inspect.exit()).isZero();
        assertThat(inspect.stderrLines()).containsExactly("trt4j: warning: " + model + ": element type of 2 tensors "
                + "is unknown (e.g. 'p'): node 'weird' has operator MyPlugin of domain 'my.plugins', whose output "
                + "types ONNX cannot infer; they will not be calibrated");
    }

    /** evaluate of a streaming model whose samples fit one batch judged a model no deployed stream runs: said. */
    @Test
    void anEvaluationOfOneBatchWarnsThatNoStateWasCarried() throws Exception {
        Path model = TestModels.streaming(work.resolve("stream.onnx"));
        Path npy = work.resolve("eight.npy");
        float[] ones = new float[32];
        java.util.Arrays.fill(ones, 1f);
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4}, ones));

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "evaluate", "--reference", model.toString(),
                "--candidate", model.toString(), "--data", npy.toString(), "--samples", "0", "--feedback",
                "stateN=state");

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: npy:" + npy + " (8 samples): --feedback carries "
                + "state from one batch to the next, and this evaluation had one batch (of 8 samples), so every "
                + "sample saw the zero state; give a smaller --batch, or more samples than one batch");
        Result four = CliProcess.run(work, CliProcess.testClassPath(), "evaluate", "--reference", model.toString(),
                "--candidate", model.toString(), "--data", npy.toString(), "--samples", "0", "--batch", "4",
                "--feedback", "stateN=state");
        assertThat(four.exit()).as(String.join("\n", four.stderrLines())).isZero();
        assertThat(four.stderrLines()).isEmpty();
    }

    /** An implicit INT8 build from a table without --all-tensors is told, before the GPU is looked for. */
    @Test
    void aTableMissingActivationsForImplicitInt8IsNamedBeforeTheGpuCheck() throws Exception {
        Path model = TestModels.relu(work.resolve("relu.onnx"));
        Path table = Files.writeString(work.resolve("max.table.json"), "{\"format\":\"trt4j.calibration-table\","
                + "\"version\":1,\"provenance\":{\"method\":\"max\"},\"tensors\":{\"x\":{\"amax\":1.0,"
                + "\"hex\":\"3f800000\"}}}");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "build", model.toString(), "--precision", "int8",
                "--int8-mode", "implicit", "--shapes", "x:2x4", "--table", table.toString(), "--out",
                work.resolve("relu.engine").toString());

        assertThat(r.stderrLines()).first().isEqualTo("trt4j: warning: " + table + ": no range for 1 of the 2 "
                + "activations of relu.onnx (e.g. 'y'): TensorRT runs their layers in higher precision; trt4j "
                + "calibrate --all-tensors gives every one a range");
    }

    /**
     * A cache without a range for some activations is told as a table is (the cache calibrate writes without
     * --all-tensors holds the same ranges as its table); its MinMaxCalibration header chooses --calibrator max.
     */
    @Test
    void aCacheMissingActivationsForImplicitInt8IsNamedLikeATable() throws Exception {
        Path model = TestModels.relu(work.resolve("relu.onnx"));
        Path cache = Files.writeString(work.resolve("max.cache"), "TRT-101501-MinMaxCalibration\nx: 3c010204\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "build", model.toString(), "--precision", "int8",
                "--int8-mode", "implicit", "--shapes", "x:2x4", "--cache", cache.toString(), "--out",
                work.resolve("relu.engine").toString());

        assertThat(r.stderrLines()).first().isEqualTo("trt4j: warning: " + cache + ": no range for 1 of the 2 "
                + "activations of relu.onnx (e.g. 'y'): TensorRT runs their layers in higher precision; trt4j "
                + "calibrate --all-tensors gives every one a range");
    }

    /** Text is drawn for any image model, but one that is no OCR model most likely wanted photos. */
    @Test
    void textDrawnForAModelThatIsNoOcrModelIsNamed() throws Exception {
        Path model = TestModels.imageMean(work.resolve("mean.onnx"));
        Path lines = Files.writeString(work.resolve("lines.txt"), "a line of text\nanother line\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                lines.toString(), "--samples", "2", "--batch", "1", "--all-tensors", "--method", "max", "--out",
                work.resolve("drawn").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + lines + ": drawing its lines as text images "
                + "for a model that does not look like an OCR model ([x FLOAT32 [1,3,8,8]]); for a model that reads "
                + "photos, give a folder of images instead");
    }

    /** A WAV cut off in a copy is read for what it holds, but the user is told: the header promised more. */
    @Test
    void aWavShorterThanItsHeaderSaysIsNamed() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        short[] samples = new short[40];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (i * 500 - 10_000);
        }
        Path wav = TestAudio.wav(work.resolve("cut.wav"), samples);
        byte[] whole = Files.readAllBytes(wav);
        Files.write(wav, java.util.Arrays.copyOf(whole, whole.length - 30)); // 15 of 40 frames lost

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                wav.toString(), "--samples", "0", "--batch", "1", "--method", "max", "--out",
                work.resolve("cut").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + wav + ": its header says 40 frames but the "
                + "file holds 25 (cut off in a copy or a download?); using the 25");
    }

    /**
     * A .txt with a few label lines among more others (comments, then two labelled crops) is drawn as text lines,
     * and said to be: the user meant their own crops to be read.
     */
    @Test
    void aFewLabelLinesAmongOthersAreNamedWhenTheFileIsDrawnAsText() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", work.resolve("a.png").toFile());
        Path text = Files.writeString(work.resolve("mostly-comments.txt"), "# my crops\n# labelled by hand\n"
                + "# 0 is upright\na.png\t0\na.png\t180\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                text.toString(), "--method", "max", "--batch", "1", "--out", work.resolve("drawn").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + text + ": 2 of its 5 lines read as an image "
                + "path, a tab and a label, but too few for a label file (more than half): its lines are drawn as text");

        // compare-calibrators splits the same file and says the same
        Result split = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(),
                "--data", text.toString(), "--samples", "3", "--batch", "1", "--methods", "max", "--task", "none",
                "--out", work.resolve("drawn-cmp").toString());
        assertThat(split.exit()).as(String.join("\n", split.stderrLines())).isZero();
        assertThat(split.stderrLines()).contains("trt4j: warning: " + text + ": 2 of its 5 lines read as an image "
                + "path, a tab and a label, but too few for a label file (more than half): its lines are drawn as text");
    }

    /** Columns after a label (a score, a source) are left out as PaddleOCR leaves them, and the user is told. */
    @Test
    void columnsAfterALabelAreNamedAsLeftOut() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        for (String name : java.util.List.of("a.png", "b.png")) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "png", work.resolve(name).toFile());
        }
        Path labels = Files.writeString(work.resolve("scored.txt"), "a.png\t0\t0.98\nb.png\t180\nb.png\t0\t0.5\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                labels.toString(), "--method", "max", "--batch", "1", "--out", work.resolve("scored").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + labels + ": 2 lines (the first, line 1) "
                + "hold more than one tab: a label is the text up to the second tab, as PaddleOCR reads it, and the "
                + "columns after it are left out");
    }

    /** A spreadsheet's export ends each line in a tab: no column follows the label, so none is said to be left out. */
    @Test
    void aTabEndingALabelLineLeavesNothingOut() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        for (String name : java.util.List.of("a.png", "b.png")) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "png", work.resolve(name).toFile());
        }
        Path labels = Files.writeString(work.resolve("exported.txt"), "a.png\t180\t\nb.png\t0\t\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                labels.toString(), "--method", "max", "--batch", "1", "--out", work.resolve("exported").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).isEmpty();
    }

    /** Class folders below the top level (ImageNet's layout) are not searched: the user is told which. */
    @Test
    void subfoldersOfAFolderOfFilesAreNamedAsNotRead() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        Path images = Files.createDirectories(work.resolve("nested"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        Files.createDirectories(images.resolve("cats"));
        Files.createDirectories(images.resolve("dogs"));
        Files.createDirectories(images.resolve(".thumbnails"));

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                images.toString(), "--method", "max", "--batch", "1", "--out", work.resolve("nested-out").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + images + ": not reading its 2 subfolders "
                + "(cats, dogs): trt4j reads the files of the one folder given");
    }

    @Test
    void filesAnImageFolderHoldsButTrt4jCannotReadAreNamed() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        Path images = Files.createDirectories(work.resolve("photos"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        Files.write(images.resolve("b.webp"), new byte[] {1});
        Files.write(images.resolve("c.heic"), new byte[] {1});
        Files.createSymbolicLink(images.resolve("d.png"), work.resolve("moved-away.png"));
        Files.writeString(images.resolve(".DS_Store"), "hidden files are not data");
        Files.write(images.resolve("e\u001b[2J.webp"), new byte[] {1}); // would clear the screen, printed as it is
        // read, but only as the --data file itself: "does not read" would be wrong about it
        dev.trt4j.data.npy.NpyFile.write(images.resolve("arr.npy"),
                dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {1, 4}, new float[4]));

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                images.toString(), "--method", "max", "--batch", "1", "--out", work.resolve("out").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + images + ": ignoring 4 files that trt4j "
                + "does not read: b.webp, c.heic, d.png (a link to nothing), e\\u001b[2J.webp",
                "trt4j: warning: " + images + ": ignoring 1 array file (arr.npy): an .npy or .npz is read when given "
                + "as the --data file itself, not from a folder");
    }

    /** compare-calibrators opens its data per candidate: a warning about the data is given once per command. */
    @Test
    void aWarningAboutTheDataIsGivenOncePerCommand() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        Path images = Files.createDirectories(work.resolve("lines"));
        for (int i = 0; i < 6; i++) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(192, 48,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "png", images.resolve("l" + i + ".png").toFile());
        }
        Files.write(images.resolve("b.webp"), new byte[] {1});

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(), "--data",
                images.toString(), "--samples", "3", "--batch", "1", "--methods", "max,mse", "--out",
                work.resolve("cmp").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + images + ": ignoring 1 file that trt4j "
                + "does not read: b.webp");
    }

    @Test
    void evaluationDataThatIsTheCalibrationDataIsSaidToBeSo() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        Path samples = samples("samples.npy", 8);

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(), "--data",
                samples.toString(), "--eval-data", samples.toString(), "--methods", "max", "--task", "none",
                "--out", work.resolve("cmp").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: --eval-data names the --data samples ("
                + samples + "): the scores include the samples the ranges were chosen on; give other samples, or "
                + "leave --eval-data out to evaluate on those after the first --samples");
    }

    /**
     * Evaluation sentences given apart that repeat calibration sentences (a copy of the file, or one sharing lines)
     * are left out, as of the held-out part of --data, and a warning counts them: they scored as held out.
     */
    @Test
    void evaluationSentencesThatRepeatCalibrationOnesAreLeftOut() throws Exception {
        Path model = TestModels.maskedTokenIds(work.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(work.resolve("tokenizer.json"));
        Path data = Files.writeString(work.resolve("data.txt"),
                "the cat\nthe mat\ncat sat\non the mat\nthe cat sat\nmat on mat\nsat on the cat\nthe the mat\n");
        Path copy = Files.writeString(work.resolve("eval.txt"),
                "the cat\nthe mat\ncat sat\non the mat\ncat on the mat\nthe mat sat\non on cat\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(), "--data",
                data.toString(), "--tokenizer", tokenizer.toString(), "--samples", "4", "--batch", "1",
                "--eval-data", copy.toString(), "--methods", "max", "--json", "--out", work.resolve("cmp").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: --eval-data " + copy + ": 4 samples equal to "
                + "calibration samples left out, so that the scores are on held-out samples only");
        assertThat(r.stdout()).contains("without 4 repeated calibration samples").contains("\"evaluationSamples\":3");

        Path only = Files.writeString(work.resolve("only.txt"), "the mat\nthe cat\n");
        Result none = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(),
                "--data", data.toString(), "--tokenizer", tokenizer.toString(), "--samples", "4", "--batch", "1",
                "--eval-data", only.toString(), "--methods", "max", "--out", work.resolve("none").toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.stderrLines()).containsExactly("trt4j: " + only + ": every sample repeats one of the 4 "
                + "calibration samples, which leaves none to evaluate on; give other samples");
        assertThat(work.resolve("none")).doesNotExist();
    }

    /** A tokenizer.json that truncates shorter than trt4j's default length is not what trt4j cuts at: said once. */
    @Test
    void aTokenizerTruncatingShorterThanTheDefaultLengthIsNamed() throws Exception {
        Path model = TestModels.maskedTokenIds(work.resolve("text.onnx"));
        Path plain = TestModels.wordLevelTokenizer(work.resolve("plain.json"));
        Path tokenizer = Files.writeString(work.resolve("tokenizer.json"), Files.readString(plain).replace(
                "\"truncation\": null", "\"truncation\": {\"direction\": \"Right\", \"max_length\": 4, "
                        + "\"strategy\": \"LongestFirst\", \"stride\": 0}"));
        Path data = Files.writeString(work.resolve("data.txt"), "the cat sat on the mat\nthe cat\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                data.toString(), "--tokenizer", tokenizer.toString(), "--method", "max", "--out",
                work.resolve("cal").toString());
        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + tokenizer + ": the tokenizer truncates at 4 "
                + "tokens, but text is read at up to 128 (trt4j's default length): give --seq-len 4 to cut it there");

        Result chosen = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                data.toString(), "--tokenizer", tokenizer.toString(), "--seq-len", "16", "--method", "max", "--out",
                work.resolve("cal16").toString());
        assertThat(chosen.exit()).as(String.join("\n", chosen.stderrLines())).isZero();
        assertThat(chosen.stderrLines()).isEmpty();
    }

    @Test
    void anEvaluationCutShortByTheDataIsNamed() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        Path calibration = samples("cal.npy", 10);
        Path evaluation = samples("eval.npy", 2);

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(), "--data",
                calibration.toString(), "--eval-data", evaluation.toString(), "--eval-samples", "8", "--methods",
                "max", "--task", "none", "--out", work.resolve("cmp").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: --eval-samples 8: the evaluation data held 2 "
                + "samples, which the scores are on");
    }

    /** With --eval-data every --data sample may calibrate, so the data can run out before an explicit --samples. */
    @Test
    void calibrationCutShortByTheDataIsNamedByBothStudies() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        Path calibration = samples("cal.npy", 5);
        Path evaluation = samples("eval.npy", 5);
        for (String command : new String[] {"compare-calibrators", "sensitivity"}) {
            Result r = CliProcess.run(work, CliProcess.testClassPath(), command, model.toString(), "--data",
                    calibration.toString(), "--eval-data", evaluation.toString(), "--samples", "100",
                    "--eval-samples", "5", command.equals("sensitivity") ? "--method" : "--methods", "max",
                    "--task", "none", "--out", work.resolve(command).toString());

            assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
            assertThat(r.stderrLines()).as(command)
                    .containsExactly("trt4j: warning: --samples 100: the ranges come from 5 samples");
        }
        // --samples left at its default asked for nothing the data could cut short
        Result byDefault = CliProcess.run(work, CliProcess.testClassPath(), "compare-calibrators", model.toString(),
                "--data", calibration.toString(), "--eval-data", evaluation.toString(), "--eval-samples", "5",
                "--methods", "max", "--task", "none", "--out", work.resolve("default").toString());
        assertThat(byDefault.exit()).as(String.join("\n", byDefault.stderrLines())).isZero();
        assertThat(byDefault.stderrLines()).isEmpty();
    }

    /** A SIGKILL leaves hidden files no hook could remove; the next run into the folder names them, once. */
    @Test
    void whatAKilledRunLeftInTheOutputFolderIsNamedByTheNextRun() throws Exception {
        Path model = TestModels.matMul(work.resolve("mm.onnx"));
        Path out = Files.createDirectories(work.resolve("cal"));
        Files.write(out.resolve(".statistics.json.5x2k5x2k5x2k.tmp"), new byte[2_000_000]);

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--samples", "8",
                "--method", "max", "--out", out.toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + out + ": holds 1 hidden file (2.0 MB) that a "
                + "killed trt4j run left, or that another run is writing now: .statistics.json.5x2k5x2k5x2k.tmp; once no run "
                + "writes there, delete them");
        assertThat(out.resolve("max.cache")).isRegularFile();
    }

    /**
     * bench stages each run's --json file as the run ends: what a killed sweep left of them is named in one warning
     * before the first run, not in one per file as each run ends.
     */
    @Test
    void whatAKilledBenchLeftOfItsFilesIsNamedInOneWarning() throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        Path out = Files.createDirectories(work.resolve("bench"));
        Files.write(out.resolve(".t.b1.json.5x2k5x2k5x2k.tmp"), new byte[1_000_000]);
        Files.write(out.resolve(".t.b2.json.6x2k5x2k5x2k.tmp"), new byte[1_000_000]);
        Files.write(out.resolve(".other.json.7x2k5x2k5x2k.tmp"), new byte[10]); // not a file this bench writes

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "bench", model.toString(), "--shapes",
                "x:1x3x48x192", "--batch", "1,2,4", "--warmup", "1", "--warmup-iterations", "1", "--duration", "0.01",
                "--iterations", "2", "--threads", "1", "--json", out.resolve("t.json").toString(), "--summary-json",
                out.resolve("s.json").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + out + ": holds 2 hidden files (2.0 MB) that "
                + "a killed trt4j run left, or that another run is writing now: .t.b1.json.5x2k5x2k5x2k.tmp, "
                + ".t.b2.json.6x2k5x2k5x2k.tmp; once no run writes there, delete them");
        assertThat(out.resolve("t.b4.json")).isRegularFile();
    }

    /** quantize's summary counts the main graph's nodes: a body's MatMul staying FP32 is said, not left unsaid. */
    @Test
    void quantizeSaysThatABodysNodesStayFp32() throws Exception {
        // then and else: z = MatMul(y, w) inside the branch, reading the main graph's y and w
        Path model = TestModels.matMulInIf(work.resolve("mm-if.onnx"));
        Path table = Files.writeString(work.resolve("x.table.json"), "{\"format\":\"trt4j.calibration-table\","
                + "\"version\":1,\"provenance\":{\"method\":\"max\"},\"tensors\":{\"x\":{\"amax\":1.0,"
                + "\"hex\":\"3f800000\"}}}");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "quantize", model.toString(), "--table",
                table.toString(), "--out", work.resolve("mm-if.int8.onnx").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).contains("trt4j: warning: mm-if.onnx: 1 If node(s), whose branches are not "
                + "calibrated or converted until folded (trt4j convert --fix-input NAME=VALUE and/or --fix-shapes "
                + "SPEC); their nodes stay FP32 and --exclude does not see them");
        // branches of shape logic alone hold nothing that could have been INT8: no warning
        var m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model));
        var shapeOnly = m.getGraph().toBuilder();
        var wrap = shapeOnly.getNode(shapeOnly.getNodeCount() - 1);
        var body = wrap.getAttribute(0).getG();
        var identity = body.toBuilder().clearNode().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder()
                .setOpType("Identity").setName("same").addInput("y").addOutput(body.getOutput(0).getName()));
        shapeOnly.setNode(shapeOnly.getNodeCount() - 1, wrap.toBuilder().clearAttribute()
                .addAttribute(wrap.getAttribute(0).toBuilder().setName("then_branch").setG(identity))
                .addAttribute(wrap.getAttribute(1).toBuilder().setName("else_branch").setG(identity)));
        Path plainIf = Files.write(work.resolve("mm-if-identity.onnx"), m.toBuilder().setGraph(shapeOnly).build()
                .toByteArray());
        Result quiet = CliProcess.run(work, CliProcess.testClassPath(), "quantize", plainIf.toString(), "--table",
                table.toString(), "--out", work.resolve("mm-if-identity.int8.onnx").toString());
        assertThat(quiet.exit()).as(String.join("\n", quiet.stderrLines())).isZero();
        assertThat(quiet.stderrLines()).noneMatch(l -> l.contains("stay FP32"));
    }

    /** {@code rows} samples of 4 values for {@link TestModels#matMul}, in an .npy file. */
    private Path samples(String name, int rows) throws java.io.IOException {
        float[] values = new float[rows * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i);
        }
        Path file = work.resolve(name);
        dev.trt4j.data.npy.NpyFile.write(file, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {rows, 4}, values));
        return file;
    }

    /** JSON is UTF-8: under LANG=C Java would write '?' for each letter beyond ASCII into a pipe or a file. */
    @Test
    void redirectedOutputIsUtf8WhateverTheLocale() throws Exception {
        Path cache = Files.writeString(work.resolve("names.cache"), "TRT-101501-EntropyCalibration2\n"
                + "\u0440\u0443\u0441/conv: 3c010204\nna\u00efve: 3d000000\n\u540d\u524d: 3f000000\n",
                java.nio.charset.StandardCharsets.UTF_8);

        Result r = CliProcess.run(work, CliProcess.testClassPath(), java.util.Map.of("LC_ALL", "C", "LANG", "C"),
                java.util.List.of("-Dfile.encoding=ANSI_X3.4-1968"), "cache", "show", cache.toString(), "--json");

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stdout()).contains("\"\u0440\u0443\u0441/conv\"").contains("\"na\u00efve\"")
                .contains("\"\u540d\u524d\"").doesNotContain("?");
    }

    /**
     * A line far longer than the sequence length's tokens is cut before the native tokenizer reads it (all of it,
     * its regular expressions included, beyond what -Xmx bounds), with one warning naming the file; the sentences the
     * tokenizer then cut at the sequence length are counted in another (one here: a run of "on" is one unknown word).
     */
    @Test
    void textLinesFarPastTheSequenceLengthAreCutAndCounted() throws Exception {
        Path model = TestModels.tokenIds(work.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(work.resolve("tokenizer.json"));
        Path text = Files.writeString(work.resolve("long.txt"), "the cat sat\n" + "the mat ".repeat(5000) + "\n"
                + "on".repeat(20_000) + "\n");

        Result r = CliProcess.run(work, CliProcess.testClassPath(), "calibrate", model.toString(), "--data",
                text.toString(), "--tokenizer", tokenizer.toString(), "--seq-len", "8", "--method", "max", "--out",
                work.resolve("cal").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).containsExactly("trt4j: warning: " + text + ": 2 lines longer than 8192 "
                + "characters cut to that before tokenizing (at a word's end where one is near): the first 8 tokens "
                + "lie well inside, and the tokenizer would read every character", "trt4j: warning: " + text + ": 1 "
                + "sentence longer than 8 tokens cut to 8 (a longer --seq-len, where the model takes one, reads more of "
                + "each)");
    }
}
