package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.cli.JsonOutput;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code calibrate --list-methods}: the calibration methods this trt4j finds, built in and plug-ins, with their
 * descriptions, and the plug-ins that did not load with why, so that a plug-in's author sees it was found.
 */
final class MethodListing {
    private MethodListing() {
    }

    /** Prints one line per method ({@code name  description}), then one per plug-in left out. */
    static void print(PrintWriter out) {
        Calibrators.Discovery found = Calibrators.discover();
        List<Calibrator> methods = found.methods();
        int width = methods.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Calibrator c : methods) {
            out.println(String.format(Locale.ROOT, "%-" + width + "s  %s", c.name(), description(c)));
        }
        for (String reason : found.notLoaded()) {
            out.println("not loaded: " + reason);
        }
    }

    /** {@code {"methods": [{"name", "description", "class"}, ...], "notLoaded": [reason, ...]}}. */
    static ObjectNode toJson() {
        Calibrators.Discovery found = Calibrators.discover();
        ObjectNode root = JsonOutput.object();
        ArrayNode methods = root.putArray("methods");
        for (Calibrator c : found.methods()) {
            methods.addObject().put("name", c.name()).put("description", description(c))
                    .put("class", c.getClass().getName());
        }
        ArrayNode notLoaded = root.putArray("notLoaded");
        found.notLoaded().forEach(notLoaded::add);
        return root;
    }

    /** A plug-in's description, or why there is none: one failing method must not hide the others' listing. */
    private static String description(Calibrator c) {
        try {
            String d = c.description();
            return d == null ? "" : d;
        } catch (RuntimeException | LinkageError | AssertionError e) {
            return "(its description() failed: " + e + ")";
        }
    }
}
