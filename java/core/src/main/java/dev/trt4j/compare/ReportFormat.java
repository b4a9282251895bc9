package dev.trt4j.compare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.table.JsonDocument;

import java.nio.file.Path;

/**
 * The JSON file format of a saved report: the {@code format} and {@code version} fields that open it, so that the
 * report command never reads one kind of report as another, nor a version this trt4j does not know.
 *
 * @param name    the {@code format} field, e.g. {@code trt4j.sensitivity}
 * @param version the {@code version} this trt4j writes and reads
 */
record ReportFormat(String name, int version) {
    /** A new report object: this format's header, then the model it is about. */
    ObjectNode newReport(String model, String modelSha256) {
        ObjectNode root = JsonDocument.newObject();
        root.put("format", name);
        root.put("version", version);
        root.put("model", model);
        root.put("modelSha256", modelSha256);
        return root;
    }

    /** Writes {@code report} to {@code file} atomically. */
    void write(Path file, ObjectNode report) {
        AtomicFiles.writeString(file, JsonDocument.toText(report, false));
    }

    /**
     * The root object of {@code doc}, checked to be a report of this format and version.
     *
     * @throws dev.trt4j.Trt4jException naming the file and the field that does not match
     */
    ObjectNode root(JsonDocument doc) {
        ObjectNode root = doc.object(doc.root(), "");
        String format = doc.text(root.get("format"), "format");
        if (!name.equals(format)) {
            throw doc.error("format", "is '" + format + "'; expected '" + name + "'");
        }
        if (doc.integer(root.get("version"), "version") != version) {
            throw doc.error("version", "is " + root.get("version") + "; this trt4j reads version " + version);
        }
        return root;
    }
}
