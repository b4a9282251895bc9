package dev.trt4j.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.table.JsonDocument;
import dev.trt4j.table.StreamedJsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * JSON files of collected statistics, so that any calibration method can be applied later without running the
 * model again: a single {@link Histogram} ({@code {"counts": [...], "edges": [...]}}) or a statistics file
 * holding {@link ActivationStatistics} (for each tensor in order its histogram, max |x| and value count, plus
 * the run's sample and batch counts, model SHA-256 and data description) with the collection options. Floats are written as the shortest decimals that read back bit for bit; every file is written
 * atomically. Thread-safe.
 */
public final class HistogramJson {
    static final String FORMAT = "trt4j.tensor-statistics";
    static final int VERSION = 1;

    private HistogramJson() {
    }

    /**
     * A statistics file's content: the statistics and the collection options that shaped the histograms.
     *
     * @param statistics every tensor's statistics with the run's sample and batch counts, model and data
     * @param options    the options they were collected with; only {@code numBins}, {@code skipZeros} and
     *                   {@code rangePass} are stored, so {@code threads} and {@code maxSamples} read back as 0 (the
     *                   state links are part of the data description)
     */
    public record StatisticsFile(ActivationStatistics statistics, StatisticsOptions options) {
        public StatisticsFile {
            Objects.requireNonNull(statistics, "statistics");
            Objects.requireNonNull(options, "options");
        }
    }

    /**
     * Reads a histogram file {@code {"counts": [...], "edges": [...]}}.
     *
     * @throws Trt4jException naming the file and the problem (e.g. edges not one more than counts)
     */
    public static Histogram readHistogram(Path file) {
        JsonDocument doc = JsonDocument.read(file);
        JsonNode format = doc.root().get("format");
        if (!doc.root().has("counts") && format != null && format.isTextual()) {
            // another trt4j file (a calibration table): "counts: missing" would not say what it is
            throw new Trt4jException(file + ": is a '" + format.asText() + "' file, not a histogram ({\"counts\": "
                    + "[...], \"edges\": [...]}, or a statistics.json)");
        }
        return histogram(doc, doc.root(), "");
    }

    /** Writes a histogram file atomically. */
    public static void writeHistogram(Path file, Histogram histogram) {
        AtomicFiles.write(file, out -> JsonDocument.writeText(histogramNode(histogram), true, out));
    }

    /** True if {@code file} is a statistics file (it names the format {@link #writeStatistics} writes). */
    public static boolean isStatistics(Path file) {
        try (StreamedJsonObject in = StreamedJsonObject.open(file)) {
            String field;
            while ((field = in.nextField()) != null) {
                if (field.equals("format")) {
                    return FORMAT.equals(in.value().asText());
                }
                in.skip(); // a histogram's counts, say: not worth building
            }
            return false;
        }
    }

    /**
     * Reads a statistics file written by {@link #writeStatistics}. The tensors are read one at a time, so the heap
     * holds their statistics and one tensor's JSON, not the whole file as a tree.
     *
     * @throws Trt4jException naming the file and the JSON path of the problem
     */
    public static StatisticsFile readStatistics(Path file) {
        try (StreamedJsonObject in = StreamedJsonObject.open(file)) {
            JsonDocument doc = in.document();
            ObjectNode head = JsonDocument.newObject();
            Map<String, TensorStatistics> tensors = null;
            String field;
            while ((field = in.nextField()) != null) {
                if (field.equals("tensors") && head.has("format") && head.has("version") && head.has("numBins")
                        && head.has("skipZeros")) {
                    StatisticsOptions options = options(doc, head);
                    Map<String, TensorStatistics> read = new LinkedHashMap<>();
                    if (in.entries((name, node) -> read.put(name, checkedTensor(doc, name, node, options)))) {
                        tensors = read;
                        continue;
                    }
                }
                // a file written in another order keeps its fields to check them in order below
                head.set(field, in.value());
            }
            StatisticsOptions options = options(doc, head);
            if (tensors == null) {
                tensors = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : doc.object(head.get("tensors"), "tensors").properties()) {
                    tensors.put(e.getKey(), checkedTensor(doc, e.getKey(), e.getValue(), options));
                }
            }
            ActivationStatistics statistics = new ActivationStatistics(tensors,
                    nonNegative(doc, head, "samples"), nonNegative(doc, head, "batches"),
                    doc.text(head.get("modelSha256"), "modelSha256"), doc.text(head.get("data"), "data"));
            return new StatisticsFile(statistics, options);
        }
    }

    /** The format, version and collection options of a statistics file's {@code head}, checked. */
    private static StatisticsOptions options(JsonDocument doc, ObjectNode head) {
        String format = doc.text(head.get("format"), "format");
        if (!FORMAT.equals(format)) {
            throw doc.error("format", "is '" + format + "'; expected '" + FORMAT + "'");
        }
        if (doc.integer(head.get("version"), "version") != VERSION) {
            throw doc.error("version", "is " + head.get("version").asText() + "; this trt4j reads version " + VERSION);
        }
        try {
            return StatisticsOptions.defaults()
                    .withNumBins(Math.toIntExact(doc.integer(head.get("numBins"), "numBins")))
                    .withSkipZeros(doc.bool(head.get("skipZeros"), "skipZeros"))
                    .withRangePass(head.has("rangePass") && doc.bool(head.get("rangePass"), "rangePass"));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw doc.error("numBins", e.getMessage());
        }
    }

    private static TensorStatistics checkedTensor(JsonDocument doc, String name, JsonNode node,
                                                  StatisticsOptions options) {
        TensorStatistics t = tensor(doc, name, node);
        if (t.histogram() == null && t.count() > 0 && !options.skipZeros() && t.droppedBecause() == null) {
            // only skip-zeros, or a histogram dropped with its reason, leaves a tensor with values but no
            // histogram: this one was cut out of the file
            throw doc.error("tensors[\"" + name + "\"].histogram", "is missing, though the tensor has "
                    + t.count() + " values and the statistics were collected without skip-zeros");
        }
        if (t.histogram() != null) {
            requireCountFitsHistogram(doc, name, t, options.skipZeros());
        }
        String absMaxContradiction = AbsMaxFit.contradiction(t);
        if (absMaxContradiction != null) {
            // the max method's amax, and the report's axis: an edited value would pass for the data's
            throw doc.error("tensors[\"" + name + "\"].absMax", absMaxContradiction);
        }
        return t;
    }

    /**
     * Refuses a tensor whose value count its histogram contradicts. Every value collected is binned, except the zeros
     * skip-zeros leaves out, which still count: the histogram's sum is the count without skip-zeros, and at most the
     * count with it. Any other count was edited in (it is shown on the report's charts, and stands for the data).
     */
    private static void requireCountFitsHistogram(JsonDocument doc, String name, TensorStatistics t,
                                                  boolean skipZeros) {
        long binned = t.histogram().total(); // Histogram refuses counts whose sum overflows
        if (skipZeros ? binned > t.count() : binned != t.count()) {
            throw doc.error("tensors[\"" + name + "\"].count", "is " + t.count() + ", but its histogram holds "
                    + binned + " values; " + (skipZeros ? "with skip-zeros the histogram holds every value collected "
                    + "but the zeros, so never more than the count" : "without skip-zeros the histogram holds every "
                    + "value collected, so the two are equal"));
        }
    }

    /**
     * Writes a statistics file atomically, streamed: a model's histograms run to millions of numbers, which as a
     * JSON tree took about eight times their file's size in heap.
     */
    public static void writeStatistics(Path file, StatisticsFile content) {
        ActivationStatistics statistics = content.statistics();
        AtomicFiles.write(file, out -> {
            try (JsonGenerator g = JsonDocument.prettyGenerator(out, true)) {
                g.writeStartObject();
                g.writeStringField("format", FORMAT);
                g.writeNumberField("version", VERSION);
                g.writeNumberField("numBins", content.options().numBins());
                g.writeBooleanField("skipZeros", content.options().skipZeros());
                g.writeBooleanField("rangePass", content.options().rangePass());
                g.writeNumberField("samples", statistics.samples());
                g.writeNumberField("batches", statistics.batches());
                g.writeStringField("modelSha256", statistics.modelSha256());
                g.writeStringField("data", statistics.dataDescription());
                g.writeObjectFieldStart("tensors");
                for (Map.Entry<String, TensorStatistics> e : statistics.tensors().entrySet()) {
                    TensorStatistics t = e.getValue();
                    g.writeObjectFieldStart(e.getKey());
                    g.writeFieldName("absMax");
                    g.writeRawValue(JsonDocument.exactFloatText(t.absMax()));
                    g.writeNumberField("count", t.count());
                    g.writeFieldName("histogram");
                    if (t.histogram() == null) {
                        g.writeNull();
                    } else {
                        writeHistogram(g, t.histogram());
                    }
                    if (t.droppedBecause() != null) {
                        g.writeStringField("histogramDropped", t.droppedBecause());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            out.write('\n');
        });
    }

    private static void writeHistogram(JsonGenerator g, Histogram histogram) throws IOException {
        g.writeStartObject();
        g.writeFieldName("counts");
        g.writeStartArray();
        for (long c : histogram.counts()) {
            g.writeNumber(c);
        }
        g.writeEndArray();
        g.writeFieldName("edges");
        g.writeStartArray();
        for (float e : histogram.edges()) {
            g.writeRawValue(JsonDocument.exactFloatText(e));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static long nonNegative(JsonDocument doc, ObjectNode root, String field) {
        long v = doc.integer(root.get(field), field);
        if (v < 0) {
            throw doc.error(field, "must not be negative, got " + v);
        }
        return v;
    }

    private static TensorStatistics tensor(JsonDocument doc, String name, JsonNode node) {
        String path = "tensors[\"" + name + "\"]";
        ObjectNode entry = doc.object(node, path);
        float absMax = doc.float32(entry.get("absMax"), path + ".absMax");
        long count = doc.integer(entry.get("count"), path + ".count");
        JsonNode h = entry.get("histogram");
        Histogram histogram = h == null || h.isNull() ? null : histogram(doc, h, path + ".histogram");
        JsonNode dropped = entry.get("histogramDropped");
        String droppedBecause = dropped == null ? null : doc.text(dropped, path + ".histogramDropped");
        try {
            return new TensorStatistics(name, histogram, absMax, count, droppedBecause);
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
