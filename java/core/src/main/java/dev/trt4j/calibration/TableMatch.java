package dev.trt4j.calibration;

import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.StatisticsDigest;
import dev.trt4j.table.Provenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether calibration tables were made from given statistics, judged by what both record: the model's SHA-256, the
 * sample count, the data description and (for tables trt4j computed) a digest of the statistics themselves. A second
 * {@code calibrate} into the same folder rewrites {@code statistics.json} and its own methods' tables but leaves the
 * others; this tells those apart. One instance checks any number of tables against one set of statistics, whose
 * digest it computes at most once.
 */
public final class TableMatch {
    /** The provenance parameter holding the {@link StatisticsDigest} of the statistics a table was made from. */
    public static final String STATISTICS_PARAMETER = "statistics";

    private final ActivationStatistics statistics;
    private String digest;

    private TableMatch(ActivationStatistics statistics) {
        this.statistics = Objects.requireNonNull(statistics, "statistics");
    }

    /** Checks tables against {@code statistics}. */
    public static TableMatch against(ActivationStatistics statistics) {
        return new TableMatch(statistics);
    }

    /**
     * Why a table with {@code provenance} was not made from these statistics, or empty if nothing says so. A field
     * the provenance leaves unknown (a table converted from a TensorRT cache) is not held against it.
     *
     * @return e.g. {@code "made from 16 samples, the statistics from 8"}
     */
    public Optional<String> mismatch(Provenance provenance) {
        String sha = provenance.modelSha256();
        if (sha != null && !sha.equals(statistics.modelSha256())) {
            return Optional.of("made for model sha256 " + Provenance.abbreviated(sha) + ", the statistics for "
                    + Provenance.abbreviated(statistics.modelSha256()));
        }
        Long samples = provenance.sampleCount();
        if (samples != null && samples != statistics.samples()) {
            return Optional.of("made from " + samples + " samples, the statistics from " + statistics.samples());
        }
        String data = provenance.dataDescription();
        if (data != null && !Objects.equals(data, statistics.dataDescription())) {
            return Optional.of("made from data '" + data + "', the statistics from '" + statistics.dataDescription()
                    + "'");
        }
        // same model, samples and data, but other histogram bins, skip-zeros or tensors: a second run's statistics
        String recorded = provenance.parameters().get(STATISTICS_PARAMETER);
        if (recorded != null && !recorded.equals(digest())) {
            return Optional.of("made from other statistics of the same samples, with other histogram bins, "
                    + "skip-zeros or tensors");
        }
        return Optional.empty();
    }

    /**
     * The labels of {@code reasons} with why, one group per reason, for a one-line message: after a second run into
     * the same folder the stale tables usually share one reason, which a line per table would repeat.
     *
     * @param reasons why each table does not match, by label
     * @return e.g. {@code "entropy, mse (made from 16 samples, the statistics from 8)"}
     */
    public static String describe(Map<String, String> reasons) {
        Map<String, List<String>> labelsByReason = new LinkedHashMap<>();
        reasons.forEach((label, why) -> labelsByReason.computeIfAbsent(why, k -> new ArrayList<>()).add(label));
        List<String> groups = new ArrayList<>();
        labelsByReason.forEach((why, labels) -> groups.add(String.join(", ", labels) + " (" + why + ")"));
        return String.join("; ", groups);
    }

    private String digest() {
        if (digest == null) {
            digest = StatisticsDigest.of(statistics);
        }
        return digest;
    }
}
