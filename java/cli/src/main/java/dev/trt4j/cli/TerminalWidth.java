package dev.trt4j.cli;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * The width of the terminal stderr is on, asked as the progress bar library asks it (jline) but whatever {@code TERM}
 * says: under {@code TERM=dumb} jline makes a terminal that knows no size, and the library then draws 80 columns,
 * which wrap into a new line at every update on a narrower terminal.
 */
final class TerminalWidth {
    /** Narrower than this, a reported width is taken as unknown (jline reports 0 when it cannot tell). */
    private static final int MIN_WIDTH = 10;

    private TerminalWidth() {
    }

    /** The columns of stderr's terminal, if it is one and says. */
    static OptionalInt ofStderr() {
        // a type other than "dumb" makes jline ask the terminal its size; no native signal handlers, as the terminal
        // is closed at once (they would replace the JVM's handling of Ctrl-C meanwhile); dumb(true) falls back
        // quietly where there is no terminal
        try (Terminal terminal = TerminalBuilder.builder().system(true).type("ansi")
                .systemOutput(TerminalBuilder.SystemOutput.SysErr).nativeSignals(false).dumb(true).build()) {
            int width = terminal.getWidth();
            return width >= MIN_WIDTH ? OptionalInt.of(width) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty(); // the library's own width then
        }
    }
}
