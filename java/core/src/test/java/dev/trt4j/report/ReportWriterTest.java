package dev.trt4j.report;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.CalibrationTable;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportWriterTest {
    @TempDir
    static Path dir;
    static Path page;
    static String html;
    static CalibrationFolder calibration;

    @BeforeAll
    static void write() throws IOException {
        calibration = CalibrationFolder.read(ReportFixture.calibrationFolder(dir.resolve("calibration")));
        page = new ReportWriter().write(dir.resolve("report"), calibration,
                ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5),
                        ReportFixture.comparison("b.onnx", 0.9, 0.91)),
                ReportFixture.sensitivity());
        html = Files.readString(page);
    }

    @Test
    void theSensitivitySectionCountsItsHeldOutSamplesAsTheComparisonDoes() {
        assertThat(html).contains("m.onnx, accuracy on 64 held-out samples (lines [64, 128)).")
                .contains("accuracy (higher is better) on 64 held-out samples (lines [64, 128))");
    }

    @Test
    void theCalibrationFolderIsReadWithEveryMethodsTable() {
        assertThat(calibration.tables()).containsOnlyKeys("max", "entropy", "percentile-99.99", "mse");
        assertThat(calibration.statistics().tensors()).containsOnlyKeys(ReportFixture.TENSORS);
    }

    @Test
    void everyImageThePageShowsExistsAndDecodes() throws IOException {
        List<String> sources = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            sources.add(m.group(1));
        }
        assertThat(sources).hasSize(ReportFixture.TENSORS.size());
        try (Stream<Path> files = Files.list(page.resolveSibling(ReportWriter.CHART_FOLDER))) {
            assertThat(files.map(f -> ReportWriter.CHART_FOLDER + "/" + f.getFileName()).toList())
                    .containsExactlyInAnyOrderElementsOf(sources);
        }
        for (String src : sources) {
            BufferedImage image = ImageIO.read(page.resolveSibling(src).toFile());
            assertThat(image).as(src).isNotNull();
            assertThat(image.getWidth()).isEqualTo(640);
            assertThat(image.getHeight()).isEqualTo(240);
        }
        assertThat(sources.get(0)).isEqualTo("histograms/001-conv_out_0.png");
    }

    @Test
    void aFolderWhereAHistogramGoesStopsTheReportAndLeavesTheEarlierOne() throws IOException {
        Path out = dir.resolve("blocked");
        Path earlier = Files.createDirectories(out).resolve(ReportWriter.PAGE);
        Files.writeString(earlier, "earlier report");
        Path blocker = Files.createDirectories(out.resolve(ReportWriter.CHART_FOLDER).resolve("002-"
                + ReportFixture.TENSORS.get(1).replaceAll("[^A-Za-z0-9._-]", "_") + ".png"));

        assertThatThrownBy(() -> new ReportWriter().write(out, calibration, Map.of(), null))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(blocker + ": is a folder; cannot write the file there (nothing was written)");
        assertThat(earlier).hasContent("earlier report");
        try (Stream<Path> left = Files.list(blocker.getParent())) {
            assertThat(left).containsExactly(blocker);
        }
    }

    @Test
    void aLaterReportInTheSameFolderRemovesTheHistogramsItDoesNotShow() throws IOException {
        Path out = dir.resolve("again");
        new ReportWriter().write(out, calibration, Map.of(), null);
        Path charts = out.resolve(ReportWriter.CHART_FOLDER);
        Path foreign = Files.writeString(charts.resolve("notes.txt"), "mine");

        new ReportWriter().write(out, null, ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5)), null);

        try (Stream<Path> left = Files.list(charts)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("the earlier page's charts are gone")
                    .containsExactly("notes.txt");
        }
        assertThat(foreign).hasContent("mine");
        try (Stream<Path> top = Files.list(out)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.html",
                    ReportWriter.CHART_FOLDER);
        }
    }

    /** A PNG the user put beside the charts is theirs, though named as trt4j names charts; no page listed it. */
    @Test
    void aRerunLeavesAFileNamedLikeAChartThatNoReportWrote() throws IOException {
        Path out = dir.resolve("mine");
        new ReportWriter().write(out, calibration, Map.of(), null);
        Path charts = out.resolve(ReportWriter.CHART_FOLDER);
        Path mine = Files.writeString(charts.resolve("005-my_plot.png"), "my own chart");
        Path older = Files.writeString(charts.resolve("999-old_tensor.png"), "kept from elsewhere");

        new ReportWriter().write(out, calibration, Map.of(), null);
        new ReportWriter().write(out, null, ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5)), null);

        assertThat(mine).hasContent("my own chart");
        assertThat(older).hasContent("kept from elsewhere");
        try (Stream<Path> left = Files.list(charts)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("005-my_plot.png",
                    "999-old_tensor.png");
        }
    }

    /** {@code missing/../out}: the files land in out, and so does the clean-up, though the typed path names nothing. */
    @Test
    void aFolderNamedThroughAMissingOneHasItsOldHistogramsRemovedToo() throws IOException {
        Path out = dir.resolve("through");
        new ReportWriter().write(out, calibration, Map.of(), null);

        new ReportWriter().write(dir.resolve("missing").resolve("..").resolve("through"), null,
                ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5)), null);

        try (Stream<Path> left = Files.list(out.resolve(ReportWriter.CHART_FOLDER))) {
            assertThat(left).isEmpty();
        }
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void eachMethodsAmaxIsDrawnInItsColourWhereItBelongs() throws IOException {
        BufferedImage image = ImageIO.read(page.resolveSibling("histograms/002-relu_1.tmp_0.png").toFile());
        CalibrationTable max = calibration.tables().get("max");
        // The max line is the right-most one; its colour (second in the palette: tables are in name order,
        // entropy first) fills a whole column of the plot.
        Color maxColour = MethodColours.of(List.copyOf(calibration.tables().keySet()).indexOf("max"));
        int columnsWithLine = 0;
        for (int x = 56; x < 640 - 200; x++) {
            int hits = 0;
            for (int y = 40; y < 200; y++) {
                hits += image.getRGB(x, y) == maxColour.getRGB() ? 1 : 0;
            }
            columnsWithLine += hits > 100 ? 1 : 0;
        }
        assertThat(max.amax("relu_1.tmp_0")).isPositive();
        assertThat(columnsWithLine).as("a vertical line in the max colour").isBetween(1, 3);
    }

    @Test
    void thePageHoldsTheTablesEscapedAndNoScript() {
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("http");
        assertThat(html).contains("INT8 task metric by activation calibration method, every model")
                .contains("<td>a.onnx (accuracy)</td>").contains("<td>b.onnx (accuracy)</td>");
        assertThat(html).contains("conv&lt;a&gt; (Conv)").contains("gelu&lt;2&gt;").doesNotContain("gelu<2>");
        assertThat(html).contains("Target drop 0.02 reached with 1 of 2 layers kept in FP32");
        assertThat(html).contains("<td class=\"n best\">0.9600</td>").contains("<td class=\"n best\">0.9100</td>");
    }

    @Test
    void aFolderWithoutStatisticsIsRefused() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> CalibrationFolder.read(empty)).isInstanceOf(Trt4jException.class)
                .hasMessage(empty + ": no statistics.json (not a calibration output folder; give the --out folder of "
                        + "trt4j calibrate)");
        // a study's folder is named as one, with the folder to give: the old hint, to calibrate into it, would have
        // replaced the tables the study wrote
        Path study = Files.createDirectories(dir.resolve("study"));
        ReportFixture.calibrationFolder(study.resolve("calibration"));
        assertThatThrownBy(() -> CalibrationFolder.read(study)).hasMessage(study + ": no statistics.json (a "
                + "compare-calibrators folder; give its calibration folder, " + study.resolve("calibration") + ")");
        Path sensitivity = Files.createDirectories(dir.resolve("sens"));
        Files.writeString(sensitivity.resolve("sensitivity.json"), "{}");
        assertThatThrownBy(() -> CalibrationFolder.read(sensitivity)).hasMessage(sensitivity + ": no statistics.json "
                + "(a sensitivity folder, which keeps no statistics; give it as --sensitivity "
                + sensitivity.resolve("sensitivity.json") + ", and a calibration folder as --calibration)");
    }

    @Test
    void tablesOfAnotherModelSampleCountOrDataAreLeftOutWithTheReason() throws IOException {
        Path other = ReportFixture.calibrationFolder(dir.resolve("other"));
        rewrite(other.resolve("max.table.json"), "ab".repeat(32), "00".repeat(32));
        rewrite(other.resolve("mse.table.json"), "\"sampleCount\": 64", "\"sampleCount\": 16");
        rewrite(other.resolve("entropy.table.json"), "\"synthetic\"", "\"other data\"");

        CalibrationFolder read = CalibrationFolder.read(other);

        assertThat(read.tables()).containsOnlyKeys("percentile-99.99");
        assertThat(read.leftOut()).containsExactly(
                entry("entropy", "made from data 'other data', the statistics from 'synthetic'"),
                entry("max", "made for model sha256 000000000000…, the statistics for abababababab…"),
                entry("mse", "made from 16 samples, the statistics from 64"));
    }

    /** Replaces text that must be there, so that a change of the JSON layout fails here, not silently. */
    private static void rewrite(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }
}
