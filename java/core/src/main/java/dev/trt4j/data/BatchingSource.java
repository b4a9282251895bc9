package dev.trt4j.data;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Base of the sources that know their sample count up front: it passes over the first {@code skipSamples}, caps the
 * count at {@code maxSamples}, drops a last partial batch when the model's batch dimension is fixed, and asks the
 * subclass for one batch at a time.
 */
public abstract class BatchingSource implements CalibrationDataSource {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingSource.class);

    private final int batchSize;
    private final long total;
    /** Samples passed over before the first delivered one. */
    private final long skip;
    /** Samples described as passed over: {@code skip}, after the start of the part these samples are. */
    private final long describedSkip;
    /** Samples the data holds, those passed over included. */
    private final long available;
    /** The option whose limit left samples of the data unread, to be named in the description; or null. */
    private final String limitOption;
    private long skipped;
    private long delivered;

    /**
     * A source whose data holds {@code samples} after those passed over, all of them read.
     *
     * @param shapes  the resolved shapes (batch size)
     * @param samples samples to deliver, as computed by {@link #plan}
     * @param options the options {@link #plan} was given, whose {@code skipSamples} are passed over first
     */
    protected BatchingSource(ShapeResolver shapes, long samples, DataOptions options) {
        this(shapes, options.skipSamples() + samples, samples, options);
    }

    /**
     * @param shapes    the resolved shapes (batch size)
     * @param available the samples the data holds, as {@link #plan} was given them
     * @param samples   samples to deliver, as computed by {@link #plan}
     * @param options   the options {@link #plan} was given, whose {@code skipSamples} are passed over first
     */
    protected BatchingSource(ShapeResolver shapes, long available, long samples, DataOptions options) {
        this.batchSize = shapes.batchSize();
        this.total = samples;
        this.skip = options.skipSamples();
        // a part cut from larger data is counted as of that data, as a source reading all of it would be
        this.describedSkip = options.part() == null ? skip : options.part().start() + skip;
        this.available = options.part() == null ? available : Math.max(options.part().held(), describedSkip + samples);
        this.limitOption = options.samplesOption() != null && options.maxSamples() > 0
                && available - skip > options.maxSamples() ? options.samplesOption() : null;
    }

    /**
     * For sources of generated samples (rendered sentences, synthetic data), which callers split by choosing what to
     * generate ({@link dev.trt4j.compare.SampleSplit}) rather than by passing samples over.
     *
     * @param samples samples to deliver, as computed by {@link #plan} from options that skip nothing
     */
    protected BatchingSource(ShapeResolver shapes, long samples) {
        this(shapes, samples, samples, DataOptions.defaults());
    }

    /**
     * {@code options}, which a source of generated samples takes: it has nothing to pass over.
     *
     * @throws IllegalArgumentException if {@code options} skip samples
     */
    protected static DataOptions requireNoSkip(DataOptions options, String source) {
        if (options.skipSamples() != 0) {
            throw new IllegalArgumentException(source + " generates its samples and cannot pass "
                    + options.skipSamples() + " over; split what it generates instead");
        }
        return options;
    }

    /**
     * How many of {@code available} samples a source delivers: those after the first {@code skipSamples}, at most
     * {@code maxSamples}, and a whole number of batches when the model's batch dimension is fixed (the rest is left
     * out with a warning).
     *
     * @throws Trt4jException if there are no samples (none after the skipped ones), or fewer than one batch the
     *                        model's fixed batch needs
     */
    public static long plan(ShapeResolver shapes, long available, DataOptions options) {
        int batchSize = shapes.batchSize();
        if (available < 1) {
            throw new Trt4jException(shapes.source() + ": no samples");
        }
        if (options.skipSamples() >= available) {
            // only held-out evaluation skips samples: those calibration took
            throw new HeldOutSamplesException(shapes.source(), available, options.skipSamples(),
                    "none are left to evaluate on");
        }
        if (options.skipSamples() > 0 && shapes.fullBatchesOnly() && available - options.skipSamples() < batchSize) {
            throw new HeldOutSamplesException(shapes.source(), available, options.skipSamples(),
                    new FewerThanOneBatchException(shapes.source(), available - options.skipSamples(), batchSize), "");
        }
        available -= options.skipSamples();
        long n = options.maxSamples() > 0 ? Math.min(available, options.maxSamples()) : available;
        if (shapes.fullBatchesOnly() && n % batchSize != 0) {
            if (n < batchSize) {
                throw new FewerThanOneBatchException(shapes.source(), n, batchSize);
            }
            DataWarnings.warn(LOG, shapes.source() + ": leaving out the last " + Counts.of(n % batchSize, "sample")
                    + ": the model takes only full batches of " + batchSize);
            n -= n % batchSize;
        }
        return n;
    }

    @Override
    public final Optional<Batch> next() {
        if (delivered >= total) {
            return Optional.empty();
        }
        while (skipped < skip) {
            int count = (int) Math.min(batchSize, skip - skipped);
            skipOver(skipped, count);
            skipped += count;
        }
        int count = (int) Math.min(batchSize, total - delivered);
        Map<String, HostTensor> inputs = readBatch(skip + delivered, count);
        delivered += count;
        return Optional.of(new Batch(count, inputs, streamStartsOfLastBatch()));
    }

    @Override
    public final Optional<Long> sampleCount() {
        return Optional.of(total);
    }

    /** For {@link #describe()}: which samples are read where the first ones are passed over, else nothing. */
    protected final String passedOver() {
        return describedSkip == 0 ? "" : ", after the first " + describedSkip;
    }

    /**
     * For {@link #describe()}: how many samples the data holds and which are read, each sample a {@code singular}.
     * Where every sample after those passed over is read, their count ({@code 256 samples},
     * {@code 256 samples, after the first 256}); where the data holds more, both, so that a limit is not taken for
     * the data's size ({@code 3200 samples; the first 256 used}), and where an option's limit left them unread, that
     * option with its 0 for all ({@code , --samples 0 for all}).
     */
    protected final String counted(String singular) {
        return counted(singular, singular + "s");
    }

    /** As {@link #counted(String)}, with the noun's plural given. */
    protected final String counted(String singular, String plural) {
        if (available <= describedSkip + total) {
            return Counts.of(total, singular, plural) + passedOver();
        }
        String used = describedSkip == 0 ? "the first " + total + " used"
                : total + " used, after the first " + describedSkip;
        return Counts.of(available, singular, plural) + "; " + used
                + (limitOption == null ? "" : ", " + limitOption + " 0 for all");
    }

    /**
     * {@link #counted(String)} and what a description says after it: a semicolon between them where the count
     * says which samples are used, whose commas would run on into the rest.
     */
    protected final String counted(String singular, String plural, String rest) {
        String count = counted(singular, plural);
        return count + (count.contains(";") ? "; " : ", ") + rest;
    }

    /** Samples per full batch. */
    protected final int batchSize() {
        return batchSize;
    }

    /**
     * Reads the samples {@code first .. first + count - 1}; calls come in order, each starting where the last
     * one ended.
     *
     * @return one tensor per model input, each with first dimension {@code count}
     */
    protected abstract Map<String, HostTensor> readBatch(long first, int count);

    /**
     * Passes over the samples {@code first .. first + count - 1}, which are never delivered; in the order
     * {@link #readBatch} is called, before it. Reads and drops them unless a source that reads by index overrides it.
     */
    protected void skipOver(long first, int count) {
        readBatch(first, count);
    }

    /**
     * The samples of the batch {@link #readBatch} just read that begin a new stream (see {@link Batch#streamStarts});
     * none unless a source of streams says so.
     */
    protected Set<Integer> streamStartsOfLastBatch() {
        return Set.of();
    }

    /** A batch shape with its first dimension set to {@code count}. */
    protected static long[] withBatch(long[] batchShape, int count) {
        long[] s = batchShape.clone();
        s[0] = count;
        return s;
    }
}
