package dev.trt4j.timing;

/**
 * One model bound to pre-made inputs, able to run queries into numbered pipeline slots and report their
 * timestamps. A GPU implementation records CUDA events around asynchronous work in each slot; a CPU one runs
 * synchronously in {@link #enqueue} and hands the times back in {@link #await}. Driven by
 * {@link PipelinedTimingLoop} from one thread.
 */
public interface TimedInference {
    /**
     * Starts one query in {@code slot} (whose previous query, if any, has been awaited). Must not wait for queries
     * in other slots.
     */
    void enqueue(int slot);

    /**
     * Waits for the query in {@code slot} to finish and returns its timestamps, in ms since the origin all of this
     * run's timestamps share.
     */
    InferenceTrace await(int slot);
}
