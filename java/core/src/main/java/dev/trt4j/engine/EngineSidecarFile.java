package dev.trt4j.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where an engine's sidecar lives ({@code NAME.engine.json}) and how it is written and read. */
public final class EngineSidecarFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EngineSidecarFile() {
    }

    /** The sidecar path of an engine file. */
    public static Path pathFor(Path engine) {
        return engine.resolveSibling(engine.getFileName() + ".json");
    }

    /** The sidecar as JSON text. */
    public static String toJson(EngineSidecar sidecar) {
        try {
            return JSON.writeValueAsString(sidecar) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a sidecar always serializes", e);
        }
    }

    /** Writes the sidecar of {@code engine} atomically. */
    public static void write(Path engine, EngineSidecar sidecar) {
        AtomicFiles.writeString(pathFor(engine), toJson(sidecar));
    }

    /**
     * Reads the sidecar of {@code engine}, or empty when there is none.
     *
     * @throws Trt4jException when it exists but cannot be read
     */
    public static Optional<EngineSidecar> read(Path engine) {
        Path file = pathFor(engine);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String problem;
        try {
            JsonNode root = JSON.readTree(file.toFile());
            problem = missingFields(root);
            if (problem == null) {
                return Optional.of(JSON.treeToValue(root, EngineSidecar.class));
            }
        } catch (JsonMappingException e) {
            // Jackson's own text names trt4j's classes; the JSON path is what the user can fix.
            problem = e.getPath().isEmpty() ? "not an engine sidecar"
                    : "\"" + path(e.getPath()) + "\" does not hold what a sidecar keeps there";
        } catch (IOException e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        }
        throw new Trt4jException(file + ": unreadable engine sidecar: " + problem);
    }

    /** Why {@code root} cannot be a sidecar before its fields are read, or null. */
    private static String missingFields(JsonNode root) {
        if (root == null || !root.isObject()) {
            return "not a JSON object";
        }
        List<String> missing = EngineSidecar.REQUIRED_FIELDS.stream()
                .filter(f -> !root.hasNonNull(f)).map(f -> "\"" + f + "\"").toList();
        return missing.isEmpty() ? null : "no " + String.join(", ", missing);
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
