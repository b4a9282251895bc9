package dev.trt4j.io;

import dev.trt4j.Trt4jException;

/**
 * The JVM shutdown hooks that remove temporary files when trt4j is stopped (SIGINT, SIGTERM). A hook registered once
 * the JVM is already shutting down (Ctrl-C a moment earlier) is refused by the runtime with an
 * {@link IllegalStateException}, which would read as a trt4j bug: here it is the interruption it is.
 */
final class ShutdownCleanup {
    /** Set by the first cleanup hook that runs: the main thread goes on until the JVM halts, and must stage no more. */
    private static volatile boolean stopping;

    private ShutdownCleanup() {
    }

    /** A hook that runs {@code cleanUp} once the JVM is stopped, after marking the process as {@link #stopping}. */
    static Thread hook(Runnable cleanUp, String name) {
        return new Thread(() -> {
            stopping = true;
            cleanUp.run();
        }, name);
    }

    /** Sets {@link #stopping()}; for tests, which cannot stop their own JVM to see what a stop does. */
    static void stopping(boolean value) {
        stopping = value;
    }

    /** Whether a cleanup hook has started: files staged now would be left behind. */
    static boolean stopping() {
        return stopping;
    }

    /** The error of a write the stop cut short. */
    static Trt4jException interrupted() {
        return new Trt4jException("interrupted: stopped while writing its output, which is left as it was");
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
            throw interrupted();
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
