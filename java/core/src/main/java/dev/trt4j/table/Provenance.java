package dev.trt4j.table;

import dev.trt4j.Trt4jException;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where a calibration table came from, so that it can be trusted or reproduced later: the method and its
 * parameters, how many samples were seen, which model file (by name and SHA-256), which trt4j, which data, and
 * when. Every field except {@code parameters} may be {@code null} when unknown (e.g. for a table converted from
 * a TensorRT cache).
 *
 * @param method          calibration method name, e.g. {@code "entropy"}
 * @param parameters      the method's parameters as text, in a stable order (never null; may be empty)
 * @param sampleCount     number of calibration samples run through the model
 * @param modelFileName   file name of the model, without folders
 * @param modelSha256     SHA-256 of the model file, 64 lower-case hex digits
 * @param trt4jVersion    trt4j version that produced the table
 * @param dataDescription what the calibration data was, e.g. {@code "images:/data/lines (256 files)"}
 * @param createdAt       creation time, to the millisecond
 */
public record Provenance(String method, Map<String, String> parameters, Long sampleCount, String modelFileName,
                         String modelSha256, String trt4jVersion, String dataDescription, Instant createdAt) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * @param method calibration method name, e.g. {@code "entropy"}
     * @param parameters the method's parameters as text, in a stable order (never null; may be empty)
     * @param sampleCount number of calibration samples run through the model
     * @param modelFileName file name of the model, without folders
     * @param modelSha256 SHA-256 of the model file, 64 lower-case hex digits
     * @param trt4jVersion trt4j version that produced the table
     * @param dataDescription what the calibration data was, e.g. {@code "images:/data/lines (256 files)"}
     * @param createdAt creation time, to the millisecond
     * @throws IllegalArgumentException on a negative sample count or a malformed SHA-256
     */
    public Provenance {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters")));
        if (sampleCount != null && sampleCount < 0) {
            throw new IllegalArgumentException("sample count must not be negative, got " + sampleCount);
        }
        if (modelSha256 != null && !SHA256.matcher(modelSha256).matches()) {
            throw new IllegalArgumentException("model SHA-256 must be 64 lower-case hex digits, got '"
                    + modelSha256 + "'");
        }
    }

    /** A provenance that knows nothing but the running trt4j version and the current time. */
    public static Provenance unknown() {
        return new Provenance(null, Map.of(), null, null, null, Trt4jVersion.get(), null, now());
    }

    /**
     * The provenance of a calibration run happening now with this trt4j: hashes the model file.
     *
     * @param modelFile the model that was calibrated; its name and SHA-256 are recorded
     * @throws Trt4jException if the model file cannot be read
     */
    public static Provenance ofRun(String method, Map<String, String> parameters, long sampleCount, Path modelFile,
                                   String dataDescription) {
        Path name = modelFile.getFileName();
        return new Provenance(method, parameters, sampleCount, name == null ? null : name.toString(),
                sha256(modelFile), Trt4jVersion.get(), dataDescription, now());
    }

    /**
     * The calibration options as provenance parameters ({@code numBits}, {@code unsigned}, {@code startBin},
     * {@code stride}, {@code percentile}, {@code trtEntropyThreshold}), in that order.
     */
    public static Map<String, String> parameters(CalibrationOptions options) {
        return parameters((Calibrator) null, options);
    }

    /**
     * The options {@code method} reads ({@link Calibrator#optionsRead()}), as provenance parameters in the order of
     * {@link #parameters(CalibrationOptions)}, the grid ({@code numBits}, {@code unsigned}) always: a table then names
     * no setting its method never used. A null method gives all of them.
     */
    public static Map<String, String> parameters(Calibrator method, CalibrationOptions options) {
        Set<String> read = method == null ? Calibrator.OPTION_NAMES : method.optionsRead();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("numBits", Integer.toString(options.numBits()));
        p.put("unsigned", Boolean.toString(options.unsigned()));
        if (read.contains("startBin")) {
            p.put("startBin", Integer.toString(options.startBin()));
        }
        if (read.contains("stride")) {
            p.put("stride", Integer.toString(options.stride()));
        }
        if (read.contains("percentile")) {
            p.put("percentile", Double.toString(options.percentile()));
        }
        if (read.contains("trtEntropyThreshold")) {
            p.put("trtEntropyThreshold", Boolean.toString(options.trtEntropyThreshold()));
        }
        return p;
    }

    /**
     * The bit width a provenance's {@code numBits} text names (1 to 16, surrounding spaces allowed), or empty where it
     * names none: the one reading of it for the table reader and for the grid's largest level.
     */
    public static OptionalInt numBits(String text) {
        try {
            int bits = Integer.parseInt(text.strip());
            return bits >= 1 && bits <= 16 ? OptionalInt.of(bits) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * A SHA-256 as messages and pages show it: its first 12 digits and an ellipsis; a shorter text (a hand-edited
     * file's) whole.
     */
    public static String abbreviated(String sha256) {
        return sha256.length() <= 12 ? sha256 : sha256.substring(0, 12) + "…";
    }

    /**
     * SHA-256 of a file's bytes as 64 lower-case hex digits.
     *
     * @throws Trt4jException if the file cannot be read
     */
    public static String sha256(Path file) {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream()); // the digest sees the bytes on the way
        } catch (IOException e) {
            throw ReadFailure.of(file, "to compute its SHA-256", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of {@code bytes} as 64 lower-case hex digits. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    /** A fresh SHA-256 digest, for a hash fed in parts (a model and its external data). */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    private static Instant now() {
        // Milliseconds are plenty for provenance and keep the JSON text short.
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
