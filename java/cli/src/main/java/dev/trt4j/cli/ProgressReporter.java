package dev.trt4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * A progress bar on stderr for long steps, shown only when trt4j runs on an interactive terminal
 * ({@link System#console()} is not null); in pipes, CI logs and tests it stays silent so output stays clean.
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
        return System.console() != null ? new ProgressReporter(task, total, null) : silent();
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
