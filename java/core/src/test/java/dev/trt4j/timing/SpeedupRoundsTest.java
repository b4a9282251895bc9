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
        // Load moves both runs of a round together: the ratios are 1.5, 1.8 and 1.25, their median 1.5, while the
        // ratio of the medians would be 100 / 80 = 1.25.
        double[][] perRound = {{100, 150}, {50, 90}, {80, 100}};
        for (double[] r : perRound) {
            rounds.add(run("fp32", 1, r[0]));
            rounds.add(run("int8", 1, r[1]));
        }
        SpeedupTable table = SpeedupTable.of("fp32", rounds.entries());

        assertThat(table.speedup("m", 1, "int8")).hasValueCloseTo(1.5, within(1e-12));
        assertThat(rounds.entries()).filteredOn(e -> e.precision().equals("fp32"))
                .singleElement().satisfies(e -> assertThat(e.samplesPerSecond()).isEqualTo(80));
        SpeedupRounds.Spread s = rounds.spreads().get(1);
        assertThat(List.of(s.precision(), s.rounds())).containsExactly("int8", 3);
        assertThat(s.min()).isCloseTo(1.25, within(1e-12));
        assertThat(s.max()).isCloseTo(1.8, within(1e-12));
    }

    @Test
    void anEvenNumberOfRoundsTakesTheGeometricMeanOfTheMiddleTwo() {
        SpeedupRounds rounds = new SpeedupRounds("fp32");
        double[][] perRound = {{100, 110}, {50, 65}, {200, 240}, {100, 190}}; // ratios 1.1, 1.3, 1.2, 1.9
        for (double[] r : perRound) {
            rounds.add(run("fp32", 8, r[0]));
            rounds.add(run("int8", 8, r[1]));
        }
        assertThat(rounds.spreads().get(1).median()).isCloseTo(Math.sqrt(1.2 * 1.3), within(1e-12));
        assertThat(SpeedupTable.of("fp32", rounds.entries()).speedup("m", 8, "int8")).hasValueCloseTo(
                Math.sqrt(1.2 * 1.3), within(1e-12));
    }

    /**
     * Two rounds of equal speeds, each file a quarter ahead once: ratios 0.8 and 1.25. Their arithmetic mean, 1.025,
     * read as a speedup; a ratio's midpoint is their geometric mean, 1, whichever file is the baseline.
     */
    @Test
    void equalSpeedsOverAnEvenNumberOfRoundsReadAsNoSpeedup() {
        SpeedupRounds rounds = new SpeedupRounds("fp32");
        rounds.add(run("fp32", 1, 100));
        rounds.add(run("same", 1, 80));
        rounds.add(run("fp32", 1, 80));
        rounds.add(run("same", 1, 100));

        assertThat(rounds.spreads().get(1).median()).isCloseTo(1.0, within(1e-12));
        assertThat(rounds.table().speedup("m", 1, "same")).hasValueCloseTo(1.0, within(1e-12));
    }

    @Test
    void aBatchWithoutBaselineStaysEmptyAndAMissedRoundIsRefused() {
        SpeedupRounds noBaseline = new SpeedupRounds("fp32");
        noBaseline.add(run("fp32", 8, 10));
        noBaseline.add(run("int8", 8, 20));
        noBaseline.add(run("int8", 1, 10)); // a file that resolved to batch 1
        assertThat(noBaseline.entries()).extracting(SpeedupTable.Entry::batch).containsOnly(8);
        assertThat(noBaseline.spreads()).extracting(SpeedupRounds.Spread::batch).containsOnly(8);

        SpeedupRounds missingRound = new SpeedupRounds("fp32");
        missingRound.add(run("fp32", 1, 10));
        missingRound.add(run("fp32", 1, 10));
        missingRound.add(run("int8", 1, 10));
        assertThatThrownBy(missingRound::entries).isInstanceOf(IllegalStateException.class)
                .hasMessage("m int8 at batch 1 has 1 rounds, the baseline 2");
    }

    /** The files a script keeps say the cells are medians and carry each one's range, as the printed report does. */
    @Test
    void everyRenderingOfARoundsTableGivesItsRangesAndRoundCount() throws Exception {
        SpeedupRounds rounds = new SpeedupRounds("fp32");
        double[][] perRound = {{100, 150}, {50, 90}, {80, 100}}; // ratios 1.5, 1.8, 1.25
        for (double[] r : perRound) {
            rounds.add(run("fp32", 1, r[0]));
            rounds.add(run("int8", 1, r[1]));
        }
        SpeedupTable table = rounds.table();
        assertThat(table.rounds()).isEqualTo(3);
        assertThat(table.speedupRange("m", 1, "int8")).hasValueSatisfying(r -> assertThat(r).containsExactly(1.25,
                1.8));

        assertThat(SpeedupTableText.markdown(table)).isEqualTo("Throughput (samples/s) relative to fp32 = 1, by batch "
                + "size: the median of 3 interleaved rounds' speedups (lowest-highest)\n\n| Model | b1 fp32 | b1 int8 |\n"
                + "|---|---:|---:|\n| m | 1.00 | 1.50 (1.25-1.80) |\n");
        assertThat(SpeedupTableText.csv(table)).isEqualTo("model,b1 fp32,b1 fp32 min,b1 fp32 max,b1 int8,b1 int8 min,"
                + "b1 int8 max\nm,1.000,1.000,1.000,1.500,1.250,1.800\n");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(SpeedupTableText.json(table));
        assertThat(json.get("rounds").asInt()).isEqualTo(3);
        var cell = json.get("rows").get(0).get("cells").get(1);
        assertThat(List.of(cell.get("speedup").asDouble(), cell.get("speedupMin").asDouble(),
                cell.get("speedupMax").asDouble())).containsExactly(1.5, 1.25, 1.8);

        // a single run's table keeps its plain forms, its range being the speedup itself
        SpeedupTable single = SpeedupTable.of("fp32", List.of(run("fp32", 1, 100), run("int8", 1, 150)));
        assertThat(SpeedupTableText.csv(single)).isEqualTo("model,b1 fp32,b1 int8\nm,1.000,1.500\n");
        var plain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(SpeedupTableText.json(single));
        assertThat(plain.get("rounds").asInt()).isEqualTo(1);
        assertThat(plain.get("rows").get(0).get("cells").get(1).get("speedupMin").asDouble()).isEqualTo(1.5);
    }
}
