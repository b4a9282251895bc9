package dev.trt4j.benchmark;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.data.SyntheticSource;
import dev.trt4j.data.SyntheticValues;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a benchmark's inputs hold: seeded random values, zeros, or the first samples of real data read with trt4j's
 * data sources. The inputs are made once per run and every query reuses them, as trtexec does.
 */
public sealed interface BenchInputs {
    /**
     * Makes one query's inputs.
     *
     * @param inputs the model's inputs
     * @param shapes the settled shape of every input
     * @throws Trt4jException when data cannot be read or does not fit
     */
    Map<String, HostTensor> create(List<TensorSpec> inputs, Map<String, long[]> shapes);

    /** A short description for the report, e.g. {@code random (seed 0)}. */
    String describe();

    /**
     * Seeded random data ({@link SyntheticSource}: uniform floats in [0, 1), small integers, attention masks of 1).
     */
    static BenchInputs random(long seed) {
        return new RandomValues(seed);
    }

    /** Every element 0. */
    static BenchInputs zeros() {
        return new Zeros();
    }

    /** The first samples of {@code data} (a file or folder {@link DataSourceFactory} reads). */
    static BenchInputs fromData(Path data) {
        return fromData(data, null);
    }

    /**
     * The first samples of {@code data}, text among them tokenized with {@code tokenizer} (a {@code tokenizer.json};
     * null where the data is no text).
     */
    static BenchInputs fromData(Path data, Path tokenizer) {
        return new FromData(Objects.requireNonNull(data, "data"), tokenizer);
    }

    /** {@link #random(long)}. */
    record RandomValues(long seed) implements BenchInputs {
        /**
         * Each input at its settled shape, without a batch to share: inputs whose first dimensions differ (a
         * Concat's two inputs), scalars and states whose batch is not their first dimension are fed as given.
         */
        @Override
        public Map<String, HostTensor> create(List<TensorSpec> inputs, Map<String, long[]> shapes) {
            SyntheticValues values = new SyntheticValues(seed, SyntheticSource.Distribution.UNIFORM, 0);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (TensorSpec in : inputs) {
                tensors.put(in.name(), values.tensor(in, shapes.get(in.name())));
            }
            return tensors;
        }

        @Override
        public String describe() {
            return "random (seed " + seed + ")";
        }
    }

    /** {@link #zeros()}. */
    record Zeros() implements BenchInputs {
        @Override
        public Map<String, HostTensor> create(List<TensorSpec> inputs, Map<String, long[]> shapes) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (TensorSpec in : inputs) {
                long[] shape = shapes.get(in.name());
                int n = Math.toIntExact(HostTensor.elementCount(shape));
                tensors.put(in.name(), switch (in.type()) {
                    case FLOAT32, FLOAT16 -> HostTensor.ofFloats(shape, new float[n]);
                    case INT64 -> HostTensor.ofLongs(shape, new long[n]);
                    default -> HostTensor.ofInts(shape, new int[n]);
                });
            }
            return tensors;
        }

        @Override
        public String describe() {
            return "zeros";
        }
    }

    /** {@link #fromData(Path, Path)}. */
    record FromData(Path data, Path tokenizer) implements BenchInputs {
        @Override
        public Map<String, HostTensor> create(List<TensorSpec> inputs, Map<String, long[]> shapes) {
            try (CalibrationDataSource source = DataSourceFactory.open(data, inputs,
                    options(inputs, shapes).tokenizer(tokenizer).build())) {
                return firstBatch(source, data.toString(), shapes);
            }
        }

        @Override
        public String describe() {
            return "data " + data;
        }
    }

    private static DataOptions.Builder options(List<TensorSpec> inputs, Map<String, long[]> shapes) {
        DataOptions.Builder b = DataOptions.builder();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (e.getValue().length > 0) {
                b.fixedShape(e.getKey(), e.getValue());
            }
        }
        int batch = BenchShapes.batch(inputs, shapes);
        return b.batchSize(batch).maxSamples(batch);
    }

    private static Map<String, HostTensor> firstBatch(CalibrationDataSource source, String name,
                                                      Map<String, long[]> shapes) {
        Batch batch = source.next().orElseThrow(() -> new Trt4jException(name + ": no samples"));
        // NaN or infinity would time the model's non-finite paths, not what it does on real inputs
        batch.requireFinite(name, 0);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            HostTensor t = batch.inputs().get(e.getKey());
            if (t != null && !Arrays.equals(t.shape(), e.getValue())) {
                throw new Trt4jException(name + ": gives input '" + e.getKey() + "' shape "
                        + BenchShapes.text(t.shape()) + " but the benchmark needs " + BenchShapes.text(e.getValue())
                        + (t.shape().length > 0 && t.shape()[0] < e.getValue()[0]
                        ? " (fewer samples than the batch)" : ""));
            }
        }
        return batch.inputs();
    }
}
