package dev.trt4j.tensorrt;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.ByteBuffer;

/**
 * Page-locked host memory from {@code cudaMallocHost}, so copies to the device are DMA transfers; exposed to
 * Java as a direct {@link ByteBuffer}. Freed by {@link #close()} (idempotent); the buffer must not be used
 * after that.
 */
final class PinnedHostBuffer implements AutoCloseable {
    private final Pointer pointer = new Pointer();
    private final ByteBuffer view;
    private final long bytes;
    private boolean closed;

    /**
     * Allocates {@code bytes} (at least 1, at most 2 GiB) of pinned memory for tensor {@code what} (e.g.
     * {@code input 'x'}), which names it when it does not fit.
     */
    PinnedHostBuffer(String what, long bytes) {
        this.bytes = TensorBytes.staged(what, bytes);
        NativeCalls.check(cudart.cudaMallocHost(pointer, this.bytes), "cudaMallocHost(" + this.bytes + ")");
        this.view = new BytePointer(pointer).capacity(this.bytes).asByteBuffer();
    }

    /** The memory as a direct buffer (position 0, full capacity). */
    ByteBuffer buffer() {
        if (closed) {
            throw new IllegalStateException("PinnedHostBuffer is closed");
        }
        return view.duplicate();
    }

    /**
     * The host address, valid until {@link #close()}: after it the memory is freed, and a copy from it would read
     * whatever the allocator put there since.
     */
    Pointer pointer() {
        if (closed) {
            throw new IllegalStateException("PinnedHostBuffer is closed");
        }
        return pointer;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cudart.cudaFreeHost(pointer);
        }
    }
}
