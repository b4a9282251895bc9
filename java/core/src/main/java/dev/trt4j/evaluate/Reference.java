package dev.trt4j.evaluate;

import dev.trt4j.data.Batch;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Evaluator} judges candidates against, one pass over the data at a time: the reference model run beside
 * them ({@link #live}), or its outputs kept from an earlier pass over the same data ({@link ReferenceOutputs}), so
 * that a study of many passes runs the reference once.
 */
public interface Reference {
    /** The reference's name, as results and messages give it. */
    String name();

    /** The model's inputs, which the data is opened for. */
    List<TensorSpec> inputs();

    /** The outputs compared: those of a type trt4j reads. */
    List<TensorSpec> outputs();

    /** Outputs of a type trt4j does not compare, left out of {@link #outputs()}. */
    Set<String> unreadableOutputs();

    /**
     * The reference's outputs on batch {@code index} (from 0) of this pass, its state carried from the batch before.
     *
     * @param data the data's description, for messages
     * @throws dev.trt4j.Trt4jException if the model fails on the batch, or (kept outputs) the batch is not the one
     *                                  the outputs were kept for
     */
    Map<String, HostTensor> outputsOn(Batch batch, int index, String data);

    /**
     * Called once the pass has read all {@code batches} batches.
     *
     * @throws dev.trt4j.Trt4jException if (kept outputs) the data held a different number of batches when kept
     */
    void requireBatches(int batches, String data);

    /**
     * {@code runner}, run on each batch as it comes; one pass: the model's state ({@code feedback}) starts at the first
     * batch.
     */
    static Reference live(OrtModelRunner runner, StateFeedback feedback) {
        return new LiveReference(runner, feedback);
    }
}
