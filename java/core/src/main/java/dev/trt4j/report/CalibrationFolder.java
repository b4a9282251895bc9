package dev.trt4j.report;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.calibration.TableMatch;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.table.CalibrationTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The output folder of a calibration run ({@code calibrate}, or {@code compare-calibrators}' {@code calibration}
 * folder) as read back: the collected statistics and every method's table made from them.
 *
 * @param folder     where it was read from
 * @param statistics the histograms and max |x| of every calibrated tensor
 * @param tables     each method's ranges, by label (the file name without {@code .table.json}), in name order
 * @param leftOut    the tables of the folder that were not made from {@code statistics} (left by an earlier run into
 *                   the same folder), by label, each with why (see {@link TableMatch#mismatch}); in name order
 */
public record CalibrationFolder(Path folder, ActivationStatistics statistics, Map<String, CalibrationTable> tables,
                                Map<String, String> leftOut) {

    public CalibrationFolder {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        leftOut = Collections.unmodifiableMap(new LinkedHashMap<>(leftOut));
    }

    /**
     * Reads {@code statistics.json} and every {@code *.table.json} of {@code folder}. A table whose provenance names
     * another model, sample count or data than the statistics goes into {@link #leftOut} instead of {@link #tables}:
     * drawing its ranges on these histograms would show one run's ranges on another run's data.
     *
     * @throws Trt4jException if the statistics are missing or a file is unreadable
     */
    public static CalibrationFolder read(Path folder) {
        Path statisticsFile = folder.resolve(CalibrationOutputs.STATISTICS_FILE);
        if (!Files.isRegularFile(statisticsFile)) {
            // a compare-calibrators folder keeps its statistics in calibration/; calibrating into a study's folder
            // would replace the tables it wrote
            Path inner = folder.resolve("calibration");
            boolean study = Files.isRegularFile(inner.resolve(CalibrationOutputs.STATISTICS_FILE));
            boolean sensitivity = Files.isRegularFile(folder.resolve("sensitivity.json"));
            throw new Trt4jException(folder + ": no " + CalibrationOutputs.STATISTICS_FILE + " (" + (study
                    ? "a compare-calibrators folder; give its calibration folder, " + inner
                    : sensitivity ? "a sensitivity folder, which keeps no statistics; give it as --sensitivity "
                    + folder.resolve("sensitivity.json") + ", and a calibration folder as --calibration"
                    : "not a calibration output folder; give the --out folder of trt4j calibrate") + ")");
        }
        ActivationStatistics statistics = HistogramJson.readStatistics(statisticsFile).statistics();
        Map<String, CalibrationTable> tables = new LinkedHashMap<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        TableMatch match = TableMatch.against(statistics);
        CalibrationOutputs.tableFiles(folder).forEach((label, file) -> {
            CalibrationTable t = CalibrationTable.read(file);
            Optional<String> mismatch = match.mismatch(t.provenance());
            if (mismatch.isPresent()) {
                leftOut.put(label, mismatch.get());
            } else {
                tables.put(label, t);
            }
        });
        return new CalibrationFolder(folder, statistics, tables, leftOut);
    }
}
