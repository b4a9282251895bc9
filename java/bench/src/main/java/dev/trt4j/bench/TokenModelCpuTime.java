package dev.trt4j.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.trt4j.timing.MetricStatistics;
import dev.trt4j.timing.SpeedupRounds;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compares text models (BERT-like: int64 {@code input_ids}, {@code attention_mask}, {@code token_type_ids}) by the
 * CPU time of the thread that runs them, in interleaved rounds: one ONNX Runtime intra-op thread with spinning off,
 * so the calling thread does the work, and time the VM steals from it is not counted. On a shared VM that makes
 * differences of a few per cent visible that wall-clock rounds (±20 % there) hide. Prints, per model, the minimum and
 * median CPU milliseconds per inference and the median (and range) of its per-round speedup over the first model,
 * medians as {@code bench --rounds} takes them ({@link Summary}).
 *
 * <pre>
 * java -cp java/bench/target/trt4j-bench.jar dev.trt4j.bench.TokenModelCpuTime BATCH ROUNDS RUNS NAME=MODEL.onnx...
 * </pre>
 * (128 tokens, random ids from a fixed seed, all graph optimisations; the order reverses every other round.)
 */
public final class TokenModelCpuTime {
    private static final int TOKENS = 128;

    private TokenModelCpuTime() {
    }

    public static void main(String[] args) throws OrtException {
        if (args.length < 5) {
            System.err.println("usage: TokenModelCpuTime BATCH ROUNDS RUNS NAME=MODEL.onnx NAME=MODEL.onnx...");
            System.exit(2);
        }
        int batch = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> names = new ArrayList<>();
        List<OrtSession> sessions = new ArrayList<>();
        try {
            for (String arg : Arrays.asList(args).subList(3, args.length)) {
                String[] nameAndFile = arg.split("=", 2);
                if (nameAndFile.length != 2) {
                    throw new IllegalArgumentException(arg + ": expected NAME=MODEL.onnx");
                }
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    options.setIntraOpNumThreads(1);
                    options.setInterOpNumThreads(1);
                    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    options.addConfigEntry("session.intra_op.allow_spinning", "0");
                    sessions.add(env.createSession(nameAndFile[1], options));
                }
                names.add(nameAndFile[0]);
            }
            Map<String, OnnxTensor> inputs = tokenInputs(env, sessions.get(0), batch);
            double[][] millis = time(sessions, inputs, rounds, runs);
            report(names, millis);
            inputs.values().forEach(OnnxTensor::close);
        } finally {
            for (OrtSession s : sessions) {
                s.close();
            }
        }
    }

    /** Random token ids after a [CLS]-like first id, a full mask, zero token types; only int64 [N, S] inputs. */
    private static Map<String, OnnxTensor> tokenInputs(OrtEnvironment env, OrtSession session, int batch)
            throws OrtException {
        SplittableRandom random = new SplittableRandom(0);
        long[] shape = {batch, TOKENS};
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.INT64
                    || t.getShape().length != 2) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' is not an int64 [batch, tokens] "
                        + "tensor; this compares text models only");
            }
            long[] values = new long[batch * TOKENS];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (e.getKey()) {
                    case "input_ids" -> i % TOKENS == 0 ? 101 : 1000 + random.nextInt(20000);
                    case "attention_mask" -> 1;
                    default -> 0;
                };
            }
            inputs.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape));
        }
        return inputs;
    }

    /** CPU ms per inference, [model][round], after three warm-up runs of each. */
    private static double[][] time(List<OrtSession> sessions, Map<String, OnnxTensor> inputs, int rounds, int runs)
            throws OrtException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (OrtSession s : sessions) {
            for (int w = 0; w < 3; w++) {
                s.run(inputs).close();
            }
        }
        double[][] millis = new double[sessions.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < sessions.size(); k++) {
                int m = round % 2 == 0 ? k : sessions.size() - 1 - k;
                long start = threads.getCurrentThreadCpuTime();
                for (int r = 0; r < runs; r++) {
                    sessions.get(m).run(inputs).close();
                }
                millis[m][round] = (threads.getCurrentThreadCpuTime() - start) / 1e6 / runs;
            }
        }
        return millis;
    }

    private static void report(List<String> names, double[][] millis) {
        for (int m = 0; m < names.size(); m++) {
            Summary s = Summary.of(millis[m], millis[0]);
            System.out.printf(Locale.ROOT,
                    "%-20s CPU ms/inference min %.2f median %.2f   speedup over %s: median %.3f (%.3f-%.3f)%n",
                    names.get(m), s.minMs(), s.medianMs(), names.get(0), s.speedup(), s.speedupMin(),
                    s.speedupMax());
        }
    }

    /**
     * One model's rounds against the first model's. The medians are {@code bench --rounds}'s: for an even number of
     * rounds the mean of the two middle times and the geometric mean of the two middle speedups (a ratio's
     * midpoint). Before 2026-11-29 this printed the upper middle value, so a median of two rounds was their maximum.
     *
     * @param minMs      the least CPU ms per inference of any round
     * @param medianMs   the median CPU ms per inference
     * @param speedup    the median per-round speedup over the first model
     * @param speedupMin the lowest per-round speedup
     * @param speedupMax the highest per-round speedup
     */
    record Summary(double minMs, double medianMs, double speedup, double speedupMin, double speedupMax) {
        /**
         * @param millis   this model's CPU ms per inference, one per round
         * @param baseline the first model's, in the same rounds
         */
        static Summary of(double[] millis, double[] baseline) {
            double[] speedup = new double[millis.length];
            for (int round = 0; round < millis.length; round++) {
                speedup[round] = baseline[round] / millis[round];
            }
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            Arrays.sort(speedup);
            return new Summary(sorted[0], MetricStatistics.median(sorted), SpeedupRounds.medianOfRatios(speedup),
                    speedup[0], speedup[speedup.length - 1]);
        }
    }
}
