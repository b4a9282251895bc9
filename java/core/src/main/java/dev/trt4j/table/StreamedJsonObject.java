package dev.trt4j.table;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * A JSON file whose top-level object is read field by field, and one field's object entry by entry, each value as a
 * small tree: for files too large to hold as one tree (a statistics file's histograms took about eight times the
 * file in heap that way). As strict as {@link JsonDocument}: duplicate keys and text after the object are errors,
 * floats keep their exact decimal text, and every error is one line naming the file.
 */
public final class StreamedJsonObject implements AutoCloseable {
    /** Reads one value of many: what follows it is the next field, not trailing text. */
    private static final ObjectReader VALUES = JsonDocument.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Path file;
    private final JsonParser parser;
    private final JsonDocument document;

    private StreamedJsonObject(Path file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
        this.document = JsonDocument.of(file.toString(), MissingNode.getInstance());
    }

    /**
     * Opens {@code file}, whose top-level value must be an object.
     *
     * @throws Trt4jException if the file cannot be read, is empty, is not valid JSON or holds no object
     */
    public static StreamedJsonObject open(Path file) {
        BufferedReader reader = null;
        try {
            // a reader, not bytes, so that error columns count characters as JsonDocument's do
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            reader.mark(1);
            if (reader.read() != '\uFEFF') { // the byte-order mark some Windows editors write
                reader.reset();
            }
            JsonParser parser = JsonDocument.MAPPER.createParser(reader);
            StreamedJsonObject in = new StreamedJsonObject(file, parser);
            JsonToken first = in.next();
            if (first == null) {
                throw new Trt4jException(file + ": is empty; expected a JSON document");
            }
            if (first != JsonToken.START_OBJECT) {
                // small or not, it is not what the caller reads: the message a whole-tree read gives
                JsonNode root = in.value();
                JsonDocument.of(file.toString(), root).object(root, "");
            }
            return in;
        } catch (IOException e) {
            closeQuietly(reader);
            throw ReadFailure.of(file, e);
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    /** For errors and typed reads of the trees handed over: {@code "<file>: <path>: <problem>"}. */
    public JsonDocument document() {
        return document;
    }

    /**
     * Moves to the next top-level field.
     *
     * @return its name, or null after the last one (when nothing but white space may follow)
     * @throws Trt4jException if the JSON is malformed there, or a key repeats
     */
    public String nextField() {
        JsonToken t = next();
        if (t == JsonToken.END_OBJECT) {
            JsonToken after = next();
            if (after != null) {
                com.fasterxml.jackson.core.JsonLocation at = parser.currentTokenLocation();
                throw new Trt4jException(file + ": not valid JSON at line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + ": unexpected text after the end of the JSON value");
            }
            return null;
        }
        String name = name();
        next();
        return name;
    }

    /** The current field's value as a tree. */
    public JsonNode value() {
        JsonNode node = read(() -> VALUES.readTree(parser));
        return node == null ? MissingNode.getInstance() : node;
    }

    /** Passes over the current field's value without building it. */
    public void skip() {
        read(parser::skipChildren);
    }

    /**
     * Hands each entry of the current field's object to {@code each}, one at a time, as its key and its value's
     * tree; where the value is no object, hands nothing and returns false.
     */
    public boolean entries(BiConsumer<String, JsonNode> each) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (next() != JsonToken.END_OBJECT) {
            String name = name();
            next();
            each.accept(name, value());
        }
        return true;
    }

    private String name() {
        return read(parser::currentName);
    }

    private JsonToken next() {
        return read(parser::nextToken);
    }

    /** A step of the parser. */
    private interface Step<T> {
        T run() throws IOException;
    }

    /** Runs {@code step}, its failure one line naming the file: where the JSON is malformed, or why it is unread. */
    private <T> T read(Step<T> step) {
        try {
            return step.run();
        } catch (JsonProcessingException e) {
            throw new Trt4jException(JsonSyntaxError.message(file.toString(), e), e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the read error is what the user needs
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(parser);
    }
}
