package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state links of a streaming model: outputs that are fed back as inputs of the next run, such as Silero VAD's
 * {@code stateN → state} or an RNN's hidden state. With links, consecutive batches form streams: sample {@code j}
 * of a batch continues sample {@code j} of the batch before, starting from a zero state. The data then feeds only
 * the other inputs ({@link #dataInputs}).
 *
 * <p>Immutable; {@link #start} makes the running state of one model for one pass over the data.
 */
public final class StateFeedback {
    /** No links: every input comes from the data. */
    public static final StateFeedback NONE = new StateFeedback(List.of());

    /**
     * Output {@code output} of one run becomes input {@code input} of the next.
     *
     * @param output the model output whose value is kept, e.g. {@code stateN}; not empty
     * @param input  the model input it feeds at the next run, e.g. {@code state}; not empty
     */
    public record Link(String output, String input) {
        /**
         * Checks that both names are given.
         *
         * @param output the model output whose value is kept; not null or empty
         * @param input  the model input it feeds at the next run; not null or empty
         * @throws IllegalArgumentException if a name is empty
         * @throws NullPointerException     if a name is null
         */
        public Link {
            if (output.isEmpty() || input.isEmpty()) {
                throw new IllegalArgumentException("a state link needs an output and an input name");
            }
        }

        /** {@return the link as {@code OUTPUT=INPUT}, the form {@link #parse} reads} */
        @Override
        public String toString() {
            return output + "=" + input;
        }
    }

    private final List<Link> links;

    private StateFeedback(List<Link> links) {
        this.links = List.copyOf(links);
    }

    /**
     * Links given as {@code OUTPUT=INPUT}, each string holding one or more separated by commas.
     *
     * @param specs strings such as {@code stateN=state} or {@code hn=h0,cn=c0}; names are stripped of surrounding
     *              blanks
     * @return the links in the order given, {@link #NONE} when there are none
     * @throws Trt4jException on a malformed link or an input linked twice
     */
    public static StateFeedback parse(Collection<String> specs) {
        List<Link> links = new ArrayList<>();
        for (String spec : specs) {
            for (String part : spec.split(",", -1)) {
                String s = part.strip();
                if (s.isEmpty()) {
                    throw new InvalidOptionException("state links " + spec + ": an empty link; expected "
                            + "OUTPUT=INPUT[,...], e.g. stateN=state");
                }
                int eq = s.indexOf('=');
                if (eq <= 0 || eq == s.length() - 1 || s.indexOf('=', eq + 1) >= 0) {
                    throw new InvalidOptionException("state link " + s + ": expected OUTPUT=INPUT, e.g. stateN=state");
                }
                links.add(new Link(s.substring(0, eq).strip(), s.substring(eq + 1).strip()));
            }
        }
        return of(links);
    }

    /**
     * Links from already built {@link Link}s.
     *
     * @param links the links, in order
     * @return the links, {@link #NONE} when the list is empty
     * @throws Trt4jException if an input is linked twice
     */
    public static StateFeedback of(List<Link> links) {
        Set<String> inputs = new LinkedHashSet<>();
        Set<Link> seen = new LinkedHashSet<>();
        for (Link l : links) {
            if (!seen.add(l)) {
                throw new InvalidOptionException("state links: " + l + " is given twice");
            }
            if (!inputs.add(l.input())) {
                throw new InvalidOptionException("state links: input '" + l.input() + "' is fed by two outputs");
            }
        }
        return links.isEmpty() ? NONE : new StateFeedback(links);
    }

    /** {@return the links in the order given (unmodifiable)} */
    public List<Link> links() {
        return links;
    }

    /** {@return true if there are no links, as in {@link #NONE}} */
    public boolean isEmpty() {
        return links.isEmpty();
    }

    /** {@return the outputs that are fed back, in link order (a new set)} */
    public Set<String> outputs() {
        return links.stream().map(Link::output).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * {@return the model inputs left to the data: all but the fed ones}
     *
     * @param modelInputs the model's inputs, whose order the result keeps
     */
    public List<TensorSpec> dataInputs(List<TensorSpec> modelInputs) {
        Set<String> fed = links.stream().map(Link::input).collect(Collectors.toSet());
        return modelInputs.stream().filter(in -> !fed.contains(in.name())).toList();
    }

    /**
     * Checks the links against a model and starts its state at zero.
     *
     * @param model   the model's name for messages, e.g. its file
     * @param inputs  the model's inputs
     * @param outputs the model's outputs
     * @return the state of one pass over the data, zero at first
     * @throws Trt4jException if a link names a missing output or input, a linked tensor is not FLOAT32, or a fed
     *                        input's shape has more than one dynamic dimension (the batch)
     */
    public StateCarrier start(String model, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        List<StateCarrier.Slot> slots = new ArrayList<>();
        for (Link link : links) {
            TensorSpec out = find(outputs, link.output()).orElseThrow(() -> new InvalidOptionException(model
                    + ": state link " + link + " names no model output (outputs: " + names(outputs) + ")"));
            TensorSpec in = find(inputs, link.input()).orElseThrow(() -> new InvalidOptionException(model
                    + ": state link " + link + " names no model input (inputs: " + names(inputs) + ")"));
            for (TensorSpec t : List.of(out, in)) {
                if (t.type() != ElementType.FLOAT32) {
                    throw new InvalidOptionException(model + ": state link " + link + ": '" + t.name() + "' is "
                            + t.type() + "; fed-back state must be FLOAT32");
                }
            }
            requireNotNamedForAnother(model, link, out, inputs);
            long[] dims = in.dims();
            int batchAxis = -1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 0) {
                    if (batchAxis >= 0) {
                        // convert --fix-shapes fixes an input whole, so the way out is a whole fixed batch
                        throw new InvalidOptionException(model + ": state link " + link + ": input '" + in.name()
                                + "' " + in.shapeText() + " has several dynamic dimensions; fix them, and the data "
                                + "inputs' batch with them (trt4j convert --fix-shapes " + in.name() + ":BxD...,"
                                + "INPUT:Bx...), then run at batch B");
                    }
                    batchAxis = i;
                }
            }
            slots.add(new StateCarrier.Slot(link, dims, batchAxis));
        }
        return new StateCarrier(model, slots, fixedBatch(inputs));
    }

    /**
     * Refuses a link whose output is named as the state of another input that no link feeds, such as
     * {@code stateN=x} beside an input {@code state} of stateN's shape: the data would then feed the state and the
     * state the data, which no run can tell from a real stream.
     */
    private void requireNotNamedForAnother(String model, Link link, TensorSpec out, List<TensorSpec> inputs) {
        Set<String> fed = links.stream().map(Link::input).collect(Collectors.toSet());
        StateNames.inputFor(out, inputs).filter(named -> !fed.contains(named.name())).ifPresent(named -> {
            throw new InvalidOptionException(model + ": state link " + link + ": output '" + out.name() + "' is "
                    + "named as the state of input '" + named.name() + "', which the links leave to the data; link "
                    + "them (--feedback " + out.name() + "=" + named.name() + ")");
        });
    }

    /**
     * The batch the model fixes: the first dimension its data inputs (those no link feeds) all fix to one size, or -1.
     * A state input fixed whole then holds that batch's states, as a dynamic batch dimension would.
     */
    private long fixedBatch(List<TensorSpec> inputs) {
        Set<String> fed = links.stream().map(Link::input).collect(Collectors.toSet());
        long batch = -1;
        for (TensorSpec in : inputs) {
            if (fed.contains(in.name())) {
                continue;
            }
            if (in.rank() == 0 || in.dims()[0] < 1 || (batch >= 0 && in.dims()[0] != batch)) {
                return -1;
            }
            batch = in.dims()[0];
        }
        return batch;
    }

    private static Optional<TensorSpec> find(List<TensorSpec> specs, String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static String names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
    }

    /**
     * {@return {@code data}'s description, with the links when there are any, for results and provenance}
     *
     * @param data the data source's description
     */
    public String describe(String data) {
        return links.isEmpty() ? data : data + ", state fed back (" + this + ")";
    }

    /** {@return the links as {@code OUTPUT=INPUT[,...]}, the form {@link #parse} reads; empty for none} */
    @Override
    public String toString() {
        return links.stream().map(Link::toString).collect(Collectors.joining(","));
    }
}
