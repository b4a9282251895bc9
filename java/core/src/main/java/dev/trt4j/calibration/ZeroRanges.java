package dev.trt4j.calibration;

import dev.trt4j.ControlCharacters;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.ActivationStatistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the ranges of 0 a method gives tensors that took nonzero values. A range of 0 is a scale of 0, which clips
 * every value of the tensor to 0. Percentile 0 gives one to nearly every tensor, following the reference's rule (the
 * first bin's left edge); trt4j keeps that value, as it keeps the reference's results, and says where it happened.
 * A tensor that was 0 on every sample is not named: 0 is its right range.
 */
public final class ZeroRanges {
    private static final int NAMES_SHOWN = 3;
    private static final String CONSEQUENCE = "a scale of 0 that clips each such value to 0";

    private ZeroRanges() {
    }

    /** The tensors of {@code amax} whose range is 0 though they took nonzero values, in the statistics' order. */
    public static List<TensorStatistics> find(ActivationStatistics statistics, Map<String, Float> amax) {
        List<TensorStatistics> found = new ArrayList<>();
        for (TensorStatistics t : statistics.tensors().values()) {
            Float range = amax.get(t.name());
            if (range != null && clips(t, range)) {
                found.add(t);
            }
        }
        return found;
    }

    /** Whether {@code range} is 0 while tensor {@code t} took a nonzero value: calibrate's check, for amax's one. */
    public static boolean clips(TensorStatistics t, float range) {
        return range == 0f && t.absMax() > 0f;
    }

    /**
     * A warning line about {@code found} (not empty) under the method {@code label}, on statistics of {@code samples}
     * samples, out of {@code tensors} tensors.
     */
    public static String describe(String label, long samples, List<TensorStatistics> found, int tensors) {
        TensorStatistics first = found.get(0);
        List<String> names = found.stream().limit(NAMES_SHOWN).map(t -> "'" + t.name() + "'").toList();
        // one line, whatever the tensors' names (from the model) hold
        return ControlCharacters.escape(String.format(Locale.ROOT, "%s on %d samples: %d of %d tensors get a range "
                        + "of 0 though they took nonzero values (%s%s; '%s': largest %.6g), %s%s", label, samples,
                found.size(), tensors, String.join(", ", names),
                found.size() > NAMES_SHOWN ? " and " + (found.size() - NAMES_SHOWN) + " more" : "", first.name(),
                first.absMax(), CONSEQUENCE, advice(label)));
    }

    /** The warning line about one tensor {@code t} whose range is 0 under the method {@code label}, as amax says it. */
    public static String describe(String label, TensorStatistics t) {
        return ControlCharacters.escape(String.format(Locale.ROOT, "%s: '%s' gets a range of 0 though it took nonzero "
                + "values (largest %.6g), %s%s", label, t.name(), t.absMax(), CONSEQUENCE, advice(label)));
    }

    /**
     * Why a percentile gave 0, by its label ({@code percentile-0}, {@code percentile-50}): percentile 0 always does;
     * another does where that share of the magnitudes lies in the histogram's first bin, which starts at 0.
     */
    private static String advice(String label) {
        if (!label.startsWith("percentile-")) {
            return "";
        }
        String p = label.substring("percentile-".length());
        boolean zero = p.matches("0+(\\.0*)?");
        return zero ? "; percentile 0 keeps no value apart: give a percentile above 0"
                : "; at least " + p + " % of its magnitudes lie in the histogram's first bin, so percentile " + p
                + " picks that bin's left edge, 0: a higher percentile, or max, keeps them apart";
    }
}
