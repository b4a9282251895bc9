package dev.trt4j.engine;

import dev.trt4j.Trt4jException;

import java.util.Objects;

/**
 * Whether a native service can work on this machine, and if not, the one line that says what is missing and
 * how to get it.
 *
 * @param available true if the service can work here
 * @param reason    when not available, one line saying what is missing and how to get it; {@code "available"}
 *                  otherwise (from {@link #yes()}); not null
 */
public record Availability(boolean available, String reason) {
    /**
     * Checks that there is a reason.
     *
     * @param available true if the service can work here
     * @param reason    what is missing and how to get it, or {@code "available"}; not null
     * @throws NullPointerException if {@code reason} is null
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** {@return available, with the reason {@code "available"}} */
    public static Availability yes() {
        return new Availability(true, "available");
    }

    /**
     * {@return not available, for {@code reason}}
     *
     * @param reason one line saying what is missing and how to get it; not null
     * @throws NullPointerException if {@code reason} is null
     */
    public static Availability no(String reason) {
        return new Availability(false, reason);
    }

    /**
     * Throws {@link Trt4jException} with the reason unless available.
     *
     * @throws Trt4jException with {@link #reason()} as its message, if not available
     */
    public void orThrow() {
        if (!available) {
            throw new Trt4jException(reason);
        }
    }
}
