package dev.trt4j.calibrators;

import java.nio.FloatBuffer;

/**
 * The values of one batch, from a {@code float[]} slice or a {@link FloatBuffer}, handed out as array chunks. Arrays
 * (and heap buffers) come as one chunk without copying. Direct buffers, such as ONNX Runtime's outputs read in
 * place, are copied a chunk at a time into a small reusable array, so the loops stay on arrays (which the JIT
 * compiles best) and each chunk is binned while it is in the L1 cache.
 */
final class FloatValues {
    /** Chunk size for direct buffers: 64 KiB, well inside L2 and cheap to refill. */
    static final int CHUNK = 16_384;

    /** Receives consecutive chunks; {@code first} is the index of {@code data[offset]} within the batch. */
    interface ChunkConsumer {
        /** @return false to stop early */
        boolean accept(float[] data, int offset, int length, int first);
    }

    private final float[] array;
    private final int offset;
    private final FloatBuffer buffer;
    private final int length;

    private FloatValues(float[] array, int offset, FloatBuffer buffer, int length) {
        this.array = array;
        this.offset = offset;
        this.buffer = buffer;
        this.length = length;
    }

    static FloatValues of(float[] data, int offset, int length) {
        return new FloatValues(data, offset, null, length);
    }

    /** The buffer's values from its position to its limit; the buffer's position is left unchanged. */
    static FloatValues of(FloatBuffer data) {
        if (data.hasArray()) {
            return new FloatValues(data.array(), data.arrayOffset() + data.position(), null, data.remaining());
        }
        return new FloatValues(null, 0, data, data.remaining());
    }

    int length() {
        return length;
    }

    /**
     * Calls {@code consumer} on the values from index {@code from} on, chunk by chunk in order, using
     * {@code scratch} (at least {@link #CHUNK} long) for copies, until it returns false.
     *
     * @return false if the consumer stopped early
     */
    boolean forEachChunk(float[] scratch, int from, ChunkConsumer consumer) {
        if (from >= length) {
            return true;
        }
        if (array != null) {
            return consumer.accept(array, offset + from, length - from, from);
        }
        int start = buffer.position();
        for (int done = from; done < length; done += CHUNK) {
            int n = Math.min(CHUNK, length - done);
            buffer.get(start + done, scratch, 0, n);
            if (!consumer.accept(scratch, 0, n, done)) {
                return false;
            }
        }
        return true;
    }
}
