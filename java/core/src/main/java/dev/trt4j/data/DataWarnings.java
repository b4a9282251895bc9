package dev.trt4j.data;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warnings about the data itself (files a folder holds but trt4j does not read, samples a fixed batch leaves out).
 * Within a {@link #onceEach()} scope each is given once: a comparison or a sensitivity analysis opens the same data
 * for every candidate, and ten copies of one line would bury the rest. Outside a scope (a service calibrating one
 * job after another, whose data may change under the same name) every one is given.
 */
public final class DataWarnings {
    /** The warnings given in the open scope; null outside one. */
    private static volatile Set<String> given;

    private DataWarnings() {
    }

    /**
     * Gives each warning about the data once until the returned scope is closed (the command line opens one per
     * command). A scope opened inside another changes nothing.
     */
    public static Scope onceEach() {
        synchronized (DataWarnings.class) {
            if (given != null) {
                return () -> { };
            }
            given = ConcurrentHashMap.newKeySet();
            return () -> {
                synchronized (DataWarnings.class) {
                    given = null;
                }
            };
        }
    }

    /** Logs {@code message} at WARN, unless the open scope already has. */
    static void warn(Logger log, String message) {
        Set<String> seen = given;
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
