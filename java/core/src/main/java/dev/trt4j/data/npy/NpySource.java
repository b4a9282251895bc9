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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Batches from one {@code .npy} file whose first dimension counts samples, for a single-input model. The
 * file is streamed, one batch in memory at a time; the last batch may be smaller (unless the model's batch
 * dimension is fixed). Close it to release the file.
 */
public final class NpySource extends BatchingSource {
    private final Path file;
    private final NpyInput input;

    /**
     * @throws Trt4jException if the file is unreadable, the model has several inputs, or the array's dtype or
     *                        shape does not fit the input
     */
    public NpySource(Path file, List<TensorSpec> modelInputs, DataOptions options) {
        this(file, open(file, new ShapeResolver(file.toString(), modelInputs, options), options));
    }

    private NpySource(Path file, Opened opened) {
        super(opened.shapes, opened.available, opened.samples, opened.options);
        this.file = file;
        this.input = opened.input;
    }

    private record Opened(ShapeResolver shapes, NpyInput input, long available, long samples, DataOptions options) {
    }

    private static Opened open(Path file, ShapeResolver shapes, DataOptions options) {
        TensorSpec spec = shapes.onlyInput(".npy");
        InputStream in;
        long size;
        try {
            size = Files.size(file);
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": no such file", e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        NpyInput input = new NpyInput(spec, in, file.toString(), size, shapes);
        try {
            return new Opened(shapes, input, input.samples(), plan(shapes, input.samples(), options), options);
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        return Map.of(input.spec().name(), input.read(count));
    }

    @Override
    public String describe() {
        return "npy:" + file + " (" + counted("sample") + ")";
    }

    @Override
    public void close() {
        input.close();
    }
}
