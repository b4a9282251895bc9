package dev.trt4j.compare;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleSplitTest {
    private static final List<TensorSpec> LINE_MODEL = List.of(new TensorSpec("x", ElementType.FLOAT32,
            new long[] {-1, 3, 48, 192}, List.of()));
    private static final DataOptions OPTIONS = DataOptions.builder().batchSize(4).build();

    @TempDir
    Path dir;

    @Test
    void evaluationLinesFollowTheCalibrationLines() throws IOException {
        Path text = dir.resolve("lines.txt");
        Files.writeString(text, "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
        SampleSplit split = SampleSplit.of(text, LINE_MODEL, OPTIONS, false);

        try (CalibrationDataSource calibration = split.calibration(3);
             CalibrationDataSource evaluation = split.evaluation(3, 10)) {
            assertThat(((RenderedTextLineSource) calibration).texts()).containsExactly("one", "two", "three");
            assertThat(((RenderedTextLineSource) evaluation).texts()).containsExactly("four", "five", "six", "seven");
            assertThat(evaluation.describe()).contains("[3, 7) (4 lines, after the first 3, ");
            // counted as of the whole file, as calibrate counts it; no "--samples 0 for all": all would leave
            // nothing to hold out
            assertThat(calibration.describe()).contains("lines.txt [0, 3) (7 lines; the first 3 used; 0 rotated, ");
        }
        try (CalibrationDataSource evaluation = split.evaluation(3, 2)) {
            assertThat(evaluation.describe()).contains("[3, 5) (7 lines; 2 used, after the first 3; ");
        }
        assertThatThrownBy(() -> split.evaluation(7, 1)).isInstanceOf(Trt4jException.class)
                .hasMessage(text + ": holds 7 samples; after the first 7, which calibration takes, none are left to "
                        + "evaluate on; calibrate on fewer (--samples) or give evaluation data (--eval-data)");
    }

    @Test
    void aLineThatRepeatsACalibrationLineIsNotHeldOut() throws IOException {
        Path text = dir.resolve("repeats.txt");
        Files.writeString(text, "one\ntwo\nthree\ntwo\nfour\none\nfive\n");
        SampleSplit split = SampleSplit.of(text, LINE_MODEL, OPTIONS, false);

        try (CalibrationDataSource evaluation = split.evaluation(3, 2)) {
            assertThat(((RenderedTextLineSource) evaluation).texts()).containsExactly("four", "five");
            assertThat(evaluation.describe()).contains("[3, 7) without 2 repeated calibration samples (7 lines; 2 used, "
                    + "after the first 3; ");
        }
        Files.writeString(text, "one\ntwo\none\n");
        assertThatThrownBy(() -> SampleSplit.of(text, LINE_MODEL, OPTIONS, false).evaluation(2, 1))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("repeat calibration samples only");
    }

    /**
     * Sentences given apart (--eval-data) are counted as calibrate counts a file it reads the first of, with the option
     * that reads all: "(8 lines, ...)" read as a file of 8.
     */
    @Test
    void heldOutSentencesGivenApartSayHowManyTheFileHolds() throws IOException {
        Path calibration = dir.resolve("calib.txt");
        Files.writeString(calibration, "one\ntwo\nthree\n");
        Path eval = dir.resolve("eval.txt");
        StringBuilder lines = new StringBuilder("two\n");
        for (int i = 0; i < 39; i++) {
            lines.append("line ").append(i).append('\n');
        }
        Files.writeString(eval, lines);
        SampleSplit split = SampleSplit.of(calibration, LINE_MODEL, OPTIONS, false);

        DataOptions eight = OPTIONS.toBuilder().maxSamples(8, "--eval-samples").build();
        SampleSplit.HeldOut heldOut = split.heldOutText(eval, 3, eight).orElseThrow();
        assertThat(heldOut.repeated()).isEqualTo(1);
        try (CalibrationDataSource samples = heldOut.samples().get()) {
            assertThat(((RenderedTextLineSource) samples).texts()).hasSize(8).startsWith("line 0");
            assertThat(samples.describe()).startsWith("rendered-lines:" + eval + " without 1 repeated calibration "
                    + "sample (39 lines; the first 8 used, --eval-samples 0 for all; ");
        }
        DataOptions all = OPTIONS.toBuilder().maxSamples(0, "--eval-samples").build();
        try (CalibrationDataSource samples = split.heldOutText(eval, 3, all).orElseThrow().samples().get()) {
            assertThat(samples.describe()).contains(" (39 lines, ");
        }

        // a repeat past the sentences read is never scored: it is neither left out nor counted in a warning
        Path late = dir.resolve("late.txt");
        Files.writeString(late, lines.substring("two\n".length()) + "three\n");
        SampleSplit.HeldOut none = split.heldOutText(late, 3, eight).orElseThrow();
        assertThat(none.repeated()).isZero();
        try (CalibrationDataSource samples = none.samples().get()) {
            assertThat(samples.describe()).startsWith("rendered-lines:" + late + " (40 lines; the first 8 used");
        }
        assertThat(split.heldOutText(late, 3, all).orElseThrow().repeated()).isEqualTo(1);
    }

    @Test
    void theBundledHeldOutHalfRepeatsNoSentenceOfTheFirst() {
        List<String> all = dev.trt4j.data.text.BundledSentences.load();
        java.util.Set<String> first = new java.util.HashSet<>(all.subList(0, all.size() / 2));
        try (CalibrationDataSource heldOut = dev.trt4j.data.DataSourceFactory.openHeldOutBundledSentences(LINE_MODEL,
                OPTIONS.toBuilder().maxSamples(0).build())) {
            List<String> texts = ((RenderedTextLineSource) heldOut).texts();
            assertThat(texts).isNotEmpty().noneMatch(first::contains);
        }
    }

    @Test
    void syntheticEvaluationDataIsDrawnWithAnotherSeed() {
        List<TensorSpec> vector = List.of(new TensorSpec("v", ElementType.FLOAT32, new long[] {-1, 16}, List.of()));
        SampleSplit split = SampleSplit.of(null, vector, OPTIONS, false);

        try (CalibrationDataSource calibration = split.calibration(4);
             CalibrationDataSource evaluation = split.evaluation(4, 4)) {
            Batch a = calibration.next().orElseThrow();
            Batch b = evaluation.next().orElseThrow();
            assertThat(b.inputs().get("v").floats()).isNotEqualTo(a.inputs().get("v").floats());
        }
    }

    /** Array rows after the calibration ones are held out, as sentences are; none left is one line naming the file. */
    @Test
    void arrayRowsAfterTheCalibrationRowsAreHeldOut() throws IOException {
        List<TensorSpec> vector = List.of(new TensorSpec("v", ElementType.FLOAT32, new long[] {-1, 2}, List.of()));
        Path npy = dir.resolve("rows.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {7, 2},
                new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}));
        SampleSplit split = SampleSplit.of(npy, vector, OPTIONS, false);

        assertThat(firstValues(split.calibration(3))).containsExactly(0f, 1f, 2f);
        assertThat(firstValues(split.evaluation(3, 10))).containsExactly(3f, 4f, 5f, 6f);
        assertThat(firstValues(split.evaluation(5, 1))).containsExactly(5f);
        // the rows left unread after it are said: the evaluation's limit is not the data's size
        assertThat(split.evaluation(5, 1).describe()).isEqualTo("npy:" + npy + " (7 samples; 1 used, after the first "
                + "5)");
        assertThat(split.evaluation(5, 2).describe()).isEqualTo("npy:" + npy + " (2 samples, after the first 5)");
        assertThat(split.calibration(3).describe()).isEqualTo("npy:" + npy + " (7 samples; the first 3 used)");
        assertThatThrownBy(() -> split.evaluation(7, 1)).isInstanceOf(Trt4jException.class)
                .hasMessage(npy + ": holds 7 samples; after the first 7, which calibration takes, none are left to "
                        + "evaluate on; calibrate on fewer (--samples) or give evaluation data (--eval-data)");
    }

    /** A model of a fixed batch needs a whole batch after the calibration samples; the message says which ones. */
    @Test
    void aFixedBatchNeedsAWholeBatchOfHeldOutSamples() throws IOException {
        List<TensorSpec> fixed = List.of(new TensorSpec("v", ElementType.FLOAT32, new long[] {4, 2}, List.of()));
        Path npy = dir.resolve("fixed.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {7, 2}, new float[14]));
        SampleSplit split = SampleSplit.of(npy, fixed, DataOptions.defaults(), false);

        assertThatThrownBy(() -> split.evaluation(5, 10)).isInstanceOf(dev.trt4j.data.HeldOutSamplesException.class)
                .hasMessage(npy + ": holds 7 samples; after the first 5, which calibration takes, 2 are left, fewer "
                        + "than the one batch of 4 the model's fixed batch dimension needs; calibrate on fewer "
                        + "(--samples) or give evaluation data (--eval-data)");
        assertThat(firstValues(split.evaluation(3, 10))).hasSize(4);
    }

    /** Sentences are split as files are: too few left for a fixed batch names the calibration samples too. */
    @Test
    void sentencesLeftForAFixedBatchAreCountedAsFilesAre() throws IOException {
        List<TensorSpec> fixedLines = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {4, 3, 48, 192},
                List.of()));
        Path text = dir.resolve("seven.txt");
        Files.writeString(text, "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
        SampleSplit split = SampleSplit.of(text, fixedLines, DataOptions.defaults(), false);

        assertThatThrownBy(() -> split.evaluation(5, 10)).isInstanceOf(dev.trt4j.data.HeldOutSamplesException.class)
                .hasMessage(text + ": holds 7 samples; after the first 5, which calibration takes, 2 are left, fewer "
                        + "than the one batch of 4 the model's fixed batch dimension needs; calibrate on fewer "
                        + "(--samples) or give evaluation data (--eval-data)");
        // an evaluation count below the batch is the count's doing, not the calibration's
        assertThatThrownBy(() -> split.evaluation(1, 2)).isExactlyInstanceOf(
                dev.trt4j.data.FewerThanOneBatchException.class);
        Files.writeString(text, "one\ntwo\nthree\nfour\nfive\none\ntwo\nthree\nsix\nseven\neight\n");
        assertThatThrownBy(() -> SampleSplit.of(text, fixedLines, DataOptions.defaults(), false).evaluation(5, 10))
                .hasMessage(text + ": holds 11 samples; after the first 5, which calibration takes, 3 are left (3 "
                        + "repeated calibration samples left out), fewer than the one batch of 4 the model's fixed "
                        + "batch dimension needs; calibrate on fewer (--samples) or give evaluation data (--eval-data)");
    }

    /** Images after the calibration ones, in file-name order, are held out without decoding those passed over. */
    @Test
    void imagesAfterTheCalibrationImagesAreHeldOut() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 5; i++) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(8, 4,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, 0x010101 * (40 * i));
            javax.imageio.ImageIO.write(image, "png", images.resolve("img" + i + ".png").toFile());
        }
        // a broken first image is never decoded when it is passed over
        Files.write(images.resolve("img0.png"), new byte[] {1});
        List<TensorSpec> small = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 4, 8},
                List.of()));
        dev.trt4j.data.image.ImagePreprocessing pixels = new dev.trt4j.data.image.ImagePreprocessing(4, 8,
                dev.trt4j.data.image.ImagePreprocessing.ResizeMode.STRETCH, 0f, 1.0, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, dev.trt4j.data.image.ImagePreprocessing.ChannelOrder.RGB,
                dev.trt4j.data.image.ImagePreprocessing.Layout.NCHW);
        DataOptions raw = OPTIONS.toBuilder().imagePreprocessing(pixels).build();
        SampleSplit split = SampleSplit.of(images, small, raw, false);

        try (CalibrationDataSource evaluation = split.evaluation(2, 10)) {
            // those read, as of array rows
            assertThat(evaluation.describe()).contains("(3 files, after the first 2, ");
            Batch batch = evaluation.next().orElseThrow();
            assertThat(batch.size()).isEqualTo(3);
            float[] x = batch.inputs().get("x").floats();
            int perImage = 3 * 4 * 8;
            assertThat(new float[] {x[0], x[perImage], x[2 * perImage]}).containsExactly(80f, 120f, 160f);
        }
    }

    private static List<Float> firstValues(CalibrationDataSource source) {
        List<Float> values = new java.util.ArrayList<>();
        try (source) {
            for (java.util.Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
                float[] v = b.get().inputs().get("v").floats();
                for (int i = 0; i < b.get().size(); i++) {
                    values.add(v[2 * i]);
                }
            }
        }
        return values;
    }

    @Test
    void labelsBesideImagesAreNotTakenForTheSamples() throws IOException {
        Path images = Files.createDirectories(dir.resolve("labelled"));
        Files.write(images.resolve("a.png"), new byte[] {1});
        Files.writeString(images.resolve("rec_gt.txt"), "a.png\tsome label\n");
        SampleSplit split = SampleSplit.of(images, LINE_MODEL, OPTIONS, false);

        assertThat(split.describe()).isEqualTo(images.toString());

        Path text = Files.createDirectories(dir.resolve("text"));
        Files.writeString(text.resolve("a.txt"), "one\ntwo\nthree\n");
        Files.writeString(text.resolve("notes.md"), "not data");
        assertThat(SampleSplit.of(text, LINE_MODEL, OPTIONS, false).evaluation(1, 1)).isNotNull();
    }
}
