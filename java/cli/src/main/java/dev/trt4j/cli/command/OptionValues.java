package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Checks on option values that several commands share, and the way their messages spell a number. */
final class OptionValues {
    private OptionValues() {
    }

    /**
     * {@code construct}'s result. The option records ({@code CalibrationOptions}, {@code StatisticsOptions}) check
     * their own ranges and name the field, e.g. {@code start-bin must be at least 1}; that becomes an
     * {@link InvalidOptionException} naming the option as typed.
     */
    static <T> T checked(Supplier<T> construct) {
        try {
            return construct.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--" + e.getMessage(), e);
        }
    }

    /**
     * The values of comma-split option {@code option} as they were typed ({@code percentile=99,9} whole), or
     * {@code split} (its default) where it was not given: a check that reads commas needs to know which values were
     * one argument.
     */
    static List<String> asTyped(CommandSpec spec, String option, List<String> split) {
        OptionSpec given = spec.commandLine().getParseResult().matchedOption(option);
        return given == null ? split : given.originalStringValues();
    }

    /**
     * Refuses a value given twice in one list option: it would be timed, computed or printed twice.
     *
     * @param what what one value is, for the message, e.g. {@code batch size}
     */
    static <T> void requireEachOnce(String option, List<T> values, String what) {
        Set<T> seen = new HashSet<>();
        for (T v : values) {
            if (!seen.add(v)) {
                throw new InvalidOptionException(option + " gives " + v + " twice; give each " + what + " once");
            }
        }
    }

    /** A number as the user wrote it: {@code 50}, not {@code 50.0}; non-finite values as Java prints them. */
    static String plain(double value) {
        return dev.trt4j.compare.ResultTable.formatGiven(value);
    }
}
