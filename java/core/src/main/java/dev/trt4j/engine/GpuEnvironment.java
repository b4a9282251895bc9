package dev.trt4j.engine;

import java.util.List;
import java.util.Optional;

/**
 * What this machine offers the GPU path: driver, CUDA runtime and TensorRT versions, the GPUs, and what is
 * missing. Absent versions are unknown or missing (see {@link #missing()}).
 *
 * @param probe              which probe produced this (the native one loads libraries, the fallback only looks for
 *                           files)
 * @param driverVersion      the highest CUDA version the NVIDIA driver supports, as the driver reports it
 * @param cudaRuntimeVersion the CUDA runtime library's version
 * @param tensorRtVersion    the TensorRT library's version
 * @param onnxParserVersion  the TensorRT ONNX parser's version, which it numbers apart from TensorRT
 * @param gpus               the CUDA devices found, device 0 first; empty when none (or none could be listed)
 * @param missing            what the GPU path lacks here, each with its remedy; empty when nothing is missing
 * @param notes              other facts worth showing, e.g. where a library was found
 */
public record GpuEnvironment(String probe, Optional<String> driverVersion, Optional<String> cudaRuntimeVersion,
        Optional<TensorRtVersion> tensorRtVersion, Optional<String> onnxParserVersion, List<GpuDevice> gpus,
        List<MissingComponent> missing, List<String> notes) {
    public GpuEnvironment {
        gpus = List.copyOf(gpus);
        missing = List.copyOf(missing);
        notes = List.copyOf(notes);
    }

    /** True when an engine can be built and run here: nothing missing and at least one GPU. */
    public boolean ready() {
        return missing.isEmpty() && !gpus.isEmpty();
    }

    /**
     * True when engines built elsewhere load and run here: a GPU, and nothing missing but the builder kernels.
     */
    public boolean runsEngines() {
        return !gpus.isEmpty() && missing.stream().allMatch(m -> m.component().equals(MissingComponent.BUILDER_KERNELS));
    }

    /** The device engines are built for (CUDA device 0), if any. */
    public Optional<GpuDevice> buildDevice() {
        return gpus.isEmpty() ? Optional.empty() : Optional.of(gpus.get(0));
    }
}
