package dev.trt4j.evaluate;

/**
 * How closely a candidate model's output matches the reference model's over every evaluated sample.
 *
 * @param output             the output's name
 * @param elements           number of values compared
 * @param cosine             cosine similarity of the two outputs taken as one long vector each (1 when both are
 *                           all zeros)
 * @param maxAbsoluteError   max |r − c|
 * @param maxRelativeError   max |r − c| / max(|r|, {@value OutputComparator#RELATIVE_ERROR_FLOOR}); the floor
 *                           keeps values near zero from dominating
 * @param meanAbsoluteError  mean |r − c|
 * @param snrDb              signal-to-noise ratio 10·log10(Σr² / Σ(r − c)²) in dB; +∞ when the outputs are equal
 * @param top1Agreement      fraction of rows (vectors along the last dimension) whose argmax is the same in both,
 *                           for outputs holding class scores (reference rows that are probability distributions,
 *                           or an output named like {@code logits}); for a single probability per row (last
 *                           dimension 1, values in [0, 1]), the fraction whose decision at 0.5 is the same; null
 *                           for other outputs
 */
public record OutputComparison(String output, long elements, double cosine, double maxAbsoluteError,
                               double maxRelativeError, double meanAbsoluteError, double snrDb,
                               Double top1Agreement) {
}
