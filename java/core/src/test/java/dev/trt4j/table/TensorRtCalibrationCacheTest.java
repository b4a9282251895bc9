package dev.trt4j.table;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorRtCalibrationCacheTest {
    /** {@code NVIDIA/TensorRT: samples/sampleINT8/README.md}, as listed in calibration.md §8.3. */
    static final String TRT_7000_SAMPLE = """
            TRT-7000-EntropyCalibration2
            data: 3c008912
            conv1: 3c88edfc
            pool1: 3c88edfc
            conv2: 3ddc858b
            pool2: 3ddc858b
            ip1: 3db6bd6e
            ip2: 3e691968
            prob: 3c010a14
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "amax {0} -> {1}")
    @CsvSource({
        "1.0, 3c010204",
        "2.0, 3c810204",
        "4.0, 3d010204",
        "6.0, 3d418306",
        "0.5, 3b810204",
        "127.0, 3f800000",
        "255.0, 40008102",
        "0.0, 0",
        "254.87549, 400070f2",
        "255.0625, 40008912",
    })
    void writesTheSection83Vectors(float amax, String hex) {
        CalibrationTable table = new CalibrationTable(Map.of("t", amax), Provenance.unknown());
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.fromTable(table, 7000, "EntropyCalibration2");

        assertThat(cache.toText()).isEqualTo("TRT-7000-EntropyCalibration2\nt: " + hex + "\n");
        // and the way back gives the same amax: scale -> amax -> scale is exact for these
        assertThat(TensorRtCalibrationCache.parse(cache.toText(), "vector").amax("t")).isEqualTo(amax);
    }

    /** Max calibration of an attention mask filled with -3.4e38 gives the largest float32 as its range. */
    @Test
    void theLargestFloatAsAmaxReadsBackInsteadOfOverflowing() {
        CalibrationTable table = new CalibrationTable(Map.of("mask", Float.MAX_VALUE, "x", 2.0f),
                Provenance.unknown());
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.fromTable(table, 7000, "MinMaxCalibration");

        TensorRtCalibrationCache read = TensorRtCalibrationCache.parse(cache.toText(), "mask.cache");
        assertThat(read.amax("mask")).isEqualTo(Float.MAX_VALUE);
        assertThat(read.toTable("mask.cache").amaxByTensor()).containsEntry("mask", Float.MAX_VALUE)
                .containsEntry("x", 2.0f);
        assertThat(TensorRtCalibrationCache.fromTable(read.toTable("mask.cache")).toText()).isEqualTo(cache.toText());
        // a foreign scale whose range is truly beyond float32 still reads as infinite, and a table refuses it
        assertThat(TensorRtCalibrationCache.amaxOf(Math.nextUp(Float.MAX_VALUE / 127f))).isInfinite();
    }

    @Test
    void decodesTheTrt7000SampleToItsDynamicRanges() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(TRT_7000_SAMPLE, "sample");

        assertThat(cache.version()).isEqualTo(7000);
        assertThat(cache.algorithm()).isEqualTo("EntropyCalibration2");
        assertThat(List.copyOf(cache.scaleBitsByTensor().keySet()))
                .containsExactly("data", "conv1", "pool1", "conv2", "pool2", "ip1", "ip2", "prob");
        float[] expected = {0.9963379f, 2.1228104f, 2.1228104f, 13.674927f, 13.674927f, 11.332019f, 28.90977f,
            1.0002441f};
        CalibrationTable table = cache.toTable("sample");
        assertThat(table.amaxByTensor().values()).containsExactly(box(expected));
        assertThat(cache.scale("conv1")).isEqualTo(0.016715042f);
    }

    @Test
    void canonicalFilesRoundTripByteForByte() throws Exception {
        String withOddNames = "TRT-101501-MinMaxCalibration\n"
                + "input_1:0: 3c010a14\n"
                + "(Unnamed Layer* 64) [Shuffle]_output: 0\n"
                + "name with spaces [and: colons]: 3f800000\n"
                + "tiny: 1\n";
        for (String text : List.of(TRT_7000_SAMPLE, withOddNames, "TRT-8601-EntropyCalibration2\n")) {
            Path file = dir.resolve("in.cache");
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            Path out = dir.resolve("out.cache");
            TensorRtCalibrationCache.read(file).write(out);
            assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void namesWithSpacesBracketsAndColonsParseToTheWholeName() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse("TRT-8401-EntropyCalibration2\n"
                + "(Unnamed Layer* 64) [Shuffle]_output: 0\n"
                + "input_1:0: 3c010a14\n"
                + "a: b: 3f800000\n", "odd");

        assertThat(cache.scaleBitsByTensor()).containsExactly(
                Map.entry("(Unnamed Layer* 64) [Shuffle]_output", 0),
                Map.entry("input_1:0", 0x3c010a14),
                Map.entry("a: b", 0x3f800000));
        assertThat(cache.amax("a: b")).isEqualTo(127f);
    }

    @Test
    void toleratesCrlfBlankLinesAndShortHexThenWritesCanonically() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(
                "\r\nTRT-7000-EntropyCalibration2\r\n\r\ndata: 3C008912\r\n   \r\nx: 00000000\r\nlast: 1\r\n", "crlf");

        assertThat(cache.toText()).isEqualTo("TRT-7000-EntropyCalibration2\ndata: 3c008912\nx: 0\nlast: 1\n");
    }

    /**
     * TensorRT 8.6 wrote 7f800000 for an attention mask's -inf constant and the sums that add it (a real cache of a
     * diffusion model's decoder): the cache reads, round-trips, and its table leaves those tensors out.
     */
    @Test
    void anInfiniteScaleAsTensorRtWritesItIsReadAndLeftOutOfTheTable() {
        String text = "TRT-8601-EntropyCalibration2\n(Unnamed Layer* 273) [Constant]_output: 7f800000\n"
                + "/decoder/layers.0/multihead_attn/Add_3_output_0: 7f800000\nx: 3c008912\n";
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(text, "int8.cache");

        assertThat(cache.toText()).isEqualTo(text);
        assertThat(cache.scale("x")).isEqualTo(Float.intBitsToFloat(0x3c008912));
        assertThat(cache.infiniteScales()).containsExactly("(Unnamed Layer* 273) [Constant]_output",
                "/decoder/layers.0/multihead_attn/Add_3_output_0");
        assertThat(cache.toTable("int8.cache").tensorNames()).containsExactly("x");
    }

    @Test
    void malformedLinesAreReportedWithFileAndLineNumber() {
        assertError("TRT-7000-EntropyCalibration2\ndata: 3c008912\nconv1 3c88edfc\n", "bad.cache:3: ",
                "expected '<tensor name>: <hex scale>'");
        assertError("TRT-7000-EntropyCalibration2\ndata: 3c00891z\n", "bad.cache:2: ", "tensor 'data'");
        assertError("TRT-7000-EntropyCalibration2\ndata: 1234567890\n", "bad.cache:2: ", "1 to 8 hexadecimal");
        assertError("TRT-7000-EntropyCalibration2\n\ndata: 7fc00000\n", "bad.cache:3: ", "NaN; expected a scale >= 0");
        assertError("TRT-7000-EntropyCalibration2\ndata: bf800000\n", "bad.cache:2: ", "expected a scale >= 0");
        assertError("TRT-7000-EntropyCalibration2\ndata: 1\ndata: 2\n", "bad.cache:3: ", "first on line 2");
        assertError(": 3f800000\n", "bad.cache:1: ", "header");
        assertError("TRT-7000-EntropyCalibration2\n: 3f800000\n", "bad.cache:2: ", "tensor name");
        assertError("{\"format\": \"trt4j.calibration-table\"}\n", "bad.cache:1: ", "header");
        assertError("\n\n", "bad.cache: ", "empty");
        // a file cut off inside its last value: short hex without a line end is not taken for a tiny scale
        assertError("TRT-7000-EntropyCalibration2\nx: 3c010204\ny: 3c01", "bad.cache:3: ", "tensor 'y': the file "
                + "ends inside its scale ('3c01', 4 hex digits and no line end); is it cut off?");
        assertThat(TensorRtCalibrationCache.parse("TRT-7000-EntropyCalibration2\nx: 0", "zero.cache").scaleBitsByTensor())
                .containsEntry("x", 0);
        // a no-break space in the algorithm is a space, named with the file and line as other header faults are
        assertError("TRT-101501-Entropy\u00a0X\nx: 3c010204\n", "bad.cache:1: ", "expected a header");
        // a NUL of a binary file stays out of the terminal: the message shows it escaped
        assertError("TRT-7000-EntropyCalibration2\n\0\0x\n", "bad.cache:2: ", "found '\\u0000\\u0000x'");
    }

    private static void assertError(String text, String prefix, String fragment) {
        assertThatThrownBy(() -> TensorRtCalibrationCache.parse(text, "bad.cache"))
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(prefix)
                .hasMessageContaining(fragment)
                .hasMessageNotContaining("\n");
    }

    @Test
    void tableToCacheToTableKeepsEveryScaleAndTheHeader() {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Float> amax = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            amax.put("t" + i, (float) (random.nextDouble() * Math.pow(10, random.nextInt(-6, 6))));
        }
        CalibrationTable table = new CalibrationTable(amax, Provenance.unknown());
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.fromTable(table, 8601, "MinMaxCalibration");
        CalibrationTable back = cache.toTable("x.cache");
        TensorRtCalibrationCache again = TensorRtCalibrationCache.fromTable(back);

        assertThat(again).isEqualTo(cache);
        assertThat(again.toText()).startsWith("TRT-8601-MinMaxCalibration\n");
        // amax itself may move by at most one ulp, since the cache keeps only the scale
        back.amaxByTensor().forEach((name, a) ->
                assertThat(Math.abs(a - amax.get(name))).isLessThanOrEqualTo(Math.ulp(amax.get(name))));
    }

    @Test
    void headerDefaultsFollowTheMethod() {
        Provenance max = new Provenance("max", Map.of(), null, null, null, null, null, null);
        Provenance mse = new Provenance("mse", Map.of(), null, null, null, null, null, null);
        CalibrationTable t = new CalibrationTable(Map.of("x", 1f), max);

        assertThat(TensorRtCalibrationCache.fromTable(t).header()).isEqualTo("TRT-101501-MinMaxCalibration");
        assertThat(TensorRtCalibrationCache.fromTable(new CalibrationTable(Map.of("x", 1f), mse)).header())
                .isEqualTo("TRT-101501-EntropyCalibration2");
    }

    /** A library user writing a cache from a 4-bit or unsigned table is refused as the CLI's cache convert is. */
    @Test
    void aTableForAnotherGridThanSigned8BitMakesNoCache() {
        Provenance fourBit = new Provenance("entropy", Map.of("numBits", "4"), null, null, null, null, null, null);
        Provenance unsigned = new Provenance("max", Map.of("unsigned", "true"), null, null, null, null, null, null);

        assertThatThrownBy(() -> TensorRtCalibrationCache.fromTable(new CalibrationTable(Map.of("x", 1f), fourBit)))
                .isInstanceOf(dev.trt4j.Trt4jException.class).hasMessage("the table: calibrated with \"numBits\": "
                        + "\"4\" but a TensorRT cache holds signed INT8 scales, and the amax of a 4-bit calibration "
                        + "is no 8-bit range (calibrate again without --num-bits)");
        assertThatThrownBy(() -> TensorRtCalibrationCache.fromTable(new CalibrationTable(Map.of("x", 1f), unsigned),
                7000, "MinMaxCalibration")).isInstanceOf(dev.trt4j.Trt4jException.class)
                .hasMessageContaining("calibrated with \"unsigned\": \"true\"");
        Provenance signed = new Provenance("max", Map.of("numBits", "8", "unsigned", "false"), null, null, null, null,
                null, null);
        assertThat(TensorRtCalibrationCache.fromTable(new CalibrationTable(Map.of("x", 1f), signed)).header())
                .isEqualTo("TRT-101501-MinMaxCalibration");
    }

    @Test
    void versionNumbersFollowNvTensorRtVersion() {
        assertThat(TensorRtCalibrationCache.versionNumber(10, 15, 1)).isEqualTo(101501);
        assertThat(TensorRtCalibrationCache.versionNumber(10, 3, 0)).isEqualTo(100300);
        assertThat(TensorRtCalibrationCache.versionNumber(8, 6, 1)).isEqualTo(8601);
        assertThat(TensorRtCalibrationCache.versionNumber(7, 0, 0)).isEqualTo(7000);
        assertThat(TensorRtCalibrationCache.parseVersion("10.14.1")).isEqualTo(101401);
        // as tensorrt.__version__ prints it: the build number is in no header
        assertThat(TensorRtCalibrationCache.parseVersion("10.15.1.29")).isEqualTo(101501);
        assertThat(TensorRtCalibrationCache.parseVersion("8.6")).isEqualTo(8600);
        assertThat(TensorRtCalibrationCache.parseVersion("7000")).isEqualTo(7000);
        assertThatThrownBy(() -> TensorRtCalibrationCache.parseVersion("ten"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ten'");
        assertThat(TensorRtCalibrationCache.parseVersion("2000")).isEqualTo(2000);
        // TensorRT 11 is taken before it comes out, so that its caches convert
        assertThat(TensorRtCalibrationCache.parseVersion("119999")).isEqualTo(119999);
        assertThat(TensorRtCalibrationCache.parseVersion("11.0.0")).isEqualTo(110000);
        // five digits fit neither formula; 1.x had no INT8 calibration; a two-digit minor before 10 reads back wrong;
        // no TensorRT had a major past 11 (the README says so of a version no TensorRT has)
        for (String none : new String[] {"10150", "99999", "1015", "10", "0", "1000000", "8.12", "1.0", "100.0",
            "999999", "120000", "99.99.99", "12.0"}) {
            assertThatThrownBy(() -> TensorRtCalibrationCache.parseVersion(none))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'" + none + "' is no "
                            + "TensorRT version; give a release from 2.0 to 11.x");
        }
    }

    @Test
    void rejectsWhatCannotBeWritten() {
        assertThatThrownBy(() -> new TensorRtCalibrationCache(7000, "Entropy Calibration", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TensorRtCalibrationCache(7000, "X", Map.of("a\nb", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break")
                .hasMessageContaining("'a\\u000ab'"); // escaped: a folded line would read as another name, 'a b'
        assertThatThrownBy(() -> new TensorRtCalibrationCache(7000, "X", Map.of("a", 0x7fc00000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tensor 'a': scale bits 7fc00000 are not a "
                        + "scale >= 0 (NaN)");
        // Both were written, then refused by the reader: a ten-digit version, and a token ending in a Unicode space
        // (the reader strips it, so "X" would come back).
        assertThatThrownBy(() -> new TensorRtCalibrationCache(Integer.MAX_VALUE, "X", Map.of("a", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most nine digits");
        assertThatThrownBy(() -> new TensorRtCalibrationCache(7000, "X\u2003", Map.of("a", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without spaces");
        assertThat(new TensorRtCalibrationCache(999_999_999, "X", Map.of("a", 1)).version()).isEqualTo(999_999_999);
    }

    @Test
    void missingTensorIsAUserError() {
        TensorRtCalibrationCache cache = TensorRtCalibrationCache.parse(TRT_7000_SAMPLE, "sample");
        assertThatThrownBy(() -> cache.scale("conv3")).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("'conv3'").hasMessageContaining("TRT-7000-EntropyCalibration2");
    }

    private static Float[] box(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    @Test
    void aCarriageReturnInsideANameIsNamedWithItsLineOnReading() {
        assertThatThrownBy(() -> TensorRtCalibrationCache.parse("TRT-101501-MinMaxCalibration\nfake\rrow: 3c010204\n",
                "odd.cache")).isInstanceOf(dev.trt4j.Trt4jException.class)
                .hasMessage("odd.cache:2: tensor 'fake\\u000drow': a carriage return in the name");
    }
}
