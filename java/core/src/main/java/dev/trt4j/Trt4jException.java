package dev.trt4j;

/**
 * An error a user can act on. The message is one line that names the file or tensor and what is wrong; the
 * CLI prints exactly that line and exits non-zero.
 */
public class Trt4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Trt4jException(String message) {
        super(message);
    }

    public Trt4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
