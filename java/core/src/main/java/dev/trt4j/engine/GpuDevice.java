package dev.trt4j.engine;

import java.util.Objects;

/**
 * One CUDA device.
 *
 * @param index the CUDA device ordinal
 * @param name the device name, e.g. {@code Tesla T4}
 * @param ccMajor compute capability, major part
 * @param ccMinor compute capability, minor part
 * @param memoryBytes total device memory in bytes
 */
public record GpuDevice(int index, String name, int ccMajor, int ccMinor, long memoryBytes) {
    public GpuDevice {
        Objects.requireNonNull(name, "name");
    }

    /** Compute capability as text, e.g. {@code 7.5}. */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /**
     * True from Turing (SM 7.5) on: INT8 and FP16 Tensor Cores, and the minimum TensorRT 10.5+ supports.
     */
    public boolean hasFastFp16AndInt8() {
        return ccMajor > 7 || (ccMajor == 7 && ccMinor >= 5);
    }
}
