package dev.trt4j.report;

import dev.trt4j.ControlCharacters;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.ResultTable;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.table.Provenance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The report page: one self-contained HTML document (styles inline, no scripts, no remote resources) that shows the
 * calibrator comparison tables, the sensitivity ranking and the activation histograms, whose PNG files sit next to
 * it. Text from the inputs (tensor and model names) is escaped.
 */
final class HtmlReport {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1400px;\
            padding:0 1rem;color:#1d2329;line-height:1.4}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d7dce1}
            .meta{color:#58636f;font-size:.9rem}nav a{margin-right:1rem}
            table{border-collapse:collapse;margin:.6rem 0 1.4rem;font-size:.88rem}
            caption{text-align:left;font-weight:600;padding:.3rem 0}
            th,td{border:1px solid #d7dce1;padding:.25rem .6rem}td.n{text-align:right;font-variant-numeric:tabular-nums}
            th{background:#f3f5f7}td.best{font-weight:700;background:#e7f5ec}
            .grid{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;border:1px solid #e4e7eb;padding:.3rem}
            figcaption{font-size:.8rem;color:#58636f;max-width:640px;overflow-wrap:anywhere}
            .swatch{display:inline-block;width:1.2em;height:.35em;vertical-align:middle;margin:0 .3em 0 .8em}
            """;

    private final StringBuilder html = new StringBuilder();

    /**
     * One histogram image of the page.
     *
     * @param tensor the tensor it shows
     * @param file   its path relative to the page, e.g. {@code histograms/001-x.png}
     * @param width  its width in pixels
     * @param height its height in pixels
     * @param note   what the chart lacks, said under it (a histogram dropped during collection), or null
     */
    public record Chart(String tensor, String file, int width, int height, String note) {
        public Chart {
            Objects.requireNonNull(tensor, "tensor");
            Objects.requireNonNull(file, "file");
        }
    }

    private HtmlReport() {
    }

    /**
     * The page.
     *
     * @param calibration the calibration run the charts show, or null
     * @param methods     method labels in chart-colour order
     * @param charts      the histogram images, in tensor order
     * @param comparisons calibrator comparisons (one per model) by the file each was read from, maybe none
     * @param sensitivity a sensitivity run, or null
     */
    public static String render(CalibrationFolder calibration, List<String> methods, List<Chart> charts,
                                Map<Path, ComparisonReport> comparisons, SensitivityReport sensitivity) {
        HtmlReport r = new HtmlReport();
        r.html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>trt4j calibration report</title>\n<style>\n").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<h1>trt4j calibration report</h1>\n");
        r.header(calibration, comparisons, sensitivity);
        if (!comparisons.isEmpty()) {
            r.comparisons(comparisons);
        }
        if (sensitivity != null) {
            r.sensitivity(sensitivity);
        }
        if (calibration != null) {
            r.histograms(methods, charts);
        }
        r.html.append("</body>\n</html>\n");
        return r.html.toString();
    }

    private void header(CalibrationFolder calibration, Map<Path, ComparisonReport> comparisons,
                        SensitivityReport sensitivity) {
        if (calibration != null) {
            ActivationStatistics s = calibration.statistics();
            html.append("<p class=\"meta\">Statistics of ").append(s.tensors().size()).append(" tensors over ")
                    .append(s.samples()).append(" samples (").append(escape(s.dataDescription()))
                    .append("), model sha256 ").append(escape(Provenance.abbreviated(s.modelSha256()))).append("</p>\n");
        }
        html.append("<nav>");
        if (!comparisons.isEmpty()) {
            html.append("<a href=\"#comparison\">Calibrator comparison</a>");
        }
        if (sensitivity != null) {
            html.append("<a href=\"#sensitivity\">Sensitivity</a>");
        }
        if (calibration != null) {
            html.append("<a href=\"#histograms\">Activation histograms</a>");
        }
        html.append("</nav>\n");
    }

    private void comparisons(Map<Path, ComparisonReport> comparisons) {
        html.append("<section id=\"comparison\">\n<h2>Calibrator comparison</h2>\n");
        if (comparisons.size() > 1) {
            // each row is one model's metric, and metrics differ in direction (accuracy up, error rate down)
            Map<String, Boolean> higherIsBetter = new HashMap<>();
            ResultTable all = byModel(comparisons, higherIsBetter);
            table(all, true, row -> higherIsBetter.get(row.label()));
        }
        Set<String> shared = sharedNames(comparisons.values().stream().map(ComparisonReport::model).toList());
        for (Map.Entry<Path, ComparisonReport> e : comparisons.entrySet()) {
            ComparisonReport c = e.getValue();
            html.append("<h3>").append(escape(label(c.model(), e.getKey(), shared)))
                    .append("</h3>\n<p class=\"meta\">").append(escape(c.metric()))
                    .append(c.higherIsBetter() ? " (higher is better)" : " (lower is better)").append(" on ")
                    .append(c.evaluationSamples()).append(" held-out samples (").append(escape(c.evaluationData()))
                    .append("); calibrated on ").append(c.calibrationSamples()).append(" samples (")
                    .append(escape(c.calibrationData())).append("); ").append(escape(c.quantization()))
                    .append(".</p>\n");
            table(c.methods(), true, c.higherIsBetter());
            table(c.fidelity(), false, true);
            c.weightsStudyTable().ifPresent(t -> table(t, true, c.higherIsBetter()));
            c.samplesSweepTable().ifPresent(t -> table(t, true, c.higherIsBetter()));
        }
        html.append("</section>\n");
    }

    /**
     * One row per model, the union of the methods as columns: the literature's layout across models. Rows whose
     * model names two files share also name their file, so that no two rows read alike.
     */
    static ResultTable byModel(Map<Path, ComparisonReport> comparisons) {
        return byModel(comparisons, new HashMap<>());
    }

    /** As {@link #byModel(Map)}, recording each row's direction by its label in {@code higherIsBetter}. */
    private static ResultTable byModel(Map<Path, ComparisonReport> comparisons, Map<String, Boolean> higherIsBetter) {
        Set<String> columns = new LinkedHashSet<>();
        comparisons.values().forEach(c -> columns.addAll(c.methods().columns()));
        List<String> header = new ArrayList<>(columns);
        Set<String> shared = sharedNames(comparisons.values().stream()
                .flatMap(c -> c.methods().rows().stream().map(r -> r.label() + " (" + c.metric() + ")")).toList());
        List<ResultTable.Row> rows = new ArrayList<>();
        for (Map.Entry<Path, ComparisonReport> e : comparisons.entrySet()) {
            ComparisonReport c = e.getValue();
            for (ResultTable.Row row : c.methods().rows()) {
                List<Double> values = new ArrayList<>();
                for (String col : header) {
                    int i = c.methods().column(col);
                    values.add(i < 0 ? null : row.value(i));
                }
                String label = label(row.label() + " (" + c.metric() + ")", e.getKey(), shared);
                higherIsBetter.put(label, c.higherIsBetter());
                rows.add(new ResultTable.Row(label, values));
            }
        }
        // each row one model's metric under FP32 and each method, read across as the methods table of each
        return new ResultTable("INT8 task metric by activation calibration method, every model", "model", header,
                rows, true);
    }

    /** The names that occur more than once in {@code names}. */
    private static Set<String> sharedNames(List<String> names) {
        Set<String> seen = new HashSet<>();
        Set<String> shared = new HashSet<>();
        names.forEach(n -> {
            if (!seen.add(n)) {
                shared.add(n);
            }
        });
        return shared;
    }

    /** {@code name}, followed by the file it came from where another comparison shows the same name. */
    private static String label(String name, Path file, Set<String> shared) {
        return shared.contains(name) ? name + " — " + file : name;
    }

    private void sensitivity(SensitivityReport s) {
        html.append("<section id=\"sensitivity\">\n<h2>Sensitivity</h2>\n<p class=\"meta\">")
                .append(escape(s.model())).append(", ").append(escape(s.metric())).append(" on ")
                .append(s.evaluationSamples() == null ? escape(s.evaluationData()) : s.evaluationSamples()
                        + " held-out samples (" + escape(s.evaluationData()) + ")").append(".</p>\n");
        s.searchResult().ifPresent(r -> html.append("<p>Target drop ").append(ResultTable.formatGiven(r.targetDrop()))
                .append(r.reached() ? " reached" : " <strong>not reached</strong>").append(" with ")
                .append(r.skipped().size()).append(" of ").append(s.ranking().size())
                .append(" layers kept in FP32: ").append(escape(s.metric())).append(' ')
                .append(ResultTable.format(r.score())).append(" (drop ").append(ResultTable.formatDrop(r.drop()))
                .append(").").append(r.skipped().isEmpty() ? "" : " Kept in FP32: <code>"
                        + escape(String.join(", ", r.skipped())) + "</code>.").append("</p>\n"));
        table(s.rankingTable(), false, true);
        html.append("</section>\n");
    }

    private void histograms(List<String> methods, List<Chart> charts) {
        html.append("<section id=\"histograms\">\n<h2>Activation histograms</h2>\n<p>|x| of each calibrated tensor, "
                + "counts on a log scale; vertical lines: the range each method chose.");
        for (int i = 0; i < methods.size(); i++) {
            html.append("<span class=\"swatch\" style=\"background:").append(MethodColours.css(i))
                    .append("\"></span>")
                    .append(escape(methods.get(i)));
        }
        html.append("</p>\n<div class=\"grid\">\n");
        for (Chart c : charts) {
            html.append("<figure><img src=\"").append(escape(c.file())).append("\" width=\"").append(c.width())
                    .append("\" height=\"").append(c.height()).append("\" alt=\"histogram of ")
                    .append(escape(c.tensor())).append("\"><figcaption>").append(escape(c.tensor()))
                    .append(c.note() == null ? "" : ": " + escape(c.note())).append("</figcaption></figure>\n");
        }
        html.append("</div>\n</section>\n");
    }

    /**
     * A table; with {@code highlight}, each row's best values after the first column (FP32) are marked, ties
     * included.
     */
    private void table(ResultTable t, boolean highlight, boolean higherIsBetter) {
        table(t, highlight, row -> higherIsBetter);
    }

    private void table(ResultTable t, boolean highlight, java.util.function.Predicate<ResultTable.Row> higherIsBetter) {
        html.append("<table>\n<caption>").append(escape(t.title())).append("</caption>\n<tr><th>")
                .append(escape(t.rowHeader())).append("</th>");
        t.columns().forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr>\n");
        // the decimals the printed table has: as many as tell its different values apart
        List<List<String>> texts = t.cellTexts();
        for (int row = 0; row < t.rows().size(); row++) {
            ResultTable.Row r = t.rows().get(row);
            Double best = highlight ? best(r, higherIsBetter.test(r)) : null;
            html.append("<tr><td>").append(escape(r.label())).append("</td>");
            for (int i = 0; i < r.values().size(); i++) {
                boolean mark = best != null && i > 0 && best.equals(r.value(i));
                html.append(mark ? "<td class=\"n best\">" : "<td class=\"n\">")
                        .append(escape(texts.get(row).get(i))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static Double best(ResultTable.Row r, boolean higherIsBetter) {
        Double best = null;
        for (int i = 1; i < r.values().size(); i++) {
            Double v = r.value(i);
            if (v != null && !v.isNaN() && (best == null || (higherIsBetter ? v > best : v < best))) {
                best = v;
            }
        }
        return best;
    }

    /**
     * {@code text} safe inside HTML elements and double-quoted attributes. Control characters (an ESC or a BEL in a
     * tensor's name) are not allowed in HTML text; they are shown as {@link ControlCharacters} writes them, as the
     * terminal output shows the name; other characters stay as they are, the file being UTF-8 whatever the terminal.
     */
    static String escape(String text) {
        String shown = ControlCharacters.escapeControlsOnly(text);
        StringBuilder s = new StringBuilder(shown.length());
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
