package dev.trt4j.tensorrt;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.global.cudart;

/** A CUDA event, destroyed by {@link #close()} (idempotent). */
final class CudaEvent implements AutoCloseable {
    private final CUevent_st event = new CUevent_st();
    private final float[] elapsed = new float[1];
    private boolean closed;

    /**
     * @param blockingSync true: a host waiting on the event sleeps ({@code cudaEventBlockingSync}); false: it spins
     */
    CudaEvent(boolean blockingSync) {
        NativeCalls.check(cudart.cudaEventCreateWithFlags(event, blockingSync ? cudart.cudaEventBlockingSync
                : cudart.cudaEventDefault), "cudaEventCreateWithFlags");
    }

    /** Records the event on {@code stream}. */
    void record(CudaStream stream) {
        NativeCalls.check(cudart.cudaEventRecord(event, stream.handle()), "cudaEventRecord");
    }

    /** Makes {@code stream} wait for this event before running later work. */
    void makeWait(CudaStream stream) {
        NativeCalls.check(cudart.cudaStreamWaitEvent(stream.handle(), event, 0), "cudaStreamWaitEvent");
    }

    /** Blocks the host until the event has happened. */
    void synchronize() {
        NativeCalls.check(cudart.cudaEventSynchronize(event), "cudaEventSynchronize");
    }

    /** Milliseconds from {@code origin} to this event, both recorded and complete. */
    double millisSince(CudaEvent origin) {
        NativeCalls.check(cudart.cudaEventElapsedTime(elapsed, origin.event, event), "cudaEventElapsedTime");
        return elapsed[0];
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cudart.cudaEventDestroy(event);
        }
    }
}
