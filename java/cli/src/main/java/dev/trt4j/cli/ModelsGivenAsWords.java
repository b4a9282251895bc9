package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recognizes models given as plain words to a command that takes them with {@code --reference} and
 * {@code --candidate} and has no positional parameters ({@code evaluate A.onnx B.onnx}, as {@code calibrate MODEL}
 * takes its model): picocli reports "Unmatched arguments from index 1: …", which does not say how to give them.
 */
final class ModelsGivenAsWords {
    private static final String REFERENCE = "--reference";
    private static final String CANDIDATE = "--candidate";

    private ModelsGivenAsWords() {
    }

    /**
     * The one line for such a failed parse of {@code args}, naming the options with the words given; null where it
     * is not one (an unknown option among the leftovers keeps picocli's line and its suggestions).
     */
    static String explain(CommandLine failed, String[] args) {
        CommandSpec spec = failed.getCommandSpec();
        List<String> words = failed.getUnmatchedArguments();
        if (words.isEmpty() || words.size() > 2 || !spec.positionalParameters().isEmpty()
                || spec.findOption(REFERENCE) == null || spec.findOption(CANDIDATE) == null
                || words.stream().anyMatch(w -> w.startsWith("-"))) {
            return null;
        }
        List<String> missing = Stream.of(REFERENCE, CANDIDATE).filter(o -> !given(o, args)).toList();
        String how;
        if (words.size() == missing.size()) {
            // in the order given: the first word is the reference, as in compare tools' A B
            how = (words.size() == 1 ? "give it as " : "give them as ") + missing.get(0) + " " + words.get(0)
                    + (words.size() == 2 ? " " + missing.get(1) + " " + words.get(1) : "");
        } else {
            how = "give each model with its option";
        }
        return ControlCharacters.escape(spec.name() + " takes its models with " + REFERENCE + " and " + CANDIDATE
                + ", not as plain arguments: " + how);
    }

    private static boolean given(String option, String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals(option) || a.startsWith(option + "="));
    }
}
