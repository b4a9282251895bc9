package dev.trt4j.data.text;

import dev.trt4j.data.CalibrationDataSource;

import java.util.List;

/**
 * Samples of text lines whose texts are known, which an OCR model's task metric scores against: lines rendered from
 * sentences ({@link RenderedTextLineSource}), or line images listed with their texts in a label file
 * ({@link dev.trt4j.data.image.LabelledImageSource}).
 */
public interface KnownLines extends CalibrationDataSource {
    /** The text of every sample this source delivers, in delivery order. */
    List<String> texts();

    /**
     * The direction of every sample this source delivers, in delivery order: {@link RenderedTextLineSource#UPRIGHT}
     * or {@link RenderedTextLineSource#UPSIDE_DOWN}, what a text-direction classifier tells.
     *
     * @throws dev.trt4j.Trt4jException where the samples' labels are not directions
     */
    List<Integer> labels();
}
