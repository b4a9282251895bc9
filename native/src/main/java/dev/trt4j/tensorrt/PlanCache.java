package dev.trt4j.tensorrt;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One loaded value per distinct serialized engine (by SHA-256 of its bytes), kept for the life of the JVM. For what
 * cannot be freed: the 10.15 presets cannot delete TensorRT's engines and contexts ({@link LoadedEngine}), so loading
 * the same plan again for every benchmark run would pile up copies of its weights and activation memory on the GPU.
 * A load that fails is not kept. Thread-safe; a caller that uses a value from several threads synchronizes on it.
 *
 * @param <V> what a plan loads into
 */
final class PlanCache<V> {
    private final Map<String, V> byDigest = new HashMap<>();

    /**
     * The value loaded from the plan of SHA-256 {@code digest} ({@link PlanBytes#digest()}), loading it with
     * {@code load} the first time these bytes are seen.
     */
    synchronized V get(String digest, Supplier<V> load) {
        V value = byDigest.get(digest);
        if (value == null) {
            value = load.get();
            byDigest.put(digest, value);
        }
        return value;
    }

    /** How many distinct plans are held. */
    synchronized int size() {
        return byDigest.size();
    }
}
