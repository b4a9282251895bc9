package dev.trt4j.engine;

import dev.trt4j.ControlCharacters;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.table.CalibrationFile;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import dev.trt4j.table.SignedInt8Ranges;
import dev.trt4j.table.TensorRtCalibrationCache;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the calibrator's {@code readCalibrationCache} gives TensorRT: trt4j's own ranges (a
 * {@link CalibrationTable}) rendered as a {@link TensorRtCalibrationCache}, an existing cache file after checking
 * it, or nothing (TensorRT then calibrates on the sample batches).
 *
 * <p>TensorRT silently ignores a cache whose header does not match its version and calibrator, and would then
 * recalibrate with its own algorithm. Every check happens here first, so a mismatching table or cache is
 * rejected with one line instead of being silently replaced or reused.
 */
public final class CalibrationCacheHandoff {
    /** The TensorRT major version the bundled JavaCPP presets build with (10.15). */
    private static final int BUILD_MAJOR = 10;
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationCacheHandoff.class);

    private final TrtCalibrationAlgorithm algorithm;
    private final CalibrationTable table;
    private final String tableFileSha256;
    private final TensorRtCalibrationCache cache;
    private final byte[] cacheBytes;
    private final String source;

    private CalibrationCacheHandoff(TrtCalibrationAlgorithm algorithm, CalibrationTable table, String tableFileSha256,
            TensorRtCalibrationCache cache, byte[] cacheBytes, String source) {
        this.algorithm = algorithm;
        this.table = table;
        this.tableFileSha256 = tableFileSha256;
        this.cache = cache;
        this.cacheBytes = cacheBytes;
        this.source = source;
    }

    /** Nothing to hand over: TensorRT calibrates itself. */
    public static CalibrationCacheHandoff none(TrtCalibrationAlgorithm algorithm) {
        return new CalibrationCacheHandoff(algorithm, null, null, null, null, "none");
    }

    /**
     * trt4j's ranges from a table file, as {@code trt4j calibrate} writes it; the file's SHA-256 goes into the
     * sidecar. A table made for another model is refused.
     *
     * @throws Trt4jException when the file is missing or not a table, the table was calibrated for another grid than
     *         signed 8-bit, or it was made for another model
     */
    public static CalibrationCacheHandoff fromTableFile(Path file, TrtCalibrationAlgorithm algorithm, ModelFacts model) {
        return fromTableFile(file, algorithm, model, false);
    }

    /**
     * As {@link #fromTableFile(Path, TrtCalibrationAlgorithm, ModelFacts)}; with {@code anyModel} (build's
     * {@code --force}) a table made for another model is used anyway.
     */
    public static CalibrationCacheHandoff fromTableFile(Path file, TrtCalibrationAlgorithm algorithm, ModelFacts model,
            boolean anyModel) {
        if (!Files.isRegularFile(file)) {
            throw new Trt4jException(file + ": calibration table not found");
        }
        return fromTableFile(file, CalibrationTable.read(file), algorithm, model, anyModel);
    }

    /** As {@link #fromTableFile(Path, TrtCalibrationAlgorithm, ModelFacts, boolean)}, for a table read from it. */
    static CalibrationCacheHandoff fromTableFile(Path file, CalibrationTable table, TrtCalibrationAlgorithm algorithm,
            ModelFacts model, boolean anyModel) {
        return checked(table, Provenance.sha256(file), file.toString(), algorithm, model, anyModel);
    }

    /**
     * trt4j's ranges held in memory (computed during the build, or given through the API); the SHA-256 of the
     * cache they render to goes into the sidecar.
     *
     * @throws Trt4jException when the table was made for another model
     */
    public static CalibrationCacheHandoff fromTable(CalibrationTable table, TrtCalibrationAlgorithm algorithm,
            ModelFacts model) {
        return fromTable(table, algorithm, model, false);
    }

    /** As {@link #fromTable(CalibrationTable, TrtCalibrationAlgorithm, ModelFacts)}; {@code anyModel} as for a file. */
    public static CalibrationCacheHandoff fromTable(CalibrationTable table, TrtCalibrationAlgorithm algorithm,
            ModelFacts model, boolean anyModel) {
        return checked(table, null, describe(table), algorithm, model, anyModel);
    }

    private static CalibrationCacheHandoff checked(CalibrationTable table, String fileSha256, String source,
            TrtCalibrationAlgorithm algorithm, ModelFacts model, boolean anyModel) {
        SignedInt8Ranges.require(table, source, "build hands TensorRT signed INT8 ranges");
        if (!anyModel) {
            requireMadeFor(table, source, model);
        }
        try {
            TensorRtCalibrationCache.fromTable(table, TensorRtCalibrationCache.DEFAULT_VERSION, algorithm.cacheToken());
        } catch (IllegalArgumentException e) {
            throw new Trt4jException(source + ": rejected: " + e.getMessage());
        }
        warnAboutActivationsWithoutRange(table.tensorNames(), source, model);
        return new CalibrationCacheHandoff(algorithm, table, fileSha256, null, null, source);
    }

    /**
     * Judges a table's model as quantize does: by the SHA-256 its provenance records, so a table of this model with
     * tensors the model lacks (TensorRT ignores a range for a tensor it does not have) passes, and another model's
     * table with the same tensor names does not. Only a table that records no model (converted from a cache, made by
     * hand) is judged by its tensor names.
     */
    private static void requireMadeFor(CalibrationTable table, String source, ModelFacts model) {
        String madeFor = table.provenance().modelSha256();
        if (madeFor != null) {
            if (!madeFor.equals(model.sha256())) {
                throw new Trt4jException(source + ": made for model sha256 " + Provenance.abbreviated(madeFor)
                        + " but " + model.name() + " is " + Provenance.abbreviated(model.sha256())
                        + " (--force uses it anyway)");
            }
            return;
        }
        List<String> foreign = table.tensorNames().stream().filter(n -> !model.hasTensor(n)).toList();
        if (!foreign.isEmpty()) {
            throw new Trt4jException(source + ": rejected: " + foreign.size() + " of its " + table.size()
                    + " tensors are not in " + model.name() + " (e.g. '" + foreign.get(0) + "') and it records no "
                    + "model sha256, so it was made for another model (--force uses it anyway)");
        }
    }

    /**
     * Implicit INT8 wants a range for every activation: TensorRT builds without the missing ones, but runs their
     * layers in a higher precision, which a user reading the engine's INT8 label would not expect. A table from
     * {@code calibrate} without {@code --all-tensors} holds the quantizable inputs only (a Q/DQ model's set), and so
     * does the cache it writes beside it.
     */
    private static void warnAboutActivationsWithoutRange(Collection<String> rangedTensors, String source,
            ModelFacts model) {
        Set<String> ranged = new java.util.HashSet<>(rangedTensors);
        List<String> missing = model.onnx().allActivationTensors().stream().filter(n -> !ranged.contains(n)).toList();
        if (!missing.isEmpty()) {
            LOG.warn("{}: no range for {} of the {} activations of {} (e.g. '{}'): TensorRT runs their layers in "
                    + "higher precision; trt4j calibrate --all-tensors gives every one a range", source,
                    missing.size(), model.onnx().allActivationTensors().size(), model.name(),
                    ControlCharacters.escape(missing.get(0)));
        }
    }

    /** Names in-memory ranges in logs and messages, e.g. {@code trt4j entropy ranges from npy:x.npy (64 samples)}. */
    private static String describe(CalibrationTable table) {
        Provenance p = table.provenance();
        return "trt4j " + (p.method() == null ? "" : p.method() + " ") + "ranges"
                + (p.dataDescription() == null ? "" : " from " + p.dataDescription());
    }

    /**
     * An existing cache file, checked against the calibrator and the model now; its TensorRT version is checked
     * in {@link #bytesFor}. For trt4j's calibrators a cache without a range for some activations gets the warning a
     * table gets; a cache TensorRT's own calibrators wrote holds TensorRT's names for its own network.
     *
     * @param calibrator the calibrator of the build: its TensorRT class must match the cache's header, and its kind
     *        decides what a rejection advises (TensorRT's recalibrate on {@code --data}; trt4j's need new ranges)
     * @throws InvalidOptionException when the cache was written by another calibrator than {@code calibrator}
     * @throws Trt4jException when the file is not a cache (not UTF-8 text, a table, a header line alone), was
     *         written by a calibrator trt4j has none for, or lacks the model's inputs (a cache for another model)
     */
    public static CalibrationCacheHandoff fromCache(String source, byte[] bytes, CalibratorChoice calibrator,
            ModelFacts model) {
        // read as cache show and cache convert read it, so a file gets the same verdict from each command
        CalibrationFile file = CalibrationFile.parse(Path.of(source), bytes);
        if (!file.isCache()) {
            throw new Trt4jException(source + ": a trt4j calibration table (JSON), not a TensorRT calibration cache; "
                    + "give a table with --table (for --calibrator max, entropy, percentile or mse)");
        }
        TensorRtCalibrationCache parsed = file.cache();
        TensorRtVersion written = TensorRtVersion.fromCode(parsed.version());
        if (written.major() != BUILD_MAJOR) {
            // known before the GPU is looked for: TensorRT 10 takes a cache of its own version only. Checked before
            // the calibrator: a cache of another major is refused whatever --calibrator says, so that one is named first
            throw new Trt4jException(source + ": calibration cache rejected: written by " + parsed.header()
                    + " (TensorRT " + written + "), and trt4j builds with TensorRT " + BUILD_MAJOR + ", which takes a "
                    + "cache of its own version only; " + (calibrator.isTrt4jAlgorithm()
                    ? "convert it to a table (trt4j cache convert CACHE --out T.table.json) and build with --table "
                    + "T.table.json, or " : "") + newRanges(calibrator, model));
        }
        TrtCalibrationAlgorithm algorithm = calibrator.trtAlgorithm();
        if (!parsed.algorithm().equals(algorithm.cacheToken())) {
            String rejected = source + ": calibration cache rejected: written by " + parsed.header();
            Optional<TrtCalibrationAlgorithm> writer = TrtCalibrationAlgorithm.ofCacheToken(parsed.algorithm());
            if (writer.isPresent()) {
                // the option contradicts the file, as --calibrator entropy with a max table: a usage error
                throw new InvalidOptionException(rejected + " but --calibrator " + calibrator.cliName() + " reads "
                        + "TensorRT's " + algorithm.cacheToken() + "; pass " + CalibratorChoice.optionFor(writer.get(),
                        calibrator.isTrt4jAlgorithm()) + (calibrator.isTrt4jAlgorithm()
                        ? " (or no --calibrator: the cache's header chooses)"
                        : ", or delete it to recalibrate with --data"));
            }
            // TensorRT's older EntropyCalibration: no calibrator reads it, so the way is a table
            throw new Trt4jException(rejected + " but this build uses TensorRT's " + algorithm.cacheToken() + ", and "
                    + "no --calibrator uses " + parsed.algorithm() + "; " + (calibrator.isTrt4jAlgorithm()
                    ? "convert it to a table (trt4j cache convert CACHE --out T.table.json) and build with --table "
                    + "T.table.json" : newRanges(calibrator, model)));
        }
        Set<String> missing = model.inputs().stream()
                .filter(in -> in.type() == ElementType.FLOAT32 || in.type() == ElementType.FLOAT16)
                .map(TensorSpec::name).filter(n -> !parsed.scaleBitsByTensor().containsKey(n))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!missing.isEmpty()) {
            throw new Trt4jException(source + ": calibration cache rejected: it has no range for input(s) " + missing
                    + " of " + model.name() + ", so it was made for another model; " + newRanges(calibrator, model));
        }
        if (calibrator.isTrt4jAlgorithm()) {
            warnAboutActivationsWithoutRange(parsed.scaleBitsByTensor().keySet(), source, model);
        }
        return new CalibrationCacheHandoff(algorithm, null, null, parsed, bytes.clone(), source);
    }

    /**
     * How a build gets ranges in place of a cache it cannot use: TensorRT's calibrators write a new one from the
     * samples once it is gone; trt4j's read no samples while a cache is given, and without one need ranges computed.
     */
    private static String newRanges(CalibratorChoice calibrator, ModelFacts model) {
        return calibrator.isTrt4jAlgorithm()
                ? "calibrate " + model.name() + " (trt4j calibrate --all-tensors) and pass its cache or table, or "
                        + "build with --data instead of --cache"
                : "delete it to recalibrate with --data";
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
            return Optional.of(TensorRtCalibrationCache.fromTable(table, version.code(), algorithm.cacheToken())
                    .toText().getBytes(StandardCharsets.UTF_8));
        }
        if (cache != null) {
            if (cache.version() != version.code()) {
                throw new Trt4jException(source + ": calibration cache rejected: written by " + cache.header()
                        + " but this is TensorRT " + version + " (" + new TensorRtCalibrationCache(version.code(),
                        algorithm.cacheToken(), Map.of()).header() + "); recalibrate or pass --table");
            }
            return Optional.of(cacheBytes.clone());
        }
        return Optional.empty();
    }

    /**
     * SHA-256 of what the ranges came from: the table file, the cache file, or (for a table held in memory) the
     * cache handed to TensorRT {@code version}; empty when there is none.
     */
    public Optional<String> sha256(TensorRtVersion version) {
        if (table != null) {
            return Optional.of(tableFileSha256 != null ? tableFileSha256 : Provenance.sha256(bytesFor(version).get()));
        }
        return cache == null ? Optional.empty() : Optional.of(Provenance.sha256(cacheBytes));
    }

    /** Number of tensors with a range, for logs. */
    public int tensorCount() {
        return table != null ? table.size() : cache != null ? cache.scaleBitsByTensor().size() : 0;
    }

    /** Where the ranges come from, for logs and messages. */
    public String source() {
        return source;
    }
}
