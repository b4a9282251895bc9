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
            assertThat(evaluation.describe()).contains("[3, 7)");
        }
        assertThatThrownBy(() -> split.evaluation(7, 1)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("7 samples leave none to evaluate on after 7 calibration samples");
    }

    @Test
    void aLineThatRepeatsACalibrationLineIsNotHeldOut() throws IOException {
        Path text = dir.resolve("repeats.txt");
        Files.writeString(text, "one\ntwo\nthree\ntwo\nfour\none\nfive\n");
        SampleSplit split = SampleSplit.of(text, LINE_MODEL, OPTIONS, false);

        try (CalibrationDataSource evaluation = split.evaluation(3, 2)) {
            assertThat(((RenderedTextLineSource) evaluation).texts()).containsExactly("four", "five");
            assertThat(evaluation.describe()).contains("[3, 7) without 2 repeated calibration samples");
        }
        Files.writeString(text, "one\ntwo\none\n");
        assertThatThrownBy(() -> SampleSplit.of(text, LINE_MODEL, OPTIONS, false).evaluation(2, 1))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("repeat calibration samples only");
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

    @Test
    void dataThatCannotBeSplitAsksForSeparateEvaluationData() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("a.png"), new byte[] {1});
        SampleSplit split = SampleSplit.of(images, LINE_MODEL, OPTIONS, false);

        assertThatThrownBy(() -> split.evaluation(1, 1)).isInstanceOf(Trt4jException.class)
                .hasMessage(images + ": cannot hold out evaluation samples from this kind of data; give separate "
                        + "evaluation data (--eval-data)");
    }

    @Test
    void labelsBesideImagesAreNotTakenForTheSamples() throws IOException {
        Path images = Files.createDirectories(dir.resolve("labelled"));
        Files.write(images.resolve("a.png"), new byte[] {1});
        Files.writeString(images.resolve("rec_gt.txt"), "a.png\tsome label\n");
        SampleSplit split = SampleSplit.of(images, LINE_MODEL, OPTIONS, false);

        assertThat(split.describe()).isEqualTo(images.toString());
        assertThatThrownBy(() -> split.evaluation(1, 1)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("cannot hold out evaluation samples from this kind of data");

        Path text = Files.createDirectories(dir.resolve("text"));
        Files.writeString(text.resolve("a.txt"), "one\ntwo\nthree\n");
        Files.writeString(text.resolve("notes.md"), "not data");
        assertThat(SampleSplit.of(text, LINE_MODEL, OPTIONS, false).evaluation(1, 1)).isNotNull();
    }
}
