package dev.trt4j.data;

import dev.trt4j.Trt4jException;

/**
 * The data gives fewer samples than the one batch a model of a fixed batch dimension needs. A caller that chose which
 * samples the data gives (the held-out part of a split) turns it into a {@link HeldOutSamplesException}, which says
 * why there are so few.
 */
public final class FewerThanOneBatchException extends Trt4jException {
    private final long samples;
    private final int batchSize;

    /**
     * @param source    the data, as messages name it
     * @param samples   samples the data gives
     * @param batchSize the model's fixed batch
     */
    public FewerThanOneBatchException(String source, long samples, int batchSize) {
        super(source + ": " + samples + " samples are fewer than one batch of " + batchSize + ", which the model's "
                + "fixed batch dimension needs");
        this.samples = samples;
        this.batchSize = batchSize;
    }

    /**
     * What is left, for a {@link HeldOutSamplesException}: e.g. {@code "2 are left, fewer than the one batch…"}.
     *
     * @param aside said of the count, e.g. {@code " (3 repeated calibration samples left out)"}; empty for nothing
     */
    String shortfall(String aside) {
        return samples + " are left" + aside + ", fewer than the one batch of " + batchSize + " the model's fixed "
                + "batch dimension needs";
    }
}
