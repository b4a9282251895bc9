package dev.trt4j.report;

import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.table.CalibrationTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the report folder: {@value #PAGE} and, in {@value #CHART_FOLDER}/, one PNG histogram per calibrated
 * tensor with every method's amax drawn on it. Every file is written atomically, the page last.
 */
public final class ReportWriter {
    /** The page's file name. */
    public static final String PAGE = "index.html";
    /** The folder of the histogram images, next to the page. */
    public static final String CHART_FOLDER = "histograms";
    private static final int CHART_WIDTH = 640;
    private static final int CHART_HEIGHT = 240;
    private static final int MAX_NAME = 60;

    private final HistogramChart chart = new HistogramChart(CHART_WIDTH, CHART_HEIGHT);

    /**
     * Writes the report.
     *
     * @param out         the folder to write into (created if needed)
     * @param calibration the calibration run whose histograms to draw, or null
     * @param comparisons calibrator comparisons to show, maybe none
     * @param sensitivity a sensitivity run to show, or null
     * @return the page
     * @throws IllegalArgumentException if there is nothing to report
     */
    public Path write(Path out, CalibrationFolder calibration, List<ComparisonReport> comparisons,
                      SensitivityReport sensitivity) {
        if (calibration == null && comparisons.isEmpty() && sensitivity == null) {
            throw new IllegalArgumentException("nothing to report: give a calibration, a comparison or a sensitivity");
        }
        List<String> methods = calibration == null ? List.of() : new ArrayList<>(calibration.tables().keySet());
        List<HtmlReport.Chart> charts = new ArrayList<>();
        if (calibration != null) {
            int index = 0;
            for (TensorStatistics t : calibration.statistics().tensors().values()) {
                Map<String, Float> amax = new LinkedHashMap<>();
                for (Map.Entry<String, CalibrationTable> e : calibration.tables().entrySet()) {
                    if (e.getValue().contains(t.name())) {
                        amax.put(e.getKey(), e.getValue().amax(t.name()));
                    }
                }
                String file = CHART_FOLDER + "/" + fileName(++index, t.name());
                chart.writePng(out.resolve(file), t, amax);
                charts.add(new HtmlReport.Chart(t.name(), file, CHART_WIDTH, CHART_HEIGHT));
            }
        }
        Path page = out.resolve(PAGE);
        AtomicFiles.writeString(page, HtmlReport.render(calibration, methods, charts, comparisons, sensitivity));
        return page;
    }

    /** {@code 007-name.png}: numbered so names that clean up the same stay apart, and sorted like the page. */
    static String fileName(int index, String tensor) {
        String clean = tensor.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.length() > MAX_NAME) {
            clean = clean.substring(0, MAX_NAME);
        }
        return String.format("%03d-%s.png", index, clean);
    }
}
