package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.ShapeResolver;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/** One model input fed from a streamed array whose first dimension counts samples; checks fit on creation. */
final class NpyInput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NpyInput.class);

    private final TensorSpec spec;
    private final NpyRowReader reader;
    private final String source;

    /**
     * Takes ownership of {@code in}, closing it if the array does not fit; {@code totalBytes} is the stream's length
     * where known (-1 otherwise), checked against the header.
     */
    NpyInput(TensorSpec spec, InputStream in, String source, long totalBytes, ShapeResolver shapes) {
        this.spec = spec;
        this.source = source;
        try {
            this.reader = new NpyRowReader(in, source, totalBytes);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
        try {
            NpyHeader header = reader.header();
            if (!header.dtype().canFeed(spec.type())) {
                throw new Trt4jException(source + ": array dtype " + header.dtype() + " does not fit model input '"
                        + spec.name() + "' " + spec.type() + " " + spec.shapeText());
            }
            shapes.fitData(source, spec, header.shape());
            if (header.dtype() == NpyDtype.FLOAT64) {
                LOG.info("{}: narrowing float64 to float32 for model input '{}'", source, spec.name());
            }
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    TensorSpec spec() {
        return spec;
    }

    long samples() {
        return reader.rows();
    }

    /** The array's shape, samples first. */
    long[] shape() {
        return reader.header().shape();
    }

    HostTensor read(int count) {
        try {
            return reader.readRows(count).toTensor(spec.type());
        } catch (IllegalArgumentException e) {
            throw new Trt4jException(source + ": " + e.getMessage() + " (model input '" + spec.name() + "')", e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the header's error is the one to report
        }
    }
}
