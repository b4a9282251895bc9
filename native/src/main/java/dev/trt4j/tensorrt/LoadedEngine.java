package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.nio.file.Path;
import java.util.List;

/**
 * An execution context (optimization profile 0) on a {@link DeserializedEngine}, for timing and for
 * {@link TrtSession}, with its activation memory. Closing frees that memory and closes the context (idempotent), not
 * the engine, which is shared with the plan's other contexts; the caller first waits for the work queued on it.
 *
 * <p>The activation memory is trt4j's own {@link DeviceBuffer} ({@code kUSER_MANAGED}) because nothing TensorRT
 * allocates can be freed: the JavaCPP 10.15 presets attach no deallocator to objects TensorRT's factories return
 * (contexts, engines, runtimes, serialized plans), and TensorRT 10 has no {@code destroy()}
 * (bytedeco/javacpp-presets#1699). The context object itself, a small host-side structure once its activations are
 * user-managed, stays until the process exits; the close call is kept so that a preset release which attaches
 * deallocators frees it without a change here.
 */
final class LoadedEngine implements AutoCloseable {
    private final DeserializedEngine engine;
    private final IExecutionContext context;
    private final DeviceBuffer activations;
    private boolean closed;

    /**
     * A new context on {@code engine}, which this object does not close, with activation memory for every shape of
     * profile 0.
     *
     * @throws dev.trt4j.Trt4jException when TensorRT cannot make a context or the GPU has no room for its activations
     */
    LoadedEngine(Path file, DeserializedEngine engine) {
        this.engine = engine;
        this.context = engine.newContext(file);
        long bytes = engine.activationBytes();
        try {
            this.activations = new DeviceBuffer(bytes);
        } catch (Trt4jException e) {
            context.close();
            throw new Trt4jException(file + ": no GPU memory for the execution context's " + bytes
                    + " bytes of activations: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            Closing.afterFailure(e, context);
            throw e;
        }
        // the buffer's own size: at least 1 byte, so an engine that needs none still gets a valid address
        context.setDeviceMemoryV2(activations.pointer(), activations.bytes());
    }

    IExecutionContext context() {
        return context;
    }

    List<TensorSpec> inputs() {
        return engine.inputs();
    }

    List<TensorSpec> outputs() {
        return engine.outputs();
    }

    /** {@link DeserializedEngine#onHost}: bind this tensor to host memory, with no device copy. */
    boolean onHost(String name) {
        return engine.onHost(name);
    }

    /** Closes the context and frees its activation memory; call only once no work is queued on the context. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Closing.all(context, activations);
        }
    }
}
