package dev.trt4j.cli.command;

import dev.trt4j.benchmark.BenchInputs;
import dev.trt4j.benchmark.BenchmarkBackend;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.engine.Availability;
import dev.trt4j.timing.TimingSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bench's order of runs and its JVM warm-up, on a backend that times nothing: the warm-up comes first, on the first
 * run's model, and its result goes nowhere.
 */
class BenchScheduleTest {
    private static final Path A = Path.of("a.fp32.onnx");
    private static final Path B = Path.of("a.int8.onnx");

    /** Records what it is asked to run and answers with a result of as many queries as calls so far. */
    private static final class RecordingBackend implements BenchmarkBackend {
        final List<BenchmarkRequest> requests = new ArrayList<>();
        final List<BenchmarkResult> results = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Availability availability() {
            return Availability.yes();
        }

        @Override
        public BenchmarkResult run(BenchmarkRequest request) {
            requests.add(request);
            BenchmarkResult result = BenchResults.of(request.file(), requests.size());
            results.add(result);
            return result;
        }
    }

    private record Ended(BenchRun run, int round, BenchmarkResult result) {
    }

    private static BenchmarkRequest request(BenchRun run, TimingSettings timing) {
        return new BenchmarkRequest(run.file(), run.batch(), Map.of("x", new long[] {1, 4}), BenchInputs.zeros(),
                timing, 2);
    }

    @Test
    void theFirstRunsModelWarmsTheJvmUpUntimedBeforeAnyTimedRun() {
        BenchRun fp32 = new BenchRun("m", "fp32", A, 0);
        BenchRun int8 = new BenchRun("m", "int8", B, 0);
        RecordingBackend backend = new RecordingBackend();
        List<Ended> ended = new ArrayList<>();

        new BenchSchedule(run -> backend, run -> request(run, TimingSettings.defaults()), 2)
                .run(List.of(fp32, int8), (run, round, b, req, result) -> ended.add(new Ended(run, round, result)));

        assertThat(backend.requests).extracting(BenchmarkRequest::file).containsExactly(A, A, B, B, A);
        assertThat(backend.requests.get(0).timing()).isEqualTo(BenchSchedule.jvmWarmUp(request(fp32,
                TimingSettings.defaults())).timing());
        assertThat(backend.requests.subList(1, 5)).extracting(BenchmarkRequest::timing)
                .containsOnly(TimingSettings.defaults());
        // every timed run, in rounds whose order reverses; the warm-up's result is nobody's
        assertThat(ended).extracting(Ended::run).containsExactly(fp32, int8, int8, fp32);
        assertThat(ended).extracting(Ended::round).containsExactly(0, 0, 1, 1);
        assertThat(ended).extracting(Ended::result).containsExactlyElementsOf(backend.results.subList(1, 5));
    }

    @Test
    void onlyTheFirstRunOfTheProcessIsPrecededByAWarmUp() {
        BenchRun b1 = new BenchRun("m", "fp32", A, 1);
        BenchRun b8 = new BenchRun("m", "fp32", A, 8);
        RecordingBackend backend = new RecordingBackend();

        new BenchSchedule(run -> backend, run -> request(run, TimingSettings.defaults()), 1)
                .run(List.of(b1, b8), (run, round, b, req, result) -> { });

        assertThat(backend.requests).extracting(BenchmarkRequest::batch).containsExactly(1, 1, 8);
    }

    /** As long as one timed run, so the first meets the JVM the second met without it, and no longer than 1 s. */
    @Test
    void theWarmUpRunsAsLongAsOneTimedRunUpToASecondWithTheSameInputs() {
        TimingSettings shortRun = TimingSettings.builder().warmUpMs(20).durationMs(200).minIterations(50)
                .minWarmUpQueries(10).percentiles(List.of(99.0)).cudaGraph(false).pipelineDepth(1).build();
        BenchmarkRequest first = new BenchmarkRequest(A, 8, Map.of("x", new long[] {8, 4}), BenchInputs.random(3),
                shortRun, 2);

        BenchmarkRequest warmUp = BenchSchedule.jvmWarmUp(first);

        assertThat(warmUp.timing()).isEqualTo(shortRun.toBuilder().warmUpMs(0).minWarmUpQueries(0).minIterations(1)
                .durationMs(220).build());
        assertThat(warmUp.file()).isEqualTo(A);
        assertThat(warmUp.batch()).isEqualTo(8);
        assertThat(warmUp.shapes().get("x")).containsExactly(8, 4);
        assertThat(warmUp.inputs()).isSameAs(first.inputs());
        assertThat(warmUp.threads()).isEqualTo(2);
        assertThat(BenchSchedule.jvmWarmUp(request(new BenchRun("m", "", A, 0), TimingSettings.defaults())).timing()
                .durationMs()).isEqualTo(BenchSchedule.MAX_JVM_WARM_UP_MS);
    }
}
