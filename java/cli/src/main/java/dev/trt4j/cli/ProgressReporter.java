package dev.trt4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A progress bar on stderr for long steps, shown only when stderr is a terminal; in pipes, CI logs, redirected stderr
 * and tests it stays silent so output stays clean. Its look follows the terminal: see {@link #style(Map, List)}.
 * Close it when the step ends. Not thread-safe.
 */
public final class ProgressReporter implements AutoCloseable {
    /** What the block bars draw beyond ASCII: the frame, the full block and the eighths of one. */
    static final String BLOCK_CHARACTERS = "\u2502\u2588\u258F\u258E\u258D\u258C\u258B\u258A\u2589";
    /** The library leaves the terminal's last column free, so that a full line does not wrap; so do these bars. */
    private static final int RIGHT_MARGIN = 1;

    private final ProgressBar bar;
    private boolean closed;

    ProgressReporter(String task, long total, ProgressBarConsumer consumer, ProgressBarStyle style) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(style).clearDisplayOnFinish();
        if (consumer != null) {
            builder.setConsumer(consumer);
        }
        this.bar = builder.build();
    }

    /** {@link #style(Map, List)} for a terminal whose charsets can show the block characters. */
    static ProgressBarStyle style(Map<String, String> environment) {
        return style(environment, List.of());
    }

    /**
     * The bar's look for a terminal described by {@code environment} whose text passes through {@code charsets}:
     * plain ASCII on a dumb terminal or where a charset cannot encode the block characters ({@code LC_ALL=C}: they
     * would show as {@code ???}), no colour where {@code NO_COLOR} is set to anything (no-color.org, which picocli's
     * help follows too), else colour.
     */
    static ProgressBarStyle style(Map<String, String> environment, List<Charset> charsets) {
        if (TerminalEnvironment.isDumb(environment) || !TerminalCharsets.canShow(charsets, BLOCK_CHARACTERS)) {
            return ProgressBarStyle.ASCII;
        }
        return TerminalEnvironment.noColor(environment) ? ProgressBarStyle.UNICODE_BLOCK
                : ProgressBarStyle.COLORFUL_UNICODE_BLOCK;
    }

    /**
     * A consumer that draws on {@code out} in {@code width} columns (one left free, as the library leaves it): for a
     * dumb terminal, whose width the library cannot learn, so that the bar does not wrap at every update.
     */
    static ProgressBarConsumer inColumns(PrintStream out, int width) {
        return new ConsoleProgressBarConsumer(out, width - RIGHT_MARGIN);
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
        if (!stderrIsTerminal()) {
            return silent();
        }
        Map<String, String> environment = System.getenv();
        ProgressBarConsumer consumer = null; // the library's, which learns the width from the terminal
        if (TerminalEnvironment.isDumb(environment)) {
            OptionalInt width = TerminalWidth.ofStderr();
            if (width.isPresent()) {
                // on stderr as the library's own consumer draws: in the default charset, not closed with the bar
                consumer = inColumns(new PrintStream(new FileOutputStream(FileDescriptor.err)), width.getAsInt());
            }
        }
        return new ProgressReporter(task, total, consumer, style(environment, TerminalCharsets.stderr()));
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

    /** Whether {@link #close} was called (the library tells its consumer only once the bar has drawn once). */
    boolean isClosed() {
        return closed;
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
