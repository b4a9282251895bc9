package dev.trt4j.timing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IterationScheduleTest {
    /** Feeds queries computing every {@code period} ms from 0 until the schedule stops; returns how many ran. */
    private static int runUntilDone(IterationSchedule schedule, double period) {
        int n = 0;
        while (schedule.record(n * period)) {
            n++;
        }
        return n + 1;
    }

    @Test
    void warmsUpByTimeThenMeasuresForTheDuration() {
        TimingSettings settings = TimingSettings.builder().warmUpMs(200).minWarmUpQueries(0).minIterations(10)
                .durationMs(3000).build();
        IterationSchedule schedule = new IterationSchedule(settings);
        int total = runUntilDone(schedule, 10);
        // queries at 0..190 ms warm up (20); measuring starts at 200 and runs until a query starts at 3200
        assertThat(schedule.warmUpQueries()).isEqualTo(20);
        assertThat(schedule.measuredFromMs()).isEqualTo(200);
        assertThat(schedule.measuredQueries()).isEqualTo(301);
        assertThat(total).isEqualTo(321);
    }

    @Test
    void minimumIterationsOutlastAShortDuration() {
        TimingSettings settings = TimingSettings.builder().warmUpMs(0).minWarmUpQueries(0).minIterations(25)
                .durationMs(5).build();
        IterationSchedule schedule = new IterationSchedule(settings);
        runUntilDone(schedule, 10);
        assertThat(schedule.measuredQueries()).isEqualTo(25);
        assertThat(schedule.warmUpQueries()).isZero();
    }

    @Test
    void warmUpAlsoWaitsForTheMinimumQueryCount() {
        // slow queries (100 ms): the 200 ms warm-up would end after 2 of them; the floor asks for 5
        TimingSettings settings = TimingSettings.builder().warmUpMs(200).minWarmUpQueries(5).minIterations(3)
                .durationMs(0).build();
        IterationSchedule schedule = new IterationSchedule(settings);
        runUntilDone(schedule, 100);
        assertThat(schedule.warmUpQueries()).isEqualTo(5);
        assertThat(schedule.measuredFromMs()).isEqualTo(500);
        assertThat(schedule.measuredQueries()).isEqualTo(3);
    }

    @Test
    void hasNoThresholdWhileWarmingUp() {
        IterationSchedule schedule = new IterationSchedule(TimingSettings.defaults());
        schedule.record(0);
        assertThatThrownBy(schedule::measuredFromMs).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("warming up after 1 queries");
    }
}
