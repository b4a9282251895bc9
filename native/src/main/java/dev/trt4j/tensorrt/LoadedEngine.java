package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A deserialized engine with one execution context (optimization profile 0), for timing. Closes context, engine
 * and runtime in that order (idempotent).
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
        TrtLogger logger = TrtLogger.shared();
        logger.clearErrors();
        runtime = nvinfer.createInferRuntime(logger);
        if (runtime == null || runtime.isNull()) {
            throw new Trt4jException("createInferRuntime failed: " + logger.lastError().orElse("TensorRT returned null"));
        }
        try (BytePointer blob = new BytePointer(plan.length)) {
            blob.put(plan);
            engine = runtime.deserializeCudaEngine(blob, plan.length);
        }
        if (engine == null || engine.isNull()) {
            runtime.close();
            throw new Trt4jException(file + ": TensorRT cannot load this engine: " + logger.lastError()
                    .orElse("no reason given") + "; rebuild it with trt4j build");
        }
        context = engine.createExecutionContext();
        if (context == null || context.isNull()) {
            engine.close();
            runtime.close();
            throw new Trt4jException(file + ": createExecutionContext failed: " + logger.lastError()
                    .orElse("no reason given"));
        }
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
            context.close();
            engine.close();
            runtime.close();
        }
    }
}
