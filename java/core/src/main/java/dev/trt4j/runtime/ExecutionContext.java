package dev.trt4j.runtime;

import dev.trt4j.tensor.HostTensor;

import java.util.Map;

/**
 * Runs one query at a time on a {@link LoadedModel}, reusing its buffers from run to run. Not thread-safe:
 * {@link InferenceSession} hands each context to one thread at a time.
 */
public interface ExecutionContext extends AutoCloseable {
    /**
     * Runs one query.
     *
     * @param inputs a tensor for every model input, by name
     * @return the outputs, valid until the next {@code run} or {@link #close()} of this context
     * @throws dev.trt4j.InvalidInputException when an input is missing, unknown or does not fit
     * @throws dev.trt4j.Trt4jException        when the backend fails
     */
    Outputs run(Map<String, HostTensor> inputs);

    /** Frees the context's buffers; idempotent. */
    @Override
    void close();
}
