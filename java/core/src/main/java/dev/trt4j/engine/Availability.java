package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.util.Objects;

/**
 * Whether a native service can work on this machine, and if not, the one line that says what is missing and
 * how to get it.
 */
public record Availability(boolean available, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** Available. */
    public static Availability yes() {
        return new Availability(true, "available");
    }

    /** Not available, for {@code reason}. */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }

    /** Throws {@link Trt4jException} with the reason unless available. */
    public void orThrow() {
        if (!available) {
            throw new Trt4jException(reason);
        }
    }
}
