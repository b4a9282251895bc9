package dev.trt4j.data;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warnings about the data itself (files a folder holds but trt4j does not read, samples a fixed batch leaves out),
 * given once per JVM: a comparison or a sensitivity analysis opens the same data for every candidate, and ten
 * copies of one line would bury the rest.
 */
final class DataWarnings {
    /** Bounds the memory a long-running service spends on remembering; past it, warnings repeat again. */
    private static final int REMEMBERED = 10_000;
    private static final Set<String> GIVEN = ConcurrentHashMap.newKeySet();

    private DataWarnings() {
    }

    /** Logs {@code message} at WARN unless this JVM already has. */
    static void warnOnce(Logger log, String message) {
        if (GIVEN.size() >= REMEMBERED || GIVEN.add(message)) {
            log.warn("{}", message);
        }
    }
}
