package dev.trt4j.tensorrt;

import dev.trt4j.engine.MissingComponent;
import dev.trt4j.engine.NativeLibraryLocator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the message of a failed native load into the missing component and its remedy. JavaCPP and the
 * dynamic linker say either {@code no NAME in java.library.path} or {@code libNAME.so.N: cannot open shared
 * object file}; the name says which piece is missing.
 */
final class LinkErrorDiagnosis {
    private static final Pattern SONAME = Pattern.compile("(lib[A-Za-z0-9_+-]+\\.so(?:\\.\\d+)*)");
    /** The dynamic linker names the library it tried to load first, then the dependency it could not open. */
    private static final Pattern CANNOT_OPEN = Pattern.compile("(lib[A-Za-z0-9_+-]+\\.so(?:\\.\\d+)*): cannot open shared object");
    private static final Pattern JAVACPP = Pattern.compile("no ([A-Za-z0-9_+-]+) in java\\.library\\.path");
    /**
     * A file the linker found but could not load: an empty or truncated copy, or one built for another machine, first
     * on the library path. Its path comes before the reason.
     */
    private static final Pattern UNLOADABLE = Pattern.compile("((?:/[^\\s:]*/)?(lib[A-Za-z0-9_+-]+\\.so(?:\\.\\d+)*)): "
            + "(file too short|invalid ELF header|wrong ELF class: \\w+|ELF file's phentsize not the expected size"
            + "|cannot read file data[^\\n]*)");

    private LinkErrorDiagnosis() {
    }

    /**
     * The missing component a load error points at; {@code what} names what was being loaded. The causes are read
     * too: JavaCPP reports {@code no jninvinfer in java.library.path} when its JNI library is there but a library it
     * links to is not, and only the cause names that one.
     */
    static MissingComponent diagnose(String what, Throwable error) {
        String message = String.valueOf(error.getMessage());
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            Matcher open = CANNOT_OPEN.matcher(String.valueOf(t.getMessage()));
            if (open.find()) {
                return forLibrary(open.group(1), baseName(open.group(1)));
            }
            Matcher unloadable = UNLOADABLE.matcher(String.valueOf(t.getMessage()));
            if (unloadable.find()) {
                MissingComponent kind = forLibrary(unloadable.group(2), baseName(unloadable.group(2)));
                // not missing: a broken copy shadows the good one, and installing again would not remove it
                return new MissingComponent(kind.component(), unloadable.group(1) + " cannot be loaded ("
                        + unloadable.group(3) + ")", "remove or replace that file: the first "
                        + unloadable.group(2) + " on the library path (LD_LIBRARY_PATH, then the system's) must be a "
                        + "working 64-bit Linux library");
            }
        }
        Matcher so = SONAME.matcher(message);
        if (so.find()) {
            return forLibrary(so.group(1), baseName(so.group(1)));
        }
        Matcher jc = JAVACPP.matcher(message);
        if (jc.find()) {
            String name = jc.group(1);
            return forLibrary(name, name);
        }
        return new MissingComponent(what, "cannot be loaded (" + error.getClass().getSimpleName() + ": " + firstLine(message)
                + ")", "build trt4j with -Pgpu, or install TensorRT 10.15 and CUDA 13 and put them on LD_LIBRARY_PATH");
    }

    private static MissingComponent forLibrary(String shown, String base) {
        if (base.startsWith("jni")) {
            return MissingComponent.jniBindings(shown);
        }
        if (base.equals("cuda")) {
            return MissingComponent.cudaDriver(shown.startsWith("lib") ? shown : NativeLibraryLocator.CUDA_DRIVER);
        }
        if (base.equals("cudart")) {
            return MissingComponent.cudaRuntime(shown);
        }
        if (base.startsWith("nvonnxparser")) {
            return MissingComponent.onnxParser(shown);
        }
        if (base.startsWith("nvinfer")) {
            return MissingComponent.tensorRt(shown);
        }
        if (base.startsWith("cublas") || base.startsWith("cudnn") || base.startsWith("nvrtc") || base.startsWith("nvJitLink")) {
            return new MissingComponent("CUDA library " + base, shown + " not found",
                    "build trt4j with -Pgpu (bundles CUDA 13.1 with cuBLAS and cuDNN) or install them");
        }
        return new MissingComponent("native library " + base, shown + " not found",
                "build trt4j with -Pgpu, or install TensorRT 10.15 and CUDA 13 and put them on LD_LIBRARY_PATH");
    }

    private static String baseName(String soname) {
        String s = soname.substring(3);
        int dot = s.indexOf(".so");
        return dot < 0 ? s : s.substring(0, dot);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
