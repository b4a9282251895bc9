package dev.trt4j.cli;

import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Refuses a file option whose value ends in a path separator ({@code quantize --out newdir/}). {@link Path#of} drops
 * the trailing separator, so {@code newdir/} would be written as a file named {@code newdir}, where the user asked
 * for a folder; {@code cp} refuses the same with "Not a directory".
 */
final class FileOptionCheck {
    /** Labels of the path options that take a folder (or either), whose values may end in a separator. */
    private static final Set<String> FOLDER_LABELS = Set.of("DIR", "REPO", "PATH");

    private FileOptionCheck() {
    }

    /** @throws ParameterException naming the option and its value */
    static void check(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            for (OptionSpec option : level.matchedOptions()) {
                if (!takesFiles(option)) {
                    continue;
                }
                for (String value : option.originalStringValues()) {
                    if (value.endsWith("/") || value.endsWith(File.separator)) {
                        throw new ParameterException(level.commandSpec().commandLine(), option.longestName() + " "
                                + value + ": ends in '/', which names a folder; " + option.longestName()
                                + " takes a file");
                    }
                }
            }
        }
    }

    private static boolean takesFiles(OptionSpec option) {
        boolean paths = option.type() == Path.class
                || Arrays.asList(option.auxiliaryTypes()).contains(Path.class);
        return paths && !FOLDER_LABELS.contains(option.paramLabel());
    }
}
