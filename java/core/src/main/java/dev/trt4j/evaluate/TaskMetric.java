package dev.trt4j.evaluate;

import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;

import java.util.Map;

/**
 * What a model is for, measured on the outputs of a reference and a candidate model for the same samples: e.g.
 * the accuracy of a classifier against known labels, or the cosine of sentence embeddings. A metric is a
 * description; each evaluation {@link #start()}s its own {@link Tally}, so one metric can serve many evaluations.
 */
public interface TaskMetric {
    /** Short name, e.g. {@code classification}. */
    String name();

    /** A fresh tally for one evaluation. */
    Tally start();

    /** Accumulates one evaluation, batch by batch, in sample order. Not thread-safe. */
    interface Tally {
        /**
         * Adds one batch.
         *
         * @param batch       the inputs both models were given
         * @param firstSample index of the batch's first sample in the data source (0, then the sizes of the
         *                    batches before)
         * @param reference   the reference model's outputs, by name
         * @param candidate   the candidate model's outputs, by name
         * @throws dev.trt4j.Trt4jException if an output the metric needs is missing or has the wrong shape
         */
        void add(Batch batch, long firstSample, Map<String, HostTensor> reference, Map<String, HostTensor> candidate);

        /** The result over every batch added. */
        TaskResult result();
    }
}
