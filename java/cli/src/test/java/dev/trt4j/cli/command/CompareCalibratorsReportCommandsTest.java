package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.DefaultModel;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** compare-calibrators on the embedded PP-OCR classifier with few samples, then report on its output. */
class CompareCalibratorsReportCommandsTest {
    @TempDir
    static Path dir;
    static CliRun compare;
    static Path out;

    @BeforeAll
    static void compare() {
        out = dir.resolve("comparison");
        compare = CliRun.of("compare-calibrators", "--methods", "max,percentile=99.99", "--samples", "16",
                "--eval-samples", "32", "--threads", "2", "--out", out.toString(), "--markdown",
                dir.resolve("table.md").toString(), "--json");
    }

    @Test
    void aSweepPastTheSentencesNamesTheSweep() throws java.io.IOException {
        Path text = java.nio.file.Files.writeString(dir.resolve("twenty.txt"),
                String.join("\n", java.util.Collections.nCopies(20, "the quick brown fox")) + "\n");

        CliRun run = CliRun.of("compare-calibrators", "--data", text.toString(), "--samples", "8", "--eval-samples",
                "8", "--methods", "max", "--samples-sweep", "4,30", "--out", dir.resolve("sweep").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + text + ": holds 20 samples; after the first 30, the "
                + "largest --samples-sweep count, none are left to evaluate on; sweep to fewer, or give evaluation "
                + "data (--eval-data)");
        assertThat(dir.resolve("sweep")).doesNotExist();
    }

    /**
     * Three methods at the same accuracy on 16 lines: "Best:" is then chosen by the outputs' SNR, which a line after
     * it says, naming the tied methods and the metric they share, with what would tell them apart.
     */
    @Test
    void aTieOnTheMetricIsSaidBesideTheBest() {
        Path tieOut = dir.resolve("tie");
        CliRun run = CliRun.of("compare-calibrators", "--methods", "max,percentile=99.999,percentile=99.9999",
                "--samples", "16", "--eval-samples", "16", "--threads", "2", "--out", tieOut.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        ComparisonReport saved = ComparisonReport.read(tieOut.resolve("comparison.json"));
        List<String> tied = saved.tiedForBest();
        assertThat(tied).as("the three score alike on these lines").hasSize(3);
        assertThat(tied.get(0)).isEqualTo(saved.bestMethod().orElseThrow());
        double score = saved.methods().rows().get(0).value(saved.methods().column(tied.get(0)));
        List<String> lines = run.out().lines().toList();
        int best = lines.indexOf(lines.stream().filter(l -> l.startsWith("Best: ")).findFirst().orElseThrow());
        assertThat(lines.get(best + 1)).isEqualTo("Tie: " + tied.get(0) + ", " + tied.get(1) + " and " + tied.get(2)
                + " each score accuracy " + dev.trt4j.compare.ResultTable.format(score) + " on these 16 held-out "
                + "samples, so " + tied.get(0) + " was chosen by how close its outputs stay to FP32's (SNR, then "
                + "cosine); more or harder evaluation samples (--eval-samples, --eval-data) could let accuracy tell "
                + "them apart");
        assertThat(compare.out()).as("no tie between max and percentile-99.99 there").contains("\"tiedForBest\":[]");
        assertThat(compare.out()).doesNotContain("Tie: ");
    }

    /**
     * FP32 that cannot read the lines judges every method against a baseline that cannot do the task: said once; the
     * classifier, which reads most of its lines, is not warned about.
     */
    @Test
    void aReferenceThatCannotDoTheTaskIsNamed() throws IOException {
        Path model = TestModels.blindLineReader(dir.resolve("blind.onnx"), 5);
        Path keys = Files.writeString(dir.resolve("keys.txt"), "a\nb\nc\n");
        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--methods", "max", "--task", "ctc", "--keys",
                keys.toString(), "--samples", "4", "--eval-samples", "4", "--shapes", "x:2x3x48x320", "--out",
                dir.resolve("blind").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly(EvaluateCommandTest.poorReference("FP32",
                "every method is judged", "4 held-out samples", 320));
        assertThat(compare.err()).doesNotContain("baseline");
    }

    /**
     * The classifier fed arrays, whose orientation is unknown, is ranked by its output's cosine: the text's Metric line
     * points at the table above it, the JSON's metricNote at nothing above.
     */
    @Test
    void theMetricNoteFitsWhereItIsRead() throws IOException {
        float[] pixels = new float[8 * 3 * 48 * 192];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat() * 2 - 1;
        }
        Path npy = dir.resolve("unlabelled-lines.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 3, 48, 192},
                pixels));
        List<String> common = List.of("compare-calibrators", "--data", npy.toString(), "--methods", "max",
                "--samples", "4", "--eval-samples", "4", "--threads", "2", "--out");
        String reason = "none: the model takes text images, and its accuracy needs lines whose orientation is known, "
                + "which only rendered samples (a .txt of sentences as --data, or no --data) and a label file of "
                + "images have (a .txt of PATH<TAB>LABEL lines, as PaddleOCR's rec_gt.txt); ";

