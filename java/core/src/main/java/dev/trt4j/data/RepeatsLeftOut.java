package dev.trt4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Which samples of evaluation data given apart to keep: all but the calibration samples they repeat, among those read
 * up to the limit only. A held-out evaluation must not score a sample the ranges were chosen on, and a repeat past the
 * limit is never scored, so leaving it out (and warning of it) would only shift which samples are read.
 */
public final class RepeatsLeftOut {
    private RepeatsLeftOut() {
    }

    /**
     * The indices kept, in order.
     *
     * @param count   samples given
     * @param repeats whether the sample at an index repeats a calibration sample
     * @param limit   samples kept that are read, 0 for all
     */
    public static List<Integer> kept(int count, IntPredicate repeats, long limit) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean read = limit == 0 || kept.size() < limit;
            if (!read || !repeats.test(i)) {
                kept.add(i);
            }
        }
        return kept;
    }
}
