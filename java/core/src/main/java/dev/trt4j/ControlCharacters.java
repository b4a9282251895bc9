package dev.trt4j;

import java.util.Locale;

/**
 * Text from a file (tensor names, cache lines) made safe for a terminal line: a newline (or Unicode's line and
 * paragraph separators) in a name would split the line it is printed on, a NUL or an escape sequence would reach the
 * terminal raw, and a bidirectional override would show the rest of the line reordered.
 */
public final class ControlCharacters {
    private ControlCharacters() {
    }

    /**
     * {@code text} with each such character written as a Java escape ({@code \\u} and four hex digits); the same
     * string if it has none.
     */
    public static String escape(String text) {
        if (text.chars().noneMatch(ControlCharacters::isUnsafe)) {
            return text;
        }
        StringBuilder shown = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> shown.append(isUnsafe(c) ? String.format(Locale.ROOT,
                "\\u%04x", c) : String.valueOf((char) c)));
        return shown.toString();
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
