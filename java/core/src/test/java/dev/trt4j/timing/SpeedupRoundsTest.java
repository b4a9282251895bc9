package dev.trt4j.timing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeedupRoundsTest {
    private static SpeedupTable.Entry run(String precision, int batch, double samplesPerSecond) {
        return new SpeedupTable.Entry("m", precision, batch, samplesPerSecond);
    }

    @Test
    void theTableReadsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
        SpeedupRounds rounds = new SpeedupRounds("fp32");
        // Load halves everything in round 2: the ratio in each round stays 1.5, 1.5 and 1.6.
        double[][] perRound = {{100, 150}, {50, 75}, {100, 160}};
        for (double[] r : perRound) {
            rounds.add(run("fp32", 1, r[0]));
            rounds.add(run("int8", 1, r[1]));
        }
        SpeedupTable table = SpeedupTable.of("fp32", rounds.entries());

        assertThat(table.speedup("m", 1, "int8")).hasValueCloseTo(1.5, within(1e-12));
        assertThat(rounds.entries()).filteredOn(e -> e.precision().equals("fp32"))
                .singleElement().satisfies(e -> assertThat(e.samplesPerSecond()).isEqualTo(100));
        SpeedupRounds.Spread s = rounds.spreads().get(1);
        assertThat(List.of(s.precision(), s.rounds())).containsExactly("int8", 3);
        assertThat(s.min()).isCloseTo(1.5, within(1e-12));
        assertThat(s.max()).isCloseTo(1.6, within(1e-12));
    }

    @Test
    void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
        SpeedupRounds rounds = new SpeedupRounds("fp32");
        double[] int8 = {110, 130, 120, 190};
        for (double t : int8) {
            rounds.add(run("fp32", 8, 100));
            rounds.add(run("int8", 8, t));
        }
        assertThat(rounds.spreads().get(1).median()).isCloseTo(1.25, within(1e-12));
    }

    @Test
    void aMissingBaselineOrRoundIsRefused() {
        SpeedupRounds noBaseline = new SpeedupRounds("fp32");
        noBaseline.add(run("int8", 1, 10));
        assertThatThrownBy(noBaseline::entries).isInstanceOf(IllegalStateException.class)
                .hasMessage("m at batch 1 has no fp32 run");

        SpeedupRounds short1 = new SpeedupRounds("fp32");
        short1.add(run("fp32", 1, 10));
        short1.add(run("fp32", 1, 10));
        short1.add(run("int8", 1, 10));
        assertThatThrownBy(short1::entries).isInstanceOf(IllegalStateException.class)
                .hasMessage("m int8 at batch 1 has 1 rounds, the baseline 2");
    }
}
