package dev.trt4j.tensorrt;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;

import java.util.Arrays;

/**
 * Sizes the buffers of an engine's I/O tensors from the shapes the execution context resolved. No JavaCPP types, so
 * that its rules are tested without native libraries.
 */
final class TensorBytes {
    private TensorBytes() {
    }

    /**
     * Bytes of output {@code name} at {@code shape}, the context's {@code getTensorShape} after every input shape was
     * set.
     *
     * @param engine names the engine in the message
     * @throws Trt4jException when a dimension is still unknown: the output's size is data-dependent (NonZero,
     *         NMS, ...) and known only after the engine ran, which needs an {@code IOutputAllocator} that trt4j
     *         does not provide; or when the size overflows
     */
    static long output(String engine, String name, long[] shape, ElementType type) {
        for (long d : shape) {
            if (d < 0) {
                throw new Trt4jException(engine + ": output '" + name + "' has the data-dependent shape "
                        + Arrays.toString(shape) + ", known only after inference; trt4j binds every output before it "
                        + "runs the engine and cannot run this one");
            }
        }
        try {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return Math.multiplyExact(n, (long) type.bytes());
        } catch (ArithmeticException e) {
            throw new Trt4jException(engine + ": output '" + name + "' of shape " + Arrays.toString(shape)
                    + " does not fit in memory");
        }
    }

    /** The most one host staging buffer holds: a {@link java.nio.ByteBuffer} is indexed by {@code int}. */
    static final long MAX_STAGED = Integer.MAX_VALUE;

    /**
     * Checks that {@code bytes} of tensor {@code what} fit one host staging buffer.
     *
     * @param what names the tensor in the message, e.g. {@code input 'x'}
     * @return {@code bytes}, at least 1 (a zero-sized tensor still gets a buffer to bind)
     * @throws InvalidInputException when they do not fit: the request is too large, the caller's to make smaller
     */
    static long staged(String what, long bytes) {
        if (bytes > MAX_STAGED) {
            throw new InvalidInputException(what + " needs " + bytes + " bytes; a host staging buffer holds at most "
                    + MAX_STAGED + " (2 GiB): use a smaller batch or shape");
        }
        return Math.max(1, bytes);
    }
}
