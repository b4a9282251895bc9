package dev.trt4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.table.JsonDocument;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The {@code --json} flag of a command and how its result is printed then: one JSON document on one line of
 * stdout, floats as the shortest decimals that read back as the same float32. Used as a picocli
 * {@code @Mixin}.
 */
public final class JsonOutput {
    /** Whether stdout is a terminal that cannot show every character: see {@link #asciiOnly(boolean)}. */
    private static volatile boolean asciiOnly;

    @Option(names = "--json", description = "Print the result as one line of JSON.")
    boolean enabled;

    /** Whether {@code --json} was given. */
    public boolean enabled() {
        return enabled;
    }

    /** Prints {@code node} on one line. */
    public void print(PrintWriter out, JsonNode node) {
        out.println(forStdout(JsonDocument.toCompactText(node)));
    }

    /**
     * Tells whether stdout is a terminal whose charset cannot show every character ({@code LC_ALL=C}): JSON printed
     * there is then ASCII, each other character written as a JSON escape, so that it reads back exactly, where
     * Java would print {@code ?} and the terminal's ASCII for trt4j's symbols would turn {@code →} in a name into
     * {@code ->}. Set once at start-up; redirected stdout, which is UTF-8, gets the characters as they are.
     */
    static void asciiOnly(boolean terminalShowsLess) {
        asciiOnly = terminalShowsLess;
    }

    /**
     * {@code json}, a JSON document, as printed on stdout: as it is, or ASCII where {@link #asciiOnly(boolean)} says
     * so. Every character beyond ASCII can only be in a string, where {@code \\u} and four hex digits stand for it,
     * as Jackson's {@code ESCAPE_NON_ASCII} writes it (a surrogate pair as two escapes).
     */
    public static String forStdout(String json) {
        if (!asciiOnly || json.chars().allMatch(c -> c < 0x80)) {
            return json;
        }
        StringBuilder ascii = new StringBuilder(json.length() + 16);
        json.chars().forEach(c -> ascii.append(c < 0x80 ? String.valueOf((char) c)
                : String.format(Locale.ROOT, "\\u%04X", c)));
        return ascii.toString();
    }

    /** A new empty JSON object to fill. */
    public static ObjectNode object() {
        return JsonDocument.newObject();
    }

    /** Sets {@code field} to {@code value} written exactly (shortest round-tripping decimal). */
    public static ObjectNode putFloat(ObjectNode node, String field, float value) {
        node.putRawValue(field, JsonDocument.exactFloat(value));
        return node;
    }
}
