package dev.trt4j.stats;

import dev.trt4j.calibrators.Histogram;
import dev.trt4j.calibrators.TensorStatistics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short fingerprint of activation statistics (tensor names, maxima, counts and every histogram bin), which a table
 * records so that a later look can tell whether it was made from the {@code statistics.json} beside it: the model,
 * sample count and data agree when a second run changes only the bins, skip-zeros or the tensor set.
 */
public final class StatisticsDigest {
    private StatisticsDigest() {
    }

    /** 16 lower-case hex digits (the first 64 bits of a SHA-256). */
    public static String of(ActivationStatistics statistics) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        ByteBuffer numbers = ByteBuffer.allocate(Long.BYTES * 3);
        for (TensorStatistics t : statistics.tensors().values()) {
            sha.update(t.name().getBytes(StandardCharsets.UTF_8));
            numbers.clear();
            numbers.putLong(Float.floatToIntBits(t.absMax())).putLong(t.count());
            Histogram h = t.histogram();
            numbers.putLong(h == null ? -1 : h.numBins());
            sha.update(numbers.array());
            if (h != null) {
                ByteBuffer bins = ByteBuffer.allocate(Long.BYTES * h.numBins() + Float.BYTES);
                for (int i = 0; i < h.numBins(); i++) {
                    bins.putLong(h.count(i));
                }
                bins.putFloat(h.edge(h.numBins()));
                sha.update(bins.array());
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
