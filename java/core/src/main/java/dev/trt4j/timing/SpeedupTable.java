package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * Throughput of each precision relative to a baseline precision (FP32 = 1), in the layout papers use: one row per
 * model, one column group per batch size, one column per precision inside a group. Speedup is samples per second
 * over the baseline's samples per second for the same model and batch size. A table from interleaved rounds
 * ({@link SpeedupRounds#table}) also holds each cell's per-round range. Immutable.
 */
public final class SpeedupTable {
    /**
     * One measured throughput.
     *
     * @param model            the row, e.g. {@code ch_ppocr_mobile_v2.0_cls}
     * @param precision        the column inside a group, e.g. {@code fp16}
     * @param batch            the column group
     * @param samplesPerSecond the measured throughput (from interleaved rounds, see {@link SpeedupRounds#entries})
     */
    public record Entry(String model, String precision, int batch, double samplesPerSecond) {
        /**
         * @param model the row, e.g. {@code ch_ppocr_mobile_v2.0_cls}
         * @param precision the column inside a group, e.g. {@code fp16}
         * @param batch the column group
         * @param samplesPerSecond the measured throughput (from interleaved rounds, see {@link SpeedupRounds#entries})
         * @throws IllegalArgumentException if {@code batch} is below 1 or the throughput is not positive
         */
        public Entry {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(precision, "precision");
            if (batch < 1 || !(samplesPerSecond > 0)) {
                throw new IllegalArgumentException("batch must be at least 1 and throughput positive, got batch "
                        + batch + " and " + samplesPerSecond + " samples/s");
            }
        }
    }

    private record Key(String model, int batch, String precision) {
    }

    private final String baseline;
    private final List<String> models;
    private final List<Integer> batches;
    private final List<String> precisions;
    private final Map<Key, Double> throughput = new LinkedHashMap<>();
    /** How many rounds each speedup is the median of: 1 for single runs. */
    private final int rounds;
    /** Per cell: the lowest and highest per-round speedup; empty for single runs. */
    private final Map<Key, double[]> ranges = new LinkedHashMap<>();

    private SpeedupTable(String baseline, List<Entry> entries, int rounds, List<SpeedupRounds.Spread> spreads) {
        this.baseline = baseline;
        this.rounds = rounds;
        for (SpeedupRounds.Spread s : spreads) {
            ranges.put(new Key(s.model(), s.batch(), s.precision()), new double[] {s.min(), s.max()});
        }
        Set<String> modelSet = new LinkedHashSet<>();
        Set<Integer> batchSet = new TreeSet<>();
        Set<String> precisionSet = new LinkedHashSet<>();
        precisionSet.add(baseline);
        for (Entry e : entries) {
            modelSet.add(e.model());
            batchSet.add(e.batch());
            precisionSet.add(e.precision());
            if (throughput.put(new Key(e.model(), e.batch(), e.precision()), e.samplesPerSecond()) != null) {
                throw new IllegalArgumentException("two results for " + e.model() + " " + e.precision() + " at batch "
                        + e.batch());
            }
        }
        this.models = List.copyOf(modelSet);
        this.batches = List.copyOf(batchSet);
        this.precisions = List.copyOf(precisionSet);
    }

    /**
     * Builds the table.
     *
     * @param baseline the precision every other one is compared with, e.g. {@code fp32}; its column comes first in
     *                 each group, the others follow in the order they first appear
     * @throws IllegalArgumentException if an entry repeats a model, batch and precision
     */
    public static SpeedupTable of(String baseline, List<Entry> entries) {
        return new SpeedupTable(Objects.requireNonNull(baseline, "baseline"), new ArrayList<>(entries), 1, List.of());
    }

    /** As {@link #of}, each speedup being the median of {@code rounds} per-round ones whose ranges are given. */
    static SpeedupTable ofRounds(String baseline, List<Entry> entries, int rounds, List<SpeedupRounds.Spread> spreads) {
        return new SpeedupTable(Objects.requireNonNull(baseline, "baseline"), new ArrayList<>(entries), rounds,
                spreads);
    }

    /** How many interleaved rounds each speedup is the median of; 1 for a table of single runs. */
    public int rounds() {
        return rounds;
    }

    /**
     * The lowest and highest per-round speedup of a cell (in that order), for a table from more than one round; empty
     * for single runs and cells not measured.
     */
    public Optional<double[]> speedupRange(String model, int batch, String precision) {
        double[] range = ranges.get(new Key(model, batch, precision));
        return range == null ? Optional.empty() : Optional.of(range.clone());
    }

    /** The baseline precision (speedup 1). */
    public String baseline() {
        return baseline;
    }

    /** Rows, in the order models first appear. */
    public List<String> models() {
        return models;
    }

    /** Column groups, ascending. */
    public List<Integer> batches() {
        return batches;
    }

    /** Columns inside each group, the baseline first. */
    public List<String> precisions() {
        return precisions;
    }

    /** The measured throughput (samples/s), if this cell was measured. */
    public OptionalDouble samplesPerSecond(String model, int batch, String precision) {
        Double v = throughput.get(new Key(model, batch, precision));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Throughput relative to the baseline at the same model and batch, if both were measured. */
    public OptionalDouble speedup(String model, int batch, String precision) {
        OptionalDouble value = samplesPerSecond(model, batch, precision);
        OptionalDouble base = samplesPerSecond(model, batch, baseline);
        if (value.isEmpty() || base.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(value.getAsDouble() / base.getAsDouble());
    }
}
