package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the calibrator's {@code readCalibrationCache} gives TensorRT: trt4j's own ranges rendered as a cache,
 * an existing cache file after checking it, or nothing (TensorRT then calibrates on the sample batches).
 *
 * <p>TensorRT silently ignores a cache whose header does not match its version and calibrator, and would then
 * recalibrate with its own algorithm. Every check happens here first, so a mismatching cache is rejected with
 * one line instead of being silently replaced or reused.
 */
public final class CalibrationCacheHandoff {
    private final TrtCalibrationAlgorithm algorithm;
    private final AmaxTable table;
    private final CalibrationCacheText.Parsed cache;
    private final byte[] cacheBytes;
    private final String source;

    private CalibrationCacheHandoff(TrtCalibrationAlgorithm algorithm, AmaxTable table,
            CalibrationCacheText.Parsed cache, byte[] cacheBytes, String source) {
        this.algorithm = algorithm;
        this.table = table;
        this.cache = cache;
        this.cacheBytes = cacheBytes;
        this.source = source;
    }

    /** Nothing to hand over: TensorRT calibrates itself. */
    public static CalibrationCacheHandoff none(TrtCalibrationAlgorithm algorithm) {
        return new CalibrationCacheHandoff(algorithm, null, null, null, "none");
    }

    /**
     * trt4j's ranges, to be rendered for the TensorRT version that runs the build.
     *
     * @throws Trt4jException when the table names tensors the model does not have (a table for another model)
     */
    public static CalibrationCacheHandoff fromTable(AmaxTable table, TrtCalibrationAlgorithm algorithm,
            Set<String> modelTensorNames, String modelName) {
        List<String> foreign = table.amax().keySet().stream().filter(n -> !modelTensorNames.contains(n)).toList();
        if (!foreign.isEmpty()) {
            throw new Trt4jException(table.source() + ": rejected: " + foreign.size() + " of its " + table.amax().size()
                    + " tensors are not in " + modelName + " (e.g. '" + foreign.get(0)
                    + "'); the table was made for another model");
        }
        return new CalibrationCacheHandoff(algorithm, table, null, null, table.source());
    }

    /**
     * An existing cache file, checked against the calibrator and the model now; its TensorRT version is checked
     * in {@link #bytesFor}.
     *
     * @throws Trt4jException when the file is not a cache, was written by another calibrator, or lacks the
     *         model's inputs (a cache for another model)
     */
    public static CalibrationCacheHandoff fromCache(String source, byte[] bytes, TrtCalibrationAlgorithm algorithm,
            List<TensorSpec> modelInputs, String modelName) {
        CalibrationCacheText.Parsed parsed = CalibrationCacheText.parse(source, bytes);
        if (!parsed.algorithmToken().equals(algorithm.cacheToken())) {
            throw new Trt4jException(source + ": calibration cache rejected: written by " + parsed.header()
                    + " but this build uses TensorRT's " + algorithm.cacheToken()
                    + "; pass the matching --calibrator or delete the cache to recalibrate");
        }
        Set<String> missing = modelInputs.stream()
                .filter(in -> in.type() == ElementType.FLOAT32 || in.type() == ElementType.FLOAT16)
                .map(TensorSpec::name).filter(n -> !parsed.scales().containsKey(n))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        if (!missing.isEmpty()) {
            throw new Trt4jException(source + ": calibration cache rejected: it has no range for input(s) " + missing
                    + " of " + modelName + "; it was made for another model (delete it to recalibrate)");
        }
        return new CalibrationCacheHandoff(algorithm, null, parsed, bytes.clone(), source);
    }

    /** True when TensorRT gets ranges and should not calibrate. */
    public boolean isPresent() {
        return table != null || cache != null;
    }

    /** True when the ranges are trt4j's own table. */
    public boolean isTable() {
        return table != null;
    }

    /** The TensorRT calibrator class the cache is meant for. */
    public TrtCalibrationAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The exact bytes {@code readCalibrationCache} returns on {@code version}, or empty to let TensorRT
     * calibrate.
     *
     * @throws Trt4jException when an existing cache was written for another TensorRT version
     */
    public Optional<byte[]> bytesFor(TensorRtVersion version) {
        if (table != null) {
            return Optional.of(CalibrationCacheText.render(version, algorithm, table.amax()));
        }
        if (cache != null) {
            if (cache.versionCode() != version.code()) {
                throw new Trt4jException(source + ": calibration cache rejected: written by " + cache.header()
                        + " but this is TensorRT " + version + " (" + CalibrationCacheText.header(version.code(),
                        algorithm.cacheToken()) + "); recalibrate or pass --table");
            }
            return Optional.of(cacheBytes.clone());
        }
        return Optional.empty();
    }

    /** SHA-256 of the table file or cache bytes handed over, or empty when there is none. */
    public Optional<String> sha256() {
        if (table != null) {
            return Optional.of(table.sha256());
        }
        return cache == null ? Optional.empty() : Optional.of(Sha256.of(cacheBytes));
    }

    /** Number of tensors with a range, for logs. */
    public int tensorCount() {
        Map<String, Float> m = table != null ? table.amax() : cache != null ? cache.scales() : Map.of();
        return m.size();
    }

    /** Where the ranges come from, for logs and messages. */
    public String source() {
        return source;
    }
}
