package dev.trt4j.data;

import dev.trt4j.Counts;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Seeded random data for every model input, for when no real data is at hand. Floats are uniform in
 * {@code [0, 1)} or standard normal; integers are uniform in {@code [0, vocabSize)} (default {@code [0, 10)}),
 * except inputs named like {@code attention_mask} (all 1) and {@code token_type_ids} (all 0), so that synthetic
 * text batches look like real single-sentence ones. Every dynamic dimension needs a fixed shape. The same seed
 * and options give the same batches.
 */
public final class SyntheticSource extends BatchingSource {
    /** Distribution of synthetic float values. */
    public enum Distribution {
        /** Uniform in {@code [0, 1)}. */
        UNIFORM,
        /** Standard normal: mean 0, standard deviation 1. */
        NORMAL
    }

    private final List<TensorSpec> inputs;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final DataOptions options;
    private final SyntheticValues values;

    /**
     * @throws dev.trt4j.Trt4jException if a dynamic dimension has no fixed shape
     */
    public SyntheticSource(List<TensorSpec> modelInputs, DataOptions options) {
        this(requireTextLength(new ShapeResolver("synthetic data", modelInputs, options), options), options);
    }

    /**
     * Refuses a text model whose sequence length nothing fixes, naming --tokenizer first: random token ids of a
     * length the user picks (--shapes) calibrate poorly, and what the user almost always lacks is the tokenizer
     * that turns sentences into real ones.
     */
    private static ShapeResolver requireTextLength(ShapeResolver resolver, DataOptions options) {
        if (!TextSource.readsTokenIds(resolver.inputs())) {
            return resolver;
        }
        for (TensorSpec in : resolver.inputs()) {
            boolean open = Arrays.stream(in.dims()).skip(1).anyMatch(d -> d < 0);
            if (in.name().equals("input_ids") && open && options.fixedShape(in.name()) == null) {
                throw new InvalidOptionException(resolver.source() + ": text model input '" + in.name() + "' "
                        + in.shapeText() + " has an open sequence length; give --tokenizer tokenizer.json to feed "
                        + "it sentences (--data FILE.txt, or the bundled ones without --data), or --shapes "
                        + in.name() + ":" + resolver.batchSize() + Arrays.stream(in.dims()).skip(1)
                        .mapToObj(d -> d < 0 ? "xN" : "x" + d).collect(Collectors.joining()) + " for random token ids");
            }
        }
        return resolver;
    }

    private SyntheticSource(ShapeResolver resolver, DataOptions options) {
        super(resolver, plan(resolver, options.maxSamples() > 0 ? options.maxSamples()
                : DataOptions.DEFAULT_SYNTHETIC_SAMPLES, requireNoSkip(options, "synthetic data")));
        this.inputs = resolver.inputs();
        this.options = options;
        this.values = new SyntheticValues(options.seed(), options.distribution(), options.vocabSize());
        for (TensorSpec in : inputs) {
            shapes.put(in.name(), resolver.batchShape(in));
        }
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        Map<String, HostTensor> batch = new LinkedHashMap<>();
        for (TensorSpec in : inputs) {
            batch.put(in.name(), values.tensor(in, withBatch(shapes.get(in.name()), count)));
        }
        return batch;
    }

    @Override
    public String describe() {
        return "synthetic:" + options.distribution().name().toLowerCase(Locale.ROOT) + " (seed " + options.seed()
                + ", " + Counts.of(sampleCount().orElseThrow(), "sample") + ")";
    }
}
