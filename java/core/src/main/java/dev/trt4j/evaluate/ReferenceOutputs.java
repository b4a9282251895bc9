package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference model's outputs on every batch of one pass over the data, kept on the heap so that later passes
 * judge their candidates without running the reference (and without its session: for a model of gigabytes, one
 * copy of the weights fewer). The reference's state ({@link EvaluationOptions#feedback()}) is carried while they are
 * kept, as a live reference carries it. Each later pass must read the same batches: their sizes and a fingerprint of
 * their inputs are kept and checked.
 */
public final class ReferenceOutputs implements Reference {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceOutputs.class);
    /** Heap a tensor takes beyond its elements (object headers, shape): a bound, not an exact count. */
    private static final long TENSOR_OVERHEAD = 96;

    private final String name;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Set<String> unreadableOutputs;
    private final List<Map<String, HostTensor>> batches;
    private final int[] sizes;
    private final long[] fingerprints;
    private final long bytes;

    private ReferenceOutputs(OrtModelRunner runner, List<Map<String, HostTensor>> batches, int[] sizes,
                             long[] fingerprints, long bytes) {
        this.name = runner.name();
        this.inputs = List.copyOf(runner.inputs());
        this.outputs = List.copyOf(runner.outputs());
        this.unreadableOutputs = Set.copyOf(runner.unreadableOutputs());
        this.batches = List.copyOf(batches);
        this.sizes = sizes;
        this.fingerprints = fingerprints;
        this.bytes = bytes;
    }

    /**
     * Runs {@code reference} over all of {@code data} and keeps its outputs, unless they would take more than
     * {@code budgetBytes} of heap: then it stops (as soon as the data's sample count shows they would not fit) and
     * returns empty, and the caller runs the reference beside its candidates as before.
     *
     * @param data read to the end (or until the budget is exceeded), not closed
     * @throws Trt4jException where the model fails on a batch, a batch does not fit the inputs or holds NaN or
     *                        infinity, or the data holds no samples (a bad attention mask is found by the first pass
     *                        that compares, as without kept outputs)
     */
    public static Optional<ReferenceOutputs> keep(OrtModelRunner reference, CalibrationDataSource data,
                                                  EvaluationOptions options, long budgetBytes) {
        Evaluator.requireComparableOutputs(reference);
        long start = System.nanoTime();
        Reference live = Reference.live(reference, options.feedback());
        List<Map<String, HostTensor>> kept = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Long> fingerprints = new ArrayList<>();
        long total = data.sampleCount().orElse(-1L);
        long samples = 0;
        long bytes = 0;
        for (Optional<Batch> next = Evaluator.nextUnlessInterrupted(data, reference.name(), samples);
             next.isPresent(); next = Evaluator.nextUnlessInterrupted(data, reference.name(), samples)) {
            Batch batch = next.get();
            batch.requireBatchDimension(data.describe(), reference.inputs());
            batch.requireFinite(data.describe(), samples);
            Map<String, HostTensor> expected = live.outputsOn(batch, kept.size(), data.describe());
            kept.add(expected);
            sizes.add(batch.size());
            fingerprints.add(fingerprint(batch));
            samples += batch.size();
            bytes += bytes(expected);
            // with the sample count known, stop at the first batch rather than after a whole pass for nothing
            long projected = total > samples ? (long) Math.ceil((double) bytes / samples * total) : bytes;
            if (projected > budgetBytes) {
                // a warning, not an error: the results are the same, the study only slower and larger than it could be
                LOG.warn("{}: the reference's outputs on {} would take about {} MiB of heap, over the {} MiB kept at "
                        + "most (a quarter of the heap); the reference runs beside the candidates in every pass "
                        + "instead (a larger -Xmx in TRT4J_JAVA_OPTS keeps them)",
                        reference.name(), data.describe(), mib(projected), mib(budgetBytes));
                return Optional.empty();
            }
            options.progress().progress(samples, total);
        }
        if (samples == 0) {
            throw new Trt4jException(data.describe() + ": no samples to evaluate");
        }
        LOG.debug("{}: kept the reference's outputs on {} batches ({} samples) in {} ms: {} MiB of at most {} MiB",
                reference.name(), kept.size(), samples, (System.nanoTime() - start) / 1_000_000, mib(bytes),
                mib(budgetBytes));
        return Optional.of(new ReferenceOutputs(reference, kept,
                sizes.stream().mapToInt(Integer::intValue).toArray(),
                fingerprints.stream().mapToLong(Long::longValue).toArray(), bytes));
    }

    /** Heap the kept outputs take, roughly (for tests). */
    long bytes() {
        return bytes;
    }

    /** Batches kept (for tests). */
    int batchCount() {
        return batches.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public Set<String> unreadableOutputs() {
        return unreadableOutputs;
    }

    /**
     * The outputs kept for batch {@code index}.
     *
     * @throws Trt4jException if the data now holds more batches, or this batch differs in size or inputs from the
     *                        one the reference ran on
     */
    @Override
    public Map<String, HostTensor> outputsOn(Batch batch, int index, String data) {
        if (index >= batches.size()) {
            throw changed(data, "more batches than the first pass's " + batches.size());
        }
        if (batch.size() != sizes[index]) {
            throw changed(data, "batch " + (index + 1) + " holds " + batch.size() + " samples, on the first pass "
                    + sizes[index]);
        }
        if (fingerprint(batch) != fingerprints[index]) {
            throw changed(data, "batch " + (index + 1) + " holds other samples than on the first pass");
        }
        return batches.get(index);
    }

    @Override
    public void requireBatches(int batches, String data) {
        if (batches != this.batches.size()) {
            throw changed(data, batches + " batches, on the first pass " + this.batches.size());
        }
    }

    private Trt4jException changed(String data, String what) {
        return new Trt4jException(data + ": the evaluation data changed between passes over it (" + what + "), so the "
                + "outputs of the reference " + name + " kept from the first pass do not apply; every pass must read "
                + "the same samples in the same order");
    }

    /** Cheap against a model run, and enough to catch a source that reads other samples or another order. */
    private static long fingerprint(Batch batch) {
        long h = batch.size();
        for (Map.Entry<String, HostTensor> e : batch.inputs().entrySet()) {
            HostTensor t = e.getValue();
            h = 31 * h + e.getKey().hashCode();
            h = 31 * h + Arrays.hashCode(t.shape());
            h = 31 * h + switch (t.type()) {
                case FLOAT32 -> Arrays.hashCode(t.floats());
                case INT64 -> Arrays.hashCode(t.longs());
                default -> Arrays.hashCode(t.ints());
            };
        }
        return 31 * h + batch.streamStarts().hashCode();
    }

    private static long bytes(Map<String, HostTensor> outputs) {
        long b = 0;
        for (HostTensor t : outputs.values()) {
            b += t.elementCount() * (t.type() == dev.trt4j.tensor.ElementType.INT64 ? 8 : 4) + TENSOR_OVERHEAD;
        }
        return b;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
