package dev.trt4j.data.text;

import dev.trt4j.data.DataOptions;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Optional;

/**
 * What a PP-OCR-like model does with text images, recognised from its inputs and outputs, and so which rendered
 * samples suit it when the user gives none: lines for a line model (half of them turned for a direction
 * classifier), pages of lines for a detector. Every role has one 3-channel float32 image input {@code [N,3,H,W]}.
 */
public enum OcrModelRole {
    /** Tells upright from upside-down lines: height 48 (or dynamic) and an output {@code [N,2]}. */
    DIRECTION_CLASSIFIER,
    /**
     * Reads a line, e.g. a CTC recognizer: height 48 (or dynamic) and a sequence output {@code [N,steps,classes]}.
     * (An image classifier's {@code [N,classes]} is not taken for one.)
     */
    LINE_READER,
    /** Finds the lines on a page: a probability-map output {@code [N,1,H,W]}. */
    TEXT_DETECTOR;

    /** PP-OCR's line height. */
    private static final int LINE_HEIGHT = 48;

    /** The role of a model, if it has one. */
    public static Optional<OcrModelRole> of(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        if (inputs.size() != 1) {
            return Optional.empty();
        }
        TensorSpec in = inputs.get(0);
        if (in.type() != ElementType.FLOAT32 || in.rank() != 4 || in.dims()[1] != 3) {
            return Optional.empty();
        }
        if (probabilityMap(outputs).isPresent()) {
            return Optional.of(TEXT_DETECTOR);
        }
        if (in.dims()[2] != LINE_HEIGHT && in.dims()[2] >= 0) {
            return Optional.empty();
        }
        if (outputs.stream().anyMatch(o -> o.rank() == 2 && o.dims()[1] == 2)) {
            return Optional.of(DIRECTION_CLASSIFIER);
        }
        return outputs.stream().anyMatch(o -> o.rank() == 3) ? Optional.of(LINE_READER) : Optional.empty();
    }

    /** A detector's probability-map output: float, {@code [N,1,H,W]}. */
    public static Optional<TensorSpec> probabilityMap(List<TensorSpec> outputs) {
        return outputs.stream().filter(o -> (o.type() == ElementType.FLOAT32 || o.type() == ElementType.FLOAT16)
                && o.rank() == 4 && o.dims()[1] == 1).findFirst();
    }

    /**
     * {@code options} made to render what this role reads (turned lines, upright lines, or pages) and, unless the
     * options name one, to preprocess images as PaddleOCR does for the role: a folder of line crops or page photos
     * is then read like rendered samples. A detector's data of any kind is held to the sides it takes
     * ({@link DataOptions#textDetector()}).
     */
    public DataOptions samplesFor(DataOptions options) {
        DataOptions.Builder b = options.toBuilder();
        if (options.imagePreprocessing() == null) {
            b.imagePreprocessing(preprocessing());
        }
        return switch (this) {
            case DIRECTION_CLASSIFIER -> b.rotateHalf(true).build();
            case LINE_READER -> b.build();
            case TEXT_DETECTOR -> b.renderPages(true).textDetector(true).build();
        };
    }

    /**
     * The shape this role's image input {@code [N,3,H,W]} takes where nothing else gives one: the sides the model
     * leaves open at the size of {@link #preprocessing()} (a classifier 48x192, a recognizer 48x640, a detector
     * 480x640), which calibrate and evaluate read images at too, and a batch of 1 unless the model fixes its own.
     * A dimension the model fixes keeps its size.
     */
    public long[] defaultShape(TensorSpec input) {
        ImagePreprocessing p = preprocessing();
        long[] model = input.dims();
        long[] shape = model.clone();
        long[] own = {1, 3, p.height(), p.width()};
        for (int i = 0; i < shape.length && i < own.length; i++) {
            if (shape[i] < 0) {
                shape[i] = own[i];
            }
        }
        return shape;
    }

    /** PaddleOCR's preprocessing for the role; the model's or user's fixed size still wins. */
    public ImagePreprocessing preprocessing() {
        return switch (this) {
            case DIRECTION_CLASSIFIER -> ImagePreprocessing.ppOcrClassifier();
            case LINE_READER -> ImagePreprocessing.ppOcrRecognizer(ImagePreprocessing.RECOGNIZER_WIDTH);
            case TEXT_DETECTOR -> ImagePreprocessing.ppOcrDetector();
        };
    }
}
