package dev.trt4j.report;

import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.ResultTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
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
}
