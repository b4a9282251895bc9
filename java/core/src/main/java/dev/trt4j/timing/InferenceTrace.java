package dev.trt4j.timing;

/**
 * The timestamps of one query, in milliseconds since the run's shared origin, named as in trtexec's
 * {@code --exportTimes} file. Host enqueue times come from the host clock; the copy and compute times from the
 * device timeline (CUDA events against one start event), or from the host clock on a synchronous CPU backend.
 * When data transfers are not timed, the H2D and D2H stamps collapse onto the compute stamps, so those
 * phases read 0.
 *
 * @param startEnqMs     host time the enqueue call began
 * @param endEnqMs       host time the enqueue call returned
 * @param startH2dMs     host-to-device copy start
 * @param endH2dMs       host-to-device copy end
 * @param startComputeMs compute start
 * @param endComputeMs   compute end
 * @param startD2hMs     device-to-host copy start
 * @param endD2hMs       device-to-host copy end
 */
public record InferenceTrace(double startEnqMs, double endEnqMs, double startH2dMs, double endH2dMs,
                             double startComputeMs, double endComputeMs, double startD2hMs, double endD2hMs) {

    /**
     * A query without timed transfers: the copy phases collapse onto the compute phase, as in trtexec.
     */
    public static InferenceTrace withoutTransfers(double startEnqMs, double endEnqMs, double startComputeMs,
                                                  double endComputeMs) {
        return new InferenceTrace(startEnqMs, endEnqMs, startComputeMs, startComputeMs, startComputeMs,
                endComputeMs, endComputeMs, endComputeMs);
    }

    /** Host-to-device copy time (ms). */
    public double h2dMs() {
        return endH2dMs - startH2dMs;
    }

    /** Compute time (ms): trtexec's "GPU Compute Time". */
    public double computeMs() {
        return endComputeMs - startComputeMs;
    }

    /** Device-to-host copy time (ms). */
    public double d2hMs() {
        return endD2hMs - startD2hMs;
    }

    /** H2D + compute + D2H (ms): trtexec's "Latency". */
    public double latencyMs() {
        return h2dMs() + computeMs() + d2hMs();
    }

    /** Host time spent in the enqueue call (ms): trtexec's "Enqueue Time". */
    public double enqueueMs() {
        return endEnqMs - startEnqMs;
    }
}
