package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a calibration run leaves in its output folder: {@code statistics.json} (histograms, so any method
 * can be applied later without the model), and per method {@code <label>.table.json} (amax with provenance)
 * and {@code <label>.cache} (TensorRT calibration cache). {@link #writeAll} writes them as one set: all or none.
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

    /**
     * Writes the statistics (unless {@code statistics} is null) and every table with its cache, all or nothing: if
     * one cannot be written, none is left (see {@link StagedWrites}).
     *
     * @return the files written for each label, in the order of {@code tables}
     * @throws Trt4jException if a file cannot be written
     */
    public Map<String, Written> writeAll(ActivationStatistics statistics, StatisticsOptions options,
                                         Map<String, CalibrationTable> tables) {
        Map<String, Written> written = new LinkedHashMap<>();
        try (StagedWrites files = StagedWrites.in(folder)) {
            if (statistics != null) {
                HistogramJson.writeStatistics(files.stage(STATISTICS_FILE),
                        new HistogramJson.StatisticsFile(statistics, options));
            }
            tables.forEach((label, table) -> {
                table.write(files.stage(label + ".table.json"));
                TensorRtCalibrationCache.fromTable(table).write(files.stage(label + ".cache"));
                written.put(label, new Written(files.target(label + ".table.json"), files.target(label + ".cache")));
            });
            files.commit();
        }
        return written;
    }

    /** The two files written for one method. */
    public record Written(Path table, Path cache) {
    }
}
