package dev.trt4j.engine;

import java.util.Objects;

/**
 * Something the GPU path needs and this machine lacks, with how to get it.
 *
 * @param component what it is, e.g. {@code CUDA driver}
 * @param detail what was looked for, e.g. {@code libcuda.so.1 not found}
 * @param remedy how to get it
 */
public record MissingComponent(String component, String detail, String remedy) {
    /** The component name of {@link #builderKernels}: missing it, engines still load and run. */
    public static final String BUILDER_KERNELS = "TensorRT builder kernels";
    /** How a container is given the host's GPU: Docker's flag (through the toolkit), or Kubernetes' resource. */
    private static final String GPU_ACCESS = "docker run --gpus all, or a nvidia.com/gpu resource on Kubernetes";
    private static final String CPU_IMAGE_REMEDY = "the trt4j:cpu image runs no GPU commands: use the trt4j:gpu "
            + "image, started with GPU access (" + GPU_ACCESS + "; docker/README.md)";

    public MissingComponent {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(remedy, "remedy");
    }

    /** The NVIDIA driver's {@code libcuda}, with the remedy for where this process runs. */
    public static MissingComponent cudaDriver(String library) {
        return cudaDriver(library, ContainerEnvironment.system());
    }

    /**
     * The NVIDIA driver's {@code libcuda}. In a container the host's driver is mounted in only when the container
     * is started with GPU access, and the CPU image has no backend to use it with: each gets its own remedy. The
     * container's does not presume a GPU on the host: a CI job or a GPU-less host runs in containers too, and on
     * Kubernetes the access is a resource the pod requests, not a docker flag.
     */
    public static MissingComponent cudaDriver(String library, ContainerEnvironment where) {
        String remedy;
        if (where.cpuImage()) {
            remedy = CPU_IMAGE_REMEDY;
        } else if (where.inContainer()) {
            remedy = "this container has no GPU access: it needs a host with an NVIDIA GPU, the NVIDIA driver r580 or "
                    + "newer (for CUDA 13) and the NVIDIA Container Toolkit, and to be started with GPU access ("
                    + GPU_ACCESS + ")";
        } else {
            remedy = "install the NVIDIA driver (r580 or newer for CUDA 13) on a machine with an NVIDIA GPU";
        }
        return new MissingComponent("CUDA driver", library + " not found", remedy);
    }

    /** A driver older than the CUDA runtime: every CUDA call fails, so nothing else matters until it is updated. */
    public static MissingComponent driverTooOld(String runtimeVersion, String driverSupports) {
        return new MissingComponent("CUDA driver", "too old for the CUDA " + runtimeVersion + " runtime (it supports "
                + "CUDA " + driverSupports + ")", "install NVIDIA driver r580 or newer");
    }

    /** The CUDA runtime library. */
    public static MissingComponent cudaRuntime(String library) {
        return new MissingComponent("CUDA runtime", library + " not found",
                "build trt4j with -Pgpu (bundles CUDA 13.1) or install the CUDA 13 toolkit");
    }

    /** TensorRT's {@code libnvinfer}. */
    public static MissingComponent tensorRt(String library) {
        return new MissingComponent("TensorRT", library + " not found",
                "build trt4j with -Pgpu (bundles TensorRT 10.15) or install TensorRT 10.15 and put its lib/ on LD_LIBRARY_PATH");
    }

    /** TensorRT's ONNX parser. */
    public static MissingComponent onnxParser(String library) {
        return new MissingComponent("TensorRT ONNX parser", library + " not found",
                "build trt4j with -Pgpu (bundles TensorRT 10.15) or install TensorRT 10.15 including libnvonnxparser");
    }

    /**
     * TensorRT's builder kernels for one GPU architecture (which library that is, the native module's
     * {@code dev.trt4j.tensorrt.BuilderKernels} knows). Engines still load and run without them.
     */
    public static MissingComponent builderKernels(String library, GpuDevice gpu) {
        return new MissingComponent(BUILDER_KERNELS, library + " not found for " + gpu.name() + " (SM "
                + gpu.computeCapability() + "); JavaCPP's tensorrt -redist jar has only the PTX library",
                "install NVIDIA's TensorRT 10.15 for CUDA 13 (tar package or the tensorrt-cu13-libs wheel) and put "
                        + "the folder holding " + library + " on LD_LIBRARY_PATH; engines built elsewhere still run "
                        + "here");
    }

    /** JavaCPP's JNI glue for a preset. */
    public static MissingComponent jniBindings(String library) {
        return new MissingComponent("JavaCPP JNI bindings", library + " not found",
                "build trt4j with -Pgpu (adds the linux-x86_64 native jars of the TensorRT and CUDA presets)");
    }

    /** The trt4j-native module itself, with the remedy for where this process runs. */
    public static MissingComponent nativeModule() {
        return nativeModule(ContainerEnvironment.system());
    }

    /** The trt4j-native module itself: the CPU image is built without it, so the remedy there is the GPU image. */
    public static MissingComponent nativeModule(ContainerEnvironment where) {
        if (where.cpuImage()) {
            return new MissingComponent("trt4j-native", "not in the trt4j:cpu image", CPU_IMAGE_REMEDY);
        }
        return new MissingComponent("trt4j-native", "not on the class path",
                "build trt4j with -Pgpu (see native/README.md)");
    }

    /** No CUDA device visible. */
    public static MissingComponent gpu(String detail) {
        return new MissingComponent("NVIDIA GPU", detail,
                "run on a machine with an NVIDIA GPU of compute capability 7.5 (Turing) or newer");
    }

    /** One line: {@code CUDA driver: libcuda.so.1 not found; install the NVIDIA driver ...}. */
    public String line() {
        return component + ": " + detail + "; " + remedy;
    }
}
