package dev.trt4j.cli.command;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.calibration.TableMatch;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.report.CalibrationFolder;
import dev.trt4j.report.ReportWriter;
import dev.trt4j.table.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code trt4j report}: an HTML page with PNG histograms from calibration, comparison and sensitivity runs. */
@Command(name = "report", sortOptions = false,
        description = {"Writes <out>/index.html and <out>/histograms/*.png: each calibrated tensor's |x| histogram "
                + "on a log scale with every method's range drawn on it, the calibrator comparison tables and the "
                + "sensitivity ranking. The page has no scripts or remote resources; open it in any browser."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--calibration", paramLabel = "DIR",
            description = "A calibration output folder (statistics.json and *.table.json), for example from calibrate or "
                    + "<compare-calibrators out>/calibration. Tables not made from its statistics.json (another "
                    + "model, sample count or data: an earlier run's) are left out, named on stderr.")
    Path calibration;

    @Option(names = "--comparison", paramLabel = "FILE",
            description = "comparison.json from compare-calibrators; repeat for several models (one row each).")
    List<Path> comparisons = new ArrayList<>();

    @Option(names = "--sensitivity", paramLabel = "FILE", description = "sensitivity.json from sensitivity.")
    Path sensitivity;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the report into.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (calibration == null && comparisons.isEmpty() && sensitivity == null) {
            throw new InvalidOptionException("nothing to report: give --calibration, --comparison or --sensitivity");
        }
        requireEachComparisonOnce();
        CalibrationFolder folder = calibration == null ? null : readCalibration();
        Map<Path, ComparisonReport> reports = new LinkedHashMap<>();
        comparisons.forEach(file -> reports.put(file, ComparisonReport.read(file)));
        SensitivityReport ranking = sensitivity == null ? null : SensitivityReport.read(sensitivity);
        requireNoInputOverwritten(folder);
        Path page = new ReportWriter().write(out, folder, reports, ranking);
        if (folder != null && ranking != null
                && !folder.statistics().modelSha256().equalsIgnoreCase(ranking.modelSha256())) {
            // both name their model by hash; the page would show one model's histograms beside another's ranking
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + calibration + " holds statistics of another model (SHA-256 "
                    + Provenance.abbreviated(folder.statistics().modelSha256()) + ") than " + sensitivity + " ranks ("
                    + ranking.model() + ", SHA-256 " + Provenance.abbreviated(ranking.modelSha256()) + "; an "
                    + "equalized copy counts as another model); the page shows them side by side");
            err.flush();
        }
        if (folder != null && !reports.isEmpty() && reports.values().stream()
                .noneMatch(r -> folder.statistics().modelSha256().equalsIgnoreCase(r.modelSha256()))) {
            // several comparisons may cover several models, but one of them should be the histograms' model
            ComparisonReport first = reports.values().iterator().next();
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + calibration + " holds statistics of another model (SHA-256 "
                    + Provenance.abbreviated(folder.statistics().modelSha256()) + ") than any --comparison ("
                    + first.model() + ", SHA-256 " + Provenance.abbreviated(first.modelSha256())
                    + (reports.size() > 1 ? ", and the others" : "") + "); the page shows them side by side");
            err.flush();
        }
        if (folder != null && !folder.leftOut().isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + describeLeftOut(folder));
            err.flush();
        } else if (folder != null && folder.tables().isEmpty()) {
            // A folder with statistics.json alone still makes a report, but histograms without the ranges it promises.
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + folder.folder() + " holds no *.table.json, so the histograms show no ranges (add "
                    + "them with trt4j calibrate MODEL --statistics " + folder.folder().resolve(
                    CalibrationOutputs.STATISTICS_FILE) + " --out " + folder.folder() + ")");
            err.flush();
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "Report: %s%s%n", page, folder == null ? ""
                : " with " + Counts.of(folder.statistics().tensors().size(), "histogram") + " in " + out.resolve(
                        ReportWriter.CHART_FOLDER));
        w.flush();
        return 0;
    }

    /**
     * @throws InvalidOptionException if a file of the page (a link in --out, or --out being --calibration) is a file
     *                                this run reads: writing it would replace the statistics, a table or a ranking
     */
    private void requireNoInputOverwritten(CalibrationFolder folder) {
        OutputFiles files = new OutputFiles().reads("--sensitivity", sensitivity);
        comparisons.forEach(c -> files.reads("--comparison", c));
        if (folder != null) {
            files.reads("--calibration's statistics", folder.folder().resolve(CalibrationOutputs.STATISTICS_FILE));
            folder.tables().keySet().forEach(label -> files.reads("--calibration's table",
                    folder.folder().resolve(label + CalibrationOutputs.TABLE_SUFFIX)));
        }
        files.addInFolder("--out", out, ReportWriter.fileNames(folder)).requireNoneIsRead();
    }

    /** @throws InvalidOptionException if a file is given twice: its rows would show twice, alike */
    private void requireEachComparisonOnce() {
        Set<Path> seen = new HashSet<>();
        for (Path file : comparisons) {
            if (!seen.add(FileIdentity.of(file))) {
                throw new InvalidOptionException("--comparison " + file + ": given twice; give each comparison once");
            }
        }
    }

    /** @throws Trt4jException if {@code --calibration} is not a folder, before anything else is read */
    private CalibrationFolder readCalibration() {
        if (Files.isRegularFile(calibration)) {
            // comparison.json and statistics.json sit next to the folder it wants: name the folder, not calibrate.
            throw new Trt4jException("--calibration " + calibration + ": is a file; it takes a calibration output "
                    + "folder (the one holding statistics.json and the *.table.json files)");
        }
        if (!Files.isDirectory(calibration)) {
            throw new Trt4jException("--calibration " + calibration + ": no such folder");
        }
        return CalibrationFolder.read(calibration);
    }

    /** One line naming the tables left out and why. */
    private static String describeLeftOut(CalibrationFolder folder) {
        return "left out tables not made from " + folder.folder().resolve(CalibrationOutputs.STATISTICS_FILE)
                + ", probably left by an earlier run: " + TableMatch.describe(folder.leftOut());
    }
}
