package dev.trt4j.data.image;

import dev.trt4j.data.CalibrationDataSource;

/**
 * A source of the user's image files (a folder, an image, or the images a label file lists), each preprocessed to
 * the model's input: what image options and a text detector's size checks apply to alike.
 */
public interface ImageFileSource extends CalibrationDataSource {
    /** The preprocessing in use, with its size settled. */
    ImagePreprocessing preprocessing();
}
