package dev.trt4j.data;

import org.slf4j.Logger;

import java.util.HashSet;
import java.util.Set;

/**
 * Warnings about the data itself (files a folder holds but trt4j does not read, samples a fixed batch leaves out).
 * Within a {@link #onceEach()} scope, on its thread, each is given once: a comparison or a sensitivity analysis opens the same data
 * for every candidate, and ten copies of one line would bury the rest. Outside a scope (a service calibrating one
 * job after another, whose data may change under the same name) every one is given.
 */
public final class DataWarnings {
    /** The warnings given in this thread's open scope; null outside one. Per thread: a service's jobs run side by side. */
    private static final ThreadLocal<Set<String>> GIVEN = new ThreadLocal<>();

    private DataWarnings() {
    }

    /**
     * Gives each warning about the data once, on this thread, until the returned scope is closed (the command line
     * opens one per command). A scope opened inside another on the same thread changes nothing; other threads, such
     * as another job's, keep their own.
     */
    public static Scope onceEach() {
        if (GIVEN.get() != null) {
            return () -> { };
        }
        GIVEN.set(new HashSet<>());
        return GIVEN::remove;
    }

    /** Logs {@code message} at WARN, unless this thread's open scope already has. */
    public static void warn(Logger log, String message) {
        Set<String> seen = GIVEN.get();
        if (seen == null || seen.add(message)) {
            log.warn("{}", message);
        }
    }

    /** Ends a {@link #onceEach()} scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
