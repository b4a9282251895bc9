package dev.trt4j.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.table.JsonSyntaxError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where an engine's sidecar lives ({@code NAME.engine.json}) and how it is written and read. */
public final class EngineSidecarFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /**
     * Reads as strictly as trt4j's other JSON files: a hand-edited shape of {@code 32.9} or {@code "64"}, a key given
     * twice or text after the document would otherwise pass into export-triton's configuration as another number.
     */
    private static final ObjectMapper READER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

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
            JsonNode root = READER.readTree(file.toFile());
            problem = missingFields(root);
            if (problem == null) {
                problem = unknownFormat(root);
            }
            if (problem == null) {
                return Optional.of(READER.treeToValue(root, EngineSidecar.class));
            }
        } catch (JsonMappingException e) {
            // Jackson's own text names trt4j's classes; the JSON path is what the user can fix.
            problem = e.getPath().isEmpty() ? "not an engine sidecar"
                    : "\"" + path(e.getPath()) + "\" does not hold what a sidecar keeps there";
        } catch (JsonProcessingException e) {
            throw new Trt4jException(JsonSyntaxError.message(file.toString(), e), e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
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

    /** Why {@code root}'s format version cannot be read by this trt4j, or null. */
    private static String unknownFormat(JsonNode root) {
        JsonNode format = root.get("format");
        if (!format.isInt() || format.intValue() < 1) {
            return "\"format\" must be a version number from 1, found " + format;
        }
        if (format.intValue() > EngineSidecar.FORMAT) {
            return "format " + format.intValue() + " is newer than this trt4j reads (" + EngineSidecar.FORMAT
                    + "); use the trt4j that built the engine, or a newer one";
        }
        return null;
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
