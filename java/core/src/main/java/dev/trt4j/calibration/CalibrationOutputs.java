package dev.trt4j.calibration;

import dev.trt4j.stats.HistogramJson;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;

import java.nio.file.Path;

/**
 * The files a calibration run leaves in its output folder: {@code statistics.json} (histograms, so any method
 * can be applied later without the model), and per method {@code <label>.table.json} (amax with provenance)
 * and {@code <label>.cache} (TensorRT calibration cache). Every file is written atomically.
 */
public final class CalibrationOutputs {
    /** File name of the saved statistics. */
    public static final String STATISTICS_FILE = "statistics.json";

    private final Path folder;

    public CalibrationOutputs(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** Writes the statistics; returns the file. */
    public Path writeStatistics(ActivationStatistics statistics, StatisticsOptions options) {
        Path file = folder.resolve(STATISTICS_FILE);
        HistogramJson.writeStatistics(file, new HistogramJson.StatisticsFile(statistics, options));
        return file;
    }

    /** Writes one method's table and TensorRT cache. */
    public Written writeTable(String label, CalibrationTable table) {
        Path tableFile = folder.resolve(label + ".table.json");
        Path cacheFile = folder.resolve(label + ".cache");
        table.write(tableFile);
        TensorRtCalibrationCache.fromTable(table).write(cacheFile);
        return new Written(tableFile, cacheFile);
    }

    /** The two files written for one method. */
    public record Written(Path table, Path cache) {
    }
}
