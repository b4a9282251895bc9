package dev.trt4j.cli;

/**
 * A command that knows which of its own options lowers its memory use. The out-of-memory line names it instead of
 * the general advice (a smaller {@code --batch}), which is wrong for some commands: bench holds each query's time,
 * so a larger batch means fewer queries and less memory there, not more.
 */
public interface OutOfMemoryHint {
    /**
     * What to change on this command's line, as the end of a sentence, e.g. {@code a shorter --duration (every
     * query's time is held until its run ends)}; null where the general advice holds (the memory ran out before the
     * part of the command the hint is about).
     */
    String outOfMemoryHint();
}
