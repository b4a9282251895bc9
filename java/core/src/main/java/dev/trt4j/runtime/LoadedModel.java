package dev.trt4j.runtime;

import dev.trt4j.tensor.TensorSpec;

import java.util.List;

/**
 * A model or engine in memory (weights loaded once), from which any number of {@link ExecutionContext}s are made.
 * Thread-safe. Closing it while contexts are open is the caller's mistake: close the contexts first.
 */
public interface LoadedModel extends AutoCloseable {
    /** A name for messages, usually the file. */
    String name();

    /** The inputs; dynamic dimensions are {@code -1}. */
    List<TensorSpec> inputs();

    /** The outputs a run returns; dynamic dimensions are {@code -1}. A backend leaves out types it cannot carry. */
    List<TensorSpec> outputs();

    /** A new context with its own reusable buffers; the caller closes it. */
    ExecutionContext newContext();

    /** Frees the model; idempotent. */
    @Override
    void close();
}
