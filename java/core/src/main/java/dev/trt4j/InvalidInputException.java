package dev.trt4j;

/**
 * A query's inputs that the model cannot take: an unknown or missing input, a type or shape that does not fit (an
 * engine's shape outside its profile), inputs that disagree on a shared dimension, a value its type cannot hold, a
 * request too large to stage, a stream's chunk its state cannot carry, or token inputs a text model would answer
 * wrongly (a negative id, an id or a length past the model's tables, a mask of other values than 0 and 1). Found
 * before or instead of a result, and the caller's to correct: a service answers it as a bad request, where any other
 * {@link Trt4jException} of a run is a failure on its side.
 */
public class InvalidInputException extends Trt4jException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the model, the input and what is wrong with it */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the model, the input and what is wrong with it
     * @param cause   the runtime's failure it explains, kept for the stack trace
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
