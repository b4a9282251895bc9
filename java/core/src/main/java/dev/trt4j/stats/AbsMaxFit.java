package dev.trt4j.stats;

import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;

/**
 * Whether a tensor's saved max |x| agrees with its histogram. The max method takes max |x| as its amax, so a value
 * edited into a statistics file would become a range without anything saying so; yet the histogram bounds it: the
 * largest value binned lies in the last bin that counts anything, and no farther than the last edge.
 *
 * <p>The bounds are widened by two bin widths (or two float32 steps at the last edge, where bins are finer than
 * float32 can tell apart): the collector bins as {@code torch.histc} does, by a float32 formula over the grown
 * range, not by the stored edges, so after growth max |x| can lie up to a bin past the last edge. A file trt4j wrote
 * is never refused; a max |x| changed by more than a couple of bins is.
 */
final class AbsMaxFit {
    /** Bin widths of leeway each side, twice the most trt4j's own collector was seen to need. */
    private static final int LEEWAY_BINS = 2;

    private AbsMaxFit() {
    }

    /**
     * Why {@code t}'s max |x| contradicts its histogram, or null if it does not (or there is no histogram, or it
     * counts nothing, to compare with).
     */
    static String contradiction(TensorStatistics t) {
        Histogram h = t.histogram();
        if (h == null || h.total() == 0) {
            return null;
        }
        int last = h.numBins() - 1;
        while (h.count(last) == 0) {
            last--;
        }
        float lastEdge = h.edge(h.numBins());
        double leeway = LEEWAY_BINS * Math.max((double) h.edge(1) - h.edge(0), Math.ulp(lastEdge));
        float absMax = t.absMax();
        if (absMax > lastEdge + leeway) {
            return "is " + absMax + ", beyond the histogram's last edge " + lastEdge + "; max |x| is the largest "
                    + "value binned, so the histogram reaches it";
        }
        if (absMax < h.edge(last) - leeway) {
            return "is " + absMax + ", but the histogram counts values in [" + h.edge(last) + ", "
                    + h.edge(last + 1) + "]; max |x| is the largest value binned, so it is at least " + h.edge(last);
        }
        return null;
    }
}
