package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.table.CalibrationTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmaxTableCalculatorTest {
    private static final CalibrationOptions OPTIONS = CalibrationOptions.defaults();

    @Test
    void tensorsComputedInParallelGiveEachTensorItsOwnAmaxInTheStatisticsOrder() {
        Random random = new Random(3);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        for (int t = 0; t < 40; t++) {
            String name = "t" + (39 - t); // not in sorted order, so the order kept is the statistics'
            tensors.put(name, statistics(name, 2048, random, 0.1 + t * 0.3));
        }
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "0".repeat(64), "test data");
        for (String method : List.of("max", "entropy", "percentile=99.9", "mse")) {
            MethodSpec spec = MethodSpec.parse(method, OPTIONS);

            CalibrationTable table = AmaxTableCalculator.compute(statistics, spec, null);

            assertThat(new ArrayList<>(table.amaxByTensor().keySet())).containsExactlyElementsOf(tensors.keySet());
            for (TensorStatistics s : tensors.values()) {
                assertThat(table.amaxByTensor().get(s.name())).as(method + " " + s.name())
                        .isEqualTo(spec.calibrator().computeAmax(s, spec.options()));
            }
        }
    }

    /** A plug-in that says which options it reads gets tables naming those only; one that does not, all of them. */
    @Test
    void aPlugInsProvenanceNamesWhatItDeclaresItReads() {
        Random random = new Random(5);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        tensors.put("t", statistics("t", 2048, random, 1.0));
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "0".repeat(64), "test data");
        var collection = dev.trt4j.stats.StatisticsOptions.defaults();

        Map<String, String> all = AmaxTableCalculator.compute(statistics, new MethodSpec("halfmax", new HalfMax(false), OPTIONS),
                null, collection).provenance().parameters();
        assertThat(all).containsKeys("numBits", "unsigned", "startBin", "stride", "percentile", "trtEntropyThreshold",
                "numBins", "skipZeros", "rangePass");

        Map<String, String> own = AmaxTableCalculator.compute(statistics, new MethodSpec("halfmax", new HalfMax(true), OPTIONS),
                null, collection).provenance().parameters();
        assertThat(own).containsKeys("label", "numBits", "unsigned").doesNotContainKeys("startBin", "stride",
                "percentile", "trtEntropyThreshold", "numBins", "skipZeros", "rangePass");
    }

    /** A plug-in method of max |x| / 2 that says what it reads ({@code declares}), or says nothing. */
    private record HalfMax(boolean declares) implements Calibrator {
        @Override
        public String name() {
            return "halfmax";
        }

        @Override
        public float computeAmax(TensorStatistics s, CalibrationOptions o) {
            return s.absMax() / 2;
        }

        @Override
        public java.util.Set<String> optionsRead() {
            return declares ? java.util.Set.of() : Calibrator.super.optionsRead();
        }

        @Override
        public boolean readsHistograms() {
            return !declares && Calibrator.super.readsHistograms();
        }
    }

    @Test
    void theFirstTensorInOrderThatCannotBeCalibratedIsReported() {
        Random random = new Random(4);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        for (int t = 0; t < 30; t++) {
            // 64 bins: fewer than MSE's start bin (128), so these two cannot be calibrated
            int bins = t == 17 || t == 25 ? 64 : 2048;
            tensors.put("layer" + t, statistics("layer" + t, bins, random, 1.0));
        }
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "0".repeat(64), "test data");

        assertThatThrownBy(() -> AmaxTableCalculator.compute(statistics, MethodSpec.parse("mse", OPTIONS), null))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("mse: tensor 'layer17'")
                .hasMessageContaining("start-bin");
    }

    /**
     * A tensor with no values near zero (a hard-sigmoid's output) gets from entropy the left edge of its first
     * non-empty bin, as NVIDIA's reference picks it: every value then quantizes to ±amax, which is found and named.
     */
    @Test
    void entropyRangesBelowEveryValueAreFound() {
        Random random = new Random(7);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.3f + random.nextFloat() * 1.2f; // [0.3, 1.5): the first fifth of the bins stays empty
        }
        TensorStatisticsCollector collector = new TensorStatisticsCollector("gap", 2048, false);
        collector.collect(values, 0, values.length);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        tensors.put("gap", collector.statistics());
        tensors.put("normal", statistics("normal", 2048, random, 1.0));
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "0".repeat(64), "test data");
        var histogram = collector.statistics().histogram();
        int first = 0;
        while (histogram.count(first) == 0) {
            first++;
        }

        CalibrationTable entropy = AmaxTableCalculator.compute(statistics, MethodSpec.parse("entropy", OPTIONS), null);
        List<SaturatingRanges.Saturating> found = SaturatingRanges.find(statistics, entropy.amaxByTensor());

        assertThat(entropy.amax("gap")).isEqualTo(histogram.edge(first));
        assertThat(found).containsExactly(new SaturatingRanges.Saturating("gap", histogram.edge(first),
                histogram.edge(first), collector.statistics().absMax()));
        assertThat(SaturatingRanges.describe("entropy", 64, found, 2)).startsWith("entropy on 64 samples: 1 of 2 "
                + "tensors get a range at or below every nonzero magnitude they took, so each such value quantizes to "
                + "the grid's end ('gap'; 'gap': amax ").contains("NVIDIA's entropy algorithm");
        // amax's check of its one tensor is the same check, in a line of its own
        assertThat(SaturatingRanges.of(statistics.tensors().get("gap"), entropy.amax("gap"))).contains(found.get(0));
        assertThat(SaturatingRanges.describe("entropy", found.get(0))).startsWith("entropy: 'gap' gets a range at or "
                + "below every nonzero magnitude it took, so each of its values quantizes to the grid's end (amax ")
                .contains("NVIDIA's entropy algorithm");
        // max takes the largest value, which no value lies above
        CalibrationTable max = AmaxTableCalculator.compute(statistics, MethodSpec.parse("max", OPTIONS), null);
        assertThat(SaturatingRanges.find(statistics, max.amaxByTensor())).isEmpty();
        // above that edge the histogram cannot tell that every value lies above the range: not flagged
        assertThat(SaturatingRanges.find(statistics, Map.of("gap", Math.nextUp(histogram.edge(first))))).isEmpty();
    }

    /**
     * Percentile 0 gives every tensor a range of 0, following the reference's rule, which clips all its values: they
     * are named as such, not as ranges at or below every value (whose values would reach the grid's end), and a
     * tensor that was 0 on every sample, whose right range 0 is, is not named.
     */
    @Test
    void rangesOfZeroOfTensorsWithValuesAreFound() {
        Random random = new Random(7);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.3f + random.nextFloat() * 1.2f; // the first bins empty: not a saturating range at 0
        }
        TensorStatisticsCollector gap = new TensorStatisticsCollector("gap", 2048, false);
        gap.collect(values, 0, values.length);
        TensorStatisticsCollector zeros = new TensorStatisticsCollector("zeros", 2048, false);
        zeros.collect(new float[16], 0, 16);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        tensors.put("gap", gap.statistics());
        tensors.put("normal", statistics("normal", 2048, random, 1.0));
        tensors.put("zeros", zeros.statistics());
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "0".repeat(64), "test data");

        CalibrationTable none = AmaxTableCalculator.compute(statistics, MethodSpec.parse("percentile=0", OPTIONS),
                null);
        List<TensorStatistics> zero = ZeroRanges.find(statistics, none.amaxByTensor());

        assertThat(none.amaxByTensor()).containsOnlyKeys("gap", "normal", "zeros").allSatisfy((name, amax) ->
                assertThat(amax).as(name).isZero());
        assertThat(zero).extracting(TensorStatistics::name).containsExactly("gap", "normal");
        assertThat(SaturatingRanges.find(statistics, none.amaxByTensor())).isEmpty();
        assertThat(ZeroRanges.describe(none.provenance().parameters().get("label"), 64, zero, 3)).startsWith(
                "percentile-0 on 64 samples: 2 of 3 tensors get a range of 0 though they took nonzero values ('gap', "
                        + "'normal'; 'gap': largest 1.4999").endsWith("), a scale of 0 that clips each such value to 0; "
                + "percentile 0 keeps no value apart: give a percentile above 0");
        assertThat(ZeroRanges.describe("percentile-0", gap.statistics())).startsWith("percentile-0: 'gap' gets a "
                + "range of 0 though it took nonzero values (largest 1.4999");
        CalibrationTable max = AmaxTableCalculator.compute(statistics, MethodSpec.parse("max", OPTIONS), null);
        assertThat(ZeroRanges.find(statistics, max.amaxByTensor())).isEmpty();
    }

    private static TensorStatistics statistics(String name, int bins, Random random, double scale) {
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        TensorStatisticsCollector collector = new TensorStatisticsCollector(name, bins, false);
        collector.collect(values, 0, values.length);
        return collector.statistics();
    }
}
