package dev.trt4j;

/**
 * An error a user can act on. The message is one line that names the file or tensor and what is wrong; the
 * CLI prints exactly that line and exits non-zero.
 */
public class Trt4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the file or tensor and what is wrong */
    public Trt4jException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the file or tensor and what is wrong
     * @param cause   the failure behind it, kept for the stack trace
     */
    public Trt4jException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * This error with {@code prefix} (say, the file it concerns) in front of its message, of the same kind: an
     * {@link InvalidOptionException} stays one, so the CLI's exit code does not change.
     */
    public Trt4jException prefixed(String prefix) {
        String message = prefix + getMessage();
        return this instanceof InvalidOptionException ? new InvalidOptionException(message, this)
                : new Trt4jException(message, this);
    }
}
