package dev.trt4j.timing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Renders a {@link SpeedupTable} as Markdown (speedups to two decimals, {@code –} where a cell was not measured),
 * CSV (three decimals, empty where not measured) or JSON (speedups and measured samples per second, null where not
 * measured). A table from interleaved rounds says so and gives each cell's per-round range in every form: its
 * medians alone would read as exact as a single run's.
 */
public final class SpeedupTableText {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String MISSING = "–";

    private SpeedupTableText() {
    }

    /** A Markdown table with a caption line; columns are titled {@code b<batch> <precision>}. */
    public static String markdown(SpeedupTable table) {
        StringBuilder sb = new StringBuilder();
        sb.append("Throughput (samples/s) relative to ").append(table.baseline()).append(" = 1, by batch size");
        if (table.rounds() > 1) {
            sb.append(String.format(Locale.ROOT, ": the median of %d interleaved rounds' speedups (lowest-highest)",
                    table.rounds()));
        }
        sb.append("\n\n");
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
            // a model is named by its file, whose name may hold a newline (a row of its own) or a pipe (a cell)
            sb.append("| ").append(ControlCharacters.escape(model).replace("|", "\\|")).append(" |");
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    sb.append(' ').append(format(table.speedup(model, batch, precision), "%.2f", MISSING));
                    if (!precision.equals(table.baseline())) {
                        table.speedupRange(model, batch, precision).ifPresent(r -> sb.append(String.format(
                                Locale.ROOT, " (%.2f-%.2f)", r[0], r[1])));
                    }
                    sb.append(" |");
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * CSV with a header row {@code model,b1 fp32,b1 fp16,...}; a table from rounds adds the per-round range after each
     * column ({@code b1 fp16 min,b1 fp16 max}).
     */
    public static String csv(SpeedupTable table) {
        boolean rounds = table.rounds() > 1;
        StringBuilder sb = new StringBuilder("model");
        for (int batch : table.batches()) {
            for (String precision : table.precisions()) {
                String column = "b" + batch + " " + precision;
                sb.append(',').append(csvField(column));
                if (rounds) {
                    sb.append(',').append(csvField(column + " min")).append(',').append(csvField(column + " max"));
                }
            }
        }
        sb.append('\n');
        for (String model : table.models()) {
            sb.append(csvField(model));
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    sb.append(',').append(format(table.speedup(model, batch, precision), "%.3f", ""));
                    if (rounds) {
                        Optional<double[]> range = table.speedupRange(model, batch, precision);
                        sb.append(',').append(range.map(r -> String.format(Locale.ROOT, "%.3f", r[0])).orElse(""))
                                .append(',').append(range.map(r -> String.format(Locale.ROOT, "%.3f", r[1]))
                                        .orElse(""));
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * JSON: {@code {"metric", "baseline", "rounds", "batchSizes", "precisions", "rows": [{"model", "cells": [{"batch",
     * "precision", "speedup", "speedupMin", "speedupMax", "samplesPerSecond"}]}]}}: {@code rounds} is 1 for single
     * runs, whose range is the speedup itself.
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
        root.put("metric", "samplesPerSecond").put("baseline", table.baseline()).put("rounds", table.rounds());
        table.batches().forEach(root.putArray("batchSizes")::add);
        table.precisions().forEach(root.putArray("precisions")::add);
        ArrayNode rows = root.putArray("rows");
        for (String model : table.models()) {
            ObjectNode row = rows.addObject().put("model", model);
            ArrayNode cells = row.putArray("cells");
            for (int batch : table.batches()) {
                for (String precision : table.precisions()) {
                    ObjectNode cell = cells.addObject().put("batch", batch).put("precision", precision);
                    OptionalDouble speedup = table.speedup(model, batch, precision);
                    putOptional(cell, "speedup", speedup);
                    Optional<double[]> range = table.speedupRange(model, batch, precision);
                    putOptional(cell, "speedupMin", range.isPresent() ? OptionalDouble.of(range.get()[0]) : speedup);
                    putOptional(cell, "speedupMax", range.isPresent() ? OptionalDouble.of(range.get()[1]) : speedup);
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
