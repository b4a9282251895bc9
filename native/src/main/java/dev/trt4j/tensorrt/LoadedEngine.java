package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A deserialized engine with one execution context (optimization profile 0), for timing and for
 * {@link TrtSession}. Closes context, engine and runtime in that order, each even if one before it fails
 * (idempotent).
 *
 * <p>Closing releases only the Java wrappers: the JavaCPP 10.15 presets attach no deallocator to objects TensorRT's
 * factories return, and TensorRT 10 has no {@code destroy()}, so the context, the engine (its weights on the GPU) and
 * the runtime stay allocated until the process exits (bytedeco/javacpp-presets#1699). The close calls are kept so
 * that a preset release which attaches deallocators frees them in the right order without a change here.
 */
final class LoadedEngine implements AutoCloseable {
    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final IExecutionContext context;
    private final List<TensorSpec> inputs = new ArrayList<>();
    private final List<TensorSpec> outputs = new ArrayList<>();
    private boolean closed;

    /**
     * @throws Trt4jException when TensorRT cannot deserialize the plan or make a context
     */
    LoadedEngine(Path file, byte[] plan) {
        // Built one step at a time; whatever exists when a step fails is closed before the error leaves (which, as
        // the class comment says, does not yet delete TensorRT's objects).
        TrtLogger logger = TrtLogger.shared();
        IRuntime newRuntime = null;
        ICudaEngine newEngine = null;
        IExecutionContext newContext = null;
        try {
            logger.clearErrors();
            newRuntime = nvinfer.createInferRuntime(logger);
            if (newRuntime == null || newRuntime.isNull()) {
                throw new Trt4jException("createInferRuntime failed: "
                        + logger.lastError().orElse("TensorRT returned null"));
            }
            try (BytePointer blob = new BytePointer(plan.length)) {
                blob.put(plan);
                newEngine = newRuntime.deserializeCudaEngine(blob, plan.length);
            }
            if (newEngine == null || newEngine.isNull()) {
                throw new Trt4jException(file + ": TensorRT cannot load this engine: " + logger.lastError()
                        .orElse("no reason given") + "; rebuild it with trt4j build");
            }
            newContext = newEngine.createExecutionContext();
            if (newContext == null || newContext.isNull()) {
                throw new Trt4jException(file + ": createExecutionContext failed: " + logger.lastError()
                        .orElse("no reason given"));
            }
            readIoTensors(newEngine);
        } catch (RuntimeException | Error e) {
            Closing.afterFailure(e, newContext, newEngine, newRuntime);
            throw e;
        }
        runtime = newRuntime;
        engine = newEngine;
        context = newContext;
    }

    private void readIoTensors(ICudaEngine engine) {
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            try (Dims64 dims = engine.getTensorShape(name)) {
                TensorSpec spec = new TensorSpec(name, TrtTypes.elementType(name, engine.getTensorDataType(name)),
                        TrtTypes.shape(dims), null);
                (engine.getTensorIOMode(name).value == TensorIOMode.kINPUT.value ? inputs : outputs).add(spec);
            }
        }
    }

    IExecutionContext context() {
        return context;
    }

    List<TensorSpec> inputs() {
        return inputs;
    }

    List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Closing.all(context, engine, runtime);
        }
    }
}
