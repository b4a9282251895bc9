package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where stdout and stderr go, and in which encoding. A file or a pipe gets UTF-8, what JSON must be and what the
 * files trt4j writes are: under {@code LANG=C} Java would otherwise write {@code ?} for every letter beyond ASCII
 * (a tensor name in {@code --json} output, a file name in an error). A terminal keeps the locale's encoding, which is
 * the one it displays, and gets ASCII for trt4j's own arrows and symbols where that encoding cannot show them
 * ({@link AsciiFallbacks}).
 */
final class StandardStreams {
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private StandardStreams() {
    }

    /**
     * Points {@code cl}'s writers, and {@link System#out}/{@link System#err} for logging, at UTF-8 where redirected,
     * and at writers that print ASCII for what the terminal's charset cannot show where a terminal.
     */
    static void useUtf8WhereRedirected(CommandLine cl) {
        if (!isTerminal(STDOUT)) {
            System.setOut(utf8(FileDescriptor.out));
            cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        } else {
            asciiWhereNeeded(TerminalCharsets.stdout(), FileDescriptor.out, System::setOut, cl::setOut);
        }
        if (!isTerminal(STDERR)) {
            System.setErr(utf8(FileDescriptor.err));
            cl.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        } else {
            asciiWhereNeeded(TerminalCharsets.stderr(), FileDescriptor.err, System::setErr, cl::setErr);
        }
    }

    /**
     * Where stdout or stderr is a terminal that cannot show every character ({@code LC_ALL=C}), has a model's names
     * escaped where they hold one it cannot show ({@link ControlCharacters#showOnly}), and JSON on such a stdout
     * printed as ASCII ({@link JsonOutput#asciiOnly}): Java would print {@code ?}, and {@link AsciiFallbacks} would
     * turn a name's {@code →} into {@code ->}, another name. One choice for both streams, stdout's where it shows
     * less, as a name is escaped before it is known which stream prints it; redirected streams alone change nothing.
     */
    static void escapeWhatTerminalsCannotShow() {
        Charset stdout = isTerminal(STDOUT) ? TerminalCharsets.showsLess(TerminalCharsets.stdout()) : null;
        Charset stderr = isTerminal(STDERR) ? TerminalCharsets.showsLess(TerminalCharsets.stderr()) : null;
        JsonOutput.asciiOnly(stdout != null);
        ControlCharacters.showOnly(stdout != null ? stdout : stderr);
    }

    /**
     * Hands a stream on {@code fd} (for logging) and a writer on it (for picocli) that print ASCII fallbacks, where the
     * terminal's {@code charsets} cannot show trt4j's symbols; else leaves both as Java made them. Both write UTF-8 to
     * one {@link AsciiFallbacks#lines} stream, which encodes each line in the terminal's charset.
     */
    private static void asciiWhereNeeded(List<Charset> charsets, FileDescriptor fd, Consumer<PrintStream> system,
            Consumer<PrintWriter> picocli) {
        AsciiFallbacks ascii = AsciiFallbacks.of(charsets);
        if (ascii.needed()) {
            OutputStream lines = ascii.lines(new FileOutputStream(fd), TerminalCharsets.encoding(charsets));
            system.accept(new PrintStream(lines, true, StandardCharsets.UTF_8));
            picocli.accept(new PrintWriter(new OutputStreamWriter(lines, StandardCharsets.UTF_8), true));
        }
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 1 << 16), true,
                StandardCharsets.UTF_8);
    }

    /** Whether stderr is a terminal. */
    static boolean stderrIsTerminal() {
        return isTerminal(STDERR);
    }

    /**
     * Whether descriptor {@code fd} is a terminal. Java 17 cannot ask directly: on Linux the descriptor's link says, so
     * stdout redirected ({@code > result.txt}, {@code | tee}) is told from stderr left on the terminal. Elsewhere
     * {@link System#console()} answers, which needs stdin and stdout on a terminal.
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
