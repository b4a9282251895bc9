package dev.trt4j.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of {@link CalibrationTable}. */
final class CalibrationTableJson {
    static final String FORMAT = "trt4j.calibration-table";
    static final int VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationTableJson.class);

    private CalibrationTableJson() {
    }

    static String toText(CalibrationTable table) {
        ObjectNode root = JsonDocument.newObject();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.set("provenance", provenance(table.provenance()));
        ObjectNode tensors = root.putObject("tensors");
        table.amaxByTensor().forEach((name, amax) -> {
            ObjectNode entry = tensors.putObject(name);
            entry.putRawValue("amax", JsonDocument.exactFloat(amax));
            entry.put("hex", FloatBits.hex8(amax));
        });
        return JsonDocument.toText(root, false);
    }

    private static ObjectNode provenance(Provenance p) {
        ObjectNode node = JsonDocument.newObject();
        putIfKnown(node, "method", p.method());
        ObjectNode parameters = node.putObject("parameters");
        p.parameters().forEach(parameters::put);
        if (p.sampleCount() != null) {
            node.put("sampleCount", p.sampleCount());
        }
        putIfKnown(node, "modelFile", p.modelFileName());
        putIfKnown(node, "modelSha256", p.modelSha256());
        putIfKnown(node, "trt4jVersion", p.trt4jVersion());
        putIfKnown(node, "data", p.dataDescription());
        putIfKnown(node, "createdAt", p.createdAt() == null ? null : p.createdAt().toString());
        return node;
    }

    private static void putIfKnown(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    static CalibrationTable fromDocument(JsonDocument doc) {
        ObjectNode root = doc.object(doc.root(), "");
        JsonNode format = root.get("format");
        if (format != null && !FORMAT.equals(format.asText())) {
            throw doc.error("format", "is '" + format.asText() + "'; expected '" + FORMAT + "'");
        }
        JsonNode version = root.get("version");
        if (version != null && doc.integer(version, "version") != VERSION) {
            throw doc.error("version", "is " + version.asText() + "; this trt4j reads version " + VERSION);
        }
        Provenance provenance = root.has("provenance") ? provenance(doc, root.get("provenance"))
                : Provenance.unknown();
        ObjectNode tensors = doc.object(root.get("tensors"), "tensors");
        Map<String, Float> amax = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tensors.properties()) {
            amax.put(e.getKey(), amax(doc, e.getKey(), e.getValue()));
        }
        try {
            return new CalibrationTable(amax, provenance);
        } catch (IllegalArgumentException e) {
            throw doc.error("tensors", e.getMessage());
        }
    }

    private static float amax(JsonDocument doc, String name, JsonNode node) {
        String path = "tensors[\"" + name + "\"]";
        ObjectNode entry = doc.object(node, path);
        JsonNode hex = entry.get("hex");
        JsonNode decimal = entry.get("amax");
        if (hex == null) {
            return doc.float32(decimal, path + ".amax") + 0f; // + 0: a signed zero (-0.0) is the range 0
        }
        String hexText = doc.text(hex, path + ".hex");
        float fromHex;
        try {
            fromHex = Float.intBitsToFloat(FloatBits.parseBits(hexText));
        } catch (IllegalArgumentException e) {
            throw doc.error(path + ".hex", e.getMessage());
        }
        if (!Float.isFinite(fromHex) || fromHex < 0) {
            // no amax at all: one error, not a warning about the disagreement and then the error
            throw doc.error(path + ".hex", hexText + " is " + fromHex + "; an amax must be finite and >= 0");
        }
        fromHex += 0f; // 80000000, a signed zero, is the range 0 as the decimal -0.0 is
        if (decimal != null && Float.floatToRawIntBits(doc.float32(decimal, path + ".amax") + 0f)
                != Float.floatToRawIntBits(fromHex)) {
            LOG.warn("{}: {}: amax {} and hex {} disagree; using the hex value {}", doc.source(),
                    ControlCharacters.escape(path),
                    decimal.asText(), hex.asText(), ShortestDecimal.format(fromHex));
        }
        return fromHex;
    }

    private static Provenance provenance(JsonDocument doc, JsonNode node) {
        ObjectNode p = doc.object(node, "provenance");
        Map<String, String> parameters = new LinkedHashMap<>();
        if (p.has("parameters")) {
            for (Map.Entry<String, JsonNode> e : doc.object(p.get("parameters"), "provenance.parameters")
                    .properties()) {
                parameters.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
                        : doc.text(e.getValue(), "provenance.parameters." + e.getKey()));
            }
        }
        requireGrid(doc, parameters);
        Long samples = p.has("sampleCount") ? doc.integer(p.get("sampleCount"), "provenance.sampleCount") : null;
        Instant created = null;
        if (p.has("createdAt")) {
            String text = doc.text(p.get("createdAt"), "provenance.createdAt");
            try {
                created = Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw doc.error("provenance.createdAt", "'" + text + "' is not an ISO-8601 instant");
            }
        }
        try {
            return new Provenance(optionalText(doc, p, "method"), parameters, samples,
                    optionalText(doc, p, "modelFile"), optionalText(doc, p, "modelSha256"),
                    optionalText(doc, p, "trt4jVersion"), optionalText(doc, p, "data"), created);
        } catch (IllegalArgumentException e) {
            throw doc.error("provenance", e.getMessage());
        }
    }

    /**
     * The grid a table was calibrated for decides what may take its ranges (quantize and build take signed 8-bit
     * only), so an edited {@code numBits} or {@code unsigned} is refused here in the words of the field, not read as
     * another grid by each command in its own words.
     */
    private static void requireGrid(JsonDocument doc, Map<String, String> parameters) {
        String numBits = parameters.get("numBits");
        if (numBits != null && Provenance.numBits(numBits).isEmpty()) {
            throw doc.error("provenance.parameters.numBits", "'" + numBits + "' is not a bit width in [1, 16]");
        }
        String unsigned = parameters.get("unsigned");
        if (unsigned != null && !unsigned.equals("true") && !unsigned.equals("false")) {
            throw doc.error("provenance.parameters.unsigned", "'" + unsigned + "' is neither true nor false");
        }
    }

    private static String optionalText(JsonDocument doc, ObjectNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : doc.text(v, "provenance." + field);
    }
}
