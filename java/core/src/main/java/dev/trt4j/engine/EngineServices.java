package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds the native engine services with {@link ServiceLoader}, or says in one line how to get them. */
public final class EngineServices {
    private EngineServices() {
    }

    /**
     * The engine builder on the class path.
     *
     * @throws Trt4jException when none is (trt4j was built without {@code -Pgpu})
     */
    public static EngineBuilder engineBuilder() {
        return find(EngineBuilder.class).orElseThrow(EngineServices::missingBackend);
    }

    /**
     * The engine runtime on the class path.
     *
     * @throws Trt4jException when none is
     */
    public static EngineRuntime engineRuntime() {
        return find(EngineRuntime.class).orElseThrow(EngineServices::missingBackend);
    }

    /** The native GPU probe when present, else the file-based {@link LibraryFileProbe}. */
    public static GpuEnvironmentProbe gpuEnvironmentProbe() {
        try {
            return find(GpuEnvironmentProbe.class).orElseGet(LibraryFileProbe::new);
        } catch (Trt4jException e) {
            return new LibraryFileProbe();
        }
    }

    private static <T> Optional<T> find(Class<T> type) {
        try {
            return ServiceLoader.load(type, EngineServices.class.getClassLoader()).findFirst();
        } catch (ServiceConfigurationError | LinkageError e) {
            // the module is present but one of its Java dependencies is not (e.g. a hand-made class path)
            throw new Trt4jException("trt4j-native is on the class path but cannot be loaded (" + e.getMessage()
                    + "); build trt4j with -Pgpu (see native/README.md)", e);
        }
    }

    /**
     * The one line for a TensorRT command on a CLI built without trt4j-native: that, and the CUDA driver when it is
     * missing too.
     */
    public static Trt4jException missingBackend() {
        boolean noDriver = NativeLibraryLocator.system().find(NativeLibraryLocator.CUDA_DRIVER).isEmpty();
        return new Trt4jException(missingBackendLine(noDriver, ContainerEnvironment.system()));
    }

    /** The line of {@link #missingBackend()} where the CUDA driver is missing or not, in that environment. */
    static String missingBackendLine(boolean noDriver, ContainerEnvironment where) {
        String line = "no TensorRT backend: " + MissingComponent.nativeModule(where).line();
        // rebuilding with -Pgpu would only reveal the next missing piece: name the driver too when it is absent
        // (the CPU image's line already says to start the GPU image with GPU access)
        if (!noDriver || where.cpuImage()) {
            return line;
        }
        return line + "; this " + (where.inContainer() ? "container" : "machine") + " also lacks the CUDA driver ("
                + NativeLibraryLocator.CUDA_DRIVER + " not found; trt4j doctor says more)";
    }
}
