package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.util.Arrays;

/**
 * Closes several resources so that one failing does not leak the others: each is closed in the order given even
 * when one before it throws. Used where an object owns several native handles (a TensorRT engine, its context,
 * its stream and buffers) and a sticky device error makes closing one of them fail.
 */
public final class Closing {
    private Closing() {
    }

    /**
     * Closes each of {@code resources} in order (nulls skipped), then throws the first failure with the later ones
     * suppressed. A checked exception is wrapped in a {@link Trt4jException}.
     */
    public static void all(AutoCloseable... resources) {
        all(Arrays.asList(resources));
    }

    /** As {@link #all(AutoCloseable...)}, in the list's order. */
    public static void all(Iterable<? extends AutoCloseable> resources) {
        Throwable first = null;
        for (AutoCloseable resource : resources) {
            first = closeInto(resource, first);
        }
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new Trt4jException("closing failed: " + first.getMessage(), first);
        }
    }

    /**
     * Closes each of {@code resources} in order (nulls skipped) after {@code failure} stopped whatever was opening
     * them; what closing throws is added to {@code failure} as suppressed, so the caller rethrows the original.
     */
    public static void afterFailure(Throwable failure, AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            Throwable closing = closeInto(resource, null);
            if (closing != null && closing != failure) {
                failure.addSuppressed(closing);
            }
        }
    }

    private static Throwable closeInto(AutoCloseable resource, Throwable first) {
        if (resource == null) {
            return first;
        }
        try {
            resource.close();
        } catch (Throwable t) {
            if (first == null) {
                return t;
            }
            if (t != first) {
                first.addSuppressed(t);
            }
        }
        return first;
    }
}
