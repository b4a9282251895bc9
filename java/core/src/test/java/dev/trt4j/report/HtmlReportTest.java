package dev.trt4j.report;

import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.ResultTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
    /** Past the palette's nine colours the legend repeated them, and two methods read alike on every chart. */
    @Test
    void everyMethodOfTheLegendHasItsOwnColour(@TempDir Path dir) {
        CalibrationFolder calibration = CalibrationFolder.read(ReportFixture.calibrationFolder(dir));
        List<String> methods = IntStream.range(0, 19).mapToObj(i -> "percentile=99." + i).toList();

        String html = HtmlReport.render(calibration, methods, List.of(), Map.of(), null);

        List<String> swatches = new ArrayList<>();
        Matcher m = Pattern.compile("<span class=\"swatch\" style=\"background:(#[0-9a-f]{6})\"></span>")
                .matcher(html);
        while (m.find()) {
            swatches.add(m.group(1));
        }
        assertThat(swatches).hasSize(19).doesNotHaveDuplicates();
        assertThat(swatches.get(0)).isEqualTo("#d55e00");
    }

    @Test
    void rowsOfModelsThatShareANameAlsoNameTheirFile() {
        Map<Path, ComparisonReport> comparisons = new LinkedHashMap<>();
        comparisons.put(Path.of("run1/comparison.json"), ReportFixture.comparison("m.onnx", 0.96, 0.5));
        comparisons.put(Path.of("run2/comparison.json"), ReportFixture.comparison("m.onnx", 0.9, 0.91));
        comparisons.put(Path.of("other.json"), ReportFixture.comparison("n.onnx", 0.9, 0.91));

        List<String> labels = HtmlReport.byModel(comparisons).rows().stream().map(ResultTable.Row::label).toList();
        String html = HtmlReport.render(null, List.of(), List.of(), comparisons, null);

        assertThat(labels).containsExactly("m.onnx (accuracy) — " + Path.of("run1/comparison.json"),
                "m.onnx (accuracy) — " + Path.of("run2/comparison.json"), "n.onnx (accuracy)");
        assertThat(html).contains("<h3>m.onnx — " + Path.of("run1/comparison.json") + "</h3>")
                .contains("<h3>m.onnx — " + Path.of("run2/comparison.json") + "</h3>").contains("<h3>n.onnx</h3>");
    }

    @Test
    void rowsOfDistinctModelsKeepTheirNamesAlone() {
        List<String> labels = HtmlReport.byModel(ReportFixture.byFile(ReportFixture.comparison("a.onnx", 0.96, 0.5),
                ReportFixture.comparison("b.onnx", 0.9, 0.91))).rows().stream().map(ResultTable.Row::label).toList();

        assertThat(labels).containsExactly("a.onnx (accuracy)", "b.onnx (accuracy)");
    }

    /** Each row of the every-model table is judged in its own metric's direction: the lowest error rate is best. */
    @Test
    void theBestOfARowFollowsThatRowsMetric() {
        ComparisonReport accuracy = ReportFixture.comparison("a.onnx", 0.96, 0.5);
        ResultTable cerMethods = new ResultTable("INT8 cer by activation calibration method", "model",
                List.of("FP32", "max", "entropy"), List.of(new ResultTable.Row("b.onnx", List.of(0.10, 0.30, 0.12))));
        ComparisonReport cer = new ComparisonReport("b.onnx", "ab".repeat(32), "cer", false, "lines [0, 64)", 64,
                "lines [64, 128)", 64, "per-channel max weights", cerMethods, accuracy.fidelity(), null, null);

        String html = HtmlReport.render(null, List.of(), List.of(), ReportFixture.byFile(accuracy, cer), null);

        String every = html.substring(0, html.indexOf("</table>"));
        assertThat(every).contains("<td>b.onnx (cer)</td><td class=\"n\">0.1000</td><td class=\"n\">0.3000</td>"
                + "<td class=\"n best\">0.1200</td>");
        assertThat(every).contains("<td>a.onnx (accuracy)</td><td class=\"n\">0.9700</td><td class=\"n best\">"
                + "0.9600</td>");
    }

    /**
     * The page's tables have the decimals the printed ones have: scores that read 0.9999 alike at four decimals (the
     * JSON's 0.99990134 and 0.99992166) show where they differ, so that the highlighted best has a visible reason.
     */
    @Test
    void scoresThatReadAlikeAtFourDecimalsShowWhereTheyDiffer() {
        ComparisonReport close = ReportFixture.comparison("m.onnx", 0.99990134, 0.99992166);

        String html = HtmlReport.render(null, List.of(), List.of(), ReportFixture.byFile(close), null);

        assertThat(html).contains("<td>m.onnx</td><td class=\"n\">0.97000</td><td class=\"n\">0.99990</td>"
                + "<td class=\"n best\">0.99992</td>");
    }

    /** Names are the page's text: an ESC or a BEL, which HTML does not allow, is shown as the terminal shows it. */
    @Test
    void controlCharactersInNamesAreShownEscaped() {
        ComparisonReport odd = ReportFixture.comparison("odd\u001b[2J\u0007<b>.onnx", 0.96, 0.5);

        String html = HtmlReport.render(null, List.of(), List.of(), ReportFixture.byFile(odd), null);

        assertThat(html).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("<h3>odd\\u001b[2J\\u0007&lt;b&gt;.onnx</h3>");
    }
}
