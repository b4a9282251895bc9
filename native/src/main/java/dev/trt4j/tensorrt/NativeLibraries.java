package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.GpuDevice;
import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;
import dev.trt4j.engine.TensorRtVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads the native libraries once per JVM, in an order that fails safely: first the CUDA driver is looked for
 * as a file (never loaded to find out), then JavaCPP loads the CUDA runtime, TensorRT and the ONNX parser,
 * each inside a catch of the linkage errors a missing library raises. The outcome is cached; every GPU path
 * starts with {@link #require()}. Lifts JavaCPP's physical-memory limit first ({@link JavaCppLimits}).
 */
final class NativeLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);
    /** The TensorRT line the JavaCPP presets were generated from; other minors have other vtables. */
    static final int PRESET_MAJOR = 10;
    static final int PRESET_MINOR = 15;

    /** What loading found: which steps succeeded, what is missing, and TensorRT's version when loaded. */
    record LoadReport(boolean driverFound, boolean cudaRuntimeLoaded, boolean tensorRtLoaded, boolean onnxParserLoaded,
            Optional<TensorRtVersion> tensorRtVersion, List<MissingComponent> missing) {
        Availability availability() {
            return missing.isEmpty() ? Availability.yes() : Availability.no(missing.get(0).line());
        }
    }

    private static LoadReport report;

    private NativeLibraries() {
    }

    /** Loads (once) and reports. Never throws. */
    static synchronized LoadReport load() {
        if (report == null) {
            // before any JavaCPP Pointer exists: its limits are read once, when that class is initialised
            if (JavaCppLimits.liftPhysicalLimit(System.getProperties())) {
                LOG.debug("set {}=0: JavaCPP counts CUDA's and TensorRT's resident memory against 4 x -Xmx",
                        JavaCppLimits.MAX_PHYSICAL_BYTES);
            }
            report = load(NativeLibraryLocator.system());
            report.missing().forEach(m -> LOG.debug("native check: {}", m.line()));
        }
        return report;
    }

    /** Whether the libraries are usable, with the first missing piece as the reason. */
    static Availability availability() {
        return load().availability();
    }

    /**
     * Ensures the libraries are loaded.
     *
     * @throws Trt4jException naming the first missing library and how to get it
     */
    static void require() {
        availability().orThrow();
    }

    /** The loaded TensorRT's version. */
    static TensorRtVersion tensorRtVersion() {
        require();
        return load().tensorRtVersion().orElseThrow();
    }

    /**
     * What is missing to build engines for {@code gpu}: TensorRT's kernel library for its architecture, looked for
     * where the dynamic linker would look and among the libraries JavaCPP already loaded (the PTX one comes so).
     */
    static Optional<MissingComponent> builderKernels(GpuDevice gpu) {
        List<Path> loadedFrom = org.bytedeco.javacpp.Loader.getLoadedLibraries().values().stream()
                .filter(Objects::nonNull).map(Path::of).map(Path::getParent).filter(Objects::nonNull).distinct()
                .toList();
        return BuilderKernels.check(NativeLibraryLocator.system().alsoIn(loadedFrom), tensorRtVersion(), gpu);
    }

    static LoadReport load(NativeLibraryLocator locator) {
        List<MissingComponent> missing = new ArrayList<>();
        Optional<MissingComponent> driver = findDriver(locator);
        if (driver.isPresent()) {
            // Without the driver the CUDA JNI glue cannot even be linked; stop before JavaCPP tries.
            missing.add(driver.get());
            return new LoadReport(false, false, false, false, Optional.empty(), missing);
        }
        boolean cudart = loadPreset("CUDA runtime", "org.bytedeco.cuda.global.cudart", missing);
        boolean nvinfer = cudart && loadPreset("TensorRT", "org.bytedeco.tensorrt.global.nvinfer", missing);
        boolean parser = nvinfer && loadPreset("TensorRT ONNX parser", "org.bytedeco.tensorrt.global.nvonnxparser", missing);
        Optional<TensorRtVersion> version = Optional.empty();
        if (nvinfer) {
            version = Optional.of(TensorRtVersion.fromCode(NativeCalls.inferLibVersion()));
            TensorRtVersion v = version.get();
            if (v.major() != PRESET_MAJOR || v.minor() != PRESET_MINOR) {
                missing.add(new MissingComponent("TensorRT " + PRESET_MAJOR + "." + PRESET_MINOR, "found TensorRT " + v
                        + ", but trt4j-native is built against the " + PRESET_MAJOR + "." + PRESET_MINOR + " presets",
                        "build trt4j with -Pgpu (bundles TensorRT 10.15) or put TensorRT 10.15 first on LD_LIBRARY_PATH"));
            }
        }
        return new LoadReport(true, cudart, nvinfer, parser, version, missing);
    }

    private static Optional<MissingComponent> findDriver(NativeLibraryLocator locator) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return Optional.of(new MissingComponent("CUDA driver", "CUDA does not exist on macOS",
                    "run trt4j's GPU commands on Linux or Windows with an NVIDIA GPU"));
        }
        if (os.contains("win")) {
            String windir = System.getenv().getOrDefault("SystemRoot", "C:\\Windows");
            boolean found = new NativeLibraryLocator(List.of(Path.of(windir, "System32")), Optional.empty())
                    .find("nvcuda.dll").isPresent();
            return found ? Optional.empty() : Optional.of(MissingComponent.cudaDriver("nvcuda.dll"));
        }
        Optional<Path> lib = locator.find(NativeLibraryLocator.CUDA_DRIVER);
        lib.ifPresent(p -> LOG.debug("CUDA driver library at {}", p));
        return lib.isPresent() ? Optional.empty() : Optional.of(MissingComponent.cudaDriver(NativeLibraryLocator.CUDA_DRIVER));
    }

    private static boolean loadPreset(String what, String globalClass, List<MissingComponent> missing) {
        try {
            Class<?> cls = Class.forName(globalClass, false, NativeLibraries.class.getClassLoader());
            String path = org.bytedeco.javacpp.Loader.load(cls);
            LOG.debug("loaded {} from {}", what, path);
            return true;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError | ClassNotFoundException
                | SecurityException e) {
            missing.add(LinkErrorDiagnosis.diagnose(what, e));
            LOG.debug("cannot load {}", what, e);
            return false;
        }
    }
}
