package dev.trt4j.tensorrt;

import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.nio.file.Path;
import java.util.List;

/**
 * An execution context (optimization profile 0) on a {@link DeserializedEngine}, for timing and for
 * {@link TrtSession}. Closes only the context (idempotent): the engine is shared with the plan's other contexts.
 *
 * <p>Closing releases only the Java wrapper: the JavaCPP 10.15 presets attach no deallocator to objects TensorRT's
 * factories return (contexts, engines, runtimes, serialized plans), and TensorRT 10 has no {@code destroy()}, so the
 * context and its activation memory stay allocated until the process exits (bytedeco/javacpp-presets#1699). The
 * close call is kept so that a preset release which attaches deallocators frees it without a change here.
 */
final class LoadedEngine implements AutoCloseable {
    private final DeserializedEngine engine;
    private final IExecutionContext context;
    private boolean closed;

    /**
     * A new context on {@code engine}, which this object does not close.
     *
     * @throws dev.trt4j.Trt4jException when TensorRT cannot make a context
     */
    LoadedEngine(Path file, DeserializedEngine engine) {
        this.engine = engine;
        this.context = engine.newContext(file);
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

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            context.close();
        }
    }
}
