package dev.trt4j.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.ControlCharacters;
import dev.trt4j.table.JsonDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code compare-calibrators} measured on one model: the task metric of the FP32 model and of every
 * calibration method's INT8 model (the literature's table), how close each INT8 model's outputs stay, and
 * optionally the weights study and the metric against the number of calibration samples. Saved as JSON (read back
 * by the report) and printed as Markdown.
 *
 * @param model              the model's file name
 * @param modelSha256        SHA-256 of the model file
 * @param metric             the task metric in the cells, e.g. {@code accuracy}
 * @param higherIsBetter     whether a larger metric is better
 * @param calibrationData    what the statistics were collected on
 * @param calibrationSamples how many samples the statistics saw
 * @param evaluationData     what the models were evaluated on (none of the calibration samples)
 * @param evaluationSamples  how many samples the models were evaluated on
 * @param quantization       how weights were quantized, e.g. {@code per-channel max weights, BatchNorm folded}
 * @param methods            rows: the model; columns: FP32 and each method
 * @param fidelity           rows: methods; columns: the metric, its drop, output cosine and SNR
 * @param weightsStudy       rows: weight granularity; columns: FP32, BatchNorm folded or not; null if not run
 * @param samplesSweep       rows: calibration sample counts; columns: FP32 and each method; null if not run
 *                           (this, {@code methods} and {@code weightsStudy} hold the metric in every column, and are
 *                           kept as tables of {@link ResultTable#oneQuantity one quantity}; {@code fidelity} is not)
 */
public record ComparisonReport(String model, String modelSha256, String metric, boolean higherIsBetter,
                               String calibrationData, long calibrationSamples, String evaluationData,
                               long evaluationSamples, String quantization, ResultTable methods,
                               ResultTable fidelity, ResultTable weightsStudy, ResultTable samplesSweep) {
    static final ReportFormat FORMAT = new ReportFormat("trt4j.calibrator-comparison", 1);

    public ComparisonReport {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(methods, "methods");
        Objects.requireNonNull(fidelity, "fidelity");
        // how each table is read follows from which table it is, however it was made or read back
        methods = methods.asOneQuantity();
        weightsStudy = weightsStudy == null ? null : weightsStudy.asOneQuantity();
        samplesSweep = samplesSweep == null ? null : samplesSweep.asOneQuantity();
    }

    /** The weight-calibration study, if one was run. */
    public Optional<ResultTable> weightsStudyTable() {
        return Optional.ofNullable(weightsStudy);
    }

    /**
     * The method whose INT8 model scored best on the metric, or empty if none scored a finite value: the one whose
     * table to quantize with. Equal scores are common (an accuracy counts whole samples: several methods often get
     * the same ones right), and the order methods were listed in says nothing about them; so among equal scores the
     * one whose outputs stay closest to FP32's wins, by SNR and then cosine ({@link #fidelity}), and only then the
     * first listed.
     */
    public Optional<String> bestMethod() {
        ResultTable.Row row = methods.rows().get(0);
        String best = null;
        double bestScore = Double.NaN;
        // column 0 is FP32, the reference
        for (int i = 1; i < methods.columns().size(); i++) {
            Double v = row.value(i);
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            String method = methods.columns().get(i);
            boolean better = best == null || (higherIsBetter ? v > bestScore : v < bestScore)
                    || (v.doubleValue() == bestScore && closerToReference(method, best));
            if (better) {
                best = method;
                bestScore = v;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The methods that scored exactly what the {@link #bestMethod} scored, the best first, where it shares its score:
     * the metric could not tell them apart on these samples (the detector's hmean at 1.0 for four methods whose
     * cosines ran from 0.925 to 0.99), so the best among them was chosen by how close its outputs stay to FP32's.
     * Empty where the best scored alone, or no method scored.
     */
    public List<String> tiedForBest() {
        String best = bestMethod().orElse(null);
        if (best == null) {
            return List.of();
        }
        ResultTable.Row row = methods.rows().get(0);
        double score = row.value(methods.column(best));
        List<String> tied = new ArrayList<>(List.of(best));
        for (int i = 1; i < methods.columns().size(); i++) {
            Double v = row.value(i);
            String method = methods.columns().get(i);
            if (v != null && v == score && !method.equals(best)) {
                tied.add(method);
            }
        }
        return tied.size() > 1 ? List.copyOf(tied) : List.of();
    }

    /** Whether {@code method}'s outputs are closer to FP32's than {@code other}'s: higher SNR, then cosine. */
    private boolean closerToReference(String method, String other) {
        for (String column : new String[] {"SNR dB", "cosine"}) {
            int c = fidelity.column(column);
            Double a = c < 0 ? null : fidelityOf(method, c);
            Double b = c < 0 ? null : fidelityOf(other, c);
            if (a != null && b != null && Double.isFinite(a) && Double.isFinite(b) && !a.equals(b)) {
                return a > b;
            }
        }
        return false;
    }

    private Double fidelityOf(String method, int column) {
        return fidelity.rows().stream().filter(r -> r.label().equals(method)).findFirst()
                .map(r -> r.value(column)).orElse(null);
    }

    /** The sample-count sweep, if one was run. */
    public Optional<ResultTable> samplesSweepTable() {
        return Optional.ofNullable(samplesSweep);
    }

    /** The report as Markdown: a line of context, then each table. */
    public String toMarkdown() {
        StringBuilder s = new StringBuilder();
        // one line, whatever the model's names hold (the metric may name an output), as the tables below escape them;
        // the dash is trt4j's own, which a terminal may print as ASCII, so only the parts are escaped
        s.append(String.format(Locale.ROOT,
                "%s — %s (%s is better) on %d held-out samples (%s); calibrated on %d samples (%s); "
                        + "%s.", ControlCharacters.escape(model), ControlCharacters.escape(metric),
                higherIsBetter ? "higher" : "lower", evaluationSamples, ControlCharacters.escape(evaluationData),
                calibrationSamples, ControlCharacters.escape(calibrationData),
                ControlCharacters.escape(quantization)))
                .append(String.format(Locale.ROOT, "%n%n"));
        s.append(methods.toMarkdown()).append('\n').append(fidelity.toMarkdown());
        weightsStudyTable().ifPresent(t -> s.append('\n').append(t.toMarkdown()));
        samplesSweepTable().ifPresent(t -> s.append('\n').append(t.toMarkdown()));
        return s.toString();
    }

    /** The report as a JSON object. */
    public ObjectNode toJson() {
        ObjectNode root = FORMAT.newReport(model, modelSha256);
        root.put("metric", metric);
        root.put("higherIsBetter", higherIsBetter);
        root.put("calibrationData", calibrationData);
        root.put("calibrationSamples", calibrationSamples);
        root.put("evaluationData", evaluationData);
        root.put("evaluationSamples", evaluationSamples);
        root.put("quantization", quantization);
        root.set("methods", methods.toJson());
        // derived from the methods row, and written for scripts as the text report names it; not read back
        root.put("bestMethod", bestMethod().orElse(null));
        // the same kind: empty where the metric alone chose the best
        var tied = root.putArray("tiedForBest");
        tiedForBest().forEach(tied::add);
        root.set("fidelity", fidelity.toJson());
        root.set("weightsStudy", weightsStudy == null ? root.nullNode() : weightsStudy.toJson());
        root.set("samplesSweep", samplesSweep == null ? root.nullNode() : samplesSweep.toJson());
        return root;
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
    public static ComparisonReport read(Path file) {
        JsonDocument doc = JsonDocument.read(file);
        ObjectNode root = FORMAT.root(doc);
        return new ComparisonReport(doc.text(root.get("model"), "model"),
                doc.text(root.get("modelSha256"), "modelSha256"), doc.text(root.get("metric"), "metric"),
                doc.bool(root.get("higherIsBetter"), "higherIsBetter"),
                doc.text(root.get("calibrationData"), "calibrationData"),
                doc.integer(root.get("calibrationSamples"), "calibrationSamples"),
                doc.text(root.get("evaluationData"), "evaluationData"),
                doc.integer(root.get("evaluationSamples"), "evaluationSamples"),
                doc.text(root.get("quantization"), "quantization"),
                ResultTable.fromJson(doc, root.get("methods"), "methods"),
                ResultTable.fromJson(doc, root.get("fidelity"), "fidelity"),
                optionalTable(doc, root.get("weightsStudy"), "weightsStudy"),
                optionalTable(doc, root.get("samplesSweep"), "samplesSweep"));
    }

    private static ResultTable optionalTable(JsonDocument doc, JsonNode node, String path) {
        return node == null || node.isNull() ? null : ResultTable.fromJson(doc, node, path);
    }
}
