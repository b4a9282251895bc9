package dev.trt4j.stats;

/**
 * Told how far a long step has got, e.g. to draw a progress bar: after each batch of a pass over data (in samples),
 * or after each pass of a sensitivity ranking (in layers).
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param samplesDone  units (samples, or layers) done so far
     * @param samplesTotal units the step will do, or -1 if the data source cannot tell in advance
     */
    void progress(long samplesDone, long samplesTotal);
}
