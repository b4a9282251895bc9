package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.tensor.HostTensor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Streams a {@code .npy} array row by row along its first dimension, so that a large array can be read one
 * batch at a time. A Fortran-order array, whose rows are spread over all its data, is read whole at the first rows
 * asked for and handed out in C order. Closing it closes the underlying stream.
 */
final class NpyRowReader implements AutoCloseable {
    private final InputStream in;
    private final String source;
    private final NpyHeader header;
    private final long rowElements;
    private long rowsRead;
    /** A Fortran-order array's data in C order, once read; null before and for a C-order array. */
    private byte[] reordered;

    /** Reads the header from {@code in}; {@code source} names the file in errors. */
    public NpyRowReader(InputStream in, String source) {
        this(in, source, -1);
    }

    /**
     * Reads the header from {@code in} and, where the stream's length is known ({@code totalBytes} ≥ 0), checks that
     * header and data fill it exactly: a file cut short is refused before any batch runs, and bytes after the data (a
     * second array saved into the same file, or a header length that is wrong, which would shift every value) are
     * refused too.
     */
    public NpyRowReader(InputStream in, String source, long totalBytes) {
        this.in = in;
        this.source = source;
        CountingStream counted = new CountingStream(in);
        this.header = NpyHeader.read(counted, source);
        long[] shape = header.shape();
        this.rowElements = shape.length == 0 ? 1 : HostTensor.elementCount(Arrays.copyOfRange(shape, 1, shape.length));
        if (totalBytes >= 0) {
            long follow = totalBytes - counted.count;
            if (follow < header.dataBytes()) {
                throw new Trt4jException(source + ": truncated data: header says " + header + " ("
                        + header.dataBytes() + " bytes) but only " + follow + " follow");
            }
            if (follow > header.dataBytes()) {
                throw new Trt4jException(source + ": " + (follow - header.dataBytes()) + " bytes follow the "
                        + header + " array its header describes (a second array saved into the same file, or a "
                        + "wrong header length)");
            }
        }
    }

    /** Counts the bytes the header takes. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }

    /** The file's header, read on construction. */
    public NpyHeader header() {
        return header;
    }

    /** Rows along the first dimension (1 for a scalar). */
    public long rows() {
        long[] shape = header.shape();
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Rows not yet read. */
    public long remainingRows() {
        return rows() - rowsRead;
    }

    /**
     * The next {@code count} rows as an array of shape {@code [count, shape[1:]...]}.
     *
     * @throws Trt4jException if fewer rows remain or the file ends early
     */
    public NpyArray readRows(int count) {
        if (count > remainingRows() || header.shape().length == 0) {
            throw new IllegalArgumentException(source + ": asked for " + count + " rows, " + remainingRows()
                    + " remain");
        }
        long[] shape = header.shape();
        shape[0] = count;
        NpyArray rows = new NpyArray(header.dtype(), shape, readElements(count * rowElements));
        rowsRead += count;
        return rows;
    }

    /** The whole array; only before any rows were read. */
    NpyArray readAll() {
        if (rowsRead != 0) {
            throw new IllegalStateException("rows already read");
        }
        NpyArray all = new NpyArray(header.dtype(), header.shape(), readElements(header.elementCount()));
        rowsRead = rows();
        return all;
    }

    /** The next {@code count} elements in C order, little-endian. */
    private byte[] readElements(long count) {
        if (!header.fortranOrder() || FortranOrder.sameInBoth(header.shape())) {
            return readStored(count);
        }
        if (reordered == null) {
            reordered = FortranOrder.toC(readStored(header.elementCount()), header.shape(), header.dtype().size());
        }
        if (count == header.elementCount()) {
            return reordered;
        }
        int size = header.dtype().size();
        int from = Math.toIntExact(rowsRead * rowElements * size);
        return Arrays.copyOfRange(reordered, from, from + Math.toIntExact(count * size));
    }

    /** The next {@code count} elements as the file stores them, little-endian. */
    private byte[] readStored(long count) {
        int size = header.dtype().size();
        long bytes = count * size;
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new Trt4jException(source + ": " + bytes + " bytes of " + header + " are too many to hold at once; "
                    + (header.fortranOrder() ? "a Fortran-order array is read whole (its rows are spread over the "
                    + "file): save it in C order (numpy.ascontiguousarray) to read it in batches"
                    : "read it in batches"));
        }
        byte[] data = new byte[(int) bytes];
        try {
            int n = in.readNBytes(data, 0, data.length);
            if (n < data.length) {
                long expected = (rowsRead * rowElements + count) * size;
                throw new Trt4jException(source + ": truncated data: header says " + header + " ("
                        + header.dataBytes() + " bytes) but only " + (expected - data.length + n) + " follow");
            }
        } catch (IOException e) {
            throw new Trt4jException(source + ": cannot read: " + ReadFailure.reason(e), e);
        }
        if (header.byteOrder() == ByteOrder.BIG_ENDIAN && size > 1) {
            swapBytes(data, size);
        }
        return data;
    }

    private static void swapBytes(byte[] data, int size) {
        for (int start = 0; start < data.length; start += size) {
            for (int i = 0, j = start + size - 1; i < size / 2; i++, j--) {
                byte t = data[start + i];
                data[start + i] = data[j];
                data[j] = t;
            }
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new Trt4jException(source + ": cannot close: " + e.getMessage(), e);
        }
    }
}
