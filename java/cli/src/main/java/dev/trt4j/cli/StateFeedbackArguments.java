package dev.trt4j.cli;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.tensor.TensorSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --feedback OUTPUT=INPUT}: the state links of a streaming model, shared by the commands that run one over
 * data (a picocli {@code @Mixin}).
 */
public final class StateFeedbackArguments {
    @Option(names = "--feedback", paramLabel = "OUTPUT=INPUT",
            description = "Streaming models: feed output OUTPUT back as input INPUT of the next batch, starting from "
                    + "zeros (for example stateN=state); repeat or separate with commas. Sample j of each batch continues "
                    + "sample j of the batch before (--batch 1: one stream, in order); the data feeds the other "
                    + "inputs.")
    List<String> links = new ArrayList<>();

    /** @throws dev.trt4j.Trt4jException on a malformed link */
    public StateFeedback feedback() {
        return StateFeedback.parse(links);
    }

    /**
     * The model inputs the data feeds: all but the fed ones. The links are checked against the model first, so that a
     * misspelt name is reported as such rather than as data that does not fit.
     *
     * @throws dev.trt4j.Trt4jException on a malformed link or one naming a missing or non-float tensor, or a scalar
     *                                   input left to the data
     */
    public List<TensorSpec> dataInputs(String model, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        StateFeedback links = feedback();
        links.start(model, inputs, outputs);
        List<TensorSpec> fromData = links.dataInputs(inputs);
        // before the data is opened, so that the refusal names the model, not the data
        ShapeResolver.requireNoScalarInputs(model, fromData);
        if (fromData.isEmpty() && !inputs.isEmpty()) {
            // otherwise the data source would say the model has no inputs, which it has
            throw new InvalidOptionException(model + ": --feedback feeds every input of the model ("
                    + String.join(", ", inputs.stream().map(TensorSpec::name).toList()) + "); the data must feed at "
                    + "least one");
        }
        return fromData;
    }

    /**
     * {@return a warning when the links carried nothing: every sample ran in one batch, so each saw the zero state,
     * as without {@code --feedback}; empty otherwise} A one-chunk run is legal, so this is no refusal.
     *
     * @param samples the samples the pass ran
     * @param batches the batches they ran in
     * @param inputs  the model's inputs: where the data inputs fix the batch, a smaller --batch is no way out
     */
    public Optional<String> nothingCarriedNote(long samples, long batches, List<TensorSpec> inputs) {
        if (links.isEmpty() || batches != 1 || samples < 2) {
            return Optional.empty();
        }
        List<TensorSpec> fromData = feedback().dataInputs(inputs);
        boolean fixed = !fromData.isEmpty() && fromData.stream().allMatch(in -> in.rank() > 0 && in.dims()[0] > 0);
        return Optional.of("--feedback carries state from one batch to the next, and this run had one batch (of "
                + samples + " samples), so every sample saw the zero state; " + (fixed
                ? "the model fixes its batch to " + fromData.get(0).dims()[0] + ", so give more samples than one "
                + "batch, or fix a batch of 1 (trt4j convert --fix-shapes)"
                : "give a smaller --batch (--batch 1: one stream in order)"));
    }
}
