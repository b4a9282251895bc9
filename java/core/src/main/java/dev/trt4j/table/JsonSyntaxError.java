package dev.trt4j.table;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Jackson parse failure into the words a user reads: {@code at line 2, column 1: unexpected end of input
 * (an array is not closed)}. Jackson's own message names its internals ({@code [Source: REDACTED ...]}, feature
 * flags, character codes), which say nothing to someone fixing a hand-edited file.
 */
public final class JsonSyntaxError {
    /** A location Jackson embeds in a message, e.g. {@code (start marker at [Source: REDACTED ...; line: 1, ...])}. */
    private static final Pattern EMBEDDED_SOURCE = Pattern.compile("\\s*\\((?:start marker at|for \\w+ starting at)"
            + " \\[Source: [^\\]]*\\]\\)|\\s*\\[Source: [^\\]]*\\]");
    private static final Pattern UNCLOSED = Pattern.compile(
            "Unexpected end-of-input(?:: expected close marker for| within/between) (Array|Object)\\b.*", Pattern.DOTALL);
    /** {@code (']' (code 93))}: the character is enough. */
    private static final Pattern CHARACTER_CODE = Pattern.compile("\\(('.+?') \\(code \\d+\\)\\)");
    private static final Pattern CONTROL_CHARACTER = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    /** Advice to enable a Jackson feature, which trt4j's strict reader deliberately leaves off. */
    private static final Pattern FEATURE_ADVICE = Pattern.compile(
            ": enable `[^`]*` to allow|\\s*\\(not recognized as one since Feature '\\w+' not enabled for parser\\)");

    private JsonSyntaxError() {
    }

    /**
     * The one-line error for {@code source}: {@code "<source>: not valid JSON at line L, column C: <problem>"}, the
     * position left out when Jackson knows none.
     */
    public static String message(String source, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String problem = problem(e.getOriginalMessage());
        if (at == null || at.getLineNr() <= 0) {
            return source + ": not valid JSON: " + problem;
        }
        String column = at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "";
        return source + ": not valid JSON at line " + at.getLineNr() + column + ": " + problem;
    }

    /** Jackson's message reworded: no embedded source locations, feature names or character codes. */
    static String problem(String jacksonMessage) {
        String s = jacksonMessage == null ? "" : jacksonMessage.replaceAll("\\s+", " ").trim();
        Matcher unclosed = UNCLOSED.matcher(s);
        if (unclosed.matches()) {
            return "unexpected end of input (" + (unclosed.group(1).equals("Array") ? "an array" : "an object")
                    + " is not closed)";
        }
        if (s.startsWith("Trailing token")) {
            return "unexpected text after the end of the JSON value";
        }
        s = EMBEDDED_SOURCE.matcher(s).replaceAll("");
        s = FEATURE_ADVICE.matcher(s).replaceAll("");
        s = CHARACTER_CODE.matcher(s).replaceAll("$1");
        s = CONTROL_CHARACTER.matcher(s).replaceAll("(control character, code $1)");
        s = s.replace("end-of-input", "end of input").replace("Duplicate field", "duplicate key");
        if (s.isEmpty()) {
            return "malformed JSON";
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
