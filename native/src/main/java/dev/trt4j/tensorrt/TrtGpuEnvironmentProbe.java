package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.GpuEnvironment;
import dev.trt4j.engine.GpuEnvironmentProbe;
import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.TensorRtVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The {@link GpuEnvironmentProbe} service: loads the libraries as a build would and asks CUDA and TensorRT. */
public final class TrtGpuEnvironmentProbe implements GpuEnvironmentProbe {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public TrtGpuEnvironmentProbe() {
    }

    @Override
    public String name() {
        return "JavaCPP presets (TensorRT " + NativeLibraries.PRESET_MAJOR + "." + NativeLibraries.PRESET_MINOR + ", CUDA 13.1)";
    }

    @Override
    public GpuEnvironment probe() {
        NativeLibraries.LoadReport report = NativeLibraries.load();
        List<MissingComponent> missing = new ArrayList<>(report.missing());
        List<String> notes = new ArrayList<>();
        Optional<String> driver = Optional.empty();
        Optional<String> runtime = Optional.empty();
        List<GpuDevice> gpus = List.of();
        if (report.cudaRuntimeLoaded()) {
            try {
                driver = Optional.of(CudaDevices.driverVersion() + " (highest CUDA version the driver supports)");
                runtime = Optional.of(CudaDevices.runtimeVersion());
                gpus = CudaDevices.list();
                if (gpus.isEmpty()) {
                    missing.add(MissingComponent.gpu("no CUDA device found"));
                }
            } catch (MissingComponentException e) {
                missing.add(e.component());
            } catch (Trt4jException e) {
                missing.add(new MissingComponent("CUDA", e.getMessage(), "check the NVIDIA driver with nvidia-smi"));
            } catch (RuntimeException | LinkageError e) {
                missing.add(new MissingComponent("CUDA", "query failed: " + e, "check the NVIDIA driver with nvidia-smi"));
            }
        }
        gpus.stream().filter(g -> !g.hasFastFp16AndInt8()).forEach(g -> notes.add("GPU " + g.index() + " (" + g.name()
                + ", SM " + g.computeCapability() + ") is below SM 7.5, the minimum of TensorRT 10.5 and later"));
        if (report.missing().isEmpty() && !gpus.isEmpty()) {
            NativeLibraries.builderKernels(gpus.get(0)).ifPresent(missing::add);
        }
        Optional<String> parser = Optional.empty();
        if (report.onnxParserLoaded()) {
            parser = Optional.of(onnxParserVersion(NativeCalls.onnxParserVersion()));
        }
        return new GpuEnvironment(name(), driver, runtime, report.tensorRtVersion(), parser, gpus,
                blockersFirst(missing), notes);
    }

    /**
     * {@code missing} with what blocks everything first, the verdict's line: a CUDA driver that is absent or too old,
     * then no GPU; the rest in the order found. Loading finds a missing library (cuBLAS, say) before the device query
     * finds the driver too old, but a new cuBLAS would not help with the old driver.
     */
    static List<MissingComponent> blockersFirst(List<MissingComponent> missing) {
        return missing.stream().sorted(Comparator.comparingInt(TrtGpuEnvironmentProbe::blockRank)).toList();
    }

    private static int blockRank(MissingComponent m) {
        return switch (m.component()) {
            case "CUDA driver" -> 0;
            case "NVIDIA GPU" -> 1;
            default -> 2;
        };
    }

    /**
     * The ONNX parser numbers itself apart from TensorRT, {@code major·10000 + minor·100 + patch}: TensorRT
     * 10.15's parser reports 100, version 0.1.0.
     */
    static String onnxParserVersion(int code) {
        return code / 10000 + "." + code / 100 % 100 + "." + code % 100;
    }
}
