package dev.trt4j.ort;

import java.util.Objects;

/**
 * How an {@link OrtModelRunner} sets up its ONNX Runtime session.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose (one per
 *                       physical core)
 * @param optimization   how much ONNX Runtime rewrites the graph before running it
 * @param spinWait       ONNX Runtime's intra-op threads keep spinning for work after a run returns (its default, the
 *                       lowest latency for the next run); off, they spin only while a run is in progress and stop
 *                       when it returns, leaving the cores to other threads of the process between runs
 */
public record OrtRunnerOptions(int intraOpThreads, GraphOptimization optimization, boolean spinWait) {
    /**
     * The most threads a count may ask for. More cores than any machine ONNX Runtime runs on: a larger count is a
     * typo, and ONNX Runtime would try to start every thread before the first run (minutes, then bad_alloc).
     */
    public static final int MAX_THREADS = 1024;

    /**
     * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose (one per
     *        physical core)
     * @param optimization how much ONNX Runtime rewrites the graph before running it
     * @param spinWait ONNX Runtime's intra-op threads keep spinning for work after a run returns (its default, the
     *        lowest latency for the next run); off, they spin only while a run is in progress and stop
     *        when it returns, leaving the cores to other threads of the process between runs
     * @throws IllegalArgumentException if {@code intraOpThreads} is negative or above {@link #MAX_THREADS}
     */
    public OrtRunnerOptions {
        requireThreadCount("threads", "automatic", intraOpThreads);
        Objects.requireNonNull(optimization, "optimization");
    }

    /**
     * Checks a thread count against the range every count in trt4j takes, 0 to {@link #MAX_THREADS}. The one place
     * the rule and its message live, so that each option record and command refuses a count in the same words; the
     * message starts with {@code name} so that the command line can put {@code --} before it.
     *
     * @param name      the count's name as an option spells it, e.g. {@code threads}
     * @param zeroMeans what 0 asks for, e.g. {@code automatic}
     * @param count     the count to check
     * @return {@code count}
     * @throws IllegalArgumentException {@code "<name> must be 0 (<zeroMeans>) to }{@value #MAX_THREADS}{@code , got <count>"} if
     *                                  {@code count} is negative or above {@link #MAX_THREADS}
     */
    public static int requireThreadCount(String name, String zeroMeans, int count) {
        if (count < 0 || count > MAX_THREADS) {
            throw new IllegalArgumentException(name + " must be 0 (" + zeroMeans + ") to " + MAX_THREADS + ", got "
                    + count);
        }
        return count;
    }

    /** ONNX Runtime's thread count, all graph optimisations on. */
    public static OrtRunnerOptions defaults() {
        return new OrtRunnerOptions(0, GraphOptimization.ALL, true);
    }

    /** These options with another thread count (0 = automatic). */
    public OrtRunnerOptions withIntraOpThreads(int threads) {
        return new OrtRunnerOptions(threads, optimization, spinWait);
    }

    /** These options with every graph optimisation on ({@link GraphOptimization#ALL}) or none. */
    public OrtRunnerOptions withGraphOptimizations(boolean on) {
        return withOptimization(on ? GraphOptimization.ALL : GraphOptimization.NONE);
    }

    /** These options with another optimisation level. */
    public OrtRunnerOptions withOptimization(GraphOptimization level) {
        return new OrtRunnerOptions(intraOpThreads, level, spinWait);
    }

    /** These options with intra-op threads spinning between runs or only during them. */
    public OrtRunnerOptions withSpinWait(boolean on) {
        return new OrtRunnerOptions(intraOpThreads, optimization, on);
    }
}
