package dev.trt4j.bench;

/**
 * The histogram benchmarks' yardstick: one plain float sum over the values, each read once. It is the limit of one
 * pass over the data where the data come from memory; from the cache, the additions' latency bounds it instead.
 */
final class PlainSum {
    private PlainSum() {
    }

    static float of(float[] values) {
        float s = 0;
        for (int i = 0; i < values.length; i++) {
            s += values[i];
        }
        return s;
    }

    static float of(float[][] arrays) {
        float total = 0;
        for (float[] values : arrays) {
            total += of(values);
        }
        return total;
    }
}
