package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.table.CalibrationFile;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.FloatBits;
import dev.trt4j.table.ShortestDecimal;
import dev.trt4j.table.SignedInt8Ranges;
import dev.trt4j.table.TensorRtCalibrationCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code trt4j cache show}: every tensor of a cache or table with its scale and amax. */
@Command(name = "show", description = "Lists each tensor of a TensorRT calibration cache or a trt4j calibration "
        + "table with its scale and amax (scale = amax / 127 for INT8; for a table calibrated with --num-bits or "
        + "--unsigned, amax / the largest level of its grid).")
public final class CacheShowCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A TensorRT calibration cache or a trt4j table (.json).")
    Path file;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    /** One row: the stored value is exact, the other is derived in float32. */
    private record Row(String name, float scale, float amax) {
    }

    @Override
    public Integer call() {
        CalibrationFile input = CalibrationFile.read(file);
        List<Row> rows = new ArrayList<>();
        String title;
        int bound = 127; // a TensorRT cache holds signed INT8 scales
        if (input.isCache()) {
            TensorRtCalibrationCache cache = input.cache();
            cache.scaleBitsByTensor().forEach((name, bits) -> rows.add(new Row(name, Float.intBitsToFloat(bits),
                    TensorRtCalibrationCache.amaxOf(Float.intBitsToFloat(bits)))));
            title = cache.header();
        } else {
            CalibrationTable table = input.table();
            try {
                bound = CalibrationOutputs.maxBound(table);
            } catch (IllegalArgumentException e) {
                throw new Trt4jException(file + ": " + e.getMessage());
            }
            // a 4-bit table's scale is amax / 7: amax / 127 would be no scale of the grid its amax was chosen for
            float levels = bound;
            table.amaxByTensor().forEach((name, amax) -> rows.add(new Row(name, amax / levels, amax)));
            String method = table.provenance().method();
            title = convertedFrom(table).map(h -> "calibration table from " + h.text())
                    .orElse("calibration table, " + (method == null ? "method unknown" : "method " + method));
            if (!SignedInt8Ranges.isSigned8Bit(table)) {
                title += ", " + table.provenance().parameters().getOrDefault("numBits", "8").strip() + "-bit "
                        + (Boolean.parseBoolean(table.provenance().parameters().get("unsigned")) ? "unsigned" : "signed")
                        + " grid (scale = amax / " + bound + ")";
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            json.print(out, toJson(input, bound, rows));
        } else {
            printTable(out, title, rows);
        }
        return 0;
    }

    private static ObjectNode toJson(CalibrationFile input, int bound, List<Row> rows) {
        ObjectNode root = JsonOutput.object();
        Optional<TensorRtCalibrationCache.Header> kept = input.isCache() ? Optional.empty()
                : convertedFrom(input.table());
        // The same keys for both kinds of file, null where the kind does not record it.
        if (input.isCache()) {
            root.put("kind", "tensorrt-cache");
            root.put("tensorrtVersion", input.cache().version());
            root.put("algorithm", input.cache().algorithm());
            root.putNull("method");
        } else if (kept.isPresent()) {
            // such a table's "method" is the cache's algorithm token: report it where a cache's is
            TensorRtCalibrationCache.Header header = kept.get();
            root.put("kind", "calibration-table");
            root.put("tensorrtVersion", header.version());
            root.put("algorithm", header.algorithm());
            root.putNull("method");
        } else {
            root.put("kind", "calibration-table");
            root.putNull("tensorrtVersion");
            root.putNull("algorithm");
            root.put("method", input.table().provenance().method());
        }
        root.put("maxBound", bound);
        ArrayNode tensors = root.putArray("tensors");
        for (Row r : rows) {
            ObjectNode t = tensors.addObject().put("name", r.name());
            putNumber(t, "scale", r.scale()).put("scaleHex", FloatBits.hex8(r.scale()));
            putNumber(t, "amax", r.amax()).put("amaxHex", FloatBits.hex8(r.amax()));
        }
        return root;
    }

    /** The float as a JSON number, or, for TensorRT's infinite scale, the string "Infinity" JSON has no number for. */
    private static ObjectNode putNumber(ObjectNode node, String field, float value) {
        return Float.isFinite(value) ? JsonOutput.putFloat(node, field, value) : node.put(field, String.valueOf(value));
    }

    /** The header of the TensorRT cache {@code table} was converted from, if it was. */
    private static Optional<TensorRtCalibrationCache.Header> convertedFrom(CalibrationTable table) {
        try {
            return TensorRtCalibrationCache.keptHeader(table);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a hand-edited version: shown as a plain table
        }
    }

    private static void printTable(PrintWriter out, String title, List<Row> rows) {
        out.println(title + ": " + rows.size() + (rows.size() == 1 ? " tensor" : " tensors"));
        int nameWidth = "tensor".length();
        int scaleWidth = "scale".length();
        for (Row r : rows) {
            nameWidth = Math.max(nameWidth, ControlCharacters.escape(r.name()).length());
            scaleWidth = Math.max(scaleWidth, ShortestDecimal.format(r.scale()).length());
        }
        String format = "%-" + nameWidth + "s  %-" + scaleWidth + "s  %s%n";
        out.printf(Locale.ROOT, format, "tensor", "scale", "amax");
        for (Row r : rows) {
            // a line break or escape sequence in a name would fake a row or recolour the terminal
            out.printf(Locale.ROOT, format, ControlCharacters.escape(r.name()), ShortestDecimal.format(r.scale()),
                    ShortestDecimal.format(r.amax()));
        }
    }
}
