package dev.trt4j.report;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.table.CalibrationTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The output folder of a calibration run ({@code calibrate}, or {@code compare-calibrators}' {@code calibration}
 * folder) as read back: the collected statistics and every method's table.
 *
 * @param folder     where it was read from
 * @param statistics the histograms and max |x| of every calibrated tensor
 * @param tables     each method's ranges, by label (the file name without {@code .table.json}), in name order
 */
public record CalibrationFolder(Path folder, ActivationStatistics statistics, Map<String, CalibrationTable> tables) {
    private static final String TABLE_SUFFIX = ".table.json";

    public CalibrationFolder {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /**
     * Reads {@code statistics.json} and every {@code *.table.json} of {@code folder}.
     *
     * @throws Trt4jException if the statistics are missing, a file is unreadable, or a table was made for another
     *                        model than the statistics
     */
    public static CalibrationFolder read(Path folder) {
        Path statisticsFile = folder.resolve(CalibrationOutputs.STATISTICS_FILE);
        if (!Files.isRegularFile(statisticsFile)) {
            throw new Trt4jException(folder + ": no " + CalibrationOutputs.STATISTICS_FILE + " (not a calibration "
                    + "output folder; run trt4j calibrate --out " + folder + ")");
        }
        ActivationStatistics statistics = HistogramJson.readStatistics(statisticsFile).statistics();
        List<Path> tableFiles;
        try (Stream<Path> files = Files.list(folder)) {
            tableFiles = files.filter(f -> f.getFileName().toString().endsWith(TABLE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new Trt4jException(folder + ": cannot list: " + e.getMessage(), e);
        }
        Map<String, CalibrationTable> tables = new LinkedHashMap<>();
        for (Path f : tableFiles) {
            CalibrationTable t = CalibrationTable.read(f);
            String madeFor = t.provenance().modelSha256();
            if (madeFor != null && !madeFor.equals(statistics.modelSha256())) {
                throw new Trt4jException(f + ": made for model sha256 " + abbreviate(madeFor)
                        + "… but the statistics are of " + abbreviate(statistics.modelSha256()) + "…");
            }
            String name = f.getFileName().toString();
            tables.put(name.substring(0, name.length() - TABLE_SUFFIX.length()), t);
        }
        return new CalibrationFolder(folder, statistics, tables);
    }

    private static String abbreviate(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }
}
