package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.cli.JsonOutput;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code calibrate --list-methods}: the calibration methods this trt4j finds, built in and plug-ins, with their
 * descriptions, and the plug-ins that did not load with why, so that a plug-in's author sees it was found.
 */
final class MethodListing {
    private MethodListing() {
    }

    /** Prints one line per method ({@code name  description}), then one per plug-in left out. */
    static void print(PrintWriter out) {
        List<Calibrator> methods = Calibrators.available();
        int width = methods.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Calibrator c : methods) {
            out.println(String.format("%-" + width + "s  %s", c.name(), c.description()));
        }
        for (String reason : Calibrators.notLoaded()) {
            out.println("not loaded: " + reason);
        }
    }

    /** {@code {"methods": [{"name", "description", "class"}, ...], "notLoaded": [reason, ...]}}. */
    static ObjectNode toJson() {
        ObjectNode root = JsonOutput.object();
        ArrayNode methods = root.putArray("methods");
        for (Calibrator c : Calibrators.available()) {
            methods.addObject().put("name", c.name()).put("description", c.description())
                    .put("class", c.getClass().getName());
        }
        ArrayNode notLoaded = root.putArray("notLoaded");
        Calibrators.notLoaded().forEach(notLoaded::add);
        return root;
    }
}
