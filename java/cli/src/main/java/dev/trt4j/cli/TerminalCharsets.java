package dev.trt4j.cli;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The charsets text on a terminal's stdout or stderr passes through, and whether they can show given characters.
 * Java 17 encodes in the locale's charset, which is ASCII under {@code LC_ALL=C}, and writes {@code ?} for what it
 * cannot encode; the progress bar's block characters and {@link AsciiFallbacks} ask here, so both follow one rule.
 */
final class TerminalCharsets {
    private TerminalCharsets() {
    }

    /** The charsets of stdout on a terminal: see {@link #of(String)}. */
    static List<Charset> stdout() {
        return of("sun.stdout.encoding");
    }

    /** The charsets of stderr on a terminal: see {@link #of(String)}. */
    static List<Charset> stderr() {
        return of("sun.stderr.encoding");
    }

    /**
     * The JVM's default charset, in which a stream made without one encodes, and the terminal's, which Java 17 sets as
     * {@code property} (and picocli's help writes in) when the stream is a terminal; ASCII for a name Java does not
     * know, which is safe.
     */
    private static List<Charset> of(String property) {
        List<Charset> charsets = new ArrayList<>(List.of(Charset.defaultCharset()));
        String terminal = System.getProperty(property);
        if (terminal != null) {
            try {
                charsets.add(Charset.forName(terminal));
            } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
                charsets.add(StandardCharsets.US_ASCII);
            }
        }
        return charsets;
    }

    /** The charset a stream's text is encoded in: the terminal's where Java names one, else the default. */
    static Charset encoding(List<Charset> charsets) {
        return charsets.get(charsets.size() - 1);
    }

    /**
     * The charset a stream's text is shown in where it cannot show all of Unicode ({@link #encoding}, ASCII under
     * {@code LC_ALL=C}), else null: what {@link dev.trt4j.ControlCharacters#showOnly} is told, so that a model's
     * names are escaped where they could not be shown.
     */
    static Charset showsLess(List<Charset> charsets) {
        Charset encoding = encoding(charsets);
        return encoding.contains(StandardCharsets.UTF_8) ? null : encoding;
    }

    /** Whether every one of {@code charsets} can encode {@code characters}. */
    static boolean canShow(List<Charset> charsets, CharSequence characters) {
        return charsets.stream().allMatch(c -> c.newEncoder().canEncode(characters));
    }
}
