package dev.trt4j.cli.command;

import dev.trt4j.ControlCharacters;
import dev.trt4j.compare.ResultTable;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.text.RenderedTextLineSource;
import dev.trt4j.evaluate.BaselineFloor;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The one stderr line {@code evaluate}, {@code compare-calibrators} and {@code sensitivity} write where the reference
 * itself scores below its task's {@link BaselineFloor} on the samples: every figure then compares a candidate with a
 * baseline that cannot do the task on them (the PP-OCRv4 recognizer on lines rendered for 640 pixels, squeezed
 * into 320: exact match 0.25), which the tables alone do not say.
 */
final class PoorReferenceWarning {
    private PoorReferenceWarning() {
    }

    /**
     * The warning, if the reference's {@code score} lies below the floor of {@code metric}.
     *
     * @param reference how the line names the reference, e.g. {@code "the reference"} or {@code "FP32"}
     * @param judged    what is judged against it, e.g. {@code "the candidate is judged"}
     * @param samples   the samples scored, e.g. {@code "4 samples"}
     * @param lineWidth the width of rendered lines narrower than they are rendered for, if the samples are such;
     *                  asked only for a recognizer's exact match below its floor
     */
    static Optional<String> of(String metric, double score, String reference, String judged, String samples,
                               Supplier<OptionalInt> lineWidth) {
        if (!BaselineFloor.isBelow(metric, score)) {
            return Optional.empty();
        }
        String line = String.format(Locale.ROOT, "%s scores only %s %s on these %s (below %s), so %s against a "
                        + "baseline that cannot do the task on them", reference, ControlCharacters.escape(metric),
                ResultTable.format(score), samples, ResultTable.formatGiven(BaselineFloor.of(metric).getAsDouble()),
                judged);
        if (metric.equals("exactMatch")) {
            OptionalInt width = lineWidth.get();
            if (width.isPresent()) {
                line += String.format(Locale.ROOT, "; the rendered lines may not fit the width %d: they are made "
                        + "for %d (--shapes can give that width where the model leaves it open)", width.getAsInt(),
                        ImagePreprocessing.RECOGNIZER_WIDTH);
            }
        }
        return Optional.of(line);
    }

    /** Writes {@code warning} to {@code err} as trt4j's warnings read. */
    static void print(PrintWriter err, Optional<String> warning) {
        warning.ifPresent(w -> {
            err.println("trt4j: warning: " + w);
            err.flush();
        });
    }

    /**
     * The width of {@code data}'s rendered text lines where it is narrower than the width they are rendered for
     * ({@link ImagePreprocessing#RECOGNIZER_WIDTH}: rendered lines run to 40 characters); empty for other
     * samples.
     */
    static OptionalInt narrowLineWidth(CalibrationDataSource data) {
        if (data instanceof RenderedTextLineSource lines
                && lines.preprocessing().width() < ImagePreprocessing.RECOGNIZER_WIDTH) {
            return OptionalInt.of(lines.preprocessing().width());
        }
        return OptionalInt.empty();
    }

    /** {@link #narrowLineWidth} of a source opened from {@code data}, and closed again. */
    static OptionalInt narrowLineWidth(Supplier<CalibrationDataSource> data) {
        try (CalibrationDataSource source = data.get()) {
            return narrowLineWidth(source);
        }
    }
}
