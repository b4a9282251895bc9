package dev.trt4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A progress bar on stderr for long steps, shown only when trt4j runs on an interactive terminal
 * ({@link System#console()} is not null) and stderr goes to it; in pipes, CI logs, redirected stderr and tests it
 * stays silent so output stays clean.
 * Close it when the step ends. Not thread-safe.
 */
public final class ProgressReporter implements AutoCloseable {
    private final ProgressBar bar;

    ProgressReporter(String task, long total, ProgressBarConsumer consumer) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .clearDisplayOnFinish();
        if (consumer != null) {
            builder.setConsumer(consumer);
        }
        this.bar = builder.build();
    }

    private ProgressReporter() {
        this.bar = null;
    }

    /**
     * Starts reporting a step of {@code total} units (files, batches, samples).
     *
     * @param task short label shown before the bar, e.g. {@code "Collecting"}
     */
    public static ProgressReporter start(String task, long total) {
        return stderrIsTerminal() ? new ProgressReporter(task, total, null) : silent();
    }

    /**
     * Whether stderr, where the bar is drawn, is a terminal. Java 17 cannot ask directly: on Linux the descriptor's
     * link says, so a bar still shows with stdout redirected ({@code > result.txt}, {@code | tee}) and not with
     * {@code 2>run.log}. Elsewhere {@link System#console()} answers, which also needs stdin and stdout on a terminal.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** A reporter that shows nothing. */
    public static ProgressReporter silent() {
        return new ProgressReporter();
    }

    /** Whether a bar is being shown. */
    public boolean isShowing() {
        return bar != null;
    }

    /** Advances by one unit. */
    public void step() {
        stepBy(1);
    }

    /** Advances by {@code units}. */
    public void stepBy(long units) {
        if (bar != null) {
            bar.stepBy(units);
        }
    }

    /** Moves to {@code done} units of {@code total} (a total of 0 or less keeps the current maximum). */
    public void update(long done, long total) {
        if (bar != null) {
            if (total > 0 && total != bar.getMax()) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
        }
    }

    /** Removes the bar; idempotent. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
