package dev.trt4j.tensorrt;

import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;
import dev.trt4j.engine.TensorRtVersion;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TensorRT's builder kernels. From TensorRT 10.15 on the builder loads them, when it builds, from a library per
 * GPU architecture, {@code libnvinfer_builder_resource_sm<SM>.so.<version>}, falling back to the PTX library
 * for architectures without one of their own. JavaCPP's {@code tensorrt} {@code -redist} jar ships only the PTX
 * library, so on most GPUs it loads and runs engines but cannot build them (seen on an H200: every build failed
 * with "Unable to load library: libnvinfer_builder_resource_sm90.so.10.15.1", and the PTX library renamed to
 * that name fails TensorRT's validation). These checks say so before a build starts, and explain the error
 * when TensorRT reports it anyway. Only the TensorRT backend asks (its probe and its build), so it lives beside them.
 */
final class BuilderKernels {
    /** Architectures with their own library, as TensorRT 10.15 and 10.16 install them. */
    static final Set<Integer> OWN_LIBRARY = Set.of(75, 80, 86, 89, 90, 100, 110, 120);
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("Unable to load library: (libnvinfer_builder_resource_\\w+\\.so[.\\d]*)");

    private BuilderKernels() {
    }

    /**
     * The library TensorRT {@code version} loads to build for {@code gpu}: its architecture's own, or the PTX one
     * for architectures without one.
     */
    static String libraryFor(TensorRtVersion version, GpuDevice gpu) {
        int sm = gpu.ccMajor() * 10 + gpu.ccMinor();
        String arch = OWN_LIBRARY.contains(sm) ? "sm" + sm : "ptx";
        return "libnvinfer_builder_resource_" + arch + ".so." + version;
    }

    /** What is missing to build for {@code gpu} with {@code version}, if its kernel library cannot be found. */
    static Optional<MissingComponent> check(NativeLibraryLocator locator, TensorRtVersion version, GpuDevice gpu) {
        String library = libraryFor(version, gpu);
        if (locator.find(library).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(MissingComponent.builderKernels(library, gpu));
    }

    /**
     * The one-line explanation of a TensorRT build error that names a builder kernel library it could not load,
     * or empty for any other error.
     */
    static Optional<String> explain(String tensorRtError, GpuDevice gpu) {
        Matcher m = MISSING_LIBRARY.matcher(tensorRtError);
        return m.find() ? Optional.of(MissingComponent.builderKernels(m.group(1), gpu).line()) : Optional.empty();
    }
}
