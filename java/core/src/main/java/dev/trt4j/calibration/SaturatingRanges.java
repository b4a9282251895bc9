package dev.trt4j.calibration;

import dev.trt4j.ControlCharacters;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.ActivationStatistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the ranges at or below every value a tensor's histogram holds, so that every value quantizes to ±127 and the
 * tensor becomes its signs. NVIDIA's entropy algorithm picks such a range by design: where every bin below a
 * candidate threshold is empty its divergence is NaN, and the tie rule takes the last NaN candidate, the left edge of
 * the first bin with values. trt4j keeps that result, bit for bit, and says where it happened.
 */
public final class SaturatingRanges {
    private static final int NAMES_SHOWN = 3;

    private SaturatingRanges() {
    }

    /** One saturating tensor: its range and the magnitudes its histogram holds. */
    public record Saturating(String tensor, float amax, float lowest, float absMax) {
    }

    /**
     * The tensors of {@code amax} whose range saturates them ({@link #of}), in the statistics' order.
     */
    public static List<Saturating> find(ActivationStatistics statistics, Map<String, Float> amax) {
        List<Saturating> found = new ArrayList<>();
        for (TensorStatistics t : statistics.tensors().values()) {
            Float range = amax.get(t.name());
            if (range != null) {
                of(t, range).ifPresent(found::add);
            }
        }
        return found;
    }

    /**
     * Tensor {@code t} with {@code range}, if that range is above 0 and at or below the left edge of its histogram's
     * first non-empty bin (a bin above the first, so no value lies near zero) and below its largest magnitude: the
     * check calibrate makes for every tensor, for amax to make for its one. A range of 0 is {@link ZeroRanges}'s: no
     * value reaches the grid's end there, each is clipped to 0.
     */
    public static Optional<Saturating> of(TensorStatistics t, float range) {
        Histogram h = t.histogram();
        if (h == null || !(range > 0)) {
            return Optional.empty();
        }
        int first = 0;
        while (first < h.numBins() && h.count(first) == 0) {
            first++;
        }
        if (first > 0 && first < h.numBins() && range <= h.edge(first) && range < t.absMax()) {
            return Optional.of(new Saturating(t.name(), range, h.edge(first), t.absMax()));
        }
        return Optional.empty();
    }

    /**
     * A warning line about {@code found} (not empty) under the method {@code label}, on statistics of {@code samples}
     * samples (which tell apart the lines of a sample sweep).
     */
    public static String describe(String label, long samples, List<Saturating> found, int tensors) {
        Saturating s = found.get(0);
        List<String> names = found.stream().limit(NAMES_SHOWN).map(f -> "'" + f.tensor() + "'").toList();
        // "nonzero": zeros left out of a --skip-zeros histogram still quantize to 0; one line, whatever the
        // tensors' names (from the model) hold
        return ControlCharacters.escape(String.format(Locale.ROOT, "%s on %d samples: %d of %d tensors get a range "
                        + "at or below every nonzero magnitude they took, so each such value quantizes to the grid's "
                        + "end (%s%s; '%s': %s)%s",
                label, samples, found.size(), tensors, String.join(", ", names),
                found.size() > NAMES_SHOWN ? " and " + (found.size() - NAMES_SHOWN) + " more" : "", s.tensor(),
                details(s), advice(label)));
    }

    /** The warning line about one tensor {@code s} under the method {@code label}, as {@code amax} prints it. */
    public static String describe(String label, Saturating s) {
        return ControlCharacters.escape(String.format(Locale.ROOT, "%s: '%s' gets a range at or below every nonzero "
                + "magnitude it took, so each of its values quantizes to the grid's end (%s)%s", label, s.tensor(),
                details(s), advice(label)));
    }

    private static String details(Saturating s) {
        return String.format(Locale.ROOT, "amax %.6g, no value below the histogram bin from %.6g, largest %.6g",
                s.amax(), s.lowest(), s.absMax());
    }

    private static String advice(String label) {
        return label.startsWith("entropy") ? "; NVIDIA's entropy algorithm picks such a range where no lower "
                + "candidate has a defined divergence, and max or percentile keep these values apart" : "";
    }
}
