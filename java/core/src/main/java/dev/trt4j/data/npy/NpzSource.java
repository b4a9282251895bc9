package dev.trt4j.data.npy;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.BatchingSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Batches from a {@code .npz} archive holding one array per model input, matched by name; each array's first
 * dimension counts samples, and all must count the same. Every array is streamed from the archive, one batch
 * in memory at a time. Close it to release the file.
 */
public final class NpzSource extends BatchingSource {
    private final Path file;
    private final ZipFile zip;
    private final List<NpyInput> inputs;

    /**
     * @throws Trt4jException if a model input has no array, an array matches no input, an array's dtype or shape
     *                        does not fit its input, or the arrays disagree on the sample count
     */
    public NpzSource(Path file, List<TensorSpec> modelInputs, DataOptions options) {
        this(file, open(file, new ShapeResolver(file.toString(), modelInputs, options), options));
    }

    private NpzSource(Path file, Opened opened) {
        super(opened.shapes, opened.available, opened.samples, opened.options);
        this.file = file;
        this.zip = opened.zip;
        this.inputs = opened.inputs;
    }

    private record Opened(ShapeResolver shapes, ZipFile zip, List<NpyInput> inputs, long available, long samples,
                          DataOptions options) {
    }

    private static Opened open(Path file, ShapeResolver shapes, DataOptions options) {
        ZipFile zip = NpzFile.open(file);
        List<NpyInput> inputs = new ArrayList<>();
        try {
            Map<String, ZipEntry> arrays = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.isDirectory() && arrays.put(NpzFile.arrayName(file, entry), entry) != null) {
                    throw new Trt4jException(file + ": holds two arrays named '" + NpzFile.arrayName(file, entry)
                            + "'");
                }
            }
            if (arrays.size() == 1 && arrays.containsKey("arr_0") && shapes.inputs().size() == 1) {
                // np.savez(f, x) names its one unnamed array arr_0: for a model of one input, there is no doubt
                arrays.put(shapes.inputs().get(0).name(), arrays.remove("arr_0"));
            }
            String inputNames = shapes.inputs().stream().map(TensorSpec::name).collect(Collectors.joining(", "));
            for (TensorSpec spec : shapes.inputs()) {
                ZipEntry entry = arrays.remove(spec.name());
                if (entry == null) {
                    String names = arrayNames(zip, file);
                    throw new Trt4jException(file + ": no array for model input '" + spec.name() + "' ("
                            + (names.isEmpty() ? "it holds no arrays" : "arrays: " + names) + ")");
                }
                inputs.add(new NpyInput(spec, new BufferedInputStream(zip.getInputStream(entry), 1 << 16),
                        file + ":" + entry.getName(), entry.getSize(), shapes));
            }
            if (!arrays.isEmpty()) {
                // "no model input" would be wrong for a state input that --feedback feeds instead
                throw new Trt4jException(file + ": array '" + arrays.keySet().iterator().next()
                        + "' matches no input the data feeds (" + inputNames + ")");
            }
            long samples = inputs.get(0).samples();
            for (NpyInput in : inputs) {
                if (in.samples() != samples) {
                    throw new Trt4jException(file + ": arrays disagree on the sample count: '"
                            + inputs.get(0).spec().name() + "' has " + samples + ", '" + in.spec().name() + "' has "
                            + in.samples());
                }
            }
            requireNamedDimensionsAgree(file, inputs);
            return new Opened(shapes, zip, inputs, samples, plan(shapes, samples, options), options);
        } catch (IOException | RuntimeException e) {
            inputs.forEach(NpyInput::close);
            closeQuietly(zip);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw ReadFailure.of(file, (IOException) e);
        }
    }

    /**
     * Arrays for inputs that share a named dimension (MiniLM's {@code sequence_length} in input_ids, attention_mask
     * and token_type_ids) must agree on it; otherwise ONNX Runtime fails deep inside the model with a broadcast
     * error that names neither array. PaddlePaddle's exporter spells every unnamed dimension {@code "?"}
     * ({@code [?,3,?,?]}), so {@code "?"} names no dimension.
     */
    private static void requireNamedDimensionsAgree(Path file, List<NpyInput> inputs) {
        Map<String, Map.Entry<String, Long>> firstSize = new LinkedHashMap<>(); // dimension → (array, size)
        for (NpyInput in : inputs) {
            long[] shape = in.shape();
            List<String> names = in.spec().dimNames();
            for (int d = 1; d < Math.min(shape.length, names.size()); d++) {
                String name = names.get(d);
                if (name == null || name.isEmpty() || name.equals("?")) {
                    continue;
                }
                Map.Entry<String, Long> first = firstSize.putIfAbsent(name, Map.entry(in.spec().name(), shape[d]));
                if (first != null && first.getValue() != shape[d]) {
                    throw new Trt4jException(file + ": arrays disagree on dimension '" + name + "': '" + first.getKey()
                            + "' has " + first.getValue() + ", '" + in.spec().name() + "' has " + shape[d]);
                }
            }
        }
    }

    private static String arrayNames(ZipFile zip, Path file) {
        return zip.stream().filter(e -> !e.isDirectory()).map(e -> NpzFile.arrayName(file, e))
                .collect(Collectors.joining(", "));
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        Map<String, HostTensor> batch = new LinkedHashMap<>();
        for (NpyInput in : inputs) {
            batch.put(in.spec().name(), in.read(count));
        }
        return batch;
    }

    @Override
    public String describe() {
        return "npz:" + file + " (" + counted("sample") + ")";
    }

    @Override
    public void close() {
        inputs.forEach(NpyInput::close);
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing is written through the zip, so a failed close loses nothing
        }
    }
}
