package dev.trt4j.data;

import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;
import dev.trt4j.tensor.TensorSpec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Batches from raw little-endian float32 files, as TensorRT samples and {@code trtexec --loadInputs} use: a
 * single file or a folder of {@code .raw}/{@code .bin} files (in name order), each holding a whole number of
 * samples of the model input's fixed shape. Single-input float32 models only. Close it to release the open file.
 */
final class RawFloatSource extends BatchingSource {
    /** File extensions read from a folder. */
    public static final Set<String> EXTENSIONS = Set.of("raw", "bin");

    private final Path path;
    private final TensorSpec input;
    private final long[] batchShape;
    private final int sampleFloats;
    private final List<Path> files;
    private int fileIndex = -1;
    private InputStream current;

    /**
     * @throws Trt4jException if the model has several or non-float32 inputs, a dynamic dimension is not fixed,
     *                        or a file's size is not a whole number of samples
     */
    public RawFloatSource(Path fileOrFolder, List<TensorSpec> modelInputs, DataOptions options) {
        this(fileOrFolder, DataFiles.list(fileOrFolder, EXTENSIONS),
                new ShapeResolver(fileOrFolder.toString(), modelInputs, options), options);
    }

    private RawFloatSource(Path path, List<Path> files, ShapeResolver shapes, DataOptions options) {
        this(path, files, shapes, options, countSamples(path, files, shapes));
    }

    private RawFloatSource(Path path, List<Path> files, ShapeResolver shapes, DataOptions options, long available) {
        super(shapes, available, plan(shapes, available, options), options);
        this.path = path;
        this.files = files;
        this.input = shapes.onlyInput("raw float32");
        this.batchShape = shapes.batchShape(input);
        this.sampleFloats = sampleFloats(batchShape);
    }

    private static int sampleFloats(long[] batchShape) {
        long[] sample = java.util.Arrays.copyOfRange(batchShape, 1, batchShape.length);
        return Math.toIntExact(HostTensor.elementCount(sample));
    }

    private static long countSamples(Path path, List<Path> files, ShapeResolver shapes) {
        TensorSpec input = shapes.onlyInput("raw float32");
        if (input.type() != ElementType.FLOAT32) {
            throw new Trt4jException(path + ": raw float32 data does not fit model input '" + input.name() + "' "
                    + input.type() + " " + input.shapeText());
        }
        long sampleBytes = 4L * sampleFloats(shapes.batchShape(input));
        long samples = 0;
        for (Path f : files) {
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw ReadFailure.of(f, e);
            }
            if (sampleBytes == 0 || size % sampleBytes != 0) {
                throw new Trt4jException(f + ": " + size + " bytes are not a whole number of samples of model input '"
                        + input.name() + "' " + input.shapeText() + " at " + ShapeText.of(
                        shapes.batchShape(input)) + " (" + sampleBytes + " bytes each)");
            }
            samples += size / sampleBytes;
        }
        return samples;
    }

    @Override
    protected Map<String, HostTensor> readBatch(long first, int count) {
        byte[] bytes = new byte[Math.multiplyExact(count, sampleFloats * 4)];
        int filled = 0;
        try {
            while (filled < bytes.length) {
                if (current == null) {
                    current = new BufferedInputStream(Files.newInputStream(files.get(++fileIndex)), 1 << 16);
                }
                int n = current.readNBytes(bytes, filled, bytes.length - filled);
                filled += n;
                if (filled < bytes.length) {
                    current.close();
                    current = null;
                }
            }
        } catch (IOException e) {
            throw ReadFailure.of(files.get(fileIndex), e);
        } catch (IndexOutOfBoundsException e) {
            throw new Trt4jException(path + ": files shrank while being read", e);
        }
        float[] values = new float[count * sampleFloats];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return Map.of(input.name(), HostTensor.ofFloats(withBatch(batchShape, count), values));
    }

    @Override
    public String describe() {
        return "raw:" + path + " (" + Counts.of(files.size(), "file") + ", " + counted("sample") + ")";
    }

    @Override
    public void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
            current = null;
        }
    }
}
