package dev.trt4j.evaluate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BaselineFloorTest {
    /**
     * The recognizer's exact match and the detector's hmean fail below half; the direction classifier's accuracy below
     * 0.75, halfway from a coin's 0.5 to every line right.
     */
    @Test
    void eachTaskWithKnownAnswersHasItsFloor() {
        assertThat(BaselineFloor.of("exactMatch")).hasValue(0.5);
        assertThat(BaselineFloor.of("hmean")).hasValue(0.5);
        assertThat(BaselineFloor.of("accuracy")).hasValue(0.75);
        assertThat(BaselineFloor.isBelow("exactMatch", 0.25)).as("PP-OCRv4 at width 320").isTrue();
        assertThat(BaselineFloor.isBelow("exactMatch", 0.5)).isFalse();
        assertThat(BaselineFloor.isBelow("accuracy", 0.5625)).as("a direction classifier near a coin").isTrue();
        assertThat(BaselineFloor.isBelow("accuracy", 0.9375)).isFalse();
        assertThat(BaselineFloor.isBelow("hmean", 0.3)).isTrue();
        assertThat(BaselineFloor.isBelow("hmean", Double.NaN)).as("no score is no poor score").isFalse();
    }

    /** The embedding cosine and an output's cosine compare the reference with itself: there is nothing to fail. */
    @Test
    void metricsOfTheReferenceAgainstItselfHaveNone() {
        assertThat(BaselineFloor.of("meanCosine")).isEmpty();
        assertThat(BaselineFloor.of("cosine(y)")).isEmpty();
        assertThat(BaselineFloor.isBelow("meanCosine", 0.1)).isFalse();
        assertThat(BaselineFloor.isBelow("cosine(y)", 0.1)).isFalse();
    }
}
