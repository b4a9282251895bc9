package dev.trt4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Map;

/**
 * A progress bar on stderr for long steps, shown only when trt4j runs on an interactive terminal
 * ({@link System#console()} is not null) and stderr goes to it; in pipes, CI logs, redirected stderr and tests it
 * stays silent so output stays clean.
 * Close it when the step ends. Not thread-safe.
 */
public final class ProgressReporter implements AutoCloseable {
    private final ProgressBar bar;
    private boolean closed;

    ProgressReporter(String task, long total, ProgressBarConsumer consumer) {
        this(task, total, consumer, style(System.getenv()));
    }

    ProgressReporter(String task, long total, ProgressBarConsumer consumer, ProgressBarStyle style) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(style).clearDisplayOnFinish();
        if (consumer != null) {
            builder.setConsumer(consumer);
        }
        this.bar = builder.build();
    }

    /**
     * The bar's look for a terminal described by {@code environment}: plain ASCII on a dumb terminal, no colour
     * where {@code NO_COLOR} is set to anything (no-color.org, which picocli's help follows too), else colour.
     */
    static ProgressBarStyle style(Map<String, String> environment) {
        if ("dumb".equals(environment.get("TERM"))) {
            return ProgressBarStyle.ASCII;
        }
        String noColor = environment.get("NO_COLOR");
        return noColor != null && !noColor.isEmpty() ? ProgressBarStyle.UNICODE_BLOCK
                : ProgressBarStyle.COLORFUL_UNICODE_BLOCK;
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

    /** Whether stderr, where the bar is drawn, is a terminal. */
    static boolean stderrIsTerminal() {
        return StandardStreams.stderrIsTerminal();
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

    /** Removes the bar; idempotent (the library's own close draws a closed bar once more). */
    @Override
    public void close() {
        if (bar != null && !closed) {
            closed = true;
            bar.close();
        }
    }
}
