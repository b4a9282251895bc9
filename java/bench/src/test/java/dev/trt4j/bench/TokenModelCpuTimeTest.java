package dev.trt4j.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TokenModelCpuTimeTest {
    /** An even number of rounds: the upper middle value was printed as the median, with two rounds the maximum. */
    @Test
    void theMedianOfEvenRoundsIsBenchRoundsMidpointNotTheUpperMiddleValue() {
        // the model took 10 and 20 ms in two rounds where the baseline took 10 both times: speedups 1 and 0.5
        TokenModelCpuTime.Summary two = TokenModelCpuTime.Summary.of(new double[] {20, 10}, new double[] {10, 10});
        assertThat(two.minMs()).isEqualTo(10);
        assertThat(two.medianMs()).isEqualTo(15);
        assertThat(two.speedup()).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(two.speedupMin()).isEqualTo(0.5);
        assertThat(two.speedupMax()).isEqualTo(1);

        // equal speeds, each ahead by a quarter once, read 1 as in bench --rounds, not a speedup
        // (their arithmetic mean would read 1.025, the upper middle value 1.25)
        TokenModelCpuTime.Summary even = TokenModelCpuTime.Summary.of(new double[] {8, 12.5}, new double[] {10, 10});
        assertThat(even.speedup()).isCloseTo(1, within(1e-12));
        assertThat(even.medianMs()).isEqualTo(10.25);

        TokenModelCpuTime.Summary odd = TokenModelCpuTime.Summary.of(new double[] {5, 4, 10}, new double[] {10, 10, 10});
        assertThat(odd.medianMs()).isEqualTo(5);
        assertThat(odd.speedup()).isEqualTo(2);
    }
}
