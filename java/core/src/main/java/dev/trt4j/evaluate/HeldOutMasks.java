package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;

import java.util.Optional;

/**
 * Reads the {@code attention_mask} of every sample a study will judge its candidates on, before any model runs: the
 * evaluation refuses a sample whose mask keeps no token, and a study would otherwise find it only after its
 * calibration pass.
 */
public final class HeldOutMasks {
    private HeldOutMasks() {
    }

    /**
     * Reads {@code data} to its end (it is spent afterwards).
     *
     * @throws Trt4jException naming the data and the sample, as the evaluation would, for a mask keeping no token
     */
    public static void requireTokensInEvery(CalibrationDataSource data) {
        long samples = 0;
        for (Optional<Batch> next = data.next(); next.isPresent(); next = data.next()) {
            Batch batch = next.get();
            try {
                TokenMask.of(batch, samples);
            } catch (Trt4jException e) {
                throw e.prefixed(data.describe() + ": ");
            }
            samples += batch.size();
        }
    }
}
