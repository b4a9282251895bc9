package dev.trt4j.evaluate;

import java.util.OptionalDouble;

/**
 * The least score on a task metric's primary value at which a reference model still does its task on the samples it
 * was judged on. Below it the reference fails on most of them (a recognizer fed lines too long for its width), and a
 * candidate judged against it is judged against a baseline that cannot do the task: a drop of 0 then says little.
 * Only metrics that score the reference against known answers have a floor; the embedding cosine and an output's
 * cosine compare the reference with itself (always 1).
 */
public final class BaselineFloor {
    private BaselineFloor() {
    }

    /**
     * The floor of the primary value {@code metric} names, as {@link TaskResult#primary()} and the study reports name
     * it; empty for a metric that has none.
     */
    public static OptionalDouble of(String metric) {
        return switch (metric) {
            // CtcTextRecognition: below 0.5 the recognizer reads fewer than half the lines right (FP32 PP-OCRv4 reads
            // nearly every rendered line at the width they are rendered for, 640, and a quarter of them at 320)
            case "exactMatch" -> OptionalDouble.of(0.5);
            // ClassificationAccuracy of a text-direction classifier: two classes, so 0.5 is what a coin scores; the
            // floor is halfway from that to every line right (FP32 PP-OCR reads about 0.94 of rendered lines)
            case "accuracy" -> OptionalDouble.of(0.75);
            // TextDetection: below 0.5 the detector finds fewer than half the lines, or finds as many boxes that are
            // no line
            case "hmean" -> OptionalDouble.of(0.5);
            default -> OptionalDouble.empty();
        };
    }

    /** Whether {@code referenceScore} on {@code metric} lies below its floor (a NaN score lies below none). */
    public static boolean isBelow(String metric, double referenceScore) {
        OptionalDouble floor = of(metric);
        return floor.isPresent() && referenceScore < floor.getAsDouble();
    }
}
