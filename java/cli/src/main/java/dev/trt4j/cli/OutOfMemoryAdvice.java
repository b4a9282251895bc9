package dev.trt4j.cli;

import java.util.Locale;

/** The one line a command prints when the JVM runs out of memory: which memory, its limit, and how to raise it. */
final class OutOfMemoryAdvice {
    private static final long MIB = 1024 * 1024;

    private OutOfMemoryAdvice() {
    }

    /** E.g. {@code out of Java heap memory (limit 512 MiB); give Java more with TRT4J_JAVA_OPTS=-Xmx8g}. */
    static String of(OutOfMemoryError e) {
        String what = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (what.contains("direct buffer")) {
            return "out of direct (off-heap) memory for tensors; give Java more with "
                    + "TRT4J_JAVA_OPTS=-XX:MaxDirectMemorySize=8g (or smaller batches)";
        }
        if (what.contains("array size")) {
            return "a single array of more than 2 GiB was needed, which Java cannot hold (a model, tensor or image "
                    + "too large; smaller batches may help)";
        }
        return "out of Java heap memory (limit " + Runtime.getRuntime().maxMemory() / MIB + " MiB); give Java more "
                + "with TRT4J_JAVA_OPTS=-Xmx8g (or smaller batches)";
    }
}
