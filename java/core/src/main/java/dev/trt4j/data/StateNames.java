package dev.trt4j.data;

import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pairs a streaming model's state output with the state input it feeds by their names, as exporters name them:
 * Silero VAD v5's {@code state → stateN}, v4's {@code h → hn} and {@code c → cn}, and forms such as
 * {@code h0 → hn}, {@code state_in → state_out} or {@code cache → cache_new}. Used for hints only: which output
 * feeds which input is the user's to say with {@code --feedback}, since a name proves nothing.
 */
public final class StateNames {
    /** Suffixes that turn a state input's name (its stem, see {@link #stem}) into its output's. */
    private static final List<String> OUTPUT_SUFFIXES = List.of("N", "n", "_n", "_N", "out", "_out", "Out", "_new",
            "new", "_next", "_updated");
    /** Suffixes an input's name may carry that its output replaces: {@code h0 → hn}, {@code state_in → state_out}. */
    private static final List<String> INPUT_SUFFIXES = List.of("0", "_0", "_in", "in", "In");

    private StateNames() {
    }

    /**
     * {@return the output named as {@code input}'s fed-back state, of its type and of a shape that fits, if there is exactly one}
     *
     * @param input   a float model input
     * @param outputs the model's outputs
     */
    public static Optional<TensorSpec> outputFor(TensorSpec input, List<TensorSpec> outputs) {
        if (!isFloat(input)) {
            return Optional.empty();
        }
        List<TensorSpec> named = outputs.stream().filter(o -> o.type() == input.type()
                && fits(o.dims(), input.dims()) && pairs(o.name(), input.name())).toList();
        return named.size() == 1 ? Optional.of(named.get(0)) : Optional.empty();
    }

    /**
     * {@return the input whose fed-back state {@code output} is named as, of its type and of a shape that fits, if there is exactly
     * one}
     *
     * @param output a model output
     * @param inputs the model's inputs
     */
    public static Optional<TensorSpec> inputFor(TensorSpec output, List<TensorSpec> inputs) {
        List<TensorSpec> named = inputs.stream().filter(i -> isFloat(i) && i.type() == output.type()
                && fits(output.dims(), i.dims()) && pairs(output.name(), i.name())).toList();
        return named.size() == 1 ? Optional.of(named.get(0)) : Optional.empty();
    }

    /**
     * {@return a hint to feed back the inputs that have a state output named after them, such as {@code "; if
     * 'state' is a state the model carries, feed it back (--feedback stateN=state)"}, or empty if none has, or if
     * every input has (one must stay with the data)}
     *
     * @param inputs  the model inputs the data was to feed
     * @param outputs the model's outputs
     */
    public static Optional<String> feedbackHint(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        List<String> states = new ArrayList<>();
        List<String> links = new ArrayList<>();
        for (TensorSpec in : inputs) {
            outputFor(in, outputs).ifPresent(out -> {
                states.add("'" + in.name() + "'");
                links.add(out.name() + "=" + in.name());
            });
        }
        if (links.isEmpty() || links.size() >= inputs.size()) {
            // the data feeds one input at least: a hint to feed back every input would be refused if followed, and
            // names that pair every input with an output say nothing about which ones carry a state
            return Optional.empty();
        }
        boolean one = links.size() == 1;
        return Optional.of("; if " + String.join(" and ", states) + (one ? " is a state" : " are states")
                + " the model carries, feed " + (one ? "it" : "them") + " back (--feedback " + String.join(",", links)
                + ")");
    }

    /** Whether {@code output} is named as the state that feeds {@code input}. */
    static boolean pairs(String output, String input) {
        for (String stem : List.of(input, stem(input))) {
            if (stem.isEmpty()) {
                continue;
            }
            for (String suffix : OUTPUT_SUFFIXES) {
                if (output.equals(stem + suffix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code name} without the suffix that marks it as an input, or {@code name} itself if it has none. */
    private static String stem(String name) {
        for (String suffix : INPUT_SUFFIXES) {
            if (name.length() > suffix.length() && name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** Whether the shapes may be the same: of one rank, each dimension equal or dynamic in one of them. */
    private static boolean fits(long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFloat(TensorSpec t) {
        return t.type() == ElementType.FLOAT32 || t.type() == ElementType.FLOAT16;
    }
}
