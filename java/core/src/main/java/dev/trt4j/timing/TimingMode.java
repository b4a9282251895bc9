package dev.trt4j.timing;

/**
 * How a run's times were taken, printed with its report as trtexec prints "CUDA Graph / Spin-wait / Data
 * transfers: Enabled/Disabled".
 *
 * @param gpuEvents     true: device timeline from CUDA events against one start event, host clock only for
 *                      enqueue times; false: host wall clock ({@link System#nanoTime()}) around synchronous runs
 * @param cudaGraph     each query is one CUDA graph launch (GPU only)
 * @param spinWait      the host spins on events instead of blocking (GPU only)
 * @param dataTransfers host-to-device and device-to-host copies are part of every query (GPU only)
 * @param cpuThreads    threads the CPU backend runs one inference on (CPU only; 0 for GPU runs)
 */
public record TimingMode(boolean gpuEvents, boolean cudaGraph, boolean spinWait, boolean dataTransfers,
                         int cpuThreads) {
    /**
     * @param gpuEvents true: device timeline from CUDA events against one start event, host clock only for
     *        enqueue times; false: host wall clock ({@link System#nanoTime()}) around synchronous runs
     * @param cudaGraph each query is one CUDA graph launch (GPU only)
     * @param spinWait the host spins on events instead of blocking (GPU only)
     * @param dataTransfers host-to-device and device-to-host copies are part of every query (GPU only)
     * @param cpuThreads threads the CPU backend runs one inference on (CPU only; 0 for GPU runs)
     * @throws IllegalArgumentException if {@code cpuThreads} is negative
     */
    public TimingMode {
        if (cpuThreads < 0) {
            throw new IllegalArgumentException("cpu threads must not be negative, got " + cpuThreads);
        }
    }

    /** A GPU run timed with CUDA events. */
    public static TimingMode gpu(boolean cudaGraph, boolean spinWait, boolean dataTransfers) {
        return new TimingMode(true, cudaGraph, spinWait, dataTransfers, 0);
    }

    /** A CPU run timed with the wall clock around each synchronous inference on {@code threads} threads. */
    public static TimingMode cpu(int threads) {
        return new TimingMode(false, false, false, false, threads);
    }

    /** One line for the report, e.g. {@code CUDA events; CUDA Graph: Enabled, Spin-wait: Enabled, Data transfers: Disabled}. */
    public String describe() {
        if (!gpuEvents) {
            return "wall clock (System.nanoTime) around synchronous runs; threads: " + cpuThreads;
        }
        return "CUDA events; CUDA Graph: " + state(cudaGraph) + ", Spin-wait: " + state(spinWait)
                + ", Data transfers: " + state(dataTransfers);
    }

    private static String state(boolean on) {
        return on ? "Enabled" : "Disabled";
    }
}
