package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.nio.file.Path;

/**
 * Refuses to load an engine built for another TensorRT version or another GPU. TensorRT plans are specific to
 * the exact TensorRT build and GPU model they were made with; TensorRT's own failure on a mismatch is an
 * obscure deserialization error, so trt4j checks the sidecar first and says what to do.
 */
public final class EngineCompatibility {
    private EngineCompatibility() {
    }

    /**
     * Checks a sidecar against the running TensorRT and the GPU the engine would run on.
     *
     * @throws Trt4jException with one line naming both sides and the fix
     */
    public static void check(Path engine, EngineSidecar sidecar, TensorRtVersion runtime, GpuDevice gpu) {
        if (!sidecar.tensorRtVersion().equals(runtime.toString())) {
            throw new Trt4jException(engine + " was built with TensorRT " + sidecar.tensorRtVersion()
                    + " but this is TensorRT " + runtime + "; rebuild it here with trt4j build");
        }
        if (!sidecar.computeCapability().equals(gpu.computeCapability()) || !sidecar.gpuName().equals(gpu.name())) {
            throw new Trt4jException(engine + " was built for " + sidecar.gpuName() + " (SM " + sidecar.computeCapability()
                    + ") but this GPU is " + gpu.name() + " (SM " + gpu.computeCapability()
                    + "); rebuild it on this GPU with trt4j build");
        }
    }
}
