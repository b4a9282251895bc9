package dev.trt4j.data;

import dev.trt4j.Trt4jException;

/**
 * Data of a kind that feeds one input (audio, images, a single array) given for a model with several: thrown apart
 * from other failures so that a caller that knows the model's outputs can add how to feed the others, such as a
 * streaming state ({@link StateNames#feedbackHint}).
 */
public final class SingleInputDataException extends Trt4jException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the data, the kind and the model's inputs */
    public SingleInputDataException(String message) {
        super(message);
    }
}
