package dev.trt4j.cli;

import picocli.CommandLine;

import java.util.Locale;

/** The one line a command prints when the JVM runs out of memory: which memory, its limit, and how to raise it. */
final class OutOfMemoryAdvice {
    private static final long MIB = 1024 * 1024;
    /** What lowers memory use where the command gives no {@link OutOfMemoryHint}. */
    static final String GENERAL_HINT = "smaller --batch where the command reads data";

    private OutOfMemoryAdvice() {
    }

    /** {@link #of(OutOfMemoryError, String)} with the {@link #GENERAL_HINT}. */
    static String of(OutOfMemoryError e) {
        return of(e, GENERAL_HINT);
    }

    /**
     * E.g. {@code out of Java heap memory (limit 6028 MiB); give Java more with TRT4J_JAVA_OPTS=-Xmx12g ...}.
     *
     * @param hint what lowers the command's heap use, ending the heap advice after "or"
     */
    static String of(OutOfMemoryError e, String hint) {
        String what = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (what.contains("direct buffer")) {
            return "out of direct (off-heap) memory for tensors; give Java more with "
                    + "TRT4J_JAVA_OPTS=-XX:MaxDirectMemorySize=8g (or smaller batches)";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            // JavaCPP's own limits on native memory, counted apart from the heap (its message names them)
            String m = String.valueOf(t.getMessage());
            if (m.contains("Physical memory usage is too high")) {
                return "native memory over JavaCPP's limit on the process's resident memory (" + m + "); lift it with "
                        + "TRT4J_JAVA_OPTS=-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";
            }
            if (m.contains("Failed to allocate memory within limits")) {
                return "native memory over JavaCPP's limit on its own allocations (" + m + "); raise it with "
                        + "TRT4J_JAVA_OPTS=-Dorg.bytedeco.javacpp.maxBytes=0 (no limit)";
            }
        }
        if (what.contains("array size")) {
            return "a single array of more than 2 GiB was needed, which Java cannot hold (a model, tensor or image "
                    + "too large; smaller batches may help)";
        }
        long limit = Runtime.getRuntime().maxMemory();
        String more = "-Xmx" + suggestedGib(limit) + "g";
        return "out of Java heap memory (limit " + limit / MIB + " MiB); give Java more with TRT4J_JAVA_OPTS=" + more
                + " (java " + more + " without the launcher; or " + hint + ")";
    }

    /** The hint of the command that was running, or the {@link #GENERAL_HINT}. */
    static String hintOf(CommandLine.ParseResult parsed) {
        String hint = GENERAL_HINT;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.commandSpec().userObject() instanceof OutOfMemoryHint h) {
                String own = h.outOfMemoryHint(); // the innermost command's: it is the one that ran
                hint = own != null ? own : GENERAL_HINT;
            }
        }
        return hint;
    }

    /**
     * Twice the limit that ran out, in whole GiB and at least 8: a fixed 8 GiB was below what a 6 GiB limit that ran
     * out needed.
     */
    static long suggestedGib(long limitBytes) {
        long twice = 2 * limitBytes;
        long gib = 1024 * MIB;
        return Math.max(8, (twice + gib - 1) / gib);
    }
}
