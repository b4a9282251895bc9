package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OutputComparatorTest {

    private static OutputComparison compare(String name, float[] reference, float[] candidate, int rowLength) {
        OutputComparator c = new OutputComparator(name);
        c.add(reference, candidate, rowLength);
        return c.result();
    }

    @Test
    void identicalOutputsHaveCosineOneNoErrorAndInfiniteSnr() {
        float[] x = {0.5f, -2f, 3.25f, 7f};
        OutputComparison r = compare("y", x, x.clone(), 0);

        assertThat(r.cosine()).isEqualTo(1.0, within(1e-12));
        assertThat(r.maxAbsoluteError()).isZero();
        assertThat(r.maxRelativeError()).isZero();
        assertThat(r.meanAbsoluteError()).isZero();
        assertThat(r.snrDb()).isInfinite().isPositive();
        assertThat(r.elements()).isEqualTo(4);
        assertThat(r.top1Agreement()).as("no class dimension").isNull();
    }

    @Test
    void paddedTokenPositionsAreLeftOutOfAnOutputOfAVectorPerToken() {
        // [2 samples, 3 tokens, 2 values]; the last token of each sample is padding, where the candidate is far off
        float[] reference = {1, 2, 3, 4, 9, 9, 5, 6, 7, 8, 9, 9};
        float[] candidate = {1, 2, 3, 4, -9, 40, 5, 6, 7, 8, 0, -3};
        long[] shape = {2, 3, 2};
        Batch batch = new Batch(2, Map.of("input_ids", HostTensor.ofLongs(new long[] {2, 3}, new long[6]),
                "attention_mask", HostTensor.ofLongs(new long[] {2, 3}, new long[] {1, 1, 0, 1, 1, 0})));
        TokenMask mask = TokenMask.of(batch).orElseThrow();

        OutputComparator masked = new OutputComparator("last_hidden_state");
        masked.add(HostTensor.ofFloats(shape, reference), HostTensor.ofFloats(shape, candidate), mask);
        OutputComparator whole = new OutputComparator("last_hidden_state");
        whole.add(HostTensor.ofFloats(shape, reference), HostTensor.ofFloats(shape, candidate));

        assertThat(masked.result().elements()).isEqualTo(8);
        assertThat(masked.result().cosine()).isEqualTo(1.0, within(1e-12));
        assertThat(masked.result().maxAbsoluteError()).isZero();
        assertThat(whole.result().elements()).isEqualTo(12);
        assertThat(whole.result().cosine()).isLessThan(0.8);
        // a [batch, tokens] output keeps its rows whole (a start-position score per token is compared as a row)
        assertThat(mask.covers(new long[] {2, 3})).isFalse();
        assertThat(mask.covers(new long[] {2, 3, 384})).isTrue();
        assertThat(mask.covers(new long[] {2, 4, 2})).isFalse();
    }

    @Test
    void snrOfATenPercentErrorIsTwentyDecibels() {
        // signal energy 4, noise energy 4 * 0.1² = 0.04 → 10·log10(100)
        OutputComparison r = compare("y", new float[] {1, 1, 1, 1}, new float[] {1.1f, 0.9f, 1.1f, 0.9f}, 0);

        assertThat(r.snrDb()).isCloseTo(20.0, within(1e-4));
        assertThat(r.maxAbsoluteError()).isCloseTo(0.1, within(1e-6));
        assertThat(r.meanAbsoluteError()).isCloseTo(0.1, within(1e-6));
        assertThat(r.maxRelativeError()).isCloseTo(0.1, within(1e-6));
    }

    @Test
    void cosineOfOppositeAndOrthogonalVectors() {
        assertThat(compare("y", new float[] {1, 2}, new float[] {-1, -2}, 0).cosine()).isCloseTo(-1, within(1e-12));
        assertThat(compare("y", new float[] {1, 0}, new float[] {0, 3}, 0).cosine()).isCloseTo(0, within(1e-12));
        assertThat(compare("y", new float[] {3, 4}, new float[] {4, 3}, 0).cosine())
                .isCloseTo(24.0 / 25, within(1e-12));
    }

    @Test
    void relativeErrorOfValuesNearZeroIsTakenAgainstTheFloor() {
        OutputComparison r = compare("y", new float[] {0f, 2f}, new float[] {1e-4f, 2f}, 0);

        assertThat(r.maxRelativeError()).isCloseTo(1e-4 / OutputComparator.RELATIVE_ERROR_FLOOR, within(1e-6));
    }

    @Test
    void top1AgreementCountsRowsOfProbabilitiesWithTheSameArgmax() {
        float[] reference = {0.7f, 0.2f, 0.1f, /**/ 0.1f, 0.8f, 0.1f, /**/ 0.3f, 0.3f, 0.4f};
        float[] candidate = {0.6f, 0.3f, 0.1f, /**/ 0.5f, 0.4f, 0.1f, /**/ 0.2f, 0.3f, 0.5f};

        assertThat(compare("probabilities", reference, candidate, 3).top1Agreement()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void top1AgreementOnlyForClassScores() {
        float[] hidden = {-1.5f, 2f, 0.3f, 4f};
        assertThat(compare("last_hidden_state", hidden, hidden, 2).top1Agreement())
                .as("rows are not probability distributions").isNull();
        assertThat(compare("logits", hidden, new float[] {-1.5f, 2f, 5f, 4f}, 2).top1Agreement())
                .as("named as logits").isEqualTo(0.5);
    }

    @Test
    void aSingleProbabilityPerRowAgreesOnItsDecisionAtOneHalf() {
        float[] reference = {0.9f, 0.2f, 0.55f, 0.1f};
        float[] candidate = {0.8f, 0.3f, 0.45f, 0.1f};

        assertThat(compare("output", reference, candidate, 1).top1Agreement()).isEqualTo(0.75);
        assertThat(compare("logits", new float[] {-2f, 3f}, new float[] {-2f, 3f}, 1).top1Agreement())
                .as("a single logit is not a probability").isNull();
    }

    @Test
    void batchesAccumulateLikeOnePass() {
        float[] r = {1, 2, 3, 4, -5, 6};
        float[] c = {1.5f, 2, 2, 4, -4, 7};
        OutputComparator streamed = new OutputComparator("y");
        streamed.add(HostTensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3}),
                HostTensor.ofFloats(new long[] {1, 3}, new float[] {1.5f, 2, 2}));
        streamed.add(HostTensor.ofFloats(new long[] {1, 3}, new float[] {4, -5, 6}),
                HostTensor.ofFloats(new long[] {1, 3}, new float[] {4, -4, 7}));

        assertThat(streamed.result()).isEqualTo(compare("y", r, c, 3));
    }

    @Test
    void nanInTheCandidateShowsInTheErrors() {
        OutputComparison r = compare("y", new float[] {1, 2}, new float[] {1, Float.NaN}, 0);

        assertThat(r.maxAbsoluteError()).isNaN();
        assertThat(r.cosine()).isNaN();
    }

    @Test
    void aFloatOutputAgainstAnIntegerOneIsRefused() {
        OutputComparator c = new OutputComparator("y");
        assertThatThrownBy(() -> c.add(HostTensor.ofFloats(new long[] {2}, new float[] {1, 2}),
                HostTensor.ofLongs(new long[] {2}, new long[] {1, 2})))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("output 'y' is FLOAT32 in the reference model but INT64 in the candidate");
        // integers of two widths (an export's int32 against int64) are still numbers of one kind
        OutputComparator ids = new OutputComparator("ids");
        ids.add(HostTensor.ofInts(new long[] {2}, new int[] {3, 4}),
                HostTensor.ofLongs(new long[] {2}, new long[] {3, 4}));
        assertThat(ids.result().maxAbsoluteError()).isZero();
    }

    @Test
    void differentShapesAreRefused() {
        OutputComparator c = new OutputComparator("y");
        assertThatThrownBy(() -> c.add(HostTensor.ofFloats(new long[] {2, 2}, new float[4]),
                HostTensor.ofFloats(new long[] {4}, new float[4])))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("output 'y' has shape [2,2] in the reference model but [4] in the candidate");
    }

    @Test
    void aDeadCandidateRowIsNoAgreementEvenWhereTheReferencePicksTheFirstClass() {
        // softmax rows; the reference picks class 0, then 1; the candidate's rows are all zeros (no answer)
        float[] reference = {0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f};
        float[] dead = new float[6];
        assertThat(compare("prob", reference, dead, 3).top1Agreement()).isZero();

        float[] uniform = {1f / 3, 1f / 3, 1f / 3, 0.1f, 0.8f, 0.1f};
        assertThat(compare("prob", uniform, uniform.clone(), 3).top1Agreement()).as("a model against itself")
                .isEqualTo(1.0);
        assertThat(compare("prob", uniform, new float[] {1f / 3, 1f / 3, 1f / 3, 0.2f, 0.6f, 0.2f}, 3)
                .top1Agreement()).as("tied where the reference is tied").isEqualTo(1.0);
    }

    /** A broken model's NaN rows pick no class: they read as class 0 before, credited wherever that was the answer. */
    @Test
    void aCandidateRowHoldingNanAgreesWithNothing() {
        float[] reference = {0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f};
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, 0.1f, 0.8f, 0.1f};
        assertThat(compare("prob", reference, nan, 3).top1Agreement()).isEqualTo(0.5);
        assertThat(OutputComparator.argmax(nan, 0, 3)).isEqualTo(-1);
        assertThat(OutputComparator.argmax(nan, 3, 3)).isEqualTo(1);
        // one probability a row (a sigmoid): NaN decides nothing either
        assertThat(compare("p", new float[] {0.2f, 0.9f}, new float[] {Float.NaN, 0.9f}, 1).top1Agreement())
                .isEqualTo(0.5);
        // a reference row holding NaN gives no answer: left out, so a model compared with itself agrees everywhere
        assertThat(compare("prob", nan, nan.clone(), 3).top1Agreement()).isEqualTo(1.0);
        assertThat(compare("p", new float[] {Float.NaN, 0.9f}, new float[] {Float.NaN, 0.9f}, 1).top1Agreement())
                .isEqualTo(1.0);
    }

    /** Compared in doubles: in float32, 16777217 and 16777216 are one value. */
    @Test
    void integerOutputsAreComparedExactly() {
        OutputComparator c = new OutputComparator("ids");
        c.add(HostTensor.ofLongs(new long[] {1, 2}, new long[] {16_777_217L, 100_000_001L}),
                HostTensor.ofLongs(new long[] {1, 2}, new long[] {16_777_216L, 100_000_000L}));
        assertThat(c.result().maxAbsoluteError()).isEqualTo(1.0);
        assertThat(c.result().meanAbsoluteError()).isEqualTo(1.0);
        assertThat(c.result().snrDb()).isFinite();
    }
}
