package dev.trt4j.timing;

import java.util.List;

/**
 * How long and how a benchmark runs, with trtexec's defaults in TensorRT 11 mode (CUDA graphs and spin-wait on,
 * data transfers off). Build with {@link #builder()}.
 *
 * @param warmUpMs            warm-up span on the compute timeline (ms); queries that start computing before it
 *                            ends are not measured (trtexec {@code --warmUp}, default 200)
 * @param minWarmUpQueries    warm-up also lasts at least this many queries, for the JVM's JIT (trtexec has no
 *                            such floor; 0 reproduces trtexec exactly; default 10)
 * @param minIterations       measure at least this many queries (trtexec {@code --iterations}, default 10)
 * @param durationMs          and at least this span of compute timeline after warm-up (ms; trtexec
 *                            {@code --duration} in seconds, default 3 s)
 * @param percentiles         percentiles to report (default 50, 90, 95, 99)
 * @param cudaGraph           GPU: launch each query as one CUDA graph (default on)
 * @param spinWait            GPU: spin on events rather than blocking (default on)
 * @param dataTransfers       GPU: copy inputs in and outputs out with every query (default off)
 * @param pipelineDepth       GPU: queries in flight; 2 queues one ahead (default), 1 times one at a time
 */
public record TimingSettings(double warmUpMs, int minWarmUpQueries, int minIterations, double durationMs,
                             List<Double> percentiles, boolean cudaGraph, boolean spinWait, boolean dataTransfers,
                             int pipelineDepth) {
    /**
     * Copies {@code percentiles}.
     *
     * @param warmUpMs warm-up span on the compute timeline (ms); queries that start computing before it
     *        ends are not measured (trtexec {@code --warmUp}, default 200)
     * @param minWarmUpQueries warm-up also lasts at least this many queries, for the JVM's JIT (trtexec has no
     *        such floor; 0 reproduces trtexec exactly; default 10)
     * @param minIterations measure at least this many queries (trtexec {@code --iterations}, default 10)
     * @param durationMs and at least this span of compute timeline after warm-up (ms; trtexec
     *        {@code --duration} in seconds, default 3 s)
     * @param percentiles percentiles to report (default 50, 90, 95, 99)
     * @param cudaGraph GPU: launch each query as one CUDA graph (default on)
     * @param spinWait GPU: spin on events rather than blocking (default on)
     * @param dataTransfers GPU: copy inputs in and outputs out with every query (default off)
     * @param pipelineDepth GPU: queries in flight; 2 queues one ahead (default), 1 times one at a time
     * @throws IllegalArgumentException if a span or the warm-up query count is negative, {@code minIterations} is
     *                                  below 1, {@code pipelineDepth} is not 1 or 2, or a percentile is out of range
     */
    public TimingSettings {
        if (!(warmUpMs >= 0) || !(durationMs >= 0)) {
            throw new IllegalArgumentException("warm-up and duration must not be negative, got " + warmUpMs + " ms and "
                    + durationMs + " ms");
        }
        if (minWarmUpQueries < 0 || minIterations < 1) {
            throw new IllegalArgumentException("warm-up queries must not be negative and iterations must be at least "
                    + "1, got " + minWarmUpQueries + " and " + minIterations);
        }
        if (pipelineDepth < 1 || pipelineDepth > 2) {
            throw new IllegalArgumentException("pipeline depth must be 1 or 2, got " + pipelineDepth);
        }
        percentiles = List.copyOf(percentiles);
        percentiles.forEach(MetricStatistics::checkPercentile);
    }

    /** trtexec's defaults (TensorRT 11 mode) plus a 10-query warm-up floor. */
    public static TimingSettings defaults() {
        return builder().build();
    }

    /** A builder at the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder().warmUpMs(warmUpMs).minWarmUpQueries(minWarmUpQueries).minIterations(minIterations)
                .durationMs(durationMs).percentiles(percentiles).cudaGraph(cudaGraph).spinWait(spinWait)
                .dataTransfers(dataTransfers).pipelineDepth(pipelineDepth);
    }

    /** Builder for {@link TimingSettings}; every field starts at its default. */
    public static final class Builder {
        private double warmUpMs = 200;
        private int minWarmUpQueries = 10;
        private int minIterations = 10;
        private double durationMs = 3000;
        private List<Double> percentiles = List.of(50.0, 90.0, 95.0, 99.0);
        private boolean cudaGraph = true;
        private boolean spinWait = true;
        private boolean dataTransfers;
        private int pipelineDepth = 2;

        private Builder() {
        }

        /** Warm-up span in milliseconds, not negative. */
        public Builder warmUpMs(double value) {
            warmUpMs = value;
            return this;
        }

        /** Fewest warm-up queries, not negative; 0 reproduces trtexec. */
        public Builder minWarmUpQueries(int value) {
            minWarmUpQueries = value;
            return this;
        }

        /** Fewest measured queries, at least 1. */
        public Builder minIterations(int value) {
            minIterations = value;
            return this;
        }

        /** Shortest measured span in milliseconds, not negative. */
        public Builder durationMs(double value) {
            durationMs = value;
            return this;
        }

        /** Percentiles to report, each in [0, 100]. */
        public Builder percentiles(List<Double> value) {
            percentiles = value;
            return this;
        }

        /** GPU: launches each query as one CUDA graph. */
        public Builder cudaGraph(boolean value) {
            cudaGraph = value;
            return this;
        }

        /** GPU: spins on events rather than blocking. */
        public Builder spinWait(boolean value) {
            spinWait = value;
            return this;
        }

        /** GPU: copies inputs in and outputs out with every query. */
        public Builder dataTransfers(boolean value) {
            dataTransfers = value;
            return this;
        }

        /** GPU: queries in flight, 1 or 2. */
        public Builder pipelineDepth(int value) {
            pipelineDepth = value;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public TimingSettings build() {
            return new TimingSettings(warmUpMs, minWarmUpQueries, minIterations, durationMs, percentiles, cudaGraph,
                    spinWait, dataTransfers, pipelineDepth);
        }
    }
}
