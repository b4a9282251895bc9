package dev.trt4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.util.List;
import java.util.Locale;

/**
 * Recognizes {@code --json FILE} on a command whose {@code --json} is a flag (see {@link JsonOutput}: the JSON goes
 * to stdout), which picocli would report as an unmatched argument or, without a model, hand on as the model. Checked
 * for every command at once, by {@link UsageErrorHandler} and {@link Trt4jCommand}'s execution strategy; a command
 * whose {@code --json} takes a file ({@code bench --json FILE}) is not concerned.
 *
 * <p>The argument right after {@code --json} was meant as its file when
 * <ul>
 *   <li>it ends in {@code .json} and parsing failed on an extra positional argument
 *       ({@code inspect --json x.json MODEL}: x.json took MODEL's place) or on it;</li>
 *   <li>it is an argument that nothing took ({@code inspect MODEL --json out}), unless it names a model or an
 *       engine ({@code evaluate --json ref.onnx cand.onnx} is extra arguments, not a file for --json);</li>
 *   <li>it ends in {@code .json} and was taken as the ONNX model (a positional labelled {@code MODEL}), which is
 *       never a JSON file ({@code inspect --json x.json}); a positional that reads JSON files, as
 *       {@code cache show FILE} does, keeps it; or</li>
 *   <li>it was attached: {@code --json=x.json}.</li>
 * </ul>
 */
final class JsonFlagMisuse {
    static final String MESSAGE = "--json takes no file name; it prints JSON on stdout (redirect it: --json > x.json)";
    private static final String OPTION = "--json";

    private JsonFlagMisuse() {
    }

    /** Whether the failed parse of {@code args} in {@code failed} is {@code --json FILE} on a flag. */
    static boolean explains(CommandLine failed, String[] args) {
        if (!isFlag(failed.getCommandSpec())) {
            return false;
        }
        List<String> unmatched = failed.getUnmatchedArguments();
        boolean extraPositional = unmatched.stream().anyMatch(a -> !a.startsWith("-"));
        for (int i = 0; i < args.length; i++) {
            if (isAttachedFile(args[i])) {
                return true;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                String next = args[i + 1];
                if ((unmatched.contains(next) && !isModelName(next)) || (isJsonName(next) && extraPositional)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Refuses a parse that succeeded with {@code --json x.json} where x.json was taken as the model, unless help
     * was asked for.
     *
     * @throws ParameterException with {@link #MESSAGE}
     */
    static void check(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.subcommand() != null) {
            if (last.isUsageHelpRequested() || last.isVersionHelpRequested()) {
                return;
            }
            last = last.subcommand();
        }
        if (last.isUsageHelpRequested() || last.isVersionHelpRequested()) {
            return; // -h shows the help whatever else the line holds, as it does without --json
        }
        if (!isFlag(last.commandSpec()) || !last.hasMatchedOption(OPTION)) {
            return;
        }
        List<String> args = last.originalArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            String next = args.get(i + 1);
            if (args.get(i).equals(OPTION) && isJsonName(next) && takenAsModel(last, next)) {
                throw new ParameterException(last.commandSpec().commandLine(), MESSAGE);
            }
        }
    }

    private static boolean takenAsModel(ParseResult parsed, String arg) {
        for (PositionalParamSpec p : parsed.matchedPositionals()) {
            if (p.paramLabel().contains("MODEL") && p.originalStringValues().contains(arg)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the command has {@code --json} and it takes no value. */
    private static boolean isFlag(CommandSpec spec) {
        OptionSpec json = spec.findOption(OPTION);
        return json != null && (json.type() == boolean.class || json.type() == Boolean.class);
    }

    private static boolean isAttachedFile(String arg) {
        return arg.startsWith(OPTION + "=") && isJsonName(arg.substring(OPTION.length() + 1));
    }

    private static boolean isModelName(String arg) {
        String name = arg.toLowerCase(Locale.ROOT);
        return name.endsWith(".onnx") || name.endsWith(".engine") || name.endsWith(".plan");
    }

    private static boolean isJsonName(String arg) {
        return arg.toLowerCase(Locale.ROOT).endsWith(".json");
    }
}
