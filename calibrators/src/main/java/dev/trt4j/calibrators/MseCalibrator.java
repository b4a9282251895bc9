package dev.trt4j.calibrators;

import java.util.Set;

/**
 * {@code "mse"}: the histogram bin centre that, used as amax, minimises the count-weighted squared error of
 * fake-quantizing the bin centres, as pytorch-quantization and ModelOpt compute it.
 *
 * <p>Centres are {@code float32((edges[k] + edges[k+1]) / 2)}; candidates are the centres
 * {@code c[startBin], c[startBin + stride], …} up to the last bin's (never the last edge); each centre is
 * fake-quantized with {@link FakeQuantizer} (narrow range); the error {@code mean over all bins of (ĉ − c)² · count}
 * has its per-bin terms in float32 as upstream and is summed in double (upstream sums in float32 on the GPU, which
 * can only matter on near-ties). The first minimum wins (the smaller amax). The result is always a bin centre.
 *
 * <p>Where a float32 error term overflows (values above about 1e19), upstream's errors are infinite and its argmin
 * returns the first candidate whatever the data; here the search runs again on centres scaled by a power of two,
 * which is exact, so the result is the one upstream computes for the same data at a smaller scale, scaled back.
 */
public final class MseCalibrator implements Calibrator {
    @Override
    public Set<String> optionsRead() {
        return Set.of("startBin", "stride");
    }

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public String description() {
        return "histogram bin centre minimising the mean squared fake-quantization error";
    }

    /** @throws CalibrationException if nothing reached the histogram or it has no more bins than start-bin */
    @Override
    public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
        if (statistics.onlySkippedZeros()) {
            return 0f; // an all-zero tensor, as without skip-zeros
        }
        Histogram histogram = statistics.requireHistogram(name());
        int bins = histogram.numBins();
        int startBin = options.startBin();
        if (bins <= startBin) {
            throw new CalibrationException("tensor '" + statistics.name() + "': the mse method needs more bins than"
                    + " start-bin (" + startBin + ") but the histogram has " + bins + "; lower start-bin below "
                    + bins + " or collect with more bins");
        }
        float[] centres = new float[bins];
        for (int k = 0; k < bins; k++) {
            float a = histogram.edge(k);
            float b = histogram.edge(k + 1);
            float sum = a + b;
            // Edges near Float.MAX_VALUE (attention-mask fills) overflow the float32 sum; halve first there.
            centres[k] = Float.isInfinite(sum) ? a / 2f + b / 2f : sum / 2f;
        }
        // Bins with count 0 add exactly 0 to the error; only the others are visited.
        int[] occupied = occupiedBins(histogram);
        float[] weights = new float[occupied.length];
        for (int m = 0; m < occupied.length; m++) {
            weights[m] = (float) histogram.count(occupied[m]);
        }
        FakeQuantizer quantizer = FakeQuantizer.narrowRange(options);
        int best = firstMinimum(centres, occupied, weights, quantizer, options);
        if (best < 0) {
            // An error term overflowed float32 (|x| above about 1e19), where upstream's argmin degenerates to the
            // first candidate. Scaling every centre by one power of two scales each float32 step of the error
            // exactly, so the scaled search finds the minimum that upstream's arithmetic would without the overflow.
            int shift = Math.getExponent(centres[bins - 1]) - 20;
            float[] scaled = new float[bins];
            for (int k = 0; k < bins; k++) {
                scaled[k] = Math.scalb(centres[k], -shift);
            }
            best = firstMinimum(scaled, occupied, weights, quantizer, options);
        }
        return centres[best];
    }

    /**
     * The index of the first candidate with the least error, or -1 if an error overflowed (is infinite): then the
     * comparison says nothing.
     */
    private static int firstMinimum(float[] centres, int[] occupied, float[] weights, FakeQuantizer quantizer,
                                    CalibrationOptions options) {
        int bins = centres.length;
        int best = -1;
        double bestError = 0;
        for (int i = options.startBin(); i < bins; i += options.stride()) {
            float amax = centres[i];
            double sum = 0;
            for (int m = 0; m < occupied.length; m++) {
                float c = centres[occupied[m]];
                float d = quantizer.apply(c, amax) - c;
                sum += d * d * weights[m];
            }
            double error = sum / bins;
            if (Double.isInfinite(error)) {
                return -1;
            }
            // numpy argmin: the first minimum, or the first NaN if there is one.
            if (best < 0 || error < bestError || (Double.isNaN(error) && !Double.isNaN(bestError))) {
                best = i;
                bestError = error;
            }
        }
        return best;
    }

    private static int[] occupiedBins(Histogram histogram) {
        int bins = histogram.numBins();
        int n = 0;
        for (int k = 0; k < bins; k++) {
            if (histogram.count(k) != 0) {
                n++;
            }
        }
        int[] occupied = new int[n];
        n = 0;
        for (int k = 0; k < bins; k++) {
            if (histogram.count(k) != 0) {
                occupied[n++] = k;
            }
        }
        return occupied;
    }
}
