package dev.trt4j.io;

import dev.trt4j.Trt4jException;

/**
 * The JVM shutdown hooks that remove temporary files when trt4j is stopped (SIGINT, SIGTERM). A hook registered once
 * the JVM is already shutting down (Ctrl-C a moment earlier) is refused by the runtime with an
 * {@link IllegalStateException}, which would read as a trt4j bug: here it is the interruption it is.
 */
final class ShutdownCleanup {
    private ShutdownCleanup() {
    }

    /**
     * Runs {@code hook} when the JVM is stopped.
     *
     * @throws Trt4jException "interrupted" when the JVM is shutting down already
     */
    static void register(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            throw new Trt4jException("interrupted: stopped while writing its output, which is left as it was");
        }
    }

    /** Forgets {@code hook}; while the JVM shuts down it runs (or ran) anyway. */
    static void unregister(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
    }
}
