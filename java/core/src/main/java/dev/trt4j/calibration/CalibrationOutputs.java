package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.FakeQuantizer;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.io.StagedWrites;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.HistogramJson;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import dev.trt4j.table.SignedInt8Ranges;
import dev.trt4j.table.TensorRtCalibrationCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files a calibration run leaves in its output folder: {@code statistics.json} (histograms, so any method
 * can be applied later without the model), and per method {@code <label>.table.json} (amax with provenance)
 * and {@code <label>.cache} (TensorRT calibration cache; for the signed 8-bit grid only). {@link #writeAll} writes
 * them as one set: all or none.
 */
public final class CalibrationOutputs {
    /** File name of the saved statistics. */
    public static final String STATISTICS_FILE = "statistics.json";
    /** What a method's table file name ends with, after its label. */
    public static final String TABLE_SUFFIX = ".table.json";
    private static final String CACHE_SUFFIX = ".cache";

    private final Path folder;

    /** @param folder the run's output folder; created when the files are written */
    public CalibrationOutputs(Path folder) {
        this.folder = folder;
    }

    /** The output folder. */
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
        try (StagedWrites files = StagedWrites.in(folder)) {
            Map<String, Written> written = stage(files, "", statistics, options, tables);
            files.commit();
            return written;
        }
    }

    /**
     * The names of the files {@link #writeAll} or {@link #stage} writes for {@code labels}, under {@code prefix}: for
     * {@link StagedWrites#requireWritable(Path, java.util.Collection)} before the statistics pass.
     */
    public static List<String> fileNames(String prefix, Collection<String> labels) {
        List<String> names = new ArrayList<>();
        names.add(prefix + STATISTICS_FILE);
        for (String label : labels) {
            names.add(prefix + label + TABLE_SUFFIX);
            names.add(prefix + label + CACHE_SUFFIX);
        }
        return names;
    }

    /**
     * Stages the same files into {@code files}, under {@code prefix} (e.g. {@code "calibration/"}) of its folder, for
     * a command that writes them together with others, all or nothing.
     *
     * @return where each label's files will be once {@code files} is committed
     */
    public static Map<String, Written> stage(StagedWrites files, String prefix, ActivationStatistics statistics,
                                             StatisticsOptions options, Map<String, CalibrationTable> tables) {
        Map<String, Written> written = new LinkedHashMap<>();
        if (statistics != null) {
            HistogramJson.writeStatistics(files.stage(prefix + STATISTICS_FILE),
                    new HistogramJson.StatisticsFile(statistics, options));
        }
        tables.forEach((label, table) -> {
            String tableFile = prefix + label + TABLE_SUFFIX;
            String cacheFile = prefix + label + CACHE_SUFFIX;
            table.write(files.stage(tableFile));
            if (SignedInt8Ranges.isSigned8Bit(table)) {
                TensorRtCalibrationCache.fromTable(table).write(files.stage(cacheFile));
                written.put(label, new Written(files.target(tableFile), files.target(cacheFile)));
            } else {
                // A TensorRT cache holds signed INT8 scales (amax / 127): another grid's amax would be read as one.
                written.put(label, new Written(files.target(tableFile), null));
            }
        });
        return written;
    }

    /**
     * One line naming the tables an earlier run left in this folder that {@code statistics} did not make, if there
     * are any: they are the user's files, so they stay, but {@code report} leaves them out and a reader should know.
     */
    public Optional<String> staleTablesNotice(ActivationStatistics statistics, Set<String> rewritten) {
        Map<String, String> stale = staleTables(statistics, rewritten);
        return stale.isEmpty() ? Optional.empty() : Optional.of(folder + " still holds the tables and caches of an "
                + "earlier run, not rewritten: " + TableMatch.describe(stale) + "; report leaves them out");
    }

    /**
     * The tables of this folder, other than {@code rewritten}, that were not made from {@code statistics}: an earlier
     * run's, which a run into the same folder does not remove (they are the user's files) but should name.
     *
     * @param rewritten the labels this run wrote
     * @return why each is stale (see {@link TableMatch#mismatch}), by label, in name order; a table that cannot be
     * read is named too, as {@code report} would stop at it
     * @throws Trt4jException if the folder cannot be listed
     */
    public Map<String, String> staleTables(ActivationStatistics statistics, Set<String> rewritten) {
        Map<String, String> stale = new LinkedHashMap<>();
        TableMatch match = TableMatch.against(statistics);
        // where writeAll put the files, not the path as typed: through a folder that does not exist (missing/../out)
        // the typed path names nothing, though the write landed in out
        tableFiles(FileIdentity.of(folder)).forEach((label, file) -> {
            if (rewritten.contains(label)) {
                return;
            }
            try {
                match.mismatch(CalibrationTable.read(file).provenance()).ifPresent(why -> stale.put(label, why));
            } catch (Trt4jException e) {
                stale.put(label, "not a readable table");
            }
        });
        return stale;
    }

    /**
     * The method tables in {@code folder}: each {@code <label>.table.json} by its label, in name order.
     *
     * @throws Trt4jException if the folder cannot be listed
     */
    public static Map<String, Path> tableFiles(Path folder) {
        Map<String, Path> tables = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(f -> f.getFileName().toString().endsWith(TABLE_SUFFIX)).sorted().forEach(f -> {
                String name = f.getFileName().toString();
                tables.put(name.substring(0, name.length() - TABLE_SUFFIX.length()), f);
            });
        } catch (IOException e) {
            throw new Trt4jException(folder + ": cannot list: " + ReadFailure.reason(e), e);
        }
        return tables;
    }

    /** The two files written for one method. */
    public record Written(Path table, Path cache) {
    }

    /**
     * The largest level of the grid {@code table} was calibrated for ({@code 2^(numBits - 1 + unsigned) - 1}: 127 for
     * signed INT8, 255 unsigned), from its provenance; 127 when the provenance does not say.
     *
     * @throws IllegalArgumentException if the provenance's {@code numBits} is not a bit width in [1, 16]
     */
    public static int maxBound(CalibrationTable table) {
        Map<String, String> p = table.provenance().parameters();
        String numBits = p.getOrDefault("numBits", "8");
        int bits = Provenance.numBits(numBits).orElseThrow(() -> new IllegalArgumentException("provenance "
                + "\"numBits\": \"" + numBits + "\" is not a bit width in [1, 16]"));
        return FakeQuantizer.bound(bits, Boolean.parseBoolean(p.get("unsigned")));
    }

}
