package dev.trt4j.tensorrt;

import java.util.Properties;

/**
 * Lifts JavaCPP's physical-memory limit before its {@code Pointer} class reads it. By default JavaCPP refuses a native
 * allocation once the process's resident memory exceeds four times {@code -Xmx}, and a process that loaded CUDA and
 * TensorRT and holds an engine's plan passes that on a small heap: the allocation then fails with an
 * {@link OutOfMemoryError} that reads like Java heap exhaustion although the heap is nearly empty. The operating
 * system's own limits still apply.
 */
final class JavaCppLimits {
    /** The property as JavaCPP documents it; it also reads the all-lower-case spelling. */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private JavaCppLimits() {
    }

    /**
     * Sets {@link #MAX_PHYSICAL_BYTES} to 0 (no limit) in {@code properties}, unless the user set it in either
     * spelling. Effective only before JavaCPP's {@code Pointer} class is initialised.
     *
     * @return whether it was set here
     */
    static boolean liftPhysicalLimit(Properties properties) {
        if (properties.getProperty(MAX_PHYSICAL_BYTES) != null
                || properties.getProperty("org.bytedeco.javacpp.maxphysicalbytes") != null) {
            return false;
        }
        properties.setProperty(MAX_PHYSICAL_BYTES, "0");
        return true;
    }
}
