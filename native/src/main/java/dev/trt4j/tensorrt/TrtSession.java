package dev.trt4j.tensorrt;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One execution context on its own stream (optimization profile 0), on an engine shared by every session of the same
 * plan ({@link DeserializedEngine#shared}). Owns its device and pinned host buffers, which grow to the largest shapes
 * run and are freed by {@link #close()}; tensors TensorRT wants on the host (shape inputs) are bound to their pinned
 * buffer and never copied. The context's activation memory is freed by {@link #close()} too; only the small
 * context object stays until the process exits ({@link LoadedEngine}).
 */
final class TrtSession implements EngineSession {
    private final TrtLogger logger = TrtLogger.shared();
    private final Path engineFile;
    private final CudaStream stream;
    private final LoadedEngine loaded;
    private final IExecutionContext context;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, DeviceBuffer> device = new HashMap<>();
    private final Map<String, PinnedHostBuffer> host = new HashMap<>();
    private boolean closed;

    /** A session with its own context and stream on {@code engine}, which it shares with other sessions. */
    TrtSession(Path engineFile, DeserializedEngine engine) {
        this.engineFile = engineFile;
        this.stream = new CudaStream();
        try {
            this.loaded = new LoadedEngine(engineFile, engine);
        } catch (RuntimeException | Error e) {
            Closing.afterFailure(e, stream);
            throw e;
        }
        this.context = loaded.context();
        this.inputs = loaded.inputs();
        this.outputs = loaded.outputs();
    }

    @Override
    public List<TensorSpec> inputs() {
        return List.copyOf(inputs);
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.copyOf(outputs);
    }

    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> feeds) {
        if (closed) {
            throw new IllegalStateException("TrtSession is closed");
        }
        for (String name : feeds.keySet()) {
            if (inputs.stream().noneMatch(s -> s.name().equals(name))) {
                throw new InvalidInputException(engineFile + ": unknown input '" + name + "'; engine inputs are "
                        + names(inputs));
            }
        }
        logger.clearErrors();
        Map<String, long[]> inShapes = new LinkedHashMap<>();
        for (TensorSpec in : inputs) {
            HostTensor tensor = feeds.get(in.name());
            if (tensor == null) {
                throw new InvalidInputException(engineFile + ": missing input '" + in.name() + "'; engine inputs are "
                        + names(inputs));
            }
            long[] shape = tensor.shape();
            inShapes.put(in.name(), shape);
            try (Dims64 dims = TrtTypes.dims(shape)) {
                if (!context.setInputShape(in.name(), dims)) {
                    // the caller's shape, which the profile the engine was built with does not cover
                    throw new InvalidInputException(engineFile + ": input '" + in.name() + "' shape "
                            + Arrays.toString(shape) + " is outside the engine's profile 0 (" + in.shapeText() + "): "
                            + logger.lastError().orElse("refused"));
                }
            }
            long bytes = tensor.elementCount() * in.type().bytes();
            PinnedHostBuffer staging = hostBuffer(in.name(), bytes);
            HostTensorCodec.encode(engineFile + ": input '" + in.name() + "'", tensor, in.type(), staging.buffer());
            if (loaded.onHost(in.name())) {
                // a shape input: TensorRT reads its values on the CPU (for the output shapes below, and in enqueueV3)
                bind(in.name(), staging.pointer());
                continue;
            }
            DeviceBuffer d = deviceBuffer(in.name(), bytes);
            NativeCalls.check(cudart.cudaMemcpyAsync(d.pointer(), staging.pointer(), bytes, cudart.cudaMemcpyHostToDevice,
                    stream.handle()), "cudaMemcpyAsync of input '" + in.name() + "'");
            bind(in.name(), d.pointer());
        }
        Map<String, long[]> outShapes = new LinkedHashMap<>();
        for (TensorSpec out : outputs) {
            long[] shape = TrtTypes.outputShape(engineFile.toString(), context, out.name(), inShapes);
            outShapes.put(out.name(), shape);
            long bytes = TensorBytes.output(engineFile.toString(), out.name(), shape, out.type());
            // a host output (a shape tensor TensorRT computes on the CPU) is written where it is read back
            bind(out.name(), loaded.onHost(out.name()) ? hostBuffer(out.name(), bytes).pointer()
                    : deviceBuffer(out.name(), bytes).pointer());
        }
        if (!context.enqueueV3(stream.handle())) {
            throw new Trt4jException(engineFile + ": enqueueV3 failed: " + logger.lastError().orElse("no reason given"));
        }
        Map<String, HostTensor> results = new LinkedHashMap<>();
        for (TensorSpec out : outputs) {
            if (loaded.onHost(out.name())) {
                continue;
            }
            long bytes = TensorBytes.output(engineFile.toString(), out.name(), outShapes.get(out.name()), out.type());
            PinnedHostBuffer staging = hostBuffer(out.name(), bytes);
            NativeCalls.check(cudart.cudaMemcpyAsync(staging.pointer(), device.get(out.name()).pointer(), bytes,
                    cudart.cudaMemcpyDeviceToHost, stream.handle()), "cudaMemcpyAsync of output '" + out.name() + "'");
        }
        stream.synchronize();
        for (TensorSpec out : outputs) {
            ElementType type = out.type();
            results.put(out.name(), HostTensorCodec.decode(type, outShapes.get(out.name()), host.get(out.name()).buffer()));
        }
        return results;
    }

    private void bind(String name, Pointer address) {
        if (!context.setTensorAddress(name, address)) {
            throw new Trt4jException("setTensorAddress('" + name + "') failed: " + logger.lastError().orElse("refused"));
        }
    }

    private DeviceBuffer deviceBuffer(String name, long bytes) {
        DeviceBuffer d = device.get(name);
        if (d == null || d.bytes() < bytes) {
            if (d != null) {
                stream.synchronize();
                d.close();
            }
            d = new DeviceBuffer(bytes);
            device.put(name, d);
        }
        return d;
    }

    private PinnedHostBuffer hostBuffer(String name, long bytes) {
        PinnedHostBuffer h = host.get(name);
        if (h == null || h.bytes() < bytes) {
            if (h != null) {
                stream.synchronize();
                h.close();
            }
            h = new PinnedHostBuffer("tensor '" + name + "'", bytes);
            host.put(name, h);
        }
        return h;
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }

    /**
     * Waits for the stream, then closes the context and frees its activation memory (the engine stays, shared with the
     * plan's other sessions; see {@link LoadedEngine}) and frees the buffers and the stream,
     * each even if one before it fails (after a sticky CUDA error every call fails, and nothing may stay allocated);
     * the first failure is thrown.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> owned = new ArrayList<>();
        owned.add(stream::synchronize);
        owned.add(loaded);
        owned.addAll(device.values());
        owned.addAll(host.values());
        owned.add(stream);
        Closing.all(owned);
    }
}
