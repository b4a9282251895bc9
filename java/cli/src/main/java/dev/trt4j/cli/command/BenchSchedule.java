package dev.trt4j.cli.command;

import dev.trt4j.benchmark.BenchmarkBackend;
import dev.trt4j.benchmark.BenchmarkRequest;
import dev.trt4j.benchmark.BenchmarkResult;
import dev.trt4j.timing.TimingSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The order in which {@code trt4j bench} times its runs: the runs of each model and batch size side by side, once per
 * round, in an order that reverses every round; and before the first of them, one untimed run of the first run's
 * model that warms up the JVM. A JVM compiles its hot code, and sizes its heap, during the first seconds it runs
 * queries: without that run the first timed run paid for it alone, and a comparison's baseline, timed first, came
 * out slower than an identical file timed after it, which read as a speedup. trtexec needs no such run: a C++ loop
 * is compiled before it starts.
 */
final class BenchSchedule {
    /**
     * The JVM warm-up lasts as long as one timed run, so that the first timed run meets a JVM as warm as the second
     * one met before there was a warm-up, but no longer than this: past it the JIT has settled, and a long
     * {@code --duration} would only add its length again.
     */
    static final double MAX_JVM_WARM_UP_MS = 1000;

    /** What happens with each timed run's result. */
    interface RunEnded {
        /**
         * @param round 0-based
         */
        void ended(BenchRun run, int round, BenchmarkBackend backend, BenchmarkRequest request,
                   BenchmarkResult result);
    }

    private final Function<BenchRun, BenchmarkBackend> backends;
    private final Function<BenchRun, BenchmarkRequest> requests;
    private final int rounds;

    /**
     * @param backends the backend that times a run
     * @param requests what a run asks its backend for
     * @param rounds   how many times each run is timed, at least 1
     */
    BenchSchedule(Function<BenchRun, BenchmarkBackend> backends, Function<BenchRun, BenchmarkRequest> requests,
                  int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }
        this.backends = backends;
        this.requests = requests;
        this.rounds = rounds;
    }

    /**
     * Warms the JVM up on the first run, then times every run in {@link BenchRun#groups} order, round by round,
     * handing each result to {@code ended} as it comes. The warm-up's result goes nowhere.
     */
    void run(List<BenchRun> runs, RunEnded ended) {
        boolean warm = false;
        for (List<BenchRun> group : BenchRun.groups(runs)) {
            for (int round = 0; round < rounds; round++) {
                List<BenchRun> order = new ArrayList<>(group);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (BenchRun run : order) {
                    BenchmarkBackend backend = backends.apply(run);
                    BenchmarkRequest request = requests.apply(run);
                    if (!warm) {
                        backend.run(jvmWarmUp(request));
                        warm = true;
                    }
                    ended.ended(run, round, backend, request, backend.run(request));
                }
            }
        }
    }

    /**
     * {@code first} as an untimed JVM warm-up: the same model, inputs and switches, run for as long as {@code first}
     * would run (its warm-up and duration), at most {@link #MAX_JVM_WARM_UP_MS}, and at least one query.
     */
    static BenchmarkRequest jvmWarmUp(BenchmarkRequest first) {
        TimingSettings t = first.timing();
        TimingSettings warmUp = t.toBuilder().warmUpMs(0).minWarmUpQueries(0).minIterations(1)
                .durationMs(Math.min(t.warmUpMs() + t.durationMs(), MAX_JVM_WARM_UP_MS)).build();
        return new BenchmarkRequest(first.file(), first.batch(), first.shapes(), first.inputs(), warmUp,
                first.threads());
    }
}
