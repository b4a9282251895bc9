package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The task metrics trt4j knows, by the name users give them. */
public enum TaskKind {
    /** {@link EmbeddingCosine}. */
    EMBEDDING("embedding", "embedding-cosine"),
    /** {@link CtcTextRecognition}. */
    CTC("ctc", "ctc-text"),
    /** {@link ClassificationAccuracy}. */
    CLASSIFICATION("classification", "classification"),
    /** {@link TextDetection}. */
    DETECTION("detection", "detection");

    private final String label;
    private final String reportedAs;

    /** {@code reportedAs}: the name the metric gives itself in reports, accepted too so a report can be rerun. */
    TaskKind(String label, String reportedAs) {
        this.label = label;
        this.reportedAs = reportedAs;
    }

    /** The user-facing name, e.g. {@code ctc}. */
    public String label() {
        return label;
    }

    /** The name the metric gives itself in reports, e.g. {@code ctc-text}; {@link #find} accepts it too. */
    public String reportedAs() {
        return reportedAs;
    }

    /**
     * The kind called {@code name} (case-insensitive).
     *
     * @throws Trt4jException for an unknown name, listing the known ones
     */
    public static TaskKind parse(String name) {
        return find(name).orElseThrow(() -> new Trt4jException("unknown task '" + name + "'; known: " + labels()));
    }

    /** The kind called {@code name} (case-insensitive; its label or the name its reports use), if there is one. */
    public static Optional<TaskKind> find(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.label.equals(wanted) || k.reportedAs.equals(wanted)).findFirst();
    }

    /** Every kind's label, with the name its reports use where that differs, comma-separated, for messages. */
    public static String labels() {
        return Arrays.stream(values()).map(k -> k.reportedAs.equals(k.label) ? k.label
                : k.label + " (or " + k.reportedAs + ")").collect(Collectors.joining(", "));
    }
}
