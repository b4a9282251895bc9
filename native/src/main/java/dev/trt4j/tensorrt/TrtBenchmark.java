package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.benchmark.BenchShapes;
import dev.trt4j.benchmark.BenchmarkBackend;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.benchmark.EngineShapeCheck;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.EngineCompatibility;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.HostTensorCodec;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.runtime.InputChecker;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.timing.MeasuredTraces;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.PipelinedTimingLoop;
import dev.trt4j.timing.TimingMode;
import dev.trt4j.timing.TimingSettings;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code tensorrt} benchmark, trtexec's method on one execution context: inputs staged once in pinned host
 * memory, device buffers bound once, CUDA events against a shared start, one query queued ahead, warm-up by GPU
 * time. Inputs are copied to the device once before the loop, and, with transfers timed, again in each query.
 * Tensors TensorRT wants on the host (shape inputs) are bound to their pinned buffer and never copied. Registered
 * with {@link java.util.ServiceLoader}.
 */
public final class TrtBenchmark implements BenchmarkBackend {
    /** This backend's name. */
    public static final String NAME = "tensorrt";
    /**
     * A context for each distinct plan timed in this JVM, on the plan's shared engine: TensorRT's engines and contexts
     * cannot be deleted through the presets, and {@code bench --compare --rounds N} times every file N times.
     */
    private static final PlanCache<LoadedEngine> ENGINES = new PlanCache<>();

