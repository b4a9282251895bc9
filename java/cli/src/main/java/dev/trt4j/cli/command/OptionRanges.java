package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;

import java.util.function.Supplier;

/**
 * The option records ({@code CalibrationOptions}, {@code StatisticsOptions}) check their own ranges and name the
 * field, e.g. {@code start-bin must be at least 1}; the CLI reports that as a usage error naming the option as typed.
 */
final class OptionRanges {
    private OptionRanges() {
    }

    /** {@code construct}'s result; its range error becomes an {@link InvalidOptionException} naming the option. */
    static <T> T checked(Supplier<T> construct) {
        try {
            return construct.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--" + e.getMessage(), e);
        }
    }
}
