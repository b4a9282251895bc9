package dev.trt4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.table.JsonDocument;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * The {@code --json} flag of a command and how its result is printed then: one JSON document on one line of
 * stdout, floats as the shortest decimals that read back as the same float32. Used as a picocli
 * {@code @Mixin}.
 */
public final class JsonOutput {
    @Option(names = "--json", description = "Print the result as one line of JSON.")
    boolean enabled;

    /** Whether {@code --json} was given. */
    public boolean enabled() {
        return enabled;
    }

    /** Prints {@code node} on one line. */
    public void print(PrintWriter out, JsonNode node) {
        out.println(JsonDocument.toCompactText(node));
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