    /** Instantiated by {@link java.util.ServiceLoader}. */
    public TrtBenchmark() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return NativeLibraries.availability();
    }

    @Override
    public BenchmarkResult run(BenchmarkRequest request) {
        Path file = request.file();
        if (!Files.exists(file)) { // said before the GPU check: a mistyped name is the likelier mistake
            throw new Trt4jException(file + ": no such engine file");
        }
        NativeLibraries.require();
        Optional<EngineSidecar> sidecar = EngineSidecarFile.read(file);
        var gpu = CudaDevices.current();
        sidecar.ifPresent(s -> EngineCompatibility.check(file, s, NativeLibraries.tensorRtVersion(), gpu));
        LoadedEngine engine;
        try (PlanBytes plan = PlanBytes.read(file)) { // freed once TensorRT has deserialized it
            engine = ENGINES.get(plan.digest(), () -> new LoadedEngine(file, DeserializedEngine.shared(file, plan)));
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": no such engine file");
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        synchronized (engine) { // one execution context: one timing run at a time
            Map<String, long[]> shapes = BenchShapes.resolve(file.toString(), engine.inputs(), request.batch(),
                    request.shapes(), sidecar.map(TrtBenchmark::optShapes).orElse(Map.of()));
            sidecar.ifPresent(s -> EngineShapeCheck.check(file, s, shapes));
            Map<String, HostTensor> inputs = request.inputs().create(engine.inputs(), shapes);
            InputChecker.check(file.toString(), engine.inputs(), inputs);
            return time(file, request, engine, shapes, inputs);
        }
    }

    /** The first profile's optimal shapes: what a dynamic engine is timed at when no --shapes are given. */
    private static Map<String, long[]> optShapes(EngineSidecar sidecar) {
        if (sidecar.profiles().isEmpty()) {
            return Map.of();
        }
        Map<String, long[]> opt = new LinkedHashMap<>();
        sidecar.profiles().get(0).forEach((input, range) -> opt.put(input, range.opt()));
        return opt;
    }

    private static BenchmarkResult time(Path file, BenchmarkRequest request, LoadedEngine engine,
                                        Map<String, long[]> shapes, Map<String, HostTensor> inputs) {
        TimingSettings timing = request.timing();
        // a failing call quotes the last error logged: not one left from loading the engine or an earlier run
        TrtLogger.shared().clearErrors();
        List<AutoCloseable> buffers = new ArrayList<>();
        try {
            List<CudaEventInference.Copy> in = new ArrayList<>();
            for (TensorSpec spec : engine.inputs()) {
                long[] shape = shapes.get(spec.name());
                try (Dims64 dims = TrtTypes.dims(shape)) {
                    if (!engine.context().setInputShape(spec.name(), dims)) {
                        throw new Trt4jException(file + ": shape " + spec.name() + ":" + BenchShapes.text(shape)
                                + " is outside the engine's profile 0: "
                                + TrtLogger.shared().lastError().orElse("refused"));
                    }
                }
                long bytes = HostTensor.elementCount(shape) * spec.type().bytes();
                PinnedHostBuffer host = track(buffers, new PinnedHostBuffer("input '" + spec.name() + "'", bytes));
                HostTensorCodec.encode("input '" + spec.name() + "'", inputs.get(spec.name()), spec.type(),
                        host.buffer());
                if (engine.onHost(spec.name())) {
                    // a shape input: TensorRT reads its values on the CPU, so there is nothing to copy or time
                    bind(engine, spec.name(), host.pointer());
                    continue;
                }
                DeviceBuffer device = track(buffers, new DeviceBuffer(bytes));
                bind(engine, spec.name(), device.pointer());
                in.add(stream -> NativeCalls.check(cudart.cudaMemcpyAsync(device.pointer(), host.pointer(), bytes,
                        cudart.cudaMemcpyHostToDevice, stream.handle()), "cudaMemcpyAsync of input '" + spec.name() + "'"));
                // in both modes: the warm-up enqueue before CUDA graph capture runs before any timed copy, and would
                // otherwise compute on uninitialised memory (NaNs, or a data-dependent path unlike the timed one)
                NativeCalls.check(cudart.cudaMemcpy(device.pointer(), host.pointer(), bytes,
                        cudart.cudaMemcpyHostToDevice), "cudaMemcpy of input '" + spec.name() + "'");
            }
            List<CudaEventInference.Copy> out = new ArrayList<>();
            for (TensorSpec spec : engine.outputs()) {
                long[] shape = TrtTypes.outputShape(file.toString(), engine.context(), spec.name(), shapes);
                long bytes = TensorBytes.output(file.toString(), spec.name(), shape, spec.type());
                PinnedHostBuffer host = track(buffers, new PinnedHostBuffer("output '" + spec.name() + "'", bytes));
                if (engine.onHost(spec.name())) {
                    bind(engine, spec.name(), host.pointer()); // a shape output TensorRT writes on the CPU
                    continue;
                }
                DeviceBuffer device = track(buffers, new DeviceBuffer(bytes));
                bind(engine, spec.name(), device.pointer());
                out.add(stream -> NativeCalls.check(cudart.cudaMemcpyAsync(host.pointer(), device.pointer(), bytes,
                        cudart.cudaMemcpyDeviceToHost, stream.handle()), "cudaMemcpyAsync of output '" + spec.name() + "'"));
            }
            try (CudaEventInference inference = new CudaEventInference(file.toString(), engine.context(), in, out,
                    timing)) {
                MeasuredTraces traces = PipelinedTimingLoop.run(inference, timing).split();
                TimingMode mode = TimingMode.gpu(inference.usesCudaGraph(), timing.spinWait(), timing.dataTransfers());
                return result(file, request, engine.inputs(), shapes, traces, mode);
            }
        } finally {
            for (int i = buffers.size() - 1; i >= 0; i--) {
                try {
                    buffers.get(i).close();
                } catch (Exception ignored) {
                    // freeing cannot fail in a way the user can act on; the timing error, if any, matters more
                }
            }
        }
    }

    /**
     * A timed run's result, its samples per query by the engine's inputs as ONNX Runtime's are counted: the first
     * open first dimension, so that an input whose first dimension is fixed (a recurrent state's {@code [2, N, 64]})
     * does not pass for the batch, and a model and its engine report the same samples per second.
     *
     * @param inputs the engine's inputs, open dimensions as -1
     * @param shapes the shapes the run was timed at
     */
    static BenchmarkResult result(Path file, BenchmarkRequest request, List<TensorSpec> inputs,
                                  Map<String, long[]> shapes, MeasuredTraces traces, TimingMode mode) {
        int batch = BenchShapes.batch(inputs, shapes);
        PerformanceReport report = PerformanceReport.of(traces, batch, request.timing().percentiles(), mode);
        return new BenchmarkResult(NAME, file, shapes, request.inputs().describe(), report, traces.measured());
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    private static void bind(LoadedEngine engine, String name, Pointer address) {
        if (!engine.context().setTensorAddress(name, address)) {
            throw new Trt4jException("setTensorAddress('" + name + "') failed: "
                    + TrtLogger.shared().lastError().orElse("refused"));
        }
    }
}
