package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The task metrics trt4j knows, by the name users give them. */
public enum TaskKind {
    /** {@link EmbeddingCosine}. */
    EMBEDDING("embedding"),
    /** {@link CtcTextRecognition}. */
    CTC("ctc"),
    /** {@link ClassificationAccuracy}. */
    CLASSIFICATION("classification"),
    /** {@link TextDetection}. */
    DETECTION("detection");

    private final String label;

    TaskKind(String label) {
        this.label = label;
    }

    /** The user-facing name, e.g. {@code ctc}. */
    public String label() {
        return label;
    }

    /**
     * The kind called {@code name} (case-insensitive).
     *
     * @throws Trt4jException for an unknown name, listing the known ones
     */
    public static TaskKind parse(String name) {
        return find(name).orElseThrow(() -> new Trt4jException("unknown task '" + name + "'; known: " + labels()));
    }

    /** The kind called {@code name} (case-insensitive), if there is one. */
    public static Optional<TaskKind> find(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.label.equals(wanted)).findFirst();
    }

    /** Every kind's label, comma-separated, for messages. */
    public static String labels() {
        return Arrays.stream(values()).map(TaskKind::label).collect(Collectors.joining(", "));
    }
}
