package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Speedups from interleaved rounds: every precision of one model and batch size timed once per round, the
 * baseline included, so that each round gives a ratio measured under the same load. A shared machine's load drifts
 * over the seconds one run takes; a ratio of two runs taken one after another moves with it, while the median of
 * per-round ratios does not. Collects the rounds' throughputs, then gives the {@link SpeedupTable} entries whose
 * speedups are those medians. Not thread-safe.
 */
public final class SpeedupRounds {
    /**
     * The per-round speedups of one precision: their median (the table's figure) and their range.
     *
     * @param model     the row
     * @param precision the column
     * @param batch     the column group
     * @param median    median of the per-round speedups over the baseline (for an even count, the geometric mean of
     *                  the middle two)
     * @param min       the lowest per-round speedup
     * @param max       the highest per-round speedup
     * @param rounds    how many rounds measured it
     */
    public record Spread(String model, String precision, int batch, double median, double min, double max,
                         int rounds) {
    }

    private record Cell(String model, int batch) {
    }

    private final String baseline;
    /** Per model and batch: per precision, its throughput in each round (in round order). */
    private final Map<Cell, Map<String, List<Double>>> cells = new LinkedHashMap<>();

    /** @param baseline the precision every other one is compared with, e.g. {@code fp32} */
    public SpeedupRounds(String baseline) {
        this.baseline = Objects.requireNonNull(baseline, "baseline");
    }

    /**
     * Records one run of one round.
     *
     * @param run one precision of one model and batch size as timed in this round; every precision of that model
     *            and batch size is to be recorded once in each round
     */
    public void add(SpeedupTable.Entry run) {
        cells.computeIfAbsent(new Cell(run.model(), run.batch()), c -> new LinkedHashMap<>())
                .computeIfAbsent(run.precision(), p -> new ArrayList<>()).add(run.samplesPerSecond());
    }

    /**
     * One entry per model, batch and precision for {@link SpeedupTable#of}: the baseline at its median throughput,
     * every other precision at that median times its median per-round speedup, so the table's speedup is the median.
     * Those throughputs are derived, not measured: each run's own figures are in the runs. A model and batch size
     * without a baseline run (a file that resolved to another batch size) gets no entries, so its cells stay empty.
     *
     * @throws IllegalStateException if a precision missed a round
     */
    public List<SpeedupTable.Entry> entries() {
        List<SpeedupTable.Entry> entries = new ArrayList<>();
        for (Map.Entry<Cell, Map<String, List<Double>>> c : cells.entrySet()) {
            if (!c.getValue().containsKey(baseline)) {
                continue;
            }
            double base = median(c.getValue().get(baseline));
            for (Spread s : spreads(c.getKey(), c.getValue())) {
                entries.add(new SpeedupTable.Entry(s.model(), s.precision(), s.batch(), base * s.median()));
            }
        }
        return entries;
    }

    /**
     * The table of {@link #entries()}, holding each cell's per-round range and the number of rounds.
     *
     * @throws IllegalStateException if a precision missed a round
     */
    public SpeedupTable table() {
        List<Spread> spreads = spreads();
        int rounds = spreads.stream().mapToInt(Spread::rounds).max().orElse(1);
        return SpeedupTable.ofRounds(baseline, entries(), rounds, spreads);
    }

    /**
     * The per-round speedups of every precision, the baseline's (all 1) included, in the order recorded; models and
     * batch sizes without a baseline run are left out.
     */
    public List<Spread> spreads() {
        List<Spread> all = new ArrayList<>();
        cells.forEach((cell, runs) -> {
            if (runs.containsKey(baseline)) {
                all.addAll(spreads(cell, runs));
            }
        });
        return all;
    }

    private List<Spread> spreads(Cell cell, Map<String, List<Double>> runs) {
        List<Double> base = runs.get(baseline);
        List<Spread> spreads = new ArrayList<>();
        for (Map.Entry<String, List<Double>> p : runs.entrySet()) {
            List<Double> t = p.getValue();
            if (t.size() != base.size()) {
                throw new IllegalStateException(cell.model() + " " + p.getKey() + " at batch " + cell.batch()
                        + " has " + t.size() + " rounds, the baseline " + base.size());
            }
            double[] ratios = new double[t.size()];
            for (int r = 0; r < ratios.length; r++) {
                ratios[r] = t.get(r) / base.get(r);
            }
            Arrays.sort(ratios);
            spreads.add(new Spread(cell.model(), p.getKey(), cell.batch(), medianOfRatios(ratios), ratios[0],
                    ratios[ratios.length - 1], ratios.length));
        }
        return spreads;
    }

    private static double median(List<Double> values) {
        return MetricStatistics.median(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /**
     * The median of ascending ratios: the middle one, or for an even count the geometric mean of the two middle ones,
     * a ratio's own midpoint. Their arithmetic mean leans upward: equal speeds measured 0.8 and 1.25 (each file
     * ahead by a quarter once) would read 1.025, a speedup, where their geometric mean is 1. Public so that other
     * round-based timings ({@code java/bench}'s {@code TokenModelCpuTime}) report the median {@code bench --rounds}
     * does.
     *
     * @param sorted ascending, not empty
     */
    public static double medianOfRatios(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : Math.sqrt(sorted[n / 2 - 1] * sorted[n / 2]);
    }
}
