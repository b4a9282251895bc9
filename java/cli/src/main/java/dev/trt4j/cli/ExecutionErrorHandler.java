package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns an exception thrown by a command into one line {@code trt4j: <message>} on stderr and an exit code: 2 for
 * an {@link InvalidOptionException} (the command line asks for something impossible, as picocli's own usage errors
 * do), 1 for everything else. User errors (bad files, bad data, impossible calibrations) show only their message;
 * anything else is a bug and is labelled as unexpected. Stack traces appear only with {@code --verbose}.
 */
final class ExecutionErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int FAILURE = 1;
    /** picocli's exit code for invalid input, which {@link UsageErrorHandler} returns too. */
    static final int USAGE = CommandLine.ExitCode.USAGE;
    /** What {@link Runtime#addShutdownHook} says once the JVM is stopping. */
    private static final String SHUTDOWN_IN_PROGRESS = "Shutdown in progress";
    static final String INTERRUPTED = "interrupted: stopped (Ctrl-C or a signal) before the command could finish";
    /** How every line about a stop begins, the library's ("interrupted: stopped while writing …") too. */
    private static final String INTERRUPTED_PREFIX = "interrupted: ";

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = verbose(parseResult);
        OutOfMemoryError oom = outOfMemory(ex);
        if (oom != null) {
            err.println("trt4j: " + OutOfMemoryAdvice.of(oom, OutOfMemoryAdvice.hintOf(parseResult))); // from a worker, wrapped
        } else if (stopping(ex)) {
            StopNotice.sayInterrupted(err, "trt4j: " + INTERRUPTED);
        } else if (isUserError(ex) && message(ex).startsWith(INTERRUPTED_PREFIX)) {
            // a write the cleanup hooks cut short: the stop notice may have said the stop already
            StopNotice.sayInterrupted(err, "trt4j: " + oneLine(message(ex)));
        } else if (isUserError(ex)) {
            err.println("trt4j: " + oneLine(message(ex)));
        } else {
            err.println("trt4j: unexpected error: " + oneLine(ex.toString())
                    + (verbose ? "" : " (run again with --verbose for the stack trace)"));
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ex instanceof InvalidOptionException ? USAGE : FAILURE;
    }

    /**
     * Whether {@code ex} comes from a library refusing work because the JVM is stopping (Ctrl-C, SIGTERM): the
     * runtime refuses a new shutdown hook with this message, and ONNX Runtime registers one as it starts, so a stop
     * during a run's first ONNX Runtime session read "cannot start ONNX Runtime: Shutdown in progress", as if ONNX
     * Runtime were broken.
     */
    static boolean stopping(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && SHUTDOWN_IN_PROGRESS.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static OutOfMemoryError outOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    private static boolean isUserError(Exception ex) {
        return ex instanceof Trt4jException || ex instanceof CalibrationException
                || ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException;
    }

    private static String message(Exception ex) {
        String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (ex instanceof UncheckedIOException u && u.getCause().getMessage() != null
                && !message.contains(u.getCause().getMessage())) {
            return message + ": " + u.getCause().getMessage(); // the I/O cause says what actually failed
        }
        return message;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** {@code message} on one line, its control characters escaped: a file name must not drive the terminal. */
    private static String oneLine(String message) {
        return ControlCharacters.escape(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
    }
}
