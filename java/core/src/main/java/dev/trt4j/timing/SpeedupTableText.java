package dev.trt4j.timing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Renders a {@link SpeedupTable} as Markdown (speedups to two decimals, {@code –} where a cell was not measured),
 * CSV (three decimals, empty where not measured) or JSON (speedups and measured samples per second, null where not
 * measured).
 */
public final class SpeedupTableText {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String MISSING = "–";

    private SpeedupTableText() {
    }

    /** A Markdown table with a caption line; columns are titled {@code b<batch> <precision>}. */
    public static String markdown(SpeedupTable table) {
        StringBuilder sb = new StringBuilder();
        sb.append("Throughput (samples/s) relative to ").append(table.baseline()).append(" = 1, by batch size\n\n");
        sb.append("| Model |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int batch : table.batches()) {
            for (String precision : table.precisions()) {
                sb.append(" b").append(batch).append(' ').append(precision).append(" |");
                rule.append("---:|");
            }
        }
        sb.append('\n').append(rule).append('\n');
        for (String model : table.models()) {
            sb.append("| ").append(model.replace("|", "\\|")).append(" |");
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    sb.append(' ').append(format(table.speedup(model, batch, precision), "%.2f", MISSING))
                            .append(" |");
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** CSV with a header row {@code model,b1 fp32,b1 fp16,...}. */
    public static String csv(SpeedupTable table) {
        StringBuilder sb = new StringBuilder("model");
        for (int batch : table.batches()) {
            for (String precision : table.precisions()) {
                sb.append(',').append(csvField("b" + batch + " " + precision));
            }
        }
        sb.append('\n');
        for (String model : table.models()) {
            sb.append(csvField(model));
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    sb.append(',').append(format(table.speedup(model, batch, precision), "%.3f", ""));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * JSON: {@code {"metric", "baseline", "batchSizes", "precisions", "rows": [{"model", "cells": [{"batch",
     * "precision", "speedup", "samplesPerSecond"}]}]}}.
     */
    public static String json(SpeedupTable table) {
        try {
            return JSON.writeValueAsString(jsonTree(table)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #json}'s document as a tree, to nest in another document. */
    public static ObjectNode jsonTree(SpeedupTable table) {
        ObjectNode root = JSON.createObjectNode();
        root.put("metric", "samplesPerSecond").put("baseline", table.baseline());
        table.batches().forEach(root.putArray("batchSizes")::add);
        table.precisions().forEach(root.putArray("precisions")::add);
        ArrayNode rows = root.putArray("rows");
        for (String model : table.models()) {
            ObjectNode row = rows.addObject().put("model", model);
            ArrayNode cells = row.putArray("cells");
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    ObjectNode cell = cells.addObject().put("batch", batch).put("precision", precision);
                    putOptional(cell, "speedup", table.speedup(model, batch, precision));
                    putOptional(cell, "samplesPerSecond", table.samplesPerSecond(model, batch, precision));
                }
            }
        }
        return root;
    }

    private static void putOptional(ObjectNode node, String field, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(field, value.getAsDouble());
        } else {
            node.putNull(field);
        }
    }

    private static String format(OptionalDouble value, String pattern, String missing) {
        return value.isPresent() ? String.format(Locale.ROOT, pattern, value.getAsDouble()) : missing;
    }

    private static String csvField(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
