package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.MissingComponent;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;

import java.util.ArrayList;
import java.util.List;

/** CUDA driver, runtime and device queries. Call only after {@link NativeLibraries#require()}. */
final class CudaDevices {
    private CudaDevices() {
    }

    /** The driver's CUDA version, e.g. {@code 13.0}. */
    static String driverVersion() {
        int[] v = new int[1];
        NativeCalls.check(cudart.cudaDriverGetVersion(v), "cudaDriverGetVersion");
        return cudaVersionText(v[0]);
    }

    /** The CUDA runtime's version, e.g. {@code 13.1}. */
    static String runtimeVersion() {
        int[] v = new int[1];
        NativeCalls.check(cudart.cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
        return cudaVersionText(v[0]);
    }

    /**
     * Every visible device.
     *
     * @throws Trt4jException when CUDA cannot enumerate devices (e.g. a driver too old for CUDA 13)
     */
    static List<GpuDevice> list() {
        int[] count = new int[1];
        int status = cudart.cudaGetDeviceCount(count);
        if (status == cudart.cudaErrorNoDevice) {
            return List.of();
        }
        if (status == cudart.cudaErrorInsufficientDriver) {
            throw new MissingComponentException(MissingComponent.driverTooOld(runtimeVersion(), driverVersion()));
        }
        NativeCalls.check(status, "cudaGetDeviceCount");
        List<GpuDevice> gpus = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            try (cudaDeviceProp prop = new cudaDeviceProp()) {
                NativeCalls.check(cudart.cudaGetDeviceProperties(prop, i), "cudaGetDeviceProperties(" + i + ")");
                gpus.add(new GpuDevice(i, prop.name().getString().trim(), prop.major(), prop.minor(), prop.totalGlobalMem()));
            }
        }
        return gpus;
    }

    /**
     * The device engines are built and run on (CUDA device 0, made current).
     *
     * @throws Trt4jException when there is none
     */
    static GpuDevice current() {
        List<GpuDevice> gpus = list();
        if (gpus.isEmpty()) {
            throw new Trt4jException("NVIDIA GPU: no CUDA device found; run on a machine with an NVIDIA GPU of compute "
                    + "capability 7.5 (Turing) or newer");
        }
        NativeCalls.check(cudart.cudaSetDevice(0), "cudaSetDevice(0)");
        return gpus.get(0);
    }

    private static String cudaVersionText(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }
}
