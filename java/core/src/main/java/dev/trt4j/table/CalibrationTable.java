package dev.trt4j.table;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.Amax;
import dev.trt4j.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of calibration, independent of TensorRT: for each tensor, in network order, the clipping magnitude
 * {@code amax} (in the tensor's own units; the INT8 scale is {@code amax / 127}), plus the {@link Provenance}
 * of the numbers. Consumed by the TensorRT cache writer ({@link TensorRtCalibrationCache#fromTable}) and by
 * Q/DQ insertion.
 *
 * <p>Stored as JSON (see {@link #toJson()}): each amax appears both as the shortest decimal that reads back as
 * the same float32 and as the 8 hex digits of its float32 bits; reading trusts the hex digits when present.
 * Immutable; thread-safe.
 */
public final class CalibrationTable {
    private final Map<String, Float> amaxByTensor;
    private final Provenance provenance;

    /**
     * @param amaxByTensor tensor name to amax, iterated in the order to keep (copied)
     * @param provenance   where the numbers come from
     * @throws IllegalArgumentException on an empty tensor name or an amax that is negative (-0.0 too), NaN or infinite
     */
    public CalibrationTable(Map<String, Float> amaxByTensor, Provenance provenance) {
        Map<String, Float> copy = new LinkedHashMap<>();
        amaxByTensor.forEach((name, amax) -> {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("tensor names must not be empty");
            }
            if (amax == null || !Amax.isValid(amax)) {
                throw new IllegalArgumentException("tensor '" + name + "': amax must be finite and >= 0, got " + amax);
            }
            copy.put(name, amax);
        });
        this.amaxByTensor = Collections.unmodifiableMap(copy);
        this.provenance = Objects.requireNonNull(provenance, "provenance");
    }

    /**
     * Reads a table written by {@link #write(Path)}.
     *
     * @throws Trt4jException naming the file and the problem if it is unreadable, not JSON or not a table (a TensorRT
     *                        cache is named as one, where a JSON parser would only quote its header)
     */
    public static CalibrationTable read(Path file) {
        TensorRtCalibrationCache.headerOf(file).ifPresent(header -> {
            throw new Trt4jException(file + ": a TensorRT calibration cache (" + header + "), not a trt4j table "
                    + "(JSON); read it with CalibrationFile.read, which takes either");
        });
        return CalibrationTableJson.fromDocument(JsonDocument.read(file));
    }

    /**
     * Parses the JSON form.
     *
     * @param source what the text is, for error messages
     * @throws Trt4jException if the text is not a calibration table
     */
    public static CalibrationTable fromJson(String json, String source) {
        return CalibrationTableJson.fromDocument(JsonDocument.parse(json, source));
    }

    /** Writes the JSON form atomically (never a partial file). */
    public void write(Path file) {
        AtomicFiles.writeString(file, toJson());
    }

    /**
     * The JSON form: {@code {"format": "trt4j.calibration-table", "version": 1, "provenance": {...},
     * "tensors": {"<name>": {"amax": 2.1228104, "hex": "4007dbeb"}, ...}}}.
     */
    public String toJson() {
        return CalibrationTableJson.toText(this);
    }

    /** Tensor name to amax, in table order; unmodifiable. */
    public Map<String, Float> amaxByTensor() {
        return amaxByTensor;
    }

    /** Tensor names in table order. */
    public List<String> tensorNames() {
        return Collections.unmodifiableList(new ArrayList<>(amaxByTensor.keySet()));
    }

    /** Number of tensors. */
    public int size() {
        return amaxByTensor.size();
    }

    /** Whether the table has an amax for {@code tensor}. */
    public boolean contains(String tensor) {
        return amaxByTensor.containsKey(tensor);
    }

    /**
     * The amax of one tensor.
     *
     * @throws Trt4jException if the table has no such tensor
     */
    public float amax(String tensor) {
        Float amax = amaxByTensor.get(tensor);
        if (amax == null) {
            throw new Trt4jException("tensor '" + tensor + "' is not in the calibration table (" + size()
                    + " tensors)");
        }
        return amax;
    }

    /** Where the numbers come from. */
    public Provenance provenance() {
        return provenance;
    }

    /** Tables are equal when they have the same tensors in the same order with bit-identical amax values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationTable t && List.copyOf(amaxByTensor.entrySet())
                .equals(List.copyOf(t.amaxByTensor.entrySet())) && provenance.equals(t.provenance);
    }

    @Override
    public int hashCode() {
        return 31 * amaxByTensor.hashCode() + provenance.hashCode();
    }

    @Override
    public String toString() {
        return "CalibrationTable[" + size() + " tensors, method " + provenance.method() + "]";
    }
}
