package dev.trt4j.ort;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of an ONNX Runtime error message a user can act on, for one-line errors. ONNX Runtime prefixes its own
 * status ({@code Error code - ORT_FAIL - message: }), repeats the file trt4j already names
 * ({@code Load model from F failed:}) and often embeds the C++ source location with the full signature of the
 * function that failed; none of that says what is wrong with the model, and the signature alone can take 200
 * characters. Where the loader refuses one node, the node's input and output types it lists are dropped too, and
 * an operator the opset does not define is said in words.
 */
public final class OrtErrorText {
    private static final Pattern STATUS = Pattern.compile("^Error code - \\w+ - message:\\s*");
    private static final Pattern LOAD_PREFIX = Pattern.compile("^Load model from .*? failed: ?");
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\S+\\.(?:h|hpp|cc|cpp|cu):\\d+ ");
    /** {@code This is an invalid model. In Node, ("name", Op, "domain", -1) : (inputs) -> (outputs) , Error why}. */
    private static final Pattern INVALID_NODE = Pattern.compile(
            "^This is an invalid model\\. In Node, \\(\"([^\"]*)\", ([^,]+), \"([^\"]*)\", -?\\d+\\) : .*? , Error (.+)$");
    private static final Pattern NO_OP = Pattern.compile("^No Op registered for (\\S+) with domain_version of (\\d+)$");

    private OrtErrorText() {
    }

    /** The first line of {@code message} without ONNX Runtime's status prefix, load prefix and C++ locations. */
    public static String of(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        line = STATUS.matcher(line).replaceFirst("");
        line = LOAD_PREFIX.matcher(line).replaceFirst("");
        line = withoutSourceLocations(line).strip();
        return line.isEmpty() ? "unknown error" : aboutTheNode(line);
    }

    /** A refusal of one node as "node 'N' ...", without the types the loader lists; other lines as they are. */
    private static String aboutTheNode(String line) {
        Matcher node = INVALID_NODE.matcher(line);
        if (!node.find()) {
            return line;
        }
        String name = node.group(1).isEmpty() ? node.group(2) : node.group(1);
        Matcher noOp = NO_OP.matcher(node.group(4).strip());
        if (noOp.find() && node.group(3).isEmpty()) {
            return "node '" + name + "' has operator " + noOp.group(1) + ", which ONNX opset " + noOp.group(2)
                    + " does not define";
        }
        String domain = node.group(3).isEmpty() ? "" : node.group(3) + ":";
        return "node '" + name + "' (" + domain + node.group(2) + "): " + node.group(4).strip();
    }

    /** Drops each {@code file.h:NN} and the C++ signature that follows it (up to its closing parenthesis). */
    private static String withoutSourceLocations(String line) {
        StringBuilder kept = new StringBuilder();
        int from = 0;
        Matcher m = SOURCE_LOCATION.matcher(line);
        while (m.find(from)) {
            kept.append(line, from, m.start());
            from = endOfSignature(line, m.end());
            m = SOURCE_LOCATION.matcher(line);
        }
        return kept.append(line, from, line.length()).toString();
    }

    /**
     * Where the signature starting at {@code start} ends: after the parenthesis closing its parameter list, a
     * trailing {@code const} and the space after it. Without a parameter list on the same line, nothing is dropped.
     */
    private static int endOfSignature(String line, int start) {
        int open = line.indexOf('(', start);
        if (open < 0) {
            return start;
        }
        int depth = 0;
        for (int i = open; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                int end = i + 1;
                if (line.startsWith(" const", end)) {
                    end += " const".length();
                }
                while (end < line.length() && line.charAt(end) == ' ') {
                    end++;
                }
                return end;
            }
        }
        return start;
    }
}
