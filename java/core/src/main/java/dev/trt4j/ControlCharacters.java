package dev.trt4j;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Text from a file (tensor names, cache lines) made safe for a terminal line: a newline (or Unicode's line and
 * paragraph separators) in a name would split the line it is printed on, a NUL or an escape sequence would reach the
 * terminal raw, and a bidirectional override would show the rest of the line reordered. Where the output cannot show
 * every character ({@link #showOnly}), a character it cannot show is escaped too: printed as {@code ?}, or rewritten
 * by a terminal's ASCII fallbacks for trt4j's own symbols ({@code →} as {@code ->}), a name would read as another
 * name.
 */
public final class ControlCharacters {
    /** The charset the output shows, or null for all of Unicode: a process-wide choice, see {@link #showOnly}. */
    private static volatile Charset shown;

    private ControlCharacters() {
    }

    /**
     * Tells which characters the output shows: those {@code charset} encodes, or (null, the default) all of Unicode.
     * A command-line tool on a terminal that shows less (Java under {@code LC_ALL=C} encodes as ASCII) calls this at
     * start-up; output redirected to a file, and a library's, stay as they are.
     */
    public static void showOnly(Charset charset) {
        shown = charset == null || charset.contains(StandardCharsets.UTF_8) ? null : charset;
    }

    /** The charset {@link #showOnly} was told, or null for all of Unicode. */
    public static Charset shown() {
        return shown;
    }

    /**
     * {@code text} with each such character, and each the output cannot show, written as a Java escape
     * ({@code \\u} and four hex digits, both halves of a surrogate pair); the same string if it has none.
     */
    public static String escape(String text) {
        Charset charset = shown;
        return escape(text, charset == null ? null : charset.newEncoder());
    }

    /**
     * As {@link #escape} with all of Unicode shown: for a file that is UTF-8 whatever the terminal (an HTML report),
     * where a name is written as it is.
     */
    public static String escapeControlsOnly(String text) {
        return escape(text, null);
    }

    private static String escape(String text, CharsetEncoder encoder) {
        if (text.codePoints().noneMatch(c -> isUnsafe(c) || unshown(encoder, c))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (isUnsafe(c) || unshown(encoder, c)) {
                for (char unit : Character.toChars(c)) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
                }
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static boolean unshown(CharsetEncoder encoder, int c) {
        return encoder != null && c >= 0x80 && !encoder.canEncode(new String(Character.toChars(c)));
    }

    private static boolean isUnsafe(int c) {
        if (Character.isISOControl(c)) {
            return true;
        }
        int type = Character.getType(c);
        if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return true;
        }
        return switch (Character.getDirectionality(c)) {
            case Character.DIRECTIONALITY_LEFT_TO_RIGHT_EMBEDDING, Character.DIRECTIONALITY_RIGHT_TO_LEFT_EMBEDDING,
                 Character.DIRECTIONALITY_LEFT_TO_RIGHT_OVERRIDE, Character.DIRECTIONALITY_RIGHT_TO_LEFT_OVERRIDE,
                 Character.DIRECTIONALITY_POP_DIRECTIONAL_FORMAT, Character.DIRECTIONALITY_LEFT_TO_RIGHT_ISOLATE,
                 Character.DIRECTIONALITY_RIGHT_TO_LEFT_ISOLATE, Character.DIRECTIONALITY_FIRST_STRONG_ISOLATE,
                 Character.DIRECTIONALITY_POP_DIRECTIONAL_ISOLATE -> true;
            default -> false;
        };
    }
}
