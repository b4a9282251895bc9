package dev.trt4j;

/**
 * Text from a file (tensor names, cache lines) made safe for a terminal line: a newline in a name would split the
 * line it is printed on, and a NUL or an escape sequence would reach the terminal raw.
 */
public final class ControlCharacters {
    private ControlCharacters() {
    }

    /**
     * {@code text} with each control character written as a Java escape ({@code \\u} and four hex digits); the same
     * string if it has none.
     */
    public static String escape(String text) {
        if (text.chars().noneMatch(Character::isISOControl)) {
            return text;
        }
        StringBuilder shown = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> shown.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return shown.toString();
    }
}
