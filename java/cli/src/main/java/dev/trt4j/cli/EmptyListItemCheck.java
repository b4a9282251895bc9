package dev.trt4j.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Refuses a comma-separated option value with an empty item ({@code --method max,}, {@code --method max,,entropy},
 * {@code --method ,max}). Picocli splits the way {@link String#split(String)} does, which drops trailing empty items,
 * so a value ending in a comma would otherwise be taken without its missing item; an empty item elsewhere would reach
 * the option's converter as a value nobody typed (a method named {@code ''}).
 */
final class EmptyListItemCheck {
    private EmptyListItemCheck() {
    }

    /** @throws ParameterException naming the option and the value when a split option's value has an empty item */
    static void check(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            for (OptionSpec option : level.matchedOptions()) {
                if (option.splitRegex().isEmpty()) {
                    continue;
                }
                for (String value : option.originalStringValues()) {
                    String[] items = value.split(option.splitRegex(), -1);
                    if (items.length < 2) {
                        continue;
                    }
                    String where = items[items.length - 1].isBlank() ? "ends with an empty item"
                            : items[0].isBlank() ? "starts with an empty item"
                            : java.util.Arrays.stream(items).anyMatch(String::isBlank)
                            ? "has an empty item between two commas" : null;
                    if (where != null) {
                        throw new ParameterException(level.commandSpec().commandLine(), option.longestName()
                                + " '" + value + "' " + where + "; separate the values with single commas "
                                + "and give " + (where.startsWith("ends") ? "the last one" : "each one"));
                    }
                }
            }
        }
    }
}
