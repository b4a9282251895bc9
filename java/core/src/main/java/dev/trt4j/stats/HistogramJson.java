package dev.trt4j.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.table.JsonDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON files of collected statistics, so that any calibration method can be applied later without running the
 * model again: a single {@link Histogram} ({@code {"counts": [...], "edges": [...]}}) or a statistics file
 * holding, for many tensors in order, the histogram, max |x| and value count together with the collection
 * options. Floats are written as the shortest decimals that read back bit for bit; every file is written
 * atomically. Thread-safe.
 */
public final class HistogramJson {
    static final String FORMAT = "trt4j.tensor-statistics";
    static final int VERSION = 1;

    private HistogramJson() {
    }

    /**
     * The statistics of many tensors as collected with the same options.
     *
     * @param numBins   bins of each histogram's first batch (the collector option, 2048 by default)
     * @param skipZeros whether exact zeros were left out of the histograms
     * @param tensors   statistics per tensor, in collection order, names unique
     */
    public record StatisticsFile(int numBins, boolean skipZeros, List<TensorStatistics> tensors) {
        /** @throws IllegalArgumentException on fewer than 1 bin or a repeated tensor name */
        public StatisticsFile {
            if (numBins < 1) {
                throw new IllegalArgumentException("num-bins must be at least 1, got " + numBins);
            }
            tensors = List.copyOf(tensors);
            Set<String> names = new HashSet<>();
            for (TensorStatistics t : tensors) {
                if (!names.add(t.name())) {
                    throw new IllegalArgumentException("tensor '" + t.name() + "' appears twice");
                }
            }
        }
    }

    /**
     * Reads a histogram file {@code {"counts": [...], "edges": [...]}}.
     *
     * @throws Trt4jException naming the file and the problem (e.g. edges not one more than counts)
     */
    public static Histogram readHistogram(Path file) {
        JsonDocument doc = JsonDocument.read(file);
        return histogram(doc, doc.root(), "");
    }

    /** Writes a histogram file atomically. */
    public static void writeHistogram(Path file, Histogram histogram) {
        AtomicFiles.writeString(file, JsonDocument.toText(histogramNode(histogram), true));
    }

    /**
     * Reads a statistics file written by {@link #writeStatistics}.
     *
     * @throws Trt4jException naming the file and the JSON path of the problem
     */
    public static StatisticsFile readStatistics(Path file) {
        JsonDocument doc = JsonDocument.read(file);
        ObjectNode root = doc.object(doc.root(), "");
        String format = doc.text(root.get("format"), "format");
        if (!FORMAT.equals(format)) {
            throw doc.error("format", "is '" + format + "'; expected '" + FORMAT + "'");
        }
        if (doc.integer(root.get("version"), "version") != VERSION) {
            throw doc.error("version", "is " + root.get("version").asText() + "; this trt4j reads version " + VERSION);
        }
        long numBins = doc.integer(root.get("numBins"), "numBins");
        boolean skipZeros = doc.bool(root.get("skipZeros"), "skipZeros");
        List<TensorStatistics> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : doc.object(root.get("tensors"), "tensors").properties()) {
            tensors.add(tensor(doc, e.getKey(), e.getValue()));
        }
        try {
            return new StatisticsFile(Math.toIntExact(numBins), skipZeros, tensors);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw doc.error("numBins", e.getMessage());
        }
    }

    /** Writes a statistics file atomically. */
    public static void writeStatistics(Path file, StatisticsFile statistics) {
        ObjectNode root = JsonDocument.newObject();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("numBins", statistics.numBins());
        root.put("skipZeros", statistics.skipZeros());
        ObjectNode tensors = root.putObject("tensors");
        for (TensorStatistics t : statistics.tensors()) {
            ObjectNode entry = tensors.putObject(t.name());
            entry.putRawValue("absMax", JsonDocument.exactFloat(t.absMax()));
            entry.put("count", t.count());
            entry.set("histogram", t.histogram() == null ? entry.nullNode() : histogramNode(t.histogram()));
        }
        AtomicFiles.writeString(file, JsonDocument.toText(root, true));
    }

    private static TensorStatistics tensor(JsonDocument doc, String name, JsonNode node) {
        String path = "tensors[\"" + name + "\"]";
        ObjectNode entry = doc.object(node, path);
        float absMax = doc.float32(entry.get("absMax"), path + ".absMax");
        long count = doc.integer(entry.get("count"), path + ".count");
        JsonNode h = entry.get("histogram");
        Histogram histogram = h == null || h.isNull() ? null : histogram(doc, h, path + ".histogram");
        try {
            return new TensorStatistics(name, histogram, absMax, count);
        } catch (IllegalArgumentException e) {
            throw doc.error(path, e.getMessage());
        }
    }

    private static Histogram histogram(JsonDocument doc, JsonNode node, String path) {
        String prefix = path.isEmpty() ? "" : path + ".";
        ObjectNode h = doc.object(node, path);
        ArrayNode countsNode = doc.array(h.get("counts"), prefix + "counts");
        ArrayNode edgesNode = doc.array(h.get("edges"), prefix + "edges");
        if (edgesNode.size() != countsNode.size() + 1) {
            throw doc.error(prefix + "edges", edgesNode.size() + " edges for " + countsNode.size()
                    + " counts; expected one more edge than counts (" + (countsNode.size() + 1) + ")");
        }
        long[] counts = new long[countsNode.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = doc.integer(countsNode.get(i), prefix + "counts[" + i + "]");
        }
        float[] edges = new float[edgesNode.size()];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = doc.float32(edgesNode.get(i), prefix + "edges[" + i + "]");
        }
        try {
            return new Histogram(counts, edges);
        } catch (IllegalArgumentException e) {
            throw doc.error(path, e.getMessage());
        }
    }

    private static ObjectNode histogramNode(Histogram histogram) {
        ObjectNode node = JsonDocument.newObject();
        ArrayNode counts = node.putArray("counts");
        for (long c : histogram.counts()) {
            counts.add(c);
        }
        ArrayNode edges = node.putArray("edges");
        for (float e : histogram.edges()) {
            edges.addRawValue(JsonDocument.exactFloat(e));
        }
        return node;
    }
}
