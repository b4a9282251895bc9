package dev.trt4j.stats;

/**
 * Told the phases of a long run that has several (a statistics pass, computing ranges, quantizing, judging), each
 * with its own label and count, e.g. to draw one progress bar per phase: a single bar shared by phases of other
 * units would read 100 % at the end of one and fall back at the start of the next.
 */
@FunctionalInterface
public interface ProgressPhases {
    /** Phases that report nowhere. */
    ProgressPhases NONE = (label, total) -> ProgressListener.NONE;

    /**
     * A new phase begins, and the one before it (if any) has ended.
     *
     * @param label what the phase does, for a person, e.g. {@code "Collecting statistics"}
     * @param total units the phase will do, or -1 if it cannot tell yet (its listener may tell later)
     * @return the listener of this phase's progress, from 0 up to its total
     */
    ProgressListener begin(String label, long total);
}
