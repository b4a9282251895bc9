package dev.trt4j.engine;

import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Map;

/**
 * A deserialized engine with an execution context and its device buffers, owned until {@link #close()}. Not
 * thread-safe: one caller runs a session at a time.
 */
public interface EngineSession extends AutoCloseable {
    /** The engine's inputs; dynamic dimensions are {@code -1}. */
    List<TensorSpec> inputs();

    /** The engine's outputs; dynamic dimensions are {@code -1}. */
    List<TensorSpec> outputs();

    /**
     * Runs one batch: copies the inputs to the device, executes, and copies every output back.
     *
     * @param inputs a tensor for every engine input, by name
     * @return every output by name; float16 outputs come back as float32, int8/uint8/bool as int32
     * @throws dev.trt4j.InvalidInputException when an input is missing, unknown, outside the engine's profile, or holds
     *                                         a value its type cannot
     * @throws dev.trt4j.Trt4jException        when TensorRT or CUDA fails
     */
    Map<String, HostTensor> run(Map<String, HostTensor> inputs);

    /** Frees the context, engine and device memory; idempotent. */
    @Override
    void close();
}
