package dev.trt4j.table;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A parsed trt4j JSON file (calibration table, histogram, statistics) read strictly: every accessor names the
 * file and the JSON path of a missing or ill-typed value in a one-line {@link Trt4jException}; duplicate keys
 * and text after the document are errors. Floats are read from the exact decimal text (never through a double)
 * and written with {@link #exactFloat(float)}, so a float32 survives a write and read bit for bit. Immutable;
 * thread-safe.
 */
public final class JsonDocument {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;
    private final JsonNode root;

    private JsonDocument(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /** A document of {@code root} read from {@code source}, e.g. a part of a file read field by field. */
    static JsonDocument of(String source, JsonNode root) {
        return new JsonDocument(source, root);
    }

    /**
     * Reads and parses a UTF-8 JSON file.
     *
     * @throws Trt4jException if the file cannot be read or is not valid JSON, naming the file and the position
     */
    public static JsonDocument read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses JSON text.
     *
     * @param source what the text is (a file name), for error messages
     * @throws Trt4jException if the text is not one valid JSON value
     */
    public static JsonDocument parse(String text, String source) {
        try {
            // the byte-order mark some Windows editors write is not part of the document
            JsonNode root = MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
            if (root == null || root.isMissingNode()) {
                throw new Trt4jException(source + ": is empty; expected a JSON document");
            }
            return new JsonDocument(source, root);
        } catch (JsonProcessingException e) {
            throw new Trt4jException(JsonSyntaxError.message(source, e), e);
        }
    }

    /** The file or text this document came from, as given. */
    public String source() {
        return source;
    }

    /** The top-level value. */
    public JsonNode root() {
        return root;
    }

    /** An error about the value at {@code path}: {@code "<source>: <path>: <problem>"}. */
    public Trt4jException error(String path, String problem) {
        return new Trt4jException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    /** {@code node} as an object; {@code null} (absent) or another type is an error. */
    public ObjectNode object(JsonNode node, String path) {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw mismatch(node, path, "an object");
    }

    /** {@code node} as an array; {@code null} (absent) or another type is an error. */
    public ArrayNode array(JsonNode node, String path) {
        if (node instanceof ArrayNode a) {
            return a;
        }
        throw mismatch(node, path, "an array");
    }

    /** {@code node} as a string. */
    public String text(JsonNode node, String path) {
        if (node != null && node.isTextual()) {
            return node.textValue();
        }
        throw mismatch(node, path, "a string");
    }

    /** {@code node} as a boolean. */
    public boolean bool(JsonNode node, String path) {
        if (node != null && node.isBoolean()) {
            return node.booleanValue();
        }
        throw mismatch(node, path, "true or false");
    }

    /**
     * {@code node} as a whole number that fits a {@code long}; a whole number written as a float ({@code 9.0}, as
     * torch.histc's counts are) is one too.
     */
    public long integer(JsonNode node, String path) {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node != null && node.isFloatingPointNumber()) {
            double v = node.doubleValue();
            if (v == Math.rint(v) && Math.abs(v) < 0x1p63) {
                return (long) v;
            }
        }
        if (node != null && node.isIntegralNumber()) {
            // an integer all the same: "expected an integer" would contradict the file
            throw error(path, "is " + node.asText() + ", too large for a 64-bit integer (at most "
                    + Long.MAX_VALUE + ")");
        }
        throw mismatch(node, path, "an integer");
    }

    /**
     * {@code node} as the float32 nearest its decimal text (correctly rounded from the text itself).
     *
     * @throws Trt4jException if it is not a number or lies outside the float32 range
     */
    public float float32(JsonNode node, String path) {
        if (node == null || !node.isNumber()) {
            throw mismatch(node, path, "a number");
        }
        String decimal = node.numberValue().toString();
        float f = Float.parseFloat(decimal);
        if (Float.isInfinite(f)) {
            throw error(path, decimal + " is outside the float32 range");
        }
        return f;
    }

    /** A JSON number whose text is the shortest decimal that reads back as exactly {@code value}. */
    public static RawValue exactFloat(float value) {
        return new RawValue(exactFloatText(value));
    }

    /** {@link #exactFloat}'s text, for {@link JsonGenerator#writeRawValue(String)}. */
    public static String exactFloatText(float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no number for " + value);
        }
        return ShortestDecimal.format(value);
    }

    /**
     * A generator writing {@link #toText}'s layout to {@code out} as UTF-8, for documents too large to build as a
     * tree first; closing it leaves {@code out} open.
     *
     * @throws IOException if the generator cannot be made
     */
    public static JsonGenerator prettyGenerator(OutputStream out, boolean inlineArrays) throws IOException {
        JsonGenerator g = MAPPER.getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setPrettyPrinter(prettyPrinter(inlineArrays));
        return g;
    }

    /** A new empty object node. */
    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** A new empty array node. */
    public static ArrayNode newArray() {
        return MAPPER.createArrayNode();
    }

    /**
     * Indented JSON text ending in a newline; arrays of numbers stay on one line so histograms remain readable.
     *
     * @param inlineArrays keep every array on one line (histograms) instead of one element per line
     */
    public static String toText(JsonNode node, boolean inlineArrays) {
        try {
            return MAPPER.writer(prettyPrinter(inlineArrays)).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    /**
     * Writes {@link #toText}'s text to {@code out} as UTF-8 without holding it whole, and leaves {@code out} open: a
     * model's saved histograms run to tens of MB, which a small heap holds once as a tree but not again as text.
     *
     * @throws IOException if writing fails
     */
    public static void writeText(JsonNode node, boolean inlineArrays, OutputStream out) throws IOException {
        MAPPER.writer(prettyPrinter(inlineArrays)).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, node);
        out.write('\n');
    }

    private static DefaultPrettyPrinter prettyPrinter(boolean inlineArrays) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        printer.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        printer.indentArraysWith(inlineArrays ? new DefaultPrettyPrinter.FixedSpaceIndenter()
                : DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        return printer;
    }

    /** One-line JSON text without a trailing newline, for command output. */
    public static String toCompactText(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    private Trt4jException mismatch(JsonNode node, String path, String expected) {
        if (node == null || node.isMissingNode()) {
            return error(path, "missing; expected " + expected);
        }
        return error(path, "expected " + expected + ", found " + describe(node));
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "the string \"" + abbreviate(node.textValue()) + "\"";
            case NUMBER, BOOLEAN -> node.asText();
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        String line = oneLine(s);
        return line.length() <= 40 ? line : line.substring(0, 37) + "...";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
