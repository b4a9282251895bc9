package dev.trt4j.report;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.table.CalibrationTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the report folder: {@value #PAGE} and, in {@value #CHART_FOLDER}/, one PNG histogram per calibrated
 * tensor with every method's amax drawn on it. The files appear together or not at all ({@link StagedWrites}), and
 * the histograms an earlier report's page showed that this one does not are removed ({@link EarlierCharts}), so no
 * stale chart is left; other files in the folder are the user's and stay.
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
     * @param comparisons calibrator comparisons to show by the file each was read from, in page order; maybe none
     * @param sensitivity a sensitivity run to show, or null
     * @return the page
     * @throws IllegalArgumentException if there is nothing to report
     * @throws Trt4jException           if a path is in the way of a file, found before any drawing, or writing fails
     */
    public Path write(Path out, CalibrationFolder calibration, Map<Path, ComparisonReport> comparisons,
                      SensitivityReport sensitivity) {
        if (calibration == null && comparisons.isEmpty() && sensitivity == null) {
            throw new IllegalArgumentException("nothing to report: give a calibration, a comparison or a sensitivity");
        }
        List<String> methods = calibration == null ? List.of() : new ArrayList<>(calibration.tables().keySet());
        List<String> chartFiles = chartFiles(calibration);
        List<String> all = fileNames(calibration);
        // before drawing every histogram, so a folder in the way does not cost the drawing
        StagedWrites.requireWritable(out, all);
        // in the folder the files are written to: through a missing folder (missing/../out) the typed path names
        // nothing, and the old charts would stay; read before the new page replaces the list
        Path landing = FileIdentity.of(out);
        EarlierCharts earlier = EarlierCharts.listedBy(landing.resolve(PAGE));
        List<HtmlReport.Chart> charts = new ArrayList<>();
        Set<String> written = new HashSet<>();
        try (StagedWrites files = StagedWrites.in(out)) {
            if (calibration != null) {
                int index = 0;
                for (TensorStatistics t : calibration.statistics().tensors().values()) {
                    Map<String, Float> amax = new LinkedHashMap<>();
                    for (Map.Entry<String, CalibrationTable> e : calibration.tables().entrySet()) {
                        // every method keeps its place (and colour), with or without a range for this tensor
                        amax.put(e.getKey(), e.getValue().contains(t.name()) ? e.getValue().amax(t.name()) : null);
                    }
                    String file = chartFiles.get(index++);
                    chart.writePng(files.stage(file), t, amax);
                    written.add(file.substring(CHART_FOLDER.length() + 1));
                    charts.add(new HtmlReport.Chart(t.name(), file, CHART_WIDTH, CHART_HEIGHT,
                            t.droppedBecause() == null ? null : "no histogram, only max |x| (dropped during collection: "
                                    + t.droppedBecause() + ")"));
                }
            }
            AtomicFiles.writeString(files.stage(PAGE),
                    HtmlReport.render(calibration, methods, charts, comparisons, sensitivity));
            files.commit();
        }
        earlier.removeAllBut(landing.resolve(CHART_FOLDER), written);
        return out.resolve(PAGE);
    }

    /**
     * The files {@link #write} writes into its folder for {@code calibration} (null: none), by their names in it: the
     * page and each histogram's chart.
     */
    public static List<String> fileNames(CalibrationFolder calibration) {
        List<String> all = new ArrayList<>(chartFiles(calibration));
        all.add(PAGE);
        return all;
    }

    /** The histogram files of {@code calibration} (none if null), as {@code histograms/007-name.png}, in page order. */
    private static List<String> chartFiles(CalibrationFolder calibration) {
        List<String> files = new ArrayList<>();
        if (calibration != null) {
            for (TensorStatistics t : calibration.statistics().tensors().values()) {
                files.add(CHART_FOLDER + "/" + fileName(files.size() + 1, t.name()));
            }
        }
        return files;
    }

    /** {@code 007-name.png}: numbered so names that clean up the same stay apart, and sorted like the page. */
    static String fileName(int index, String tensor) {
        String clean = tensor.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.length() > MAX_NAME) {
            clean = clean.substring(0, MAX_NAME);
        }
        return String.format(Locale.ROOT, "%03d-%s.png", index, clean);
    }
}
