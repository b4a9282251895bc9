package dev.trt4j.stats;

/** Told after each batch how far a pass over calibration data has got, e.g. to draw a progress bar. */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param samplesDone  samples processed so far
     * @param samplesTotal samples the pass will process, or -1 if the data source cannot tell in advance
     */
    void progress(long samplesDone, long samplesTotal);
}
