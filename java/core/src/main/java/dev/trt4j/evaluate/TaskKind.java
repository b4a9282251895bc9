package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
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
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (TaskKind k : values()) {
            if (k.label.equals(wanted)) {
                return k;
            }
        }
        throw new Trt4jException("unknown task '" + name + "'; known: "
                + Arrays.stream(values()).map(TaskKind::label).collect(Collectors.joining(", ")));
    }
}
