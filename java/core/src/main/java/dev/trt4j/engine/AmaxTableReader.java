package dev.trt4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the tensor ranges of a calibration-table JSON file. Accepted layouts (other fields, such as
 * provenance, are ignored): {@code {"tensors": {"x": 1.5}}}, {@code {"tensors": {"x": {"amax": 1.5}}}},
 * {@code {"tensors": [{"name": "x", "amax": 1.5}]}} and {@code {"amax": {"x": 1.5}}}.
 */
public final class AmaxTableReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AmaxTableReader() {
    }

    /**
     * Reads a table file.
     *
     * @throws Trt4jException when the file is missing, not JSON, or holds no tensor ranges
     */
    public static AmaxTable read(Path file) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = Files.readAllBytes(file);
            root = JSON.readTree(bytes);
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": calibration table not found");
        } catch (IOException e) {
            throw new Trt4jException(file + ": not a readable JSON calibration table: " + firstLine(e.getMessage()));
        }
        Map<String, Float> amax = new LinkedHashMap<>();
        JsonNode tensors = root == null ? null : root.has("tensors") ? root.get("tensors") : root.get("amax");
        if (tensors != null && tensors.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = e.getValue().isObject() ? e.getValue().get("amax") : e.getValue();
                amax.put(e.getKey(), number(file, e.getKey(), value));
            }
        } else if (tensors != null && tensors.isArray()) {
            for (JsonNode entry : tensors) {
                JsonNode name = entry.get("name");
                if (name == null || !name.isTextual()) {
                    throw new Trt4jException(file + ": a tensor entry has no \"name\"");
                }
                amax.put(name.asText(), number(file, name.asText(), entry.get("amax")));
            }
        }
        if (amax.isEmpty()) {
            throw new Trt4jException(file + ": no tensor ranges found (expected a \"tensors\" object or array with amax values)");
        }
        return new AmaxTable(amax, Sha256.of(bytes), file.toString());
    }

    private static float number(Path file, String tensor, JsonNode value) {
        if (value == null || !value.isNumber()) {
            throw new Trt4jException(file + ": tensor '" + tensor + "' has no numeric amax");
        }
        return value.floatValue();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
