package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The time each layer took in a profiled run of queries, as trtexec's {@code --dumpProfile} reports it: per layer
 * the total, the average and the median per query, and its share of all layers' time. The layers' time is what
 * the backend's profiler measured around each layer: it leaves out the gaps between layers that a query's latency
 * includes, and takes in the profiler's own time, which ONNX Runtime's adds to every node (some microseconds each,
 * enough for a model of many cheap nodes to sum above its latency).
 *
 * @param queries how many queries were profiled (at least 1)
 * @param layers  every layer that ran, in the order it first ran
 */
public record LayerProfile(int queries, List<Layer> layers) {
    /**
     * @throws IllegalArgumentException if {@code queries} is below 1, or a layer's times are not one per query
     */
    public LayerProfile {
        if (queries < 1) {
            throw new IllegalArgumentException("a profile needs at least one query, got " + queries);
        }
        layers = List.copyOf(layers);
        for (Layer layer : layers) {
            if (layer.msPerQuery.length != queries) {
                throw new IllegalArgumentException("layer '" + layer.name() + "' has " + layer.msPerQuery.length
                        + " times for " + queries + " queries");
            }
        }
    }

    /**
     * One layer.
     *
     * @param name       the layer's (node's) name
     * @param operator   its operator type, for example {@code MatMulIntegerToFloat}
     * @param msPerQuery its time in each profiled query, in ms (0 where it did not run)
     */
    public record Layer(String name, String operator, double[] msPerQuery) {
        public Layer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(operator, "operator");
            msPerQuery = msPerQuery.clone();
        }

        /** Its time in each profiled query, in ms. */
        @Override
        public double[] msPerQuery() {
            return msPerQuery.clone();
        }

        /** Its time over all profiled queries, in ms. */
        public double totalMs() {
            double sum = 0;
            for (double t : msPerQuery) {
                sum += t;
            }
            return sum;
        }

        /** Its mean time per query, in ms. */
        public double averageMs() {
            return totalMs() / msPerQuery.length;
        }

        /** Its median time per query, in ms (the mean of the two middle ones for an even count). */
        public double medianMs() {
            double[] sorted = msPerQuery.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    /**
     * The layers of one operator type together.
     *
     * @param operator   the operator type
     * @param layers     how many layers of it ran
     * @param averageMs  their mean time per query together, in ms
     * @param percentage their share of all layers' time, in per cent
     */
    public record OperatorTime(String operator, int layers, double averageMs, double percentage) {
    }

    /** All layers' mean time per query together, in ms. */
    public double averageMs() {
        return totalMs() / queries;
    }

    /** All layers' time over the profiled queries, in ms. */
    public double totalMs() {
        double sum = 0;
        for (Layer layer : layers) {
            sum += layer.totalMs();
        }
        return sum;
    }

    /** The layer's share of all layers' time, in per cent (0 when no layer took any time). */
    public double percentage(Layer layer) {
        double total = totalMs();
        return total > 0 ? 100 * layer.totalMs() / total : 0;
    }

    /** Time by operator type, the most expensive first (ties by name). */
    public List<OperatorTime> byOperator() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Layer layer : layers) {
            double[] s = sums.computeIfAbsent(layer.operator(), k -> new double[2]);
            s[0] += layer.totalMs();
            s[1]++;
        }
        double total = totalMs();
        List<OperatorTime> out = new ArrayList<>();
        sums.forEach((op, s) -> out.add(new OperatorTime(op, (int) s[1], s[0] / queries,
                total > 0 ? 100 * s[0] / total : 0)));
        out.sort(Comparator.comparingDouble(OperatorTime::averageMs).reversed()
                .thenComparing(OperatorTime::operator));
        return out;
    }

    /** The {@code n} slowest layers by mean time, the slowest first (ties in execution order). */
    public List<Layer> slowest(int n) {
        List<Layer> sorted = new ArrayList<>(layers);
        sorted.sort(Comparator.comparingDouble(Layer::totalMs).reversed());
        return sorted.subList(0, Math.min(n, sorted.size()));
    }
}
