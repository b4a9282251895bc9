package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports a usage error (unknown option, missing or invalid value) on one line: picocli's message and, for a
 * misspelt option, the options it may have meant; for {@code --json FILE} where {@code --json} is a flag, what
 * {@code --json} does (see {@link JsonFlagMisuse}); exit code 2. Like every other error, one line: {@code --help} is
 * on every command.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
    /** Whether {@code --help} or {@code -h} stands among the options (before any {@code --}). */
    private static boolean helpAsked(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Enough to name the option meant, few enough to stay one readable line. */
    private static final int MAX_SUGGESTIONS = 3;
    private static final String PICOCLI_PREFIX = "Error: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        if (helpAsked(args)) {
            // --help shows help whatever else the line holds, a value picocli cannot convert included
            cl.usage(cl.getOut());
            cl.getOut().flush();
            return 0;
        }
        if (JsonFlagMisuse.explains(cl, args)) {
            // picocli would blame the argument after the file ("Unmatched argument ... 'MODEL'")
            err.println("trt4j: " + JsonFlagMisuse.MESSAGE);
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        ParameterException reported = ex;
        if (!(ex instanceof UnmatchedArgumentException) && !cl.getUnmatchedArguments().isEmpty()) {
            // A misspelt required option (--tabel) makes picocli report the option as missing; the misspelling,
            // with what it probably meant, is the useful line.
            reported = new UnmatchedArgumentException(cl, cl.getUnmatchedArguments());
        }
        String afterEndOfOptions = optionAfterEndOfOptions(reported, args);
        if (afterEndOfOptions != null) {
            // picocli would call it unknown and suggest the very same option
            err.println("trt4j: '" + ControlCharacters.escape(afterEndOfOptions) + "' comes after --, which makes every later argument a file "
                    + "name; put the options before --");
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        String asWords = ModelsGivenAsWords.explain(cl, args);
        if (asWords != null) {
            // picocli would say "Unmatched arguments from index 1", which does not say how to give them
            err.println("trt4j: " + asWords);
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        String emptyItem = EmptyListItemCheck.explain(reported, args);
        String unknownCommand = unknownCommand(reported);
        StringBuilder line = new StringBuilder("trt4j: ").append(oneLine(unknownCommand != null ? unknownCommand
                : emptyItem != null ? emptyItem : message(reported)));
        if (reported instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            String percentile = percentileInMethod(unmatched, args);
            if (percentile != null) {
                line.append("; give the percentile in the method: ").append(percentile);
            } else if (!suggestions.isEmpty()) {
                line.append("; did you mean ")
                        .append(String.join(" or ", suggestions.subList(0, Math.min(MAX_SUGGESTIONS,
                                suggestions.size()))))
                        .append('?');
            }
        }
        String dashName = dashNamedValue(reported);
        if (dashName != null) {
            line.append("; a file name that starts with '-' is given as ./").append(ControlCharacters.escape(dashName));
        }
        err.println(line);
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static final Pattern EXPECTED_PARAMETER = Pattern.compile(
            "Expected parameter for option '[^']+' but found '(-[^'/]+)'");

    /**
     * The value a path option was given where it starts with '-' and is no option ({@code --out -name.onnx}), or null:
     * options may not take option-like values (a misspelt option after one with an optional value must be named), so
     * such a name is refused, and {@code ./-name.onnx} is how to give it.
     */
    private static String dashNamedValue(ParameterException ex) {
        Matcher m = EXPECTED_PARAMETER.matcher(String.valueOf(ex.getMessage()));
        if (!m.find()) {
            return null;
        }
        String value = m.group(1);
        String name = value.contains("=") ? value.substring(0, value.indexOf('=')) : value;
        return ex.getCommandLine().getCommandSpec().findOption(name) == null ? value : null;
    }

    /**
     * For a word where a command taking only subcommands (trt4j, cache) wanted one: the line {@code help WORD} gives,
     * naming the commands, instead of picocli's "Unmatched argument at index 0"; null otherwise.
     */
    private static String unknownCommand(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return null;
        }
        CommandLine cl = unmatched.getCommandLine();
        String first = unmatched.getUnmatched().get(0);
        if (cl.getSubcommands().isEmpty() || !cl.getCommandSpec().positionalParameters().isEmpty()
                || first.startsWith("-")) {
            return null;
        }
        // a near miss gets picocli's suggestions after this line; anything else, the whole list
        return "unknown command '" + ControlCharacters.escape(first) + "' after '"
                + cl.getCommandSpec().qualifiedName() + "'" + (unmatched.getSuggestions().isEmpty()
                ? "; choose one of " + String.join(", ", cl.getSubcommands().keySet()) : "");
    }

    /**
     * {@code --method percentile=P} for a {@code --percentile P} that a command taking its methods as
     * {@code percentile=P} did not know ({@code amax} has such an option, so it is typed by habit), or null.
     */
    private static String percentileInMethod(UnmatchedArgumentException unmatched, String[] args) {
        CommandSpec spec = unmatched.getCommandLine().getCommandSpec();
        String methods = spec.findOption("--method") != null ? "--method"
                : spec.findOption("--methods") != null ? "--methods" : null;
        boolean unknown = unmatched.getUnmatched().stream()
                .anyMatch(a -> a.equals("--percentile") || a.startsWith("--percentile="));
        if (methods == null || !unknown) {
            return null;
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--percentile") || a.startsWith("--percentile=")) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1)
                        : i + 1 < args.length && !args[i + 1].startsWith("-") ? args[i + 1] : "P";
                // what the method takes, not a value it refuses next: 99,9 has a decimal comma, and 99.9,99.99 is
                // two percentiles, each a method of its own
                if (DecimalValue.isDecimalComma(value)) {
                    value = value.replace(',', '.');
                } else if (value.matches("[\\d.]+(,[\\d.]+)+") && value.contains(".")) {
                    value = value.replace(",", ",percentile=");
                }
                return methods + " percentile=" + value;
            }
        }
        return null;
    }

    /** The first option-like argument after {@code --} that picocli could not place, or null. */
    private static String optionAfterEndOfOptions(ParameterException ex, String[] args) {
        int end = Arrays.asList(args).indexOf("--");
        if (end < 0 || !(ex instanceof UnmatchedArgumentException unmatched)) {
            return null;
        }
        List<String> after = Arrays.asList(args).subList(end + 1, args.length);
        // only the command's own options: "--x.onnx" after -- is a file name too many, not an option
        return unmatched.getUnmatched().stream().filter(a -> a.startsWith("--") && after.contains(a)
                && unmatched.getCommandLine().getCommandSpec().findOption(a.split("=", 2)[0]) != null).findFirst()
                .orElse(null);
    }

    /**
     * Picocli's message, except that unknown options are named without the values that followed them: picocli lists
     * {@code --sampels 32} as two unknown options.
     */
    private static String message(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException unmatched) {
            List<String> options = unmatched.getUnmatched().stream().filter(a -> a.startsWith("-")).toList();
            if (!options.isEmpty() && options.size() < unmatched.getUnmatched().size()) {
                return (options.size() == 1 ? "Unknown option: " : "Unknown options: ")
                        + String.join(", ", options.stream().map(o -> "'" + o + "'").toList());
            }
        }
        String message = ex.getMessage();
        // Picocli starts its argument-group messages (a missing or doubled --tensor|--histogram) with its own
        // "Error: "; behind our "trt4j: " prefix that would be two prefixes on one line.
        return message != null && message.startsWith(PICOCLI_PREFIX) ? message.substring(PICOCLI_PREFIX.length())
                : message;
    }

    /** {@code message} on one line, its control characters escaped: an argument must not drive the terminal. */
    private static String oneLine(String message) {
        return message == null ? "invalid usage"
                : ControlCharacters.escape(message.strip().replaceAll("\\s*\\R\\s*", "; "));
    }
}
