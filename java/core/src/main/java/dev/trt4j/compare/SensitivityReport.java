package dev.trt4j.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.Trt4jException;
import dev.trt4j.quantize.BiasCorrection;
import dev.trt4j.table.JsonDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code sensitivity} measured: the layers ranked by how much quantizing each alone costs, and, when a target
 * was given, which layers were kept in FP32 to meet it. Saved as JSON (read back by the report).
 *
 * @param model             the model's file name
 * @param modelSha256       SHA-256 of the model file
 * @param method            the activation calibration method
 * @param metric            the task metric, e.g. {@code accuracy}
 * @param higherIsBetter    whether a larger metric is better
 * @param evaluationData    what the models were evaluated on (none of the calibration samples)
 * @param fp32Score         the FP32 model's metric
 * @param quantizedScore    the metric with every layer in INT8
 * @param ranking           most sensitive first
 * @param search            the skip-list search; null when no target was given
 * @param biasCorrection    the bias correction applied to every candidate and to the written model; null = none
 * @param calibrationData   what the activation ranges were calibrated on; null in files written before it was kept
 * @param calibrationSamples how many samples the ranges saw; null likewise
 * @param evaluationSamples how many samples the models were evaluated on; null in files written before it was kept
 */
public record SensitivityReport(String model, String modelSha256, String method, String metric,
                                boolean higherIsBetter, String evaluationData, double fp32Score,
                                double quantizedScore, List<LayerSensitivity> ranking, Search search,
                                BiasCorrection.Choice biasCorrection, String calibrationData,
                                Long calibrationSamples, Long evaluationSamples) {
    static final ReportFormat FORMAT = new ReportFormat("trt4j.sensitivity", 1);

    /**
     * The skip-list search's outcome.
     *
     * @param targetDrop the largest drop accepted
     * @param skipped    layers kept in FP32, most sensitive first
     * @param score      the chosen model's metric
     * @param drop       its drop against FP32
     * @param reached    whether it is within target
     * @param steps      every model tried
     */
    public record Search(double targetDrop, List<String> skipped, double score, double drop, boolean reached,
                         List<PartialQuantization.Step> steps) {
        public Search {
            skipped = List.copyOf(skipped);
            steps = List.copyOf(steps);
        }

        /** The search's outcome as recorded. */
        public static Search of(PartialQuantization p) {
            return new Search(p.targetDrop(), p.skipped(), p.score().candidate(), p.score().drop(), p.reached(),
                    p.steps());
        }
    }

    public SensitivityReport {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        ranking = List.copyOf(ranking);
    }

    /** A report of candidates judged without bias correction, calibration data not recorded. */
    public SensitivityReport(String model, String modelSha256, String method, String metric, boolean higherIsBetter,
                             String evaluationData, double fp32Score, double quantizedScore,
                             List<LayerSensitivity> ranking, Search search) {
        this(model, modelSha256, method, metric, higherIsBetter, evaluationData, fp32Score, quantizedScore, ranking,
                search, null);
    }

    /** A report whose calibration data and evaluation sample count are not recorded. */
    public SensitivityReport(String model, String modelSha256, String method, String metric, boolean higherIsBetter,
                             String evaluationData, double fp32Score, double quantizedScore,
                             List<LayerSensitivity> ranking, Search search, BiasCorrection.Choice biasCorrection) {
        this(model, modelSha256, method, metric, higherIsBetter, evaluationData, fp32Score, quantizedScore, ranking,
                search, biasCorrection, null, null, null);
    }

    /** The search for layers to keep in FP32, if a target was given. */
    public Optional<Search> searchResult() {
        return Optional.ofNullable(search);
    }

    /** The ranking as a table: one row per layer, most sensitive first. */
    public ResultTable rankingTable() {
        List<ResultTable.Row> rows = new ArrayList<>();
        for (LayerSensitivity l : ranking) {
            rows.add(new ResultTable.Row(l.node() + " (" + l.opType() + ")",
                    List.of(l.score(), l.drop(), l.cosine(), l.snrDb())));
        }
        // The title is where the printed table, and the HTML report, state the settings measured.
        String settings = method + " activations"
                + (biasCorrection == null ? "" : ", bias correction: " + biasCorrection.label());
        // the two scores are read against the metric column below, so they take the decimals its values need too:
        // the title and the column print a score alike
        List<Double> metricValues = new ArrayList<>(List.of(fp32Score, quantizedScore));
        ranking.forEach(l -> metricValues.add(l.score()));
        List<String> scores = ResultTable.formatApart(metricValues);
        return new ResultTable("Layers quantized one at a time (" + settings + "), most sensitive first; "
                + "FP32 " + metric + " " + scores.get(0) + ", all layers INT8 " + scores.get(1), "layer",
                List.of(metric, "drop", "cosine", "SNR dB"), rows);
    }

    /** The skip list as text: one node name a line, most sensitive first (empty when no search ran). */
    public String skipListText() {
        StringBuilder s = new StringBuilder();
        searchResult().ifPresent(r -> r.skipped().forEach(n -> s.append(n).append('\n')));
        return s.toString();
    }

    /** The report as a JSON object. */
    public ObjectNode toJson() {
        ObjectNode root = FORMAT.newReport(model, modelSha256);
        root.put("method", method);
        root.put("metric", metric);
        root.put("higherIsBetter", higherIsBetter);
        // The data keys in the order and form comparison.json gives them, so that a script reads both alike.
        root.put("calibrationData", calibrationData);
        putCount(root, "calibrationSamples", calibrationSamples);
        root.put("evaluationData", evaluationData);
        putCount(root, "evaluationSamples", evaluationSamples);
        root.put("fp32Score", fp32Score);
        root.put("quantizedScore", quantizedScore);
        // Always present, null when off, so that a reader can tell "not applied" from an older file.
        if (biasCorrection == null) {
            root.putNull("biasCorrection");
            root.putNull("biasCorrectionMode");
        } else {
            root.put("biasCorrection", biasCorrection.scope().label());
            root.put("biasCorrectionMode", biasCorrection.mode().label());
        }
        ArrayNode layers = root.putArray("ranking");
        for (LayerSensitivity l : ranking) {
            ObjectNode n = layers.addObject();
            n.put("node", l.node());
            n.put("opType", l.opType());
            n.put("score", l.score());
            n.put("drop", l.drop());
            n.put("cosine", l.cosine());
            putNumber(n, "snrDb", l.snrDb());
        }
        if (search == null) {
            root.putNull("search");
        } else {
            ObjectNode s = root.putObject("search");
            s.put("targetDrop", search.targetDrop());
            ArrayNode skipped = s.putArray("skipped");
            search.skipped().forEach(skipped::add);
            s.put("score", search.score());
            s.put("drop", search.drop());
            s.put("reached", search.reached());
            ArrayNode steps = s.putArray("steps");
            for (PartialQuantization.Step step : search.steps()) {
                ObjectNode n = steps.addObject();
                n.put("skippedLayers", step.skippedLayers());
                n.put("lastSkipped", step.lastSkipped());
                n.put("score", step.score());
                n.put("drop", step.drop());
            }
        }
        return root;
    }

    private static void putCount(ObjectNode n, String field, Long count) {
        if (count == null) {
            n.putNull(field);
        } else {
            n.put(field, count.longValue());
        }
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.put(field, Double.toString(v));
        }
    }

    /** Writes the JSON atomically. */
    public void write(Path file) {
        FORMAT.write(file, toJson());
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws dev.trt4j.Trt4jException naming the file and the JSON path of the problem
     */
    public static SensitivityReport read(Path file) {
        JsonDocument doc = JsonDocument.read(file);
        ObjectNode root = FORMAT.root(doc);
        List<LayerSensitivity> ranking = new ArrayList<>();
        ArrayNode layers = doc.array(root.get("ranking"), "ranking");
        for (int i = 0; i < layers.size(); i++) {
            String p = "ranking[" + i + "]";
            ObjectNode n = doc.object(layers.get(i), p);
            ranking.add(new LayerSensitivity(doc.text(n.get("node"), p + ".node"),
                    doc.text(n.get("opType"), p + ".opType"), number(doc, n, "score", p),
                    number(doc, n, "drop", p), number(doc, n, "cosine", p), number(doc, n, "snrDb", p)));
        }
        JsonNode s = root.get("search");
        Search search = s == null || s.isNull() ? null : search(doc, doc.object(s, "search"));
        return new SensitivityReport(doc.text(root.get("model"), "model"),
                doc.text(root.get("modelSha256"), "modelSha256"), doc.text(root.get("method"), "method"),
                doc.text(root.get("metric"), "metric"), doc.bool(root.get("higherIsBetter"), "higherIsBetter"),
                doc.text(root.get("evaluationData"), "evaluationData"), number(doc, root, "fp32Score", ""),
                number(doc, root, "quantizedScore", ""), ranking, search, biasCorrection(doc, root),
                optionalText(doc, root, "calibrationData"), optionalCount(doc, root, "calibrationSamples"),
                optionalCount(doc, root, "evaluationSamples"));
    }

    private static String optionalText(JsonDocument doc, ObjectNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : doc.text(n, field);
    }

    private static Long optionalCount(JsonDocument doc, ObjectNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        long count = doc.integer(n, field);
        if (count < 0) {
            throw doc.error(field, "is " + count + "; expected a sample count or null");
        }
        return count;
    }

    /**
     * {@code biasCorrection}: conv, all, or null; files written before it existed lack it (none applied). Its
     * {@code biasCorrectionMode} is one-pass or layer-by-layer; files written before modes existed lack it (one pass).
     */
    private static BiasCorrection.Choice biasCorrection(JsonDocument doc, ObjectNode root) {
        JsonNode n = root.get("biasCorrection");
        if (n == null || n.isNull()) {
            return null;
        }
        String name = doc.text(n, "biasCorrection");
        BiasCorrection.Scope scope;
        try {
            scope = BiasCorrection.Scope.named(name);
        } catch (Trt4jException e) {
            throw doc.error("biasCorrection", "is '" + name + "'; expected conv, all or null");
        }
        JsonNode m = root.get("biasCorrectionMode");
        if (m == null || m.isNull()) {
            return new BiasCorrection.Choice(scope, BiasCorrection.Mode.ONE_PASS);
        }
        String mode = doc.text(m, "biasCorrectionMode");
        try {
            return new BiasCorrection.Choice(scope, BiasCorrection.Mode.named(mode));
        } catch (Trt4jException e) {
            throw doc.error("biasCorrectionMode", "is '" + mode + "'; expected one-pass or layer-by-layer");
        }
    }

    private static Search search(JsonDocument doc, ObjectNode s) {
        List<String> skipped = new ArrayList<>();
        ArrayNode names = doc.array(s.get("skipped"), "search.skipped");
        for (int i = 0; i < names.size(); i++) {
            skipped.add(doc.text(names.get(i), "search.skipped[" + i + "]"));
        }
        List<PartialQuantization.Step> steps = new ArrayList<>();
        ArrayNode stepNodes = doc.array(s.get("steps"), "search.steps");
        for (int i = 0; i < stepNodes.size(); i++) {
            String p = "search.steps[" + i + "]";
            ObjectNode n = doc.object(stepNodes.get(i), p);
            JsonNode last = n.get("lastSkipped");
            steps.add(new PartialQuantization.Step(Math.toIntExact(doc.integer(n.get("skippedLayers"),
                    p + ".skippedLayers")), last == null || last.isNull() ? null : doc.text(last, p + ".lastSkipped"),
                    number(doc, n, "score", p), number(doc, n, "drop", p)));
        }
        return new Search(number(doc, s, "targetDrop", "search"), skipped, number(doc, s, "score", "search"),
                number(doc, s, "drop", "search"), doc.bool(s.get("reached"), "search.reached"), steps);
    }

    private static double number(JsonDocument doc, ObjectNode node, String field, String parent) {
        String path = parent.isEmpty() ? field : parent + "." + field;
        Double v = ResultTable.number(doc, node.get(field), path);
        if (v == null) {
            throw doc.error(path, "missing; expected a number");
        }
        return v;
    }
}
