package dev.trt4j.cli;

import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.ProgressPhases;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One {@link ProgressReporter} per phase of a long run, as {@code sensitivity} shows its steps: each phase's bar, with
 * its own label and count, replaces the one before, so that no bar reads 100 % and then falls back when the next
 * phase counts other units from 0. Shown only where a {@link ProgressReporter} would be. Close it when the run ends.
 * Not thread-safe.
 */
public final class PhaseBars implements ProgressPhases, AutoCloseable {
    private final BiFunction<String, Long, ProgressReporter> start;
    private ProgressReporter current = ProgressReporter.silent();

    PhaseBars(BiFunction<String, Long, ProgressReporter> start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Bars on stderr where it is a terminal ({@link ProgressReporter#start}); none at all unless {@code show}. */
    public static PhaseBars start(boolean show) {
        return new PhaseBars(show ? ProgressReporter::start : (label, total) -> ProgressReporter.silent());
    }

    @Override
    public ProgressListener begin(String label, long total) {
        current.close();
        ProgressReporter bar = start.apply(label, total);
        current = bar;
        // a phase that has ended draws nothing more: its late updates would bring a closed bar back
        return (done, of) -> {
            if (bar == current) {
                bar.update(done, of);
            }
        };
    }

    /** Removes the last phase's bar; idempotent. */
    @Override
    public void close() {
        current.close();
    }
}
