package dev.trt4j.table;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TensorRT INT8 calibration cache: the text file TensorRT 7–10 reads back instead of calibrating again.
 *
 * <pre>
 * TRT-101501-EntropyCalibration2
 * input_1:0: 3c010a14
 * (Unnamed Layer* 64) [Shuffle]_output: 0
 * </pre>
 *
 * The header holds {@code NV_TENSORRT_VERSION} ({@link #versionNumber}) and the calibrator algorithm; each
 * further line holds a tensor name, {@code ": "}, and the float32 bits of the INT8 <em>scale</em>
 * ({@code amax / 127}) in lower-case hex without leading zeros. Reading splits at the last {@code ": "}, so
 * names may contain spaces, brackets and colons; it accepts 1–8 hex digits, CRLF endings and blank lines.
 * Writing is canonical ({@code \n} endings, a final newline, TensorRT's digits), so a canonical file reads and
 * writes back byte for byte.
 *
 * <p>Amax and scale: {@code amax = scale * 127f} and {@code scale = amax / 127f} in float32. For every scale
 * this class writes from a table, converting to amax and back gives the same scale bits; going the other way,
 * amax to scale to amax, can move amax by an ulp, because the cache only keeps the scale. About 0.8% of all
 * float32 scales are not {@code amax / 127f} for any float32 amax; such a scale (never written by trt4j) changes
 * in its last bit on a cache → table → cache trip. Immutable; thread-safe.
 */
public final class TensorRtCalibrationCache {
    /** Algorithm token of TensorRT's {@code IInt8EntropyCalibrator2}. */
    public static final String ENTROPY_CALIBRATION_2 = "EntropyCalibration2";
    /** Algorithm token of TensorRT's {@code IInt8MinMaxCalibrator}. */
    public static final String MIN_MAX_CALIBRATION = "MinMaxCalibration";
    /**
     * The algorithm tokens TensorRT is known to write, and the only ones its calibrators trt4j drives will read
     * back (calibration.md §4.1: tokens of the v1 entropy and legacy calibrators were never seen in a real cache).
     */
    public static final List<String> KNOWN_ALGORITHMS = List.of(ENTROPY_CALIBRATION_2, MIN_MAX_CALIBRATION);
    /** {@code NV_TENSORRT_VERSION} of TensorRT 10.15.1, the release trt4j targets. */
    public static final int DEFAULT_VERSION = 101501;
    /** Provenance parameter that keeps a converted cache's header version. */
    static final String VERSION_PARAMETER = "tensorrtVersion";

    private static final float BOUND = 127f;
    /**
     * The bits of +Infinity, which TensorRT writes as the scale of a tensor holding -inf (an attention mask's
     * constant, and the sums that add it): such a tensor has no INT8 range, and a table leaves it out.
     */
    public static final int INFINITE_SCALE = 0x7f800000;
    private static final float MAX_SCALE = Float.MAX_VALUE / BOUND;
    /** Unicode-aware: the reader strips Unicode spaces, so an algorithm ending in one would not read back. */
    private static final Pattern ALGORITHM = Pattern.compile("(?U)\\S+");
    /** The reader takes a version of at most nine digits, as TensorRT's own caches have. */
    private static final int MAX_VERSION = 999_999_999;
    /** INT8 calibration, and with it the calibration cache, came with TensorRT 2.0. */
    private static final int FIRST_INT8_VERSION = 2000;
    /**
     * The last major taken: TensorRT 10 is the newest so far, and 11 is let through so that the next release's
     * caches convert before trt4j knows it; a header of TensorRT 99 is a typing error. Raise it with each new major.
     */
    private static final int LAST_MAJOR = 11;
    /** The forms {@link #parseVersion} takes, for messages (calibration.md §4.1). */
    private static final String VERSION_FORMS = "give a release from 2.0 to " + LAST_MAJOR + ".x (10.15.1, 8.6.1, or "
            + "10.15.1.29 as tensorrt.__version__ prints it) or its NV_TENSORRT_VERSION: "
            + "major·1000 + minor·100 + patch up to TensorRT 9 (4 digits: 8601), major·10000 + minor·100 + patch "
            + "from TensorRT 10 (6 digits: 101501)";
    /** major.minor[.patch[.build]]: tensorrt.__version__ prints the build too (10.15.1.29), which no header holds. */
    private static final Pattern DOTTED = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+)(?:\\.\\d+)?)?");

    private final int version;
    private final String algorithm;
    private final Map<String, Integer> scaleBitsByTensor;

    /**
     * Whether a cache can hold a tensor of this name: one line of the file per tensor, so not an empty name, nor one
     * with a line break. Checked before a run, not only when the cache is written.
     */
    public static boolean canHold(String tensorName) {
        return !tensorName.isEmpty() && tensorName.indexOf('\n') < 0 && tensorName.indexOf('\r') < 0;
    }

    /**
     * @param version           {@code NV_TENSORRT_VERSION}, e.g. 101501 or 8601
     * @param algorithm         header algorithm token, e.g. {@link #ENTROPY_CALIBRATION_2}
     * @param scaleBitsByTensor tensor name to raw float32 bits of its scale, in file order (copied)
     * @throws IllegalArgumentException on a version outside 0 to 999,999,999, an algorithm with spaces (Unicode ones
     *                                  too), a name that is empty or holds a line break, or bits that are not a
     *                                  finite scale ≥ +0 whose amax is finite
     */
    public TensorRtCalibrationCache(int version, String algorithm, Map<String, Integer> scaleBitsByTensor) {
        if (version < 0 || version > MAX_VERSION) {
            throw new IllegalArgumentException("TensorRT version must be 0 to " + MAX_VERSION + " (at most nine "
                    + "digits, as the header TRT-<version>-<algorithm> is read back), got " + version);
        }
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(scaleBitsByTensor, "scaleBitsByTensor");
        if (!ALGORITHM.matcher(algorithm).matches()) {
            throw new IllegalArgumentException("algorithm must be one word without spaces, got '" + algorithm + "'");
        }
        Map<String, Integer> copy = new LinkedHashMap<>();
        scaleBitsByTensor.forEach((name, bits) -> {
            if (!canHold(name)) {
                throw new IllegalArgumentException("tensor name '" + ControlCharacters.escape(name) + "' cannot be "
                        + "written to a calibration cache (empty or with a line break)");
            }
            if (bits < 0 || bits > INFINITE_SCALE) {
                throw new IllegalArgumentException("tensor '" + name + "': scale bits " + Integer.toHexString(bits)
                        + " are not a scale >= 0 (" + Float.intBitsToFloat(bits) + ")");
            }
            if (bits > Float.floatToRawIntBits(MAX_SCALE) && bits != INFINITE_SCALE) {
                // amax = scale · 127 would be infinite: TensorRT writes Infinity itself, never a finite scale this large
                throw new IllegalArgumentException("tensor '" + name + "': scale " + Float.intBitsToFloat(bits)
                        + " (bits " + Integer.toHexString(bits) + ") gives an amax of scale × 127 beyond float32");
            }
            copy.put(name, bits);
        });
        this.version = version;
        this.algorithm = algorithm;
        this.scaleBitsByTensor = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads a cache file.
     *
     * @throws Trt4jException naming the file and line on an unreadable file, a bad header or a bad entry
     */
    public static TensorRtCalibrationCache read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * The first line of {@code file} if it starts like a TensorRT cache ({@code TRT-}, after a byte-order mark or
     * white space), control characters escaped; empty otherwise or when it cannot be read (its reader then says why).
     * Lets a command expecting JSON name a cache given in its place, instead of quoting a JSON parser's error.
     */
    public static Optional<String> headerOf(Path file) {
        byte[] head = new byte[256];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8);
        String start = (text.startsWith("\uFEFF") ? text.substring(1) : text).stripLeading();
        if (!start.startsWith("TRT-")) {
            return Optional.empty();
        }
        int end = start.indexOf('\n');
        return Optional.of(ControlCharacters.escape((end < 0 ? start : start.substring(0, end)).strip()));
    }

    /**
     * Parses cache text.
     *
     * @param source what the text is (a file name), for error messages such as {@code "model.cache:3: ..."}
     * @throws Trt4jException on a bad header or entry, naming the line
     */
    public static TensorRtCalibrationCache parse(String text, String source) {
        return CalibrationCacheParser.parse(text, source);
    }

    /** Writes the canonical text atomically (never a partial file). */
    public void write(Path file) {
        AtomicFiles.writeString(file, toText());
    }

    /** The canonical text: the header and one {@code name: hex} line per tensor, each ending in {@code \n}. */
    public String toText() {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        scaleBitsByTensor.forEach((name, bits) ->
                sb.append(name).append(": ").append(Integer.toHexString(bits)).append('\n'));
        return sb.toString();
    }

    /**
     * A cache holding {@code amax / 127f} of every tensor of a table.
     *
     * @param version   {@code NV_TENSORRT_VERSION} for the header
     * @param algorithm algorithm token for the header
     * @throws IllegalArgumentException if a tensor name holds a line break or the header values are invalid
     * @throws Trt4jException           if the table was calibrated for another grid than signed 8-bit (a 4-bit or
     *                                  unsigned amax is no range a cache could hold)
     */
    public static TensorRtCalibrationCache fromTable(CalibrationTable table, int version, String algorithm) {
        SignedInt8Ranges.require(table, "the table", "a TensorRT cache holds signed INT8 scales");
        Map<String, Integer> bits = new LinkedHashMap<>();
        table.amaxByTensor().forEach((name, amax) -> bits.put(name, Float.floatToRawIntBits(scaleOf(amax))));
        return new TensorRtCalibrationCache(version, algorithm, bits);
    }

    /**
     * A cache for a table with the header its provenance suggests: a table converted from a cache keeps that
     * cache's version and algorithm; otherwise {@link #DEFAULT_VERSION} and {@link #defaultAlgorithm}.
     *
     * @throws IllegalArgumentException if the kept version is no TensorRT version
     */
    public static TensorRtCalibrationCache fromTable(CalibrationTable table) {
        return fromTable(table, keptHeader(table).map(Header::version).orElse(DEFAULT_VERSION),
                defaultAlgorithm(table));
    }

    /**
     * The header algorithm for a table: the kept one of a table converted from a cache, else
     * {@link #MIN_MAX_CALIBRATION} for method {@code max} and {@link #ENTROPY_CALIBRATION_2} for every other method
     * (TensorRT compares the token only to decide whether the cache suits the calibrator it is given). Unlike
     * {@link #keptHeader}, it does not read the kept version, which {@code cache convert --trt-version} replaces.
     */
    public static String defaultAlgorithm(CalibrationTable table) {
        Provenance p = table.provenance();
        if (p.parameters().containsKey(VERSION_PARAMETER) && p.method() != null
                && ALGORITHM.matcher(p.method()).matches()) {
            return p.method();
        }
        return "max".equals(p.method()) ? MIN_MAX_CALIBRATION : ENTROPY_CALIBRATION_2;
    }

    /** A cache's header: {@code TRT-<version>-<algorithm>}. */
    public record Header(int version, String algorithm) {
        /** {@code TRT-<version>-<algorithm>}. */
        public String text() {
            return "TRT-" + version + "-" + algorithm;
        }
    }

    /**
     * The header of the cache {@code table} was converted from, which its provenance keeps (the algorithm as the
     * method, the version as parameter {@code tensorrtVersion}); empty for a table trt4j calibrated.
     *
     * @throws IllegalArgumentException naming the provenance field if the kept version is no TensorRT version
     */
    public static Optional<Header> keptHeader(CalibrationTable table) {
        Provenance p = table.provenance();
        String keptVersion = p.parameters().get(VERSION_PARAMETER);
        if (keptVersion == null || p.method() == null || !ALGORITHM.matcher(p.method()).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Header(parseVersion(keptVersion), p.method()));
        } catch (IllegalArgumentException e) {
            // a hand edit (or a cache whose own header no TensorRT wrote): the version to write must be given
            throw new IllegalArgumentException("provenance \"" + VERSION_PARAMETER + "\": \""
                    + ControlCharacters.escape(keptVersion) + "\" is no TensorRT version; " + VERSION_FORMS
                    + " (or set the header's with --trt-version)", e);
        }
    }

    /**
     * The table of amax values ({@code scale * 127f}); its provenance names the algorithm as the method and keeps
     * the header version as parameter {@code tensorrtVersion}, so {@link #fromTable(CalibrationTable)} restores
     * the header.
     *
     * @param source what the cache is (a file name), recorded as the data description
     */
    public CalibrationTable toTable(String source) {
        Map<String, Float> amax = new LinkedHashMap<>();
        scaleBitsByTensor.forEach((name, bits) -> {
            if (bits != INFINITE_SCALE) {
                amax.put(name, amaxOf(Float.intBitsToFloat(bits)));
            }
        });
        Provenance unknown = Provenance.unknown();
        Provenance p = new Provenance(algorithm, Map.of(VERSION_PARAMETER, Integer.toString(version)), null, null,
                null, unknown.trt4jVersion(), "TensorRT calibration cache " + source, unknown.createdAt());
        return new CalibrationTable(amax, p);
    }

    /** The tensors whose scale is +Infinity ({@link #INFINITE_SCALE}), in file order: {@link #toTable} leaves them out. */
    public List<String> infiniteScales() {
        List<String> names = new ArrayList<>();
        scaleBitsByTensor.forEach((name, bits) -> {
            if (bits == INFINITE_SCALE) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * The tensors whose scale is not {@code amax / 127f} for any float32 amax, in file order. TensorRT and trt4j
     * write scales that way, so theirs never are; a scale made otherwise changes in its last bit on a trip through
     * a table, which keeps amax.
     */
    public List<String> scalesNoAmaxGives() {
        List<String> names = new ArrayList<>();
        scaleBitsByTensor.forEach((name, bits) -> {
            if (Float.floatToRawIntBits(scaleOf(amaxOf(Float.intBitsToFloat(bits)))) != bits) {
                names.add(name);
            }
        });
        return names;
    }

    /** {@code TRT-<version>-<algorithm>}. */
    public String header() {
        return "TRT-" + version + "-" + algorithm;
    }

    /** {@code NV_TENSORRT_VERSION} from the header. */
    public int version() {
        return version;
    }

    /** Algorithm token from the header. */
    public String algorithm() {
        return algorithm;
    }

    /** Tensor name to raw float32 bits of its scale, in file order; unmodifiable. */
    public Map<String, Integer> scaleBitsByTensor() {
        return scaleBitsByTensor;
    }

    /**
     * The scale of a tensor.
     *
     * @throws Trt4jException if the cache has no such tensor
     */
    public float scale(String tensor) {
        Integer bits = scaleBitsByTensor.get(tensor);
        if (bits == null) {
            throw new Trt4jException("tensor '" + tensor + "' is not in the calibration cache (" + header() + ", "
                    + scaleBitsByTensor.size() + " tensors)");
        }
        return Float.intBitsToFloat(bits);
    }

    /** The dynamic range (amax) of a tensor, {@code scale * 127f}. */
    public float amax(String tensor) {
        return amaxOf(scale(tensor));
    }

    /** INT8 scale of an amax: {@code amax / 127f}. */
    public static float scaleOf(float amax) {
        return amax / BOUND;
    }

    /**
     * Amax (dynamic range) of an INT8 scale: {@code scale * 127f}. The scale of the largest float32,
     * {@code Float.MAX_VALUE / 127f} (what the max method gives a tensor holding {@code -3.4e38} mask fills), rounds
     * up past it on the way back; it maps to {@code Float.MAX_VALUE} so that such a cache reads back as the table it
     * came from instead of as an infinite range.
     */
    public static float amaxOf(float scale) {
        float amax = scale * BOUND;
        return Float.isInfinite(amax) && scale == MAX_SCALE ? Float.MAX_VALUE : amax;
    }

    /**
     * {@code NV_TENSORRT_VERSION} of a release: {@code major·1000 + minor·100 + patch} up to TensorRT 9,
     * {@code major·10000 + minor·100 + patch} from TensorRT 10 (10.15.1 → 101501, 8.6.1 → 8601).
     */
    public static int versionNumber(int major, int minor, int patch) {
        if (major < 0 || minor < 0 || minor > 99 || patch < 0 || patch > 99) {
            throw new IllegalArgumentException("not a TensorRT version: " + major + "." + minor + "." + patch);
        }
        return major * (major >= 10 ? 10000 : 1000) + minor * 100 + patch;
    }

    /**
     * Whether {@code version} is an {@code NV_TENSORRT_VERSION} some TensorRT with INT8 calibration (2.0 on) can
     * have: four digits ({@code major·1000 + minor·100 + patch}, TensorRT 2 to 9) or six ({@code major·10000 +
     * minor·100 + patch}, TensorRT 10 and 11). Five digits fit neither formula: {@code 10150} is no TensorRT's, and
     * neither is a major past {@link #LAST_MAJOR} ({@code 999999}, 99.99.99).
     */
    public static boolean isVersionNumber(int version) {
        return version >= FIRST_INT8_VERSION && version <= 9999
                || version >= 100000 && version < (LAST_MAJOR + 1) * 10000;
    }

    /**
     * A header version from user text: either the number itself ({@code 101501}, {@code 7000}) or a release
     * ({@code 10.15.1}, {@code 8.6}), of a TensorRT that has INT8 calibration (2.0 to 11; {@link #isVersionNumber}).
     *
     * @throws IllegalArgumentException if the text is neither, or no TensorRT has that version
     */
    public static int parseVersion(String text) {
        String t = text.strip();
        Matcher m = DOTTED.matcher(t);
        if (m.matches() && m.group(1).length() <= 2 && m.group(2).length() <= 2
                && (m.group(3) == null || m.group(3).length() <= 2)) {
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            // up to TensorRT 9 the minor has one digit of the number: 8.12 would read back as 9.2
            if (major >= FIRST_INT8_VERSION / 1000 && major <= LAST_MAJOR && minor <= (major < 10 ? 9 : 99)) {
                return versionNumber(major, minor, m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
            }
        } else if (t.matches("\\d{1,9}") && isVersionNumber(Integer.parseInt(t))) {
            return Integer.parseInt(t);
        }
        throw new IllegalArgumentException("'" + ControlCharacters.escape(text) + "' is no TensorRT version; "
                + VERSION_FORMS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorRtCalibrationCache c && version == c.version && algorithm.equals(c.algorithm)
                && java.util.List.copyOf(scaleBitsByTensor.entrySet())
                .equals(java.util.List.copyOf(c.scaleBitsByTensor.entrySet()));
    }

    @Override
    public int hashCode() {
        return (31 * version + algorithm.hashCode()) * 31 + scaleBitsByTensor.hashCode();
    }

    @Override
    public String toString() {
        return "TensorRtCalibrationCache[" + header() + ", " + scaleBitsByTensor.size() + " tensors]";
    }
}
