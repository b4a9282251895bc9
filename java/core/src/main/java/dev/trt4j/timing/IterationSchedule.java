package dev.trt4j.timing;

/**
 * trtexec's stop rule, fed one finished query at a time: warm up until the compute timeline passes the warm-up
 * span (and, for the JVM, a minimum number of queries), then measure at least {@code minIterations} queries and
 * at least {@code durationMs} of compute timeline. Time is the query's compute start in ms since the run's
 * origin, as trtexec's {@code durationMs}. Not thread-safe: the timing loop owns it.
 */
final class IterationSchedule {
    private final TimingSettings settings;
    private int warmUpQueries;
    private int measuredQueries;
    private double measuredFromMs = Double.NaN;

    /** @param settings the warm-up and measurement spans and counts to apply */
    public IterationSchedule(TimingSettings settings) {
        this.settings = settings;
    }

    /**
     * Records a finished query.
     *
     * @param computeStartMs when it started computing (ms since the origin); non-decreasing from call to call
     * @return whether another query is needed
     */
    public boolean record(double computeStartMs) {
        if (Double.isNaN(measuredFromMs)) {
            if (computeStartMs < settings.warmUpMs() || warmUpQueries < settings.minWarmUpQueries()) {
                warmUpQueries++;
                return true;
            }
            measuredFromMs = computeStartMs;
        }
        measuredQueries++;
        return measuredQueries < settings.minIterations()
                || computeStartMs < measuredFromMs + settings.durationMs();
    }

    /**
     * The compute start of the first measured query: the threshold {@link MeasuredTraces#split} cuts at.
     *
     * @throws IllegalStateException while still warming up
     */
    public double measuredFromMs() {
        if (Double.isNaN(measuredFromMs)) {
            throw new IllegalStateException("the run is still warming up after " + warmUpQueries + " queries");
        }
        return measuredFromMs;
    }

    /** Queries recorded as warm-up so far. */
    public int warmUpQueries() {
        return warmUpQueries;
    }

    /** Queries recorded as measured so far. */
    public int measuredQueries() {
        return measuredQueries;
    }
}
