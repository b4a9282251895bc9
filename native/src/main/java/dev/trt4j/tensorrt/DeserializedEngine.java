package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer.ExecutionContextAllocationStrategy;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.global.nvinfer.TensorLocation;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deserialized engine: TensorRT's runtime and engine (the weights, on the GPU) and its I/O tensors, from which
 * execution contexts are made ({@link LoadedEngine}). TensorRT runs several contexts of one engine at once, each on
 * its own stream, so sessions of the same plan share one of these ({@link #shared}) instead of each deserializing the
 * weights again.
 *
 * <p>Closes engine then runtime (idempotent), but, as {@link LoadedEngine} explains, the 10.15 presets cannot delete
 * TensorRT's objects: a deserialized engine stays on the GPU until the process exits, which is why the shared ones
 * are kept, one per distinct plan, and never closed.
 */
final class DeserializedEngine implements AutoCloseable {
    private static final PlanCache<DeserializedEngine> SHARED = new PlanCache<>();

    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Set<String> onHost;
    private boolean closed;

    /**
     * The engine of {@code plan}, deserialized the first time these bytes are seen in this JVM.
     *
     * @throws Trt4jException when TensorRT cannot deserialize the plan or trt4j cannot read an I/O type
     */
    static DeserializedEngine shared(Path file, PlanBytes plan) {
        return SHARED.get(plan.digest(), () -> new DeserializedEngine(file, plan));
    }

    private DeserializedEngine(Path file, PlanBytes plan) {
        // Built one step at a time; whatever exists when a step fails is closed before the error leaves.
        TrtLogger logger = TrtLogger.shared();
        IRuntime newRuntime = null;
        ICudaEngine newEngine = null;
        try {
            logger.clearErrors();
            newRuntime = nvinfer.createInferRuntime(logger);
            if (newRuntime == null || newRuntime.isNull()) {
                throw new Trt4jException("createInferRuntime failed: "
                        + logger.lastError().orElse("TensorRT returned null"));
            }
            newEngine = newRuntime.deserializeCudaEngine(plan.pointer(), plan.size());
            if (newEngine == null || newEngine.isNull()) {
                throw new Trt4jException(file + ": TensorRT cannot load this engine: " + logger.lastError()
                        .orElse("no reason given") + "; rebuild it with trt4j build");
            }
            List<TensorSpec> newInputs = new ArrayList<>();
            List<TensorSpec> newOutputs = new ArrayList<>();
            Set<String> newOnHost = new HashSet<>();
            readIoTensors(newEngine, newInputs, newOutputs, newOnHost);
            inputs = List.copyOf(newInputs);
            outputs = List.copyOf(newOutputs);
            onHost = Set.copyOf(newOnHost);
        } catch (RuntimeException | Error e) {
            Closing.afterFailure(e, newEngine, newRuntime);
            throw e;
        }
        runtime = newRuntime;
        engine = newEngine;
    }

    private static void readIoTensors(ICudaEngine engine, List<TensorSpec> inputs, List<TensorSpec> outputs,
                                      Set<String> onHost) {
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            if (engine.getTensorLocation(name).value == TensorLocation.kHOST.value) {
                onHost.add(name);
            }
            try (Dims64 dims = engine.getTensorShape(name)) {
                TensorSpec spec = new TensorSpec(name, TrtTypes.elementType(name, engine.getTensorDataType(name)),
                        TrtTypes.shape(dims), null);
                (engine.getTensorIOMode(name).value == TensorIOMode.kINPUT.value ? inputs : outputs).add(spec);
            }
        }
    }

    /**
     * A new execution context (optimization profile 0) without activation memory ({@code kUSER_MANAGED}), owned by
     * the caller, who gives it {@link #activationBytes()} with {@code setDeviceMemoryV2}: memory TensorRT allocated
     * for a context could not be freed (see {@link LoadedEngine}), memory trt4j allocated can.
     *
     * @param file names the engine in the message
     * @throws Trt4jException when TensorRT cannot make one
     */
    synchronized IExecutionContext newContext(Path file) {
        if (closed) {
            throw new IllegalStateException("DeserializedEngine is closed");
        }
        TrtLogger logger = TrtLogger.shared();
        logger.clearErrors();
        IExecutionContext context = engine.createExecutionContext(ExecutionContextAllocationStrategy.kUSER_MANAGED);
        if (context == null || context.isNull()) {
            throw new Trt4jException(file + ": createExecutionContext failed: " + logger.lastError()
                    .orElse("no reason given"));
        }
        return context;
    }

    /** Bytes of activation memory a context needs for any shape of optimization profile 0. */
    synchronized long activationBytes() {
        if (closed) {
            throw new IllegalStateException("DeserializedEngine is closed");
        }
        return engine.getDeviceMemorySizeForProfileV2(0);
    }

    /** The engine's inputs, in TensorRT's order; dynamic dimensions are {@code -1}. */
    List<TensorSpec> inputs() {
        return inputs;
    }

    /** The engine's outputs, in TensorRT's order; dynamic dimensions are {@code -1}. */
    List<TensorSpec> outputs() {
        return outputs;
    }

    /**
     * Whether TensorRT wants I/O tensor {@code name} in host memory ({@code kHOST}): inputs that feed shape
     * computations (the shape of a Reshape, the sizes of a Resize), whose values it reads on the CPU.
     */
    boolean onHost(String name) {
        return onHost.contains(name);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Closing.all(engine, runtime);
        }
    }
}
