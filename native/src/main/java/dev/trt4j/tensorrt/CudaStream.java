package dev.trt4j.tensorrt;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/** A CUDA stream, destroyed by {@link #close()} (idempotent). */
final class CudaStream implements AutoCloseable {
    private final CUstream_st stream = new CUstream_st();
    private boolean closed;

    CudaStream() {
        NativeCalls.check(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
    }

    CUstream_st handle() {
        return stream;
    }

    /** Waits for all work queued on the stream. */
    void synchronize() {
        NativeCalls.check(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cudart.cudaStreamDestroy(stream);
        }
    }
}
