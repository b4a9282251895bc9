package dev.trt4j.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Refuses a comma-separated option value with an empty item ({@code --method max,}, {@code --method max,,entropy},
 * {@code --method ,max}). Picocli splits the way {@link String#split(String)} does, which drops trailing empty items,
 * so a value ending in a comma would otherwise be taken without its missing item; an empty item elsewhere would reach
 * the option's converter as a value nobody typed (a method named {@code ''}, or picocli's {@code '' is not an int},
 * which {@link #explain} words as the same empty item).
 */
final class EmptyListItemCheck {
    private EmptyListItemCheck() {
    }

    /** @throws ParameterException naming the option and the value when a split option's value has an empty item */
    static void check(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            for (OptionSpec option : level.matchedOptions()) {
                for (String value : option.originalStringValues()) {
                    String message = message(option, value);
                    if (message != null) {
                        throw new ParameterException(level.commandSpec().commandLine(), message);
                    }
                }
            }
        }
    }

    /**
     * The empty-item message for a usage error picocli raised first: a typed list ({@code --batch 1,,8}) fails in
     * picocli's converter on the empty item, as {@code '' is not an int}, before {@link #check} sees it.
     *
     * @param args the command line as given, where the option's value is found
     * @return the message, or null when the error is not a conversion of an empty item of a split option
     */
    static String explain(ParameterException ex, String[] args) {
        if (!(ex.getArgSpec() instanceof OptionSpec option) || option.splitRegex().isEmpty()
                || ex.getValue() == null || !ex.getValue().isBlank()) {
            return null;
        }
        for (int i = 0; i < args.length; i++) {
            for (String name : option.names()) {
                String value = args[i].equals(name) && i + 1 < args.length ? args[i + 1]
                        : args[i].startsWith(name + "=") ? args[i].substring(name.length() + 1) : null;
                String message = value == null ? null : message(option, value);
                if (message != null) {
                    return message;
                }
            }
        }
        return null;
    }

    private static String message(OptionSpec option, String value) {
        if (option.splitRegex().isEmpty()) {
            return null;
        }
        String[] items = value.split(option.splitRegex(), -1);
        if (items.length < 2) {
            return null;
        }
        String where = items[items.length - 1].isBlank() ? "ends with an empty item"
                : items[0].isBlank() ? "starts with an empty item"
                : java.util.Arrays.stream(items).anyMatch(String::isBlank)
                ? "has an empty item between two commas" : null;
        return where == null ? null : option.longestName() + " '" + value + "' " + where + "; separate the values "
                + "with single commas and give " + (where.startsWith("ends") ? "the last one" : "each one");
    }
}
