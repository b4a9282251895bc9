package dev.trt4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The probe used when {@code trt4j-native} is not on the class path: it reports which libraries exist as
 * files, cannot read versions or GPUs, and always lists the native module as missing.
 */
final class LibraryFileProbe implements GpuEnvironmentProbe {
    private final NativeLibraryLocator locator;

    /** A probe over the system's library folders. */
    public LibraryFileProbe() {
        this(NativeLibraryLocator.system());
    }

    /** A probe over the given locator. */
    public LibraryFileProbe(NativeLibraryLocator locator) {
        this.locator = locator;
    }

    @Override
    public String name() {
        return "library files (trt4j-native absent)";
    }

    @Override
    public GpuEnvironment probe() {
        List<MissingComponent> missing = new ArrayList<>();
        if (locator.find(NativeLibraryLocator.CUDA_DRIVER).isEmpty()) {
            missing.add(MissingComponent.cudaDriver(NativeLibraryLocator.CUDA_DRIVER));
        }
        missing.add(MissingComponent.nativeModule());
        List<String> notes = new ArrayList<>();
        for (String lib : List.of(NativeLibraryLocator.CUDA_DRIVER, NativeLibraryLocator.CUDA_RUNTIME,
                NativeLibraryLocator.TENSORRT, NativeLibraryLocator.ONNX_PARSER)) {
            notes.add(lib + ": " + locator.find(lib).map(p -> "found at " + p).orElse("not found"));
        }
        notes.add("versions and GPUs are read by trt4j-native only");
        return new GpuEnvironment(name(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), missing, notes);
    }
}
