package dev.trt4j.tensorrt;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/** Device memory from {@code cudaMalloc}, freed by {@link #close()} (idempotent). */
final class DeviceBuffer implements AutoCloseable {
    private final Pointer pointer = new Pointer();
    private final long bytes;
    private boolean closed;

    /** Allocates {@code bytes} (at least 1) of device memory. */
    DeviceBuffer(long bytes) {
        this.bytes = Math.max(1, bytes);
        NativeCalls.check(cudart.cudaMalloc(pointer, this.bytes), "cudaMalloc(" + this.bytes + ")");
    }

    /** The device address, valid until {@link #close()}. */
    Pointer pointer() {
        if (closed) {
            throw new IllegalStateException("DeviceBuffer is closed");
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
            cudart.cudaFree(pointer);
        }
    }
}
