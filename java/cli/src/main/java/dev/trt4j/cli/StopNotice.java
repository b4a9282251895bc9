package dev.trt4j.cli;

import java.io.PrintWriter;

/**
 * The one line {@code trt4j: interrupted: …} of a command that Ctrl-C or SIGTERM stopped while it ran. The JVM runs
 * its shutdown hooks and halts: the command's own thread, still timing or computing, never reaches an error of its
 * own, so without this hook a stopped bench or calibrate exited 143 in silence. Where that thread does fail first
 * (a write the cleanup hooks cut short), its line is said instead; either way the stop is said once.
 */
final class StopNotice implements AutoCloseable {
    /** The notice of the command running now: the CLI runs one command per JVM, and tests run them one by one. */
    private static volatile StopNotice current;

    private final PrintWriter err;
    private final Thread hook;
    /** Whether nothing more is said: the stop was, or the command ended. */
    private boolean done;

    private StopNotice(PrintWriter err) {
        this.err = err;
        this.hook = new Thread(() -> say("trt4j: " + ExecutionErrorHandler.INTERRUPTED), "trt4j-stop-notice");
    }

    /**
     * Says a stop on the process's standard error from now until the command's own notice ({@link #watch}) takes
     * over: a Ctrl-C while the JVM loads the command line's classes was silent.
     */
    static void watchStartup() {
        watch(new PrintWriter(System.err, true));
    }

    /** Says a stop on {@code err} until {@link #close()}: call it as the command starts. */
    static StopNotice watch(PrintWriter err) {
        StopNotice earlier = current;
        if (earlier != null && earlier.err != err) {
            // the start-up notice hands over; closed first, so that a stop is never said twice
            earlier.close();
        }
        StopNotice notice = new StopNotice(err);
        try {
            Runtime.getRuntime().addShutdownHook(notice.hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped before the command began: its cleanup hooks refuse it too, with a line of their own
        }
        current = notice;
        return notice;
    }

    /**
     * Prints {@code line}, a command's own interruption, unless the stop was said already; outside a watched
     * command it is printed as it is.
     */
    static void sayInterrupted(PrintWriter err, String line) {
        StopNotice notice = current;
        if (notice != null && notice.err == err) {
            notice.say(line);
        } else {
            err.println(line);
        }
    }

    private synchronized void say(String line) {
        if (!done) {
            done = true;
            err.println(line);
            err.flush();
        }
    }

    /** Stops watching: the command ended, and the exit that follows stops nothing. */
    @Override
    public void close() {
        synchronized (this) {
            done = true;
        }
        if (current == this) {
            current = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway, and says nothing now
        }
    }
}
