package dev.trt4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ASCII for the few characters beyond ASCII that trt4j's own messages use ({@code →}, {@code ∞}, {@code …},
 * {@code ×}, ...), where the charsets of a terminal cannot show them: under {@code LC_ALL=C} Java 17 encodes stdout
 * and stderr as ASCII and printed {@code ?} for each, so {@code Quantized m.onnx with t.json → q.onnx} lost its arrow
 * and an SNR of {@code ∞} read {@code ?}. Where a charset can show a character it is left alone. A model's names
 * never reach here with such a character: on such a terminal they are escaped first ({@code x\\u2192in}, see
 * {@link StandardStreams#escapeWhatTerminalsCannotShow}), as {@code x->in} would read as another name.
 */
final class AsciiFallbacks {
    private static final Map<Character, String> ASCII = new LinkedHashMap<>();

    static {
        ASCII.put('\u2192', "->"); // →
        ASCII.put('\u221E', "inf"); // ∞
        ASCII.put('\u2026', "..."); // …
        ASCII.put('\u00D7', "x"); // ×
        ASCII.put('\u00B7', "*"); // ·, as in (i + 0.5)·width
        ASCII.put('\u2014', "-"); // —
        ASCII.put('\u2013', "-"); // –
        ASCII.put('\u00B1', "+/-"); // ±
        ASCII.put('\u00B0', " degrees"); // °, as in turned 180°
        ASCII.put('\u00B5', "u"); // µ, as in 100 µs
    }

    /** The characters of {@link #ASCII} the charsets cannot show, with their ASCII. */
    private final Map<Character, String> replaced = new LinkedHashMap<>();

    private AsciiFallbacks(List<Charset> charsets) {
        ASCII.forEach((c, ascii) -> {
            if (!TerminalCharsets.canShow(charsets, String.valueOf(c))) {
                replaced.put(c, ascii);
            }
        });
    }

    /** The fallbacks for text that passes through {@code charsets}. */
    static AsciiFallbacks of(List<Charset> charsets) {
        return new AsciiFallbacks(charsets);
    }

    /** Whether some character needs its ASCII: where none does, streams are left as they are. */
    boolean needed() {
        return !replaced.isEmpty();
    }

    /**
     * {@code text} with each character the charsets cannot show replaced by its ASCII. A replacement longer than its
     * character takes the extra columns from padding, so that a table's columns stay aligned: from the spaces right
     * before it ({@code "        ∞"} becomes {@code "      inf"}), else from the next run of them on its line (a
     * name cut with {@code …} in a padded column); a run is padding where more spaces than needed are left, so
     * {@code "a → b"} takes none.
     */
    String apply(String text) {
        if (replaced.isEmpty() || text.chars().noneMatch(c -> replaced.containsKey((char) c))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        for (int i = 0; i < out.length(); i++) {
            String ascii = replaced.get(out.charAt(i));
            if (ascii == null) {
                continue;
            }
            out.replace(i, i + 1, ascii);
            int extra = ascii.length() - 1;
            if (extra > 0) {
                int before = 0;
                while (i - before - 1 >= 0 && out.charAt(i - before - 1) == ' ') {
                    before++;
                }
                if (before > extra) {
                    out.delete(i - extra, i);
                    i -= extra;
                } else {
                    int run = paddingAfter(out, i + ascii.length(), extra);
                    if (run >= 0) {
                        out.delete(run, run + extra);
                    }
                }
            }
            i += ascii.length() - 1;
        }
        return out.toString();
    }

    /** Where the first run of more than {@code extra} spaces starts on the line from {@code from}, or -1. */
    private static int paddingAfter(StringBuilder out, int from, int extra) {
        int runStart = -1;
        for (int j = from; j < out.length() && out.charAt(j) != '\n'; j++) {
            if (out.charAt(j) != ' ') {
                runStart = -1;
                continue;
            }
            if (runStart < 0) {
                runStart = j;
            }
            if (j - runStart + 1 > extra) {
                return runStart;
            }
        }
        return -1;
    }

    /**
     * A stream that takes UTF-8 text and writes it to {@code target} in {@code charset}, a line at a time with the
     * fallbacks applied: whole lines, because {@code printf} hands a padded column over a character at a time, and
     * the padding a fallback takes its columns from is then already written. What has no fallback is encoded as Java
     * encodes it ({@code ?} for what {@code charset} lacks). A line ends at a newline or a flush.
     */
    OutputStream lines(OutputStream target, Charset charset) {
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) throws IOException {
                pending.write(b);
                if (b == '\n') {
                    emit();
                }
            }

            @Override
            public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
                for (int i = offset; i < offset + length; i++) {
                    write(bytes[i]);
                }
            }

            @Override
            public synchronized void flush() throws IOException {
                emit();
                target.flush();
            }

            @Override
            public synchronized void close() throws IOException {
                flush();
                target.close();
            }

            private void emit() throws IOException {
                if (pending.size() > 0) {
                    String line = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    target.write(apply(line).getBytes(charset));
                }
            }
        };
    }
}
