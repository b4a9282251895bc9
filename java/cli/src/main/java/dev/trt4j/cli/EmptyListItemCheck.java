package dev.trt4j.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Refuses a comma-separated option value that ends with a comma ({@code --method max,}). Picocli splits the way
 * {@link String#split(String)} does, which drops trailing empty items, so such a value would otherwise be taken
 * without its missing item, while an empty item anywhere else already fails to convert.
 */
final class TrailingCommaCheck {
    private TrailingCommaCheck() {
    }

    /** @throws ParameterException naming the option and the value when a split option's value ends empty */
    static void check(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            for (OptionSpec option : level.matchedOptions()) {
                if (option.splitRegex().isEmpty()) {
                    continue;
                }
                for (String value : option.originalStringValues()) {
                    String[] items = value.split(option.splitRegex(), -1);
                    if (items.length > 1 && items[items.length - 1].isBlank()) {
                        throw new ParameterException(level.commandSpec().commandLine(), option.longestName()
                                + " '" + value + "' ends with an empty item; separate the values with single commas "
                                + "and give the last one");
                    }
                }
            }
        }
    }
}
