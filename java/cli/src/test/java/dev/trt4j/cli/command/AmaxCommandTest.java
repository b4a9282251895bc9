package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.cli.CliRun;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.stats.HistogramJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected values are the §8.1 vectors of calibration.md (pytorch-quantization's calibrator tests). */
class AmaxCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private String npy(String name, float... values) {
        Path file = dir.resolve(name);
        NpyFile.write(file, NpyArray.ofFloats(new long[] {values.length}, values));
        return file.toString();
    }

    private static float[] arange(int n, float step) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * step;
        }
        return x;
    }

    private static float[] constantWithOutlier(int n, float value, float outlier) {
        float[] x = new float[n];
        Arrays.fill(x, value);
        x[n - 1] = outlier;
        return x;
    }

    @Test
    void entropyAndMseOnTheGrowingHistogramOfTestGrow() {
        String x1 = npy("x1.npy", 0, 255, 255, 255, 255, 255);
        String x2 = npy("x2.npy", 0, 255, 255, 255, 255, 256);

        assertThat(CliRun.of("amax", "--method", "entropy", "--tensor", x1, x2).out()).isEqualTo("254.87549" + NL);
        assertThat(CliRun.of("amax", "--method", "mse", "--tensor", x1, "--tensor", x2).out())
                .isEqualTo("255.06226" + NL);
    }

    @Test
    void percentileVectors() {
        String a = npy("arange.npy", arange(100, 1f));
        String halves = npy("halves.npy", arange(100, 0.5f));

        assertThat(CliRun.of("amax", "--method", "percentile", "--percentile", "90", "--tensor", a).out())
                .isEqualTo("88.99365" + NL);
        assertThat(CliRun.of("amax", "--method", "percentile", "--percentile", "80", "--tensor", a)
                .out()).isEqualTo("78.987305" + NL);
        assertThat(CliRun.of("amax", "--method", "percentile", "--percentile", "99", "--tensor", a, halves).out())
                .isEqualTo("96.96973" + NL);
    }

    @Test
    void skipZerosAndMseOneTensor() {
        String x1 = npy("z1.npy", 0, 0, 0, 0, 0, 1, 2, 3, 4, 5);
        String x2 = npy("z2.npy", 0, 0, 0, 0, 0, 6, 7, 8, 9, 10);
        assertThat(CliRun.of("amax", "--method", "percentile", "--percentile", "50", "--skip-zeros",
                "--tensor", x1, x2).out()).isEqualTo("4.9975586" + NL);

        String mse = npy("mse.npy", constantWithOutlier(694, 255f, 256f));
        assertThat(CliRun.of("amax", "--method", "mse", "--tensor", mse).out()).isEqualTo("255.0625" + NL);
        String unsigned = npy("mseu.npy", constantWithOutlier(694, 512f, 513f));
        assertThat(CliRun.of("amax", "--method", "mse", "--unsigned", "--tensor", unsigned).out())
                .isEqualTo("512.1233" + NL);
    }

    @Test
    void maxIsTheLargestMagnitudeOverAllFiles() {
        String a = npy("a.npy", 1f, -7.25f, 3f);
        String b = npy("b.npy", 2f, 7f);
        assertThat(CliRun.of("amax", "--method", "max", "--tensor", a, b).out()).isEqualTo("7.25" + NL);
    }

    @Test
    void maxNeedsNoHistogramSoAQuietFirstFileIsNoReasonToFail() {
        String tiny = npy("tiny.npy", 1e-6f, -5e-7f);
        String huge = npy("huge.npy", 3f, -1e6f);
        assertThat(CliRun.of("amax", "--method", "max", "--tensor", tiny, huge).out()).isEqualTo("1000000.0" + NL);
        CliRun entropy = CliRun.of("amax", "--method", "entropy", "--tensor", tiny, huge);
        assertThat(entropy.exitCode()).isEqualTo(1);
        assertThat(entropy.errLines()).singleElement().asString().contains("huge.npy")
                .contains("would grow the histogram").endsWith("; give the file with the largest values first, so "
                        + "that the histogram starts at their range").doesNotContain("--range-pass");
        for (String option : List.of("--num-bins=4096", "--skip-zeros")) {
            CliRun unread = CliRun.of("amax", "--method", "max", option, "--tensor", tiny);
            assertThat(unread.exitCode()).as(option).isEqualTo(2);
            assertThat(unread.errLines()).singleElement().asString()
                    .contains(option.split("=")[0] + " shapes the histogram, which --method max does not read");
        }
    }

    @Test
    void entropyWithOneBinAsksForMoreBinsNotALowerStartBin() {
        CliRun run = CliRun.of("amax", "--method", "entropy", "--num-bins", "1", "--start-bin", "1", "--tensor",
                npy("t.npy", 1f, 2f));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: the entropy method needs at least 2 histogram bins but "
                + "--num-bins is 1; raise --num-bins");
    }

    @Test
    void histogramFileGivesTheSameAnswerAsTheTensors() {
        TensorStatisticsCollector c = new TensorStatisticsCollector("grow", 2048, false);
        float[] x1 = {0, 255, 255, 255, 255, 255};
        float[] x2 = {0, 255, 255, 255, 255, 256};
        c.collect(x1, 0, x1.length);
        c.collect(x2, 0, x2.length);
        Path h = dir.resolve("grow.json");
        HistogramJson.writeHistogram(h, c.statistics().histogram());

        assertThat(CliRun.of("amax", "--method", "entropy", "--histogram", h.toString()).out())
                .isEqualTo("254.87549" + NL);
        assertThat(CliRun.of("amax", "--method", "mse", "--histogram", h.toString()).out())
                .isEqualTo("255.06226" + NL);
    }

    @Test
    void histogramCountsWrittenAsWholeFloatsAreCounts() throws Exception {
        // torch.histc and ModelOpt's histogram calibrator count in float: 9.0, not 9
        Path whole = Files.writeString(dir.resolve("float-counts.json"),
                "{\"counts\": [9.0, 0.0, 3.0, 1.0], \"edges\": [0, 1, 2, 3, 4]}");
        Path ints = Files.writeString(dir.resolve("int-counts.json"),
                "{\"counts\": [9, 0, 3, 1], \"edges\": [0, 1, 2, 3, 4]}");
        Path half = Files.writeString(dir.resolve("half-counts.json"),
                "{\"counts\": [9.5, 0, 3, 1], \"edges\": [0, 1, 2, 3, 4]}");

        CliRun fromFloats = CliRun.of("amax", "--method", "percentile=90", "--histogram", whole.toString());
        CliRun fromInts = CliRun.of("amax", "--method", "percentile=90", "--histogram", ints.toString());
        CliRun fromHalf = CliRun.of("amax", "--method", "percentile=90", "--histogram", half.toString());

        assertThat(fromFloats.exitCode()).as(fromFloats.err()).isZero();
        assertThat(fromFloats.out()).isEqualTo(fromInts.out());
        assertThat(fromHalf.exitCode()).isEqualTo(1);
        assertThat(fromHalf.errLines()).containsExactly("trt4j: " + half + ": counts[0]: expected an integer, "
                + "found 9.5");
        CliRun named = CliRun.of("amax", "--method", "mse", "--histogram", ints.toString(), "--name", "foo");
        assertThat(named.exitCode()).isEqualTo(2);
        assertThat(named.errLines()).containsExactly("trt4j: --name picks a tensor of a statistics.json, but " + ints
                + " is a single histogram; drop --name");
    }

    @Test
    void jsonPrintsAmaxAndItsBits() throws Exception {
        String x1 = npy("x1.npy", 0, 255, 255, 255, 255, 255);
        String x2 = npy("x2.npy", 0, 255, 255, 255, 255, 256);
        CliRun run = CliRun.of("amax", "--method", "entropy", "--json", "--tensor", x1, x2);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("{\"amax\":254.87549,\"hex\":\"437ee020\"}" + NL);
        JsonNode node = new ObjectMapper().readTree(run.out());
        assertThat(Float.floatToRawIntBits(node.get("amax").floatValue()))
                .isEqualTo(Integer.parseUnsignedInt(node.get("hex").asText(), 16));
    }

    /**
     * A tensor with no values near zero (a hard-sigmoid's output) gets from entropy a range at or below all of them:
     * amax names it in the line calibrate's table warns with, on stderr, so that stdout stays the amax (or JSON).
     */
    @Test
    void aRangeAtOrBelowEveryValueIsWarnedOfAsCalibrateWarns() throws Exception {
        Random random = new Random(7);
        float[] values = new float[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.3f + random.nextFloat() * 1.2f; // [0.3, 1.5): the first fifth of the bins stays empty
        }
        String gap = npy("gap.npy", values);

        CliRun text = CliRun.of("amax", "--method", "entropy", "--tensor", gap);
        CliRun json = CliRun.of("amax", "--method", "entropy", "--tensor", gap, "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(Float.parseFloat(text.out().strip())).isLessThanOrEqualTo(0.3f);
        assertThat(text.errLines()).singleElement().asString().startsWith("trt4j: warning: entropy: 'gap.npy' gets "
                + "a range at or below every nonzero magnitude it took, so each of its values quantizes to the grid's "
                + "end (amax ").contains("NVIDIA's entropy algorithm");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("amax").floatValue())
                .isEqualTo(Float.parseFloat(text.out().strip()));
        assertThat(json.errLines()).isEqualTo(text.errLines());
        // max keeps the values apart
        assertThat(CliRun.of("amax", "--method", "max", "--tensor", gap).errLines()).isEmpty();
    }

    /** Percentile 0 keeps the reference's range of 0, and says that it clips every value of the tensor. */
    @Test
    void aRangeOfZeroIsWarnedOf() {
        String a = npy("a.npy", 1f, 2f, 3f, -4f, 0.5f);

        CliRun run = CliRun.of("amax", "--method", "percentile", "--percentile", "0", "--tensor", a);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("0.0" + NL);
        assertThat(run.errLines()).containsExactly("trt4j: warning: percentile-0: 'a.npy' gets a range of 0 though "
                + "it took nonzero values (largest 4.00000), a scale of 0 that clips each such value to 0; "
                + "percentile 0 keeps no value apart: give a percentile above 0");
        // another percentile whose share of values lies in the first bin says that, not percentile 0's advice
        float[] mostlyZero = new float[101];
        mostlyZero[100] = 3f;
        CliRun half = CliRun.of("amax", "--method", "percentile=50", "--tensor", npy("m.npy", mostlyZero));
        assertThat(half.out()).isEqualTo("0.0" + NL);
        assertThat(half.errLines()).containsExactly("trt4j: warning: percentile-50: 'm.npy' gets a range of 0 though "
                + "it took nonzero values (largest 3.00000), a scale of 0 that clips each such value to 0; at least 50 "
                + "% of its magnitudes lie in the histogram's first bin, so percentile 50 picks that bin's left edge, "
                + "0: a higher percentile, or max, keeps them apart");
        // a tensor of zeros has its right range
        CliRun zeros = CliRun.of("amax", "--method", "percentile=0", "--tensor", npy("z.npy", 0f, 0f));
        assertThat(zeros.exitCode()).as(zeros.err()).isZero();
        assertThat(zeros.errLines()).isEmpty();
    }

    /** np.save(f, np.asfortranarray(a)) writes a file amax reads, with a's values, as it reads a C-order copy. */
    @Test
    void aFortranOrderFileIsRead() throws Exception {
        float[] c = arange(600, 0.25f); // a [20, 30] array in C order
        float[] columns = new float[c.length];
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 30; j++) {
                columns[i + 20 * j] = c[i * 30 + j];
            }
        }
        String dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (20, 30), }";
        String padded = dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
        ByteBuffer data = ByteBuffer.allocate(columns.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(columns);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) padded.length(), 0});
        file.write(padded.getBytes(StandardCharsets.ISO_8859_1));
        file.write(data.array());
        Path fortran = Files.write(dir.resolve("fortran.npy"), file.toByteArray());
        Path cOrder = dir.resolve("c.npy");
        NpyFile.write(cOrder, NpyArray.ofFloats(new long[] {20, 30}, c));

        for (String method : List.of("max", "entropy", "percentile=99")) {
            CliRun run = CliRun.of("amax", "--method", method, "--tensor", fortran.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).as(method)
                    .isEqualTo(CliRun.of("amax", "--method", method, "--tensor", cOrder.toString()).out());
        }
        assertThat(CliRun.of("amax", "--method", "max", "--tensor", fortran.toString()).out())
                .isEqualTo("149.75" + NL);
    }

    @Test
    void percentileIsGivenInTheMethodAsCalibrateTakesIt() {
        String a = npy("arange.npy", arange(100, 1f));

        assertThat(CliRun.of("amax", "--method", "percentile=90", "--tensor", a).out()).isEqualTo("88.99365" + NL);
        assertThat(CliRun.of("amax", "--method", "percentile=90", "--percentile", "90", "--tensor", a).out())
                .as("the same percentile twice is no contradiction").isEqualTo("88.99365" + NL);
    }

    @Test
    void percentileThatWouldBeIgnoredOrContradictedIsRefused() {
        String a = npy("arange.npy", arange(100, 1f));

        CliRun ignored = CliRun.of("amax", "--method", "max", "--percentile", "50", "--tensor", a);
        CliRun contradicted = CliRun.of("amax", "--method", "percentile=99", "--percentile", "90", "--tensor", a);

        assertThat(ignored.exitCode()).isEqualTo(2);
        assertThat(ignored.errLines().get(0)).isEqualTo("trt4j: --percentile applies to --method percentile, not max");
        assertThat(contradicted.exitCode()).isEqualTo(2);
        assertThat(contradicted.errLines().get(0))
                .isEqualTo("trt4j: --method percentile=99 and --percentile 90 disagree; give the percentile once");
        assertThat(ignored.out()).isEmpty();
    }

    @Test
    void outOfRangeOptionsAreNamedAsTyped() {
        String a = npy("arange.npy", arange(100, 1f));

        CliRun percentile = CliRun.of("amax", "--method", "percentile", "--percentile", "101", "--tensor", a);
        CliRun bits = CliRun.of("amax", "--method", "max", "--num-bits", "40", "--tensor", a);
        CliRun noInput = CliRun.of("amax", "--method", "max");

        assertThat(percentile.exitCode()).isEqualTo(2);
        assertThat(percentile.errLines()).containsExactly("trt4j: --percentile must be in [0, 100], got 101");
        assertThat(bits.exitCode()).isEqualTo(2);
        assertThat(bits.errLines()).containsExactly("trt4j: --num-bits must be in [1, 16], got 40");
        assertThat(noInput.exitCode()).isEqualTo(2);
        assertThat(noInput.errLines()).hasSize(1).first().asString()
                .startsWith("trt4j: Missing required argument").contains("--tensor").contains("--histogram");
        assertThat(percentile.out() + bits.out() + noInput.out()).isEmpty();
    }

    @Test
    void maxWithAHistogramIsRejectedInOneLine() throws Exception {
        Path h = dir.resolve("h.json");
        Files.writeString(h, "{\"counts\": [1, 2], \"edges\": [0, 1, 2]}");
        CliRun run = CliRun.of("amax", "--method", "max", "--histogram", h.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "trt4j: the max method needs the tensor's values (--tensor FILE.npy) or a statistics.json with --name; a "
                        + "bare histogram does not keep max |x|");
        assertThat(run.out()).isEmpty();

        // a calibration table given by mistake is named as one, for max too (the method was checked first)
        Path table = dir.resolve("max.table.json");
        new dev.trt4j.table.CalibrationTable(java.util.Map.of("x", 1f), dev.trt4j.table.Provenance.unknown())
                .write(table);
        for (String method : new String[] {"max", "entropy"}) {
            CliRun wrongFile = CliRun.of("amax", "--method", method, "--histogram", table.toString());
            assertThat(wrongFile.exitCode()).isEqualTo(1);
            assertThat(wrongFile.errLines()).containsExactly("trt4j: " + table + ": is a 'trt4j.calibration-table' "
                    + "file, not a histogram ({\"counts\": [...], \"edges\": [...]}, or a statistics.json)");
            // with --name too: it is no single histogram either
            CliRun named = CliRun.of("amax", "--method", method, "--histogram", table.toString(), "--name", "x");
            assertThat(named.errLines()).containsExactly("trt4j: " + table + ": is a 'trt4j.calibration-table' "
                    + "file, not a histogram ({\"counts\": [...], \"edges\": [...]}, or a statistics.json)");
        }
        // so is a TensorRT cache, instead of a JSON parser's error about its header
        Path cache = Files.writeString(dir.resolve("x.cache"), "TRT-101501-EntropyCalibration2\nx: 3c010204\n");
        CliRun cacheGiven = CliRun.of("amax", "--method", "entropy", "--histogram", cache.toString());
        assertThat(cacheGiven.exitCode()).isEqualTo(1);
        assertThat(cacheGiven.errLines()).containsExactly("trt4j: " + cache + ": a TensorRT calibration cache "
                + "(TRT-101501-EntropyCalibration2), which holds INT8 scales, not a histogram; give a histogram JSON or "
                + "the statistics.json of trt4j calibrate");
    }

    /** A histogram file is one tensor named after the file: the error names the file, not "tensor 'h.json'". */
    @Test
    void aHistogramTheMethodCannotUseIsNamedAsAFile() throws Exception {
        Path h = dir.resolve("small.json");
        Files.writeString(h, "{\"counts\": [1, 2], \"edges\": [0, 1, 2]}");

        CliRun run = CliRun.of("amax", "--method", "entropy", "--histogram", h.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: " + h + ": the entropy method needs ");
    }

    /** A histogram whose counts are all 0 has nothing to choose from; every histogram method says so alike. */
    @Test
    void anEmptyHistogramIsRefusedByEveryMethod() throws Exception {
        Path h = dir.resolve("empty.json");
        Files.writeString(h, "{\"counts\": [0, 0, 0, 0], \"edges\": [0, 0.25, 0.5, 0.75, 1]}");
        for (String method : new String[] {"entropy", "mse", "percentile"}) {
            CliRun run = CliRun.of("amax", "--method", method, "--histogram", h.toString());

            assertThat(run.exitCode()).as(method).isEqualTo(1);
            assertThat(run.errLines()).as(method).containsExactly("trt4j: " + h + ": the " + method
                    + " method needs values in the histogram, but every bin count is 0");
            assertThat(run.out()).as(method).isEmpty();
        }
    }

    /** A plug-in reads max |x| from the statistics; a bare histogram bounds it by its last bin that counts. */
    @Test
    void aPlugInSeesTheHistogramsBoundOfMaxNotItsLastEdge() throws Exception {
        Path h = dir.resolve("low.json");
        Files.writeString(h, "{\"counts\": [3, 1, 0, 0], \"edges\": [0, 0.25, 0.5, 0.75, 1]}");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Path services = Files.createDirectories(dir.resolve("plug/META-INF/services"));
        Files.writeString(services.resolve(dev.trt4j.calibrators.Calibrator.class.getName()),
                CalibrateListMethodsTest.HalfMax.class.getName() + "\n");
        CliRun run;
        try (java.net.URLClassLoader plugIns = new java.net.URLClassLoader(
                new java.net.URL[] {dir.resolve("plug").toUri().toURL()}, before)) {
            Thread.currentThread().setContextClassLoader(plugIns);
            run = CliRun.of("amax", "--method", "half-max", "--histogram", h.toString());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
        assertThat(run.errLines()).isEmpty();
        assertThat(run.out()).isEqualTo("0.25" + NL);
    }

    @Test
    void aValueFloat32CannotHoldIsNamedWithItsFile() {
        Path big = dir.resolve("big.npy");
        NpyFile.write(big, NpyArray.ofDoubles(new long[] {2}, new double[] {1, 3.5e38}));
        CliRun run = CliRun.of("amax", "--method", "max", "--tensor", big.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("trt4j: " + big + ": float64 value 3.5E38 at index 1 is beyond float32's range");
    }

    @Test
    void tooManyBinsIsAUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("amax", "--method", "entropy", "--num-bins", "100000000", "--tensor",
                npy("t.npy", 1f, 2f));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: --num-bins must be at most 16777216, got 100000000");
    }

    @Test
    void userErrorsAreASingleLine() throws Exception {
        String ok = npy("ok.npy", 1f, 2f);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"counts\": [1, 2], \"edges\": [0, 1]}");

        assertSingleLineError(2, CliRun.of("amax", "--method", "kl", "--tensor", ok),
                "--method kl: unknown calibration method 'kl'");
        assertSingleLineError(1, CliRun.of("amax", "--method", "max", "--tensor", dir.resolve("gone.npy").toString()),
                "gone.npy");
        assertSingleLineError(1, CliRun.of("amax", "--method", "entropy", "--histogram", bad.toString()),
                "2 edges for 2 counts");
        Path negative = dir.resolve("negative.json");
        Files.writeString(negative, "{\"counts\": [1, 2, 3], \"edges\": [-3, -2, -1, 0]}");
        assertSingleLineError(1, CliRun.of("amax", "--method", "mse", "--start-bin", "1", "--histogram",
                negative.toString()), "histogram edge 0 is negative: -3.0 (the histogram is of magnitudes |x|");
        String nan = npy("nan.npy", 1f, Float.NaN);
        CliRun nanRun = CliRun.of("amax", "--method", "max", "--tensor", ok, nan);
        assertSingleLineError(1, nanRun, "nan.npy: ");
        assertThat(nanRun.errLines()).containsExactly("trt4j: " + nan + ": value NaN at index 1 is not finite; "
                + "calibration needs finite values");
        assertSingleLineError(2, CliRun.of("amax", "--method", "entropy", "--tensor", ok, "--num-bins", "64"),
                "needs at least 128 histogram bins (--start-bin 128) but --num-bins is 64");
        // the methods read a bin's range from its index: a last bin reaching 1000 would make amax 1000
        Path uneven = dir.resolve("uneven.json");
        Files.writeString(uneven, "{\"counts\": [5, 4, 1], \"edges\": [0, 0.01, 0.02, 1000]}");
        assertSingleLineError(1, CliRun.of("amax", "--method", "mse", "--start-bin", "1", "--histogram",
                uneven.toString()), "histogram bins are not of one width (bin 0 is 0.01 wide, the mean 333.33334); ");
        assertSingleLineError(2, CliRun.of("amax", "--method", "max", "--stride", "5", "--tensor", ok),
                "--stride only changes the entropy and mse methods, and --method max chooses neither");
        // the grid too: max and percentile pick amax without it, as the README says of options a method does not read
        assertSingleLineError(2, CliRun.of("amax", "--method", "max", "--num-bits", "4", "--tensor", ok),
                "--num-bits only changes the entropy and mse methods, and --method max chooses neither; drop "
                        + "--num-bits or choose one of them");
        assertSingleLineError(2, CliRun.of("amax", "--method", "max", "--unsigned", "--tensor", ok),
                "--unsigned only changes the entropy and mse methods, and --method max chooses neither");
        // named as typed: the label percentile-99.99 is no spelling --method takes
        assertSingleLineError(2, CliRun.of("amax", "--method", "percentile", "--unsigned", "--tensor", ok),
                "--unsigned only changes the entropy and mse methods, and --method percentile chooses neither");
        assertSingleLineError(2, CliRun.of("amax", "--method", "Percentile=99.9", "--num-bits", "4", "--tensor", ok),
                "--num-bits only changes the entropy and mse methods, and --method Percentile=99.9 chooses neither");
    }

    private static void assertSingleLineError(int exitCode, CliRun run, String fragment) {
        assertThat(run.exitCode()).isEqualTo(exitCode);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: ").contains(fragment);
        assertThat(run.err()).doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    /**
     * A percentile with a decimal comma, as German writes it, gets the hint calibrate gives, and a list of methods is
     * named as one: amax computes one method's amax ("unknown calibration method 'entropy,max'" did not say so).
     */
    @Test
    void aDecimalCommaAndAListOfMethodsAreNamedAsSuch() {
        String a = npy("arange.npy", arange(100, 1f));

        CliRun option = CliRun.of("amax", "--method", "percentile", "--percentile", "99,9", "--tensor", a);
        CliRun inMethod = CliRun.of("amax", "--method", "percentile=99,9", "--tensor", a);
        CliRun list = CliRun.of("amax", "--method", "ENTROPY,MAX", "--tensor", a);

        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.errLines()).containsExactly("trt4j: Invalid value for option '--percentile': '99,9' is not "
                + "a number; write it with a decimal point (99.9)");
        assertThat(inMethod.exitCode()).isEqualTo(2);
        assertThat(inMethod.errLines()).containsExactly("trt4j: --method percentile=99,9: methods are separated by "
                + "commas; write the percentile with a decimal point (percentile=99.9)");
        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.errLines()).containsExactly("trt4j: --method ENTROPY,MAX: amax computes the amax of one "
                + "method; give one (--method ENTROPY), or calibrate, which takes several");
        assertThat(CliRun.of("amax", "--method", "MAX", "--tensor", a).out()).isEqualTo("99.0" + NL);
    }

    @Test
    void usageErrorsExitTwo() {
        String ok = npy("ok.npy", 1f, 2f);
        Path h = dir.resolve("h.json");

        assertThat(CliRun.of("amax", "--method", "percentile", "--percentile", "200", "--tensor", ok).exitCode())
                .isEqualTo(2);
        CliRun both = CliRun.of("amax", "--method", "entropy", "--tensor", ok, "--histogram", h.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines().get(0)).contains("mutually exclusive");
        assertThat(CliRun.of("amax", "--method", "entropy").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("amax", "--tensor", ok).exitCode()).isEqualTo(2);
        CliRun bins = CliRun.of("amax", "--method", "entropy", "--num-bins", "64", "--histogram", h.toString());
        assertThat(bins.exitCode()).isEqualTo(2);
        assertThat(bins.errLines().get(0)).contains("--num-bins");
    }

    @Test
    void aTensorOfSavedStatisticsGetsTheAmaxItsTableHolds() throws Exception {
        Path model = dev.trt4j.cli.TestModels.matMul(dir.resolve("mm.onnx"));
        Path cal = dir.resolve("cal");
        CliRun calibrate = CliRun.of("calibrate", model.toString(), "--samples", "16", "--method", "max,mse", "--out",
                cal.toString());
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        Path statistics = cal.resolve("statistics.json");
        ObjectMapper mapper = new ObjectMapper();
        var tensors = HistogramJson.readStatistics(statistics).statistics().tensors().keySet();
        assertThat(tensors).isNotEmpty();

        for (String method : new String[] {"max", "mse"}) {
            JsonNode table = mapper.readTree(cal.resolve(method + ".table.json").toFile()).get("tensors");
            for (String tensor : tensors) {
                CliRun run = CliRun.of("amax", "--method", method, "--histogram", statistics.toString(), "--name",
                        tensor, "--json");
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertThat(mapper.readTree(run.out()).get("hex").asText()).as("%s of %s", method, tensor)
                        .isEqualTo(table.get(tensor).get("hex").asText());
            }
        }

        CliRun noName = CliRun.of("amax", "--method", "mse", "--histogram", statistics.toString());
        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.errLines()).singleElement().asString().contains("pick one with --name");
        CliRun unknown = CliRun.of("amax", "--method", "mse", "--histogram", statistics.toString(), "--name", "nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errLines()).singleElement().asString().contains(": no tensor 'nope'");
    }

    /** The max method's amax is the saved max |x|: one edited past what the histogram counted is refused. */
    @Test
    void aSavedMaxItsHistogramContradictsIsRefused() throws Exception {
        Path file = dir.resolve("edited-statistics.json");
        String tensor = "\"x\": {\"absMax\": %s, \"count\": 3, \"histogram\": {\"counts\": [1, 2], "
                + "\"edges\": [0, 1, 2]}}";
        String header = "{\"format\": \"trt4j.tensor-statistics\", \"version\": 1, \"numBins\": 2, "
                + "\"skipZeros\": false, \"samples\": 1, \"batches\": 1, \"modelSha256\": \"x\", \"data\": \"d\", ";
        Files.writeString(file, header + "\"tensors\": {" + tensor.formatted("1.5") + "}}");
        CliRun read = CliRun.of("amax", "--method", "max", "--histogram", file.toString(), "--name", "x");
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out().strip()).isEqualTo("1.5");

        Files.writeString(file, header + "\"tensors\": {" + tensor.formatted("9.5") + "}}");
        CliRun edited = CliRun.of("amax", "--method", "max", "--histogram", file.toString(), "--name", "x");

        assertThat(edited.exitCode()).isEqualTo(1);
        assertThat(edited.errLines()).containsExactly("trt4j: " + file + ": tensors[\"x\"].absMax: is 9.5, beyond "
                + "the histogram's last edge 2.0; max |x| is the largest value binned, so the histogram reaches it");
    }
}