        CliRun text = CliRun.of(Stream.concat(common.stream(), Stream.of(dir.resolve("unlabelled-text").toString()))
                .toArray(String[]::new));
        CliRun json = CliRun.of(Stream.concat(common.stream(), Stream.of(dir.resolve("unlabelled-json").toString(),
                "--json")).toArray(String[]::new));

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Metric     " + reason + "the outputs are compared above");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("metricNote").asText())
                .isEqualTo(reason + "only the outputs are compared");
    }

    @Test
    void printsOneLineOfJsonWithARowPerModelAndAColumnPerMethod() throws IOException {
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(compare.out());
        JsonNode methods = json.get("methods");
        assertThat(methods.get("columns")).extracting(JsonNode::asText)
                .containsExactly("FP32", "max", "percentile-99.99");
        assertThat(methods.get("rows")).hasSize(1);
        assertThat(methods.get("rows").get(0).get("values")).allSatisfy(v -> assertThat(v.asDouble())
                .isBetween(0.0, 1.0));
        assertThat(json.get("evaluationSamples").asLong()).isEqualTo(32);
        assertThat(json.get("evaluationData").asText()).contains("[16, 48)");
    }

    @Test
    void equalizeFirstWritesTheEqualizedModelThatTheRangesBelongTo() throws IOException {
        Path eqOut = dir.resolve("eq-comparison");
        CliRun run = CliRun.of("compare-calibrators", "--equalize", "--methods", "max", "--samples", "16",
                "--eval-samples", "16", "--threads", "2", "--out", eqOut.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Path model = eqOut.resolve("ch_ppocr_mobile_v2.0_cls_infer.eq.onnx");
        assertThat(model).isRegularFile();
        assertThat(run.out()).contains("Equalized first: 0 depthwise Convs").contains(model.toString());
        // The ranges name the equalized model, so quantize refuses them for the original file.
        CalibrationTable max = CalibrationTable.read(eqOut.resolve("calibration/max.table.json"));
        assertThat(max.provenance().modelSha256()).isEqualTo(Provenance.sha256(Files.readAllBytes(model)))
                .isNotEqualTo(Provenance.sha256(DefaultModel.file()));
    }

    @Test
    void writesTheReportFilesAndTheCalibrationFolder() throws IOException {
        ComparisonReport saved = ComparisonReport.read(out.resolve("comparison.json"));
        // stdout is the file's report with what the text says beside it: the metric's note and this run's files
        com.fasterxml.jackson.databind.node.ObjectNode printed =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(compare.out());
        String best = printed.get("bestMethod").asText();
        assertThat(printed.get("bestTable").asText()).isEqualTo(out.resolve("calibration").resolve(best
                + ".table.json").toString()).satisfies(p -> assertThat(Path.of(p)).isRegularFile());
        assertThat(printed.get("written").get("comparisonJson").asText())
                .isEqualTo(out.resolve("comparison.json").toString());
        assertThat(printed.get("written").get("markdown").asText()).isEqualTo(dir.resolve("table.md").toString());
        assertThat(printed.has("metricNote")).isTrue(); // the classifier's accuracy applies: null
        assertThat(printed.get("metricNote").isNull()).isTrue();
        printed.remove(List.of("metricNote", "bestTable", "written"));
        assertThat(printed).isEqualTo(new ObjectMapper().readTree(Files.readString(out.resolve("comparison.json"))));
        assertThat(Files.readString(dir.resolve("table.md"))).isEqualTo(saved.toMarkdown())
                .isEqualTo(Files.readString(out.resolve("comparison.md")));
        assertThat(out.resolve("calibration/statistics.json")).isRegularFile();
        assertThat(out.resolve("calibration/max.table.json")).isRegularFile();
        assertThat(out.resolve("calibration/percentile-99.99.table.json")).isRegularFile();
    }

    @Test
    void reportDrawsTheComparisonsCalibration() throws IOException {
        Path report = dir.resolve("report");
        CliRun run = CliRun.of("report", "--calibration", out.resolve("calibration").toString(), "--comparison",
                out.resolve("comparison.json").toString(), "--out", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(report.resolve("index.html"));
        try (Stream<Path> charts = Files.list(report.resolve("histograms"))) {
            for (Path chart : charts.toList()) {
                assertThat(ImageIO.read(chart.toFile())).as(chart.toString()).isNotNull();
                assertThat(html).contains("src=\"histograms/" + chart.getFileName() + "\"");
            }
        }
        assertThat(html).contains("ch_ppocr_mobile_v2.0_cls_infer.onnx").contains("percentile-99.99");
        assertThat(run.out()).startsWith("Report: " + report.resolve("index.html"));
    }

    /** Histograms beside comparisons of other models only are named, as a ranking of another model is. */
    @Test
    void reportNamesComparisonsOfOnlyOtherModels() throws IOException {
        Path mm = TestModels.matMul(dir.resolve("mm-cmp.onnx"));
        Path compared = dir.resolve("mm-comparison");
        CliRun comparison = CliRun.of("compare-calibrators", mm.toString(), "--methods", "max", "--task", "none",
                "--samples", "16", "--eval-samples", "16", "--shapes", "x:4x4", "--out", compared.toString());
        assertThat(comparison.exitCode()).as(comparison.err()).isZero();

        CliRun other = CliRun.of("report", "--calibration", out.resolve("calibration").toString(), "--comparison",
                compared.resolve("comparison.json").toString(), "--out", dir.resolve("other-report").toString());
        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(other.errLines()).singleElement().asString().startsWith("trt4j: warning: "
                + out.resolve("calibration") + " holds statistics of another model (SHA-256 ")
                .contains(") than any --comparison (mm-cmp.onnx, SHA-256 ");
        // with the histograms' own comparison among them, several models are a legitimate page
        CliRun both = CliRun.of("report", "--calibration", out.resolve("calibration").toString(), "--comparison",
                out.resolve("comparison.json").toString(), "--comparison", compared.resolve("comparison.json")
                        .toString(), "--out", dir.resolve("both-report").toString());
        assertThat(both.exitCode()).as(both.err()).isZero();
        assertThat(both.errLines()).isEmpty();
    }

    /** Both files name their model by hash: one model's histograms beside another's ranking is named. */
    @Test
    void reportNamesASensitivityRankingOfAnotherModel() throws IOException {
        Path mm = TestModels.matMul(dir.resolve("mm.onnx"));
        Path ranked = dir.resolve("mm-sensitivity");
        CliRun sensitivity = CliRun.of("sensitivity", mm.toString(), "--method", "max", "--task", "none",
                "--samples", "16", "--eval-samples", "16", "--shapes", "x:4x4", "--out", ranked.toString());
        assertThat(sensitivity.exitCode()).as(sensitivity.err()).isZero();

        CliRun run = CliRun.of("report", "--calibration", out.resolve("calibration").toString(), "--sensitivity",
                ranked.resolve("sensitivity.json").toString(), "--out", dir.resolve("mixed-report").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: warning: "
                + out.resolve("calibration") + " holds statistics of another model (SHA-256 ")
                .contains(") than " + ranked.resolve("sensitivity.json") + " ranks (mm.onnx, SHA-256 ");
        CliRun alone = CliRun.of("report", "--sensitivity", ranked.resolve("sensitivity.json").toString(), "--out",
                dir.resolve("ranking-report").toString());
        assertThat(alone.errLines()).isEmpty();

        // a hand-edited hash shorter than the 12 digits the warning shows is shown whole, not a crash after writing
        Path edited = dir.resolve("edited-sensitivity.json");
        Files.writeString(edited, Files.readString(ranked.resolve("sensitivity.json"))
                .replaceFirst("\"modelSha256\"\\s*:\\s*\"[0-9a-f]+\"", "\"modelSha256\": \"xyz\""));
        CliRun shortHash = CliRun.of("report", "--calibration", out.resolve("calibration").toString(),
                "--sensitivity", edited.toString(), "--out", dir.resolve("edited-report").toString());
        assertThat(shortHash.exitCode()).as(shortHash.err()).isZero();
        assertThat(shortHash.errLines()).singleElement().asString().contains("ranks (mm.onnx, SHA-256 xyz;");
    }

    @Test
    void reportRefusesAComparisonGivenTwiceAndNamesTheFilesOfModelsThatShareAName() throws IOException {
        Path comparison = out.resolve("comparison.json");
        Path sameViaDot = out.resolve(".").resolve("comparison.json");
        Path twice = dir.resolve("report-twice");
        CliRun repeated = CliRun.of("report", "--comparison", comparison.toString(), "--comparison",
                sameViaDot.toString(), "--out", twice.toString());

        assertThat(repeated.exitCode()).isEqualTo(2);
        assertThat(repeated.errLines()).containsExactly("trt4j: --comparison " + sameViaDot + ": given twice; give "
                + "each comparison once");
        assertThat(twice).doesNotExist();

        Path copy = Files.copy(comparison, Files.createDirectories(dir.resolve("rerun")).resolve("comparison.json"));
        Path report = dir.resolve("report-two-runs");
        CliRun run = CliRun.of("report", "--comparison", comparison.toString(), "--comparison", copy.toString(),
                "--out", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).containsPattern("ch_ppocr_mobile_v2.0_cls_infer.onnx \\([^)]+\\) — " + comparison)
                .containsPattern("ch_ppocr_mobile_v2.0_cls_infer.onnx \\([^)]+\\) — " + copy);
    }

    @Test
    void aCalibrationFolderWithoutTablesIsReportedWithTheRangesItLacks() throws IOException {
        Path statisticsOnly = Files.createDirectories(dir.resolve("statistics-only"));
        Files.copy(out.resolve("calibration").resolve("statistics.json"), statisticsOnly.resolve("statistics.json"));
        Path report = dir.resolve("report-without-tables");

        CliRun run = CliRun.of("report", "--calibration", statisticsOnly.toString(), "--out", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).containsExactly("trt4j: warning: " + statisticsOnly + " holds no *.table.json, so the "
                + "histograms show no ranges (add them with trt4j calibrate MODEL --statistics "
                + statisticsOnly.resolve("statistics.json") + " --out " + statisticsOnly + ")");
        assertThat(report.resolve("index.html")).isRegularFile();
    }

    @Test
    void biasCorrectionRefusesRandomData() throws IOException {
        Path relu = dev.trt4j.cli.TestModels.relu(dir.resolve("relu.onnx"));
        CliRun run = CliRun.of("compare-calibrators", relu.toString(), "--samples", "8", "--bias-correction",
                "--out", dir.resolve("relu-comparison").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "trt4j: --bias-correction needs real samples: give --data (or --tokenizer for a text model)");
        assertThat(dir.resolve("relu-comparison")).doesNotExist();
        CliRun badScope = CliRun.of("compare-calibrators", "--bias-correction=linear");
        assertThat(badScope.errLines()).containsExactly("trt4j: --bias-correction takes conv or all, not 'linear'");
        CliRun badMode = CliRun.of("compare-calibrators", "--bias-correction", "--bias-correction-mode", "twice");
        assertThat(badMode.exitCode()).isEqualTo(2);
        assertThat(badMode.errLines()).containsExactly(
                "trt4j: --bias-correction-mode takes one-pass or layer-by-layer, not 'twice'");
        // A misspelt option after --bias-correction is named as such, not taken for its scope.
        CliRun misspelt = CliRun.of("compare-calibrators", "--bias-correction", "--equalise", "--samples", "8");
        assertThat(misspelt.exitCode()).isEqualTo(2);
        assertThat(misspelt.errLines()).containsExactly("trt4j: Unknown option: '--equalise'; did you mean --equalize?");
    }

    @Test
    void aMarkdownFileThatCannotBeWrittenStopsTheRunBeforeAnyWork() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pk/dir"));
        Path pkOut = dir.resolve("pk/out");
        CliRun run = CliRun.of("compare-calibrators", "--samples", "8", "--eval-samples", "8", "--methods", "max",
                "--out", pkOut.toString(), "--markdown", folder.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + folder + ": cannot write: is a folder");
        assertThat(pkOut).doesNotExist();

        CliRun inTheFolder = CliRun.of("compare-calibrators", "--samples", "8", "--eval-samples", "8", "--methods",
                "max", "--out", pkOut.toString(), "--markdown", pkOut.resolve("comparison.json").toString());
        assertThat(inTheFolder.exitCode()).isEqualTo(2);
        assertThat(inTheFolder.errLines()).containsExactly("trt4j: --markdown names " + pkOut.resolve(
                "comparison.json") + ", which --out's folder " + pkOut + " holds; give another file");
        assertThat(pkOut).doesNotExist();

        CliRun theFolder = CliRun.of("compare-calibrators", "--samples", "8", "--eval-samples", "8", "--methods",
                "max", "--out", pkOut.toString(), "--markdown", pkOut.toString());
        assertThat(theFolder.exitCode()).isEqualTo(2);
        assertThat(theFolder.errLines()).containsExactly("trt4j: --markdown names " + pkOut + ", which is --out's "
                + "folder; give a file");
        assertThat(pkOut).doesNotExist();

        // Before, --markdown naming the model replaced the model with the tables (exit 0).
        Path model = DefaultModel.file();
        byte[] before = Files.readAllBytes(model);
        CliRun onTheModel = CliRun.of("compare-calibrators", model.toString(), "--samples", "8", "--eval-samples",
                "8", "--methods", "max", "--out", pkOut.toString(), "--markdown", model.toString());
        assertThat(onTheModel.exitCode()).isEqualTo(2);
        assertThat(onTheModel.errLines()).containsExactly("trt4j: --markdown names " + model + ", which is the model "
                + "this command reads; write it elsewhere");
        assertThat(Files.readAllBytes(model)).isEqualTo(before);
        assertThat(pkOut).doesNotExist();
    }

    @Test
    void badRequestsAreOneLineErrors() {
        CliRun noSamples = CliRun.of("compare-calibrators", "--samples", "0");
        assertThat(noSamples.exitCode()).isEqualTo(2);
        assertThat(noSamples.errLines()).containsExactly("trt4j: --samples must be positive: the samples after the "
                + "calibration samples are held out for evaluation (or give --eval-data, and --samples 0 calibrates on "
                + "all of --data)");
        CliRun nothing = CliRun.of("report", "--out", dir.resolve("empty").toString());
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.errLines()).containsExactly(
                "trt4j: nothing to report: give --calibration, --comparison or --sensitivity");
        CliRun badMethod = CliRun.of("compare-calibrators", "--methods", "max,median");
        assertThat(badMethod.exitCode()).isEqualTo(2);
        assertThat(badMethod.errLines()).hasSize(1);
        assertThat(badMethod.errLines().get(0)).startsWith("trt4j: --methods median: unknown calibration method 'median'");
    }

    /**
     * The user's labelled lines as --eval-data beside rendered calibration lines: scored against their own labels
     * (one mislabelled of four, so FP32's accuracy is 0.75), not refused as a list of file names.
     */
    @Test
    void aLabelFileAsEvaluationDataIsScoredAgainstItsLabels() throws IOException {
        Path model = TestModels.ppocrClassifier(dir.resolve("labelled-eval.onnx"));
        dev.trt4j.data.text.TextLineRenderer renderer = new dev.trt4j.data.text.TextLineRenderer();
        StringBuilder labels = new StringBuilder();
        Files.createDirectories(dir.resolve("eval-crops"));
        String[] texts = {"The quick brown fox", "jumps over the lazy dog", "Hello world", "reads its labels"};
        for (int i = 0; i < texts.length; i++) {
            ImageIO.write(renderer.render(texts[i], i % 2 == 1), "png", dir.resolve("eval-crops/l" + i + ".png")
                    .toFile());
            // the last line's label is wrong on purpose
            int label = (i % 2 == 1) != (i == texts.length - 1) ? 180 : 0;
            labels.append("eval-crops/l").append(i).append(".png\t").append(label).append('\n');
        }
        Path gt = Files.writeString(dir.resolve("eval_gt.txt"), labels);

        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--eval-data", gt.toString(), "--samples",
                "8", "--methods", "max", "--json", "--out", dir.resolve("labelled-eval").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("evaluationData").asText()).startsWith("labelled-images:" + gt);
        assertThat(root.path("metric").asText()).isEqualTo("accuracy");
        // the first column is FP32's
        assertThat(root.path("methods").path("columns").get(0).asText()).isEqualTo("FP32");
        assertThat(root.path("methods").path("rows").get(0).path("values").get(0).asDouble()).isEqualTo(0.75);
    }
}
