package dev.trt4j.data;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;

/**
 * The data holds too few samples to leave any for evaluation after those calibration takes (the samples of a file
 * or folder passed over, {@link DataOptions#skipSamples()}, or the first sentences of a split). Its parts let a
 * caller that chose the calibration count some other way (a sweep) say so in its own words.
 */
public final class HeldOutSamplesException extends Trt4jException {
    private final String source;
    private final long available;
    private final long calibrationSamples;
    private final String shortfall;

    /**
     * @param source             the data, as messages name it
     * @param available          samples the data holds
     * @param calibrationSamples samples calibration takes first
     * @param shortfall          what is left after them, e.g. {@code "none are left to evaluate on"}
     */
    public HeldOutSamplesException(String source, long available, long calibrationSamples, String shortfall) {
        super(describe(source, available, calibrationSamples, shortfall, "which calibration takes")
                + "; calibrate on fewer (--samples) or give evaluation data (--eval-data)");
        this.source = source;
        this.available = available;
        this.calibrationSamples = calibrationSamples;
        this.shortfall = shortfall;
    }

    /**
     * Too few held-out samples for the one batch of a model's fixed batch dimension ({@code tooFew}'s count).
     *
     * @param aside said of that count, e.g. {@code " (3 repeated calibration samples left out)"}; empty for nothing
     */
    public HeldOutSamplesException(String source, long available, long calibrationSamples,
                                   FewerThanOneBatchException tooFew, String aside) {
        this(source, available, calibrationSamples, tooFew.shortfall(aside));
        initCause(tooFew);
    }

    /** The shortage with {@code takenBy} saying what took the first samples, without advice. */
    public String describe(String takenBy) {
        return describe(source, available, calibrationSamples, shortfall, takenBy);
    }

    private static String describe(String source, long available, long calibrationSamples, String shortfall,
                                   String takenBy) {
        return source + ": holds " + Counts.of(available, "sample") + "; after the first " + calibrationSamples + ", "
                + takenBy + ", " + shortfall;
    }
}
