package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class CacheCommandTest {
    /** {@code NVIDIA/TensorRT: samples/sampleINT8/README.md}, as listed in calibration.md §8.3. */
    private static final String TRT_7000 = """
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

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void showListsScaleAndAmaxOfEachTensor() throws Exception {
        CliRun run = CliRun.of("cache", "show", write("mnist.cache", TRT_7000).toString());

        assertThat(run.exitCode()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("TRT-7000-EntropyCalibration2: 8 tensors");
        assertThat(lines.get(1).split("\\s+")).containsExactly("tensor", "scale", "amax");
        // Java 17 prints this scale as 0.007845181; eight digits already read back
        assertThat(lines.get(2).split("\\s+")).containsExactly("data", "0.00784518", "0.9963379");
        String[] names = {"data", "conv1", "pool1", "conv2", "pool2", "ip1", "ip2", "prob"};
        int[] scaleBits = {0x3c008912, 0x3c88edfc, 0x3c88edfc, 0x3ddc858b, 0x3ddc858b, 0x3db6bd6e, 0x3e691968,
            0x3c010a14};
        String[] ranges = {"0.9963379", "2.1228104", "2.1228104", "13.674927", "13.674927", "11.332019", "28.90977",
            "1.0002441"};
        for (int i = 0; i < names.length; i++) {
            String[] cols = lines.get(2 + i).split("\\s+");
            assertThat(cols[0]).isEqualTo(names[i]);
            assertThat(Float.floatToRawIntBits(Float.parseFloat(cols[1]))).as(cols[1]).isEqualTo(scaleBits[i]);
            assertThat(cols[2]).isEqualTo(ranges[i]);
        }
    }

    @Test
    void showJsonHasExactNumbersAndBits() throws Exception {
        CliRun run = CliRun.of("cache", "show", "--json", write("mnist.cache", TRT_7000).toString());

        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(run.out().lines()).hasSize(1);
        assertThat(root.get("kind").asText()).isEqualTo("tensorrt-cache");
        assertThat(root.get("tensorrtVersion").asInt()).isEqualTo(7000);
        assertThat(root.get("method").isNull()).as("a table's key, present and null for a cache").isTrue();
        JsonNode ip2 = root.get("tensors").get(6);
        assertThat(ip2.get("name").asText()).isEqualTo("ip2");
        assertThat(ip2.get("scaleHex").asText()).isEqualTo("3e691968");
        assertThat(ip2.get("amax").floatValue()).isEqualTo(28.90977f);
    }

    @Test
    void aTableConvertedFromACacheShowsTheCachesHeaderWhereACacheDoes() throws Exception {
        Path table = dir.resolve("mnist.table.json");
        assertThat(CliRun.of("cache", "convert", write("mnist.cache", TRT_7000).toString(), "--out", table.toString())
                .exitCode()).isZero();

        CliRun json = CliRun.of("cache", "show", "--json", table.toString());
        CliRun text = CliRun.of("cache", "show", table.toString());

        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("kind").asText()).isEqualTo("calibration-table");
        assertThat(root.get("tensorrtVersion").isInt()).as("a number, as for the cache").isTrue();
        assertThat(root.get("tensorrtVersion").asInt()).isEqualTo(7000);
        assertThat(root.get("algorithm").asText()).isEqualTo("EntropyCalibration2");
        assertThat(root.get("method").isNull()).as("the cache does not say which method made it").isTrue();
        assertThat(text.out().lines().findFirst().orElseThrow())
                .isEqualTo("calibration table from TRT-7000-EntropyCalibration2: 8 tensors");
    }

    @Test
    void showReadsTablesToo() throws Exception {
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("input_1:0", 127f);
        Path table = dir.resolve("t.json");
        new CalibrationTable(amax, Provenance.unknown()).write(table);

        CliRun run = CliRun.of("cache", "show", table.toString());
        assertThat(run.out().lines().toList().get(0)).isEqualTo("calibration table, method unknown: 1 tensor");
        assertThat(run.out().lines().toList().get(2).split("\\s+")).containsExactly("input_1:0", "1.0", "127.0");
    }

    @Test
    void cacheToTableToCacheIsByteExact() throws Exception {
        Path cache = write("in.cache", TRT_7000);
        Path json = dir.resolve("table.json");
        Path back = dir.resolve("back.cache");

        CliRun toTable = CliRun.of("cache", "convert", cache.toString(), "--out", json.toString());
        CliRun toCache = CliRun.of("cache", "convert", json.toString(), "--out", back.toString());

        assertThat(toTable.exitCode()).isZero();
        assertThat(toTable.out()).contains("8 tensors").contains(json.toString());
        assertThat(CalibrationTable.read(json).amax("conv2")).isEqualTo(13.674927f);
        assertThat(toCache.exitCode()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(cache));
    }

    /** 0x3b31e1c0 is no float32 amax's amax / 127f: the one kind of scale a table cannot carry exactly. */
    @Test
    void aScaleNoAmaxGivesIsNamedWhenTheCacheBecomesATable() throws Exception {
        Path cache = write("odd.cache", "TRT-8601-EntropyCalibration2\nconv1: 3b31e1c0\nconv2: 3c010204\n");
        Path json = dir.resolve("odd.json");
        Path back = dir.resolve("back.cache");

        CliRun toTable = CliRun.of("cache", "convert", cache.toString(), "--out", json.toString());
        CliRun toCache = CliRun.of("cache", "convert", json.toString(), "--out", back.toString());

        assertThat(toTable.exitCode()).isZero();
        assertThat(toTable.errLines()).containsExactly("trt4j: warning: 1 of 2 scales in " + cache + " are not amax "
                + "/ 127 for any float32 amax (first: 'conv1'), as TensorRT and trt4j never write them; converted back,"
                + " these scales move by one unit in the last place");
        assertThat(Files.readString(back)).isEqualTo("TRT-8601-EntropyCalibration2\nconv1: 3b31e1bf\n"
                + "conv2: 3c010204\n");
        assertThat(toCache.errLines()).isEmpty();
    }

    /**
     * A cache whose header version no TensorRT has converts to a table, which keeps it; converting that table back
     * refuses the version, so the first conversion says so.
     */
    @Test
    void aHeaderVersionNoTensorRtHasIsNamedWhenTheCacheBecomesATable() throws Exception {
        Path cache = write("e.cache", "TRT-1015-EntropyCalibration2\nconv1: 3c010204\n");
        Path json = dir.resolve("e.table.json");

        CliRun toTable = CliRun.of("cache", "convert", cache.toString(), "--out", json.toString());
        CliRun back = CliRun.of("cache", "convert", json.toString(), "--out", dir.resolve("back.cache").toString());

        assertThat(toTable.exitCode()).as(toTable.err()).isZero();
        assertThat(toTable.errLines()).containsExactly("trt4j: warning: " + cache + ": header "
                + "TRT-1015-EntropyCalibration2: 1015 is no TensorRT version (NV_TENSORRT_VERSION, such as 8601 or "
                + "101501); the table keeps it, and converting the table back to a cache needs --trt-version");
        assertThat(back.exitCode()).isEqualTo(1);
        assertThat(back.errLines()).singleElement().asString().contains("\"1015\" is no TensorRT version");
        CliRun fine = CliRun.of("cache", "convert", write("ok.cache", "TRT-8601-EntropyCalibration2\nconv1: "
                + "3c010204\n").toString(), "--out", dir.resolve("ok.table.json").toString());
        assertThat(fine.errLines()).isEmpty();
    }

    /** Windows editors may put a byte-order mark in front; it is not part of the header or the JSON. */
    @Test
    void aByteOrderMarkInFrontIsSkipped() throws Exception {
        Path cache = write("bom.cache", "\uFEFF" + TRT_7000);
        Path json = dir.resolve("plain.json");
        assertThat(CliRun.of("cache", "convert", write("plain.cache", TRT_7000).toString(), "--out", json.toString())
                .exitCode()).isZero();
        Path bomJson = Files.writeString(dir.resolve("bom.json"), "\uFEFF" + Files.readString(json));

        CliRun fromCache = CliRun.of("cache", "show", cache.toString());
        CliRun fromTable = CliRun.of("cache", "show", bomJson.toString());

        assertThat(fromCache.exitCode()).as(fromCache.err()).isZero();
        assertThat(fromCache.out()).startsWith("TRT-7000-EntropyCalibration2: 8 tensors");
        assertThat(fromTable.exitCode()).as(fromTable.err()).isZero();
        assertThat(fromTable.out().lines().skip(1).toList()).isEqualTo(fromCache.out().lines().skip(1).toList());
    }

    /** The largest float32 scale times 127 overflows: no table holds that range, and the error names the file. */
    @Test
    void aScaleNoTableCanHoldIsRefusedNamingTheFile() throws Exception {
        Path cache = write("big.cache", "TRT-8601-EntropyCalibration2\nbig: 7f7fffff\n");
        Path json = dir.resolve("big.json");

        CliRun run = CliRun.of("cache", "convert", cache.toString(), "--out", json.toString());
        CliRun show = CliRun.of("cache", "show", cache.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + cache + ":2: tensor 'big': scale 3.4028235E38 (bits "
                + "7f7fffff) gives an amax of scale × 127 beyond float32");
        assertThat(json).doesNotExist();
        assertThat(show.exitCode()).as("show refuses what convert refuses, instead of an amax of Infinity")
                .isEqualTo(1);
        assertThat(show.errLines()).isEqualTo(run.errLines());
    }

    /** A real TensorRT 8.6 cache holds +Infinity for tensors of -inf (an attention mask): shown, and left out of tables. */
    @Test
    void aCacheWithTensorRtsInfiniteScalesIsShownAndConvertedWithoutThem() throws Exception {
        Path cache = write("int8.cache", "TRT-8601-EntropyCalibration2\nmask: 7f800000\nx: 3c008912\n");
        Path json = dir.resolve("int8.table.json");

        CliRun show = CliRun.of("cache", "show", cache.toString());
        CliRun showJson = CliRun.of("cache", "show", "--json", cache.toString());
        CliRun convert = CliRun.of("cache", "convert", cache.toString(), "--out", json.toString());

        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out().lines().toList().get(2).split("\\s+")).containsExactly("mask", "Infinity", "Infinity");
        JsonNode mask = new ObjectMapper().readTree(showJson.out()).get("tensors").get(0);
        assertThat(mask.get("scale").asText()).isEqualTo("Infinity");
        assertThat(mask.get("scaleHex").asText()).isEqualTo("7f800000");
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        assertThat(convert.errLines()).containsExactly("trt4j: warning: " + cache + ": 1 tensor with an infinite scale "
                + "(TensorRT's for a tensor holding -inf, such as an attention mask), which no INT8 range fits, left "
                + "out (first: 'mask')");
        assertThat(CalibrationTable.read(json).tensorNames()).containsExactly("x");

        Path onlyInfinite = write("mask.cache", "TRT-8601-EntropyCalibration2\nmask: 7f800000\n");
        Path none = dir.resolve("mask.table.json");
        CliRun empty = CliRun.of("cache", "convert", onlyInfinite.toString(), "--out", none.toString());
        assertThat(empty.exitCode()).as("refused as a cache without tensors is").isEqualTo(1);
        assertThat(empty.errLines()).containsExactly("trt4j: " + onlyInfinite + ": every tensor has an infinite scale "
                + "(TensorRT's for a tensor holding -inf); it holds no INT8 range to use");
        assertThat(none).doesNotExist();
    }

    /** Calibrating again gives Infinity again: quantize names the nodes to keep in FP32 instead. */
    @Test
    void quantizeNamesTheNodesThatReadATensorOfInfiniteScale() throws Exception {
        Path model = dev.trt4j.cli.TestModels.matMul(dir.resolve("mm.onnx"));
        Path cache = write("mm.cache", "TRT-8601-EntropyCalibration2\nx: 7f800000\ny: 3c008912\n");

        CliRun run = CliRun.of("quantize", model.toString(), "--table", cache.toString(), "--out",
                dir.resolve("q.onnx").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).last().asString().isEqualTo("trt4j: " + cache + ": tensor 'x' has an infinite "
                + "scale (holding -inf) and no INT8 range, but mm.onnx quantizes it; keep the quantized nodes that read "
                + "it (on --runtime onnxruntime-cpu, the Conv that makes one) in FP32 with one --exclude NODE each");
        assertThat(dir.resolve("q.onnx")).doesNotExist();
    }

    @Test
    void aTableOfAnotherGridThanSignedEightBitIsNoCache() throws Exception {
        // convert would write amax / 127 of a 4-bit amax, which quantize and build would take as an INT8 range
        Path table = write("four.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"max\",\"parameters\":{\"numBits\":\"4\"}},"
                + "\"tensors\":{\"a\":{\"amax\":1.0}}}");
        Path cache = dir.resolve("four.cache");

        CliRun run = CliRun.of("cache", "convert", table.toString(), "--out", cache.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + table + ": calibrated with \"numBits\": \"4\" but a "
                + "TensorRT cache holds signed INT8 scales, and the amax of a 4-bit calibration is no 8-bit range "
                + "(calibrate again without --num-bits)");
        assertThat(cache).doesNotExist();
    }

    @Test
    void showGivesATableOfAnotherGridItsOwnScale() throws Exception {
        Path four = write("four.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"max\",\"parameters\":{\"numBits\":\"4\"}},"
                + "\"tensors\":{\"a\":{\"amax\":3.5}}}");
        Path unsigned = write("u8.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"max\",\"parameters\":{\"numBits\":\"8\",\"unsigned\":\"true\"}},"
                + "\"tensors\":{\"a\":{\"amax\":2.55}}}");

        CliRun text = CliRun.of("cache", "show", four.toString());
        CliRun json = CliRun.of("cache", "show", "--json", unsigned.toString());

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out().lines().findFirst().orElseThrow())
                .isEqualTo("calibration table, method max, 4-bit signed grid (scale = amax / 7): 1 tensor");
        // 3.5 / 7, where amax / 127 would show 0.027559055
        assertThat(text.out().lines().toList().get(2).split("\\s+")).containsExactly("a", "0.5", "3.5");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("maxBound").asInt()).isEqualTo(255);
        assertThat(root.get("tensors").get(0).get("scale").floatValue()).isEqualTo(2.55f / 255f);
    }

    @Test
    void showRefusesATableWhoseBitWidthIsNoBitWidth() throws Exception {
        Path table = write("odd.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"max\",\"parameters\":{\"numBits\":\"eight\"}},"
                + "\"tensors\":{\"a\":{\"amax\":1.0}}}");

        CliRun run = CliRun.of("cache", "show", table.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + table + ": provenance.parameters.numBits: 'eight' is "
                + "not a bit width in [1, 16]");
    }

    @Test
    void showEscapesControlCharactersInNamesSoNoRowIsFaked() throws Exception {
        Path table = write("odd.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"max\"},\"tensors\":{\"a\\nfake: 1.0\":{\"amax\":1.0,"
                + "\"hex\":\"3f800000\"},\"esc\\u001b[31mred\":{\"amax\":2.0,\"hex\":\"40000000\"}}}");

        CliRun run = CliRun.of("cache", "show", table.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(4).noneMatch(l -> l.startsWith("fake"))
                .noneMatch(l -> l.indexOf(0x1b) >= 0);
        assertThat(run.out()).contains("a\\u000afake: 1.0").contains("esc\\u001b[31mred");
    }

    /** A file name or an argument is anyone's text too: error lines escape it wherever it came from. */
    @Test
    void errorLinesEscapeControlCharactersInFileNamesAndArguments() {
        CliRun missing = CliRun.of("cache", "show", dir.resolve("gone\u001b[2J.cache").toString());
        CliRun method = CliRun.of("amax", "--method", "ma\u001b[31mx", "--histogram", "h.json");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).singleElement().asString().doesNotContain("\u001b")
                .contains("gone\\u001b[2J.cache");
        assertThat(method.exitCode()).isEqualTo(2);
        assertThat(method.errLines()).singleElement().asString().doesNotContain("\u001b")
                .contains("ma\\u001b[31mx");
    }

    @Test
    void aBareMajorVersionIsRefusedRatherThanWrittenAsAVersionNumber() throws Exception {
        Path table = dir.resolve("t.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        Path out = dir.resolve("x.cache");

        // neither formula gives these: no TensorRT writes such a header (calibration.md §4.1)
        // nor has any TensorRT a major past 11 (11 is taken ahead of its release)
        for (String version : new String[] {"10", "10150", "1015", "99999", "8.12", "1234567", "99.99.99", "999999",
            "12.0.0"}) {
            CliRun run = CliRun.of("cache", "convert", table.toString(), "--out", out.toString(), "--trt-version",
                    version);

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.errLines()).containsExactly("trt4j: --trt-version '" + version + "' is no TensorRT "
                    + "version; give a release from 2.0 to 11.x (10.15.1, 8.6.1, or 10.15.1.29 as "
                    + "tensorrt.__version__ prints it) or its NV_TENSORRT_VERSION: major·1000 + "
                    + "minor·100 + patch up to TensorRT 9 (4 digits: 8601), major·10000 + minor·100 + patch from "
                    + "TensorRT 10 (6 digits: 101501)");
            assertThat(out).doesNotExist();
        }
    }

    /** A range whose scale underflows to 0 is written as 0, as TensorRT would read it, and named as quantize names it. */
    @Test
    void aRangeWhoseScaleUnderflowsIsNamedInAWarning() throws Exception {
        Path table = write("tiny.table.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,"
                + "\"provenance\":{\"method\":\"entropy\"},\"tensors\":{\"a\":{\"amax\":1e-45},\"ok\":{\"amax\":1.0}}}");
        Path out = dir.resolve("tiny.cache");

        CliRun run = CliRun.of("cache", "convert", table.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo("TRT-101501-EntropyCalibration2\na: 0\nok: 3c010204\n");
        assertThat(run.errLines()).containsExactly("trt4j: warning: " + table + ": 1 activation range(s) so small that "
                + "the scale amax/127 is subnormal or underflows to 0 (first: 'a' (1.4E-45)): every larger value "
                + "saturates; calibrate again");
    }

    /** A table's kept header version that no TensorRT has is named with its field, and --trt-version replaces it. */
    @Test
    void aKeptVersionNoTensorRtHasIsNamedWithItsField() throws Exception {
        Path table = write("pv.json", "{\"format\":\"trt4j.calibration-table\",\"version\":1,\"provenance\":"
                + "{\"method\":\"EntropyCalibration2\",\"parameters\":{\"tensorrtVersion\":\"10\"}},"
                + "\"tensors\":{\"a\":{\"amax\":1.0}}}");
        Path out = dir.resolve("pv.cache");

        CliRun run = CliRun.of("cache", "convert", table.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + table + ": provenance \"tensorrtVersion\": \"10\" is no "
                + "TensorRT version; give a release from 2.0 to 11.x (10.15.1, 8.6.1, or 10.15.1.29 as "
                + "tensorrt.__version__ prints it) or its NV_TENSORRT_VERSION: "
                + "major·1000 + minor·100 + patch up to TensorRT 9 (4 digits: 8601), major·10000 + minor·100 + patch "
                + "from TensorRT 10 (6 digits: 101501) (or set the header's with --trt-version)");
        assertThat(out).doesNotExist();
        CliRun given = CliRun.of("cache", "convert", table.toString(), "--out", out.toString(), "--trt-version",
                "10.0");
        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(Files.readString(out)).startsWith("TRT-100000-EntropyCalibration2\n");
    }

    @Test
    void tableToCacheTakesTheHeaderFromOptions() throws Exception {
        Path table = dir.resolve("t.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        Path out = dir.resolve("x.cache");

        CliRun run = CliRun.of("cache", "convert", table.toString(), "--out", out.toString(),
                "--trt-version", "10.3.0", "--algorithm", "MinMaxCalibration");

        assertThat(run.exitCode()).isZero();
        assertThat(Files.readString(out)).isEqualTo("TRT-100300-MinMaxCalibration\nx: 3c810204\n");
    }

    @Test
    void failingConvertLeavesNoOutputFile() throws Exception {
        Path bad = write("bad.cache", "TRT-7000-EntropyCalibration2\ndata: 3c008912\nconv1 3c88edfc\n");
        Path out = dir.resolve("out.json");

        CliRun run = CliRun.of("cache", "convert", bad.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("trt4j: " + bad + ":3: ");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bad.cache");
        }
    }

    @Test
    void convertRefusesToOverwriteItsInput() throws Exception {
        Path cache = write("in.cache", TRT_7000);
        Path sameViaDot = dir.resolve(".").resolve("in.cache");

        CliRun run = CliRun.of("cache", "convert", cache.toString(), "--out", sameViaDot.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "trt4j: " + sameViaDot + ": --out is the input; write the converted file elsewhere");
        assertThat(Files.readString(cache)).isEqualTo(TRT_7000);
    }

    @Test
    void unrecognisedAndMisusedInputs() throws Exception {
        Path binary = dir.resolve("engine.plan");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        CliRun notText = CliRun.of("cache", "show", binary.toString());
        assertThat(notText.exitCode()).isEqualTo(1);
        assertThat(notText.errLines()).containsExactly("trt4j: " + binary + ": not a calibration file (not UTF-8 text)");

        CliRun neither = CliRun.of("cache", "show", write("notes.txt", "hello\n").toString());
        assertThat(neither.errLines()).hasSize(1).first().asString().contains("neither");

        Path cache = write("in.cache", TRT_7000);
        CliRun headerOnCache = CliRun.of("cache", "convert", cache.toString(), "--out",
                dir.resolve("o.json").toString(), "--algorithm", "MinMaxCalibration");
        assertThat(headerOnCache.exitCode()).isEqualTo(2);
        assertThat(dir.resolve("o.json")).doesNotExist();

        Path table = dir.resolve("t.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        CliRun badVersion = CliRun.of("cache", "convert", table.toString(), "--out", dir.resolve("o.cache").toString(),
                "--trt-version", "ten");
        assertThat(badVersion.exitCode()).isEqualTo(2);
        assertThat(badVersion.errLines().get(0)).contains("--trt-version").contains("'ten'");
    }

    @Test
    void aFileWithoutTensorsIsRefusedByShowAndConvert() throws Exception {
        Path cache = write("empty.cache", "TRT-101501-EntropyCalibration2\n");
        Path table = dir.resolve("empty.json");
        new CalibrationTable(Map.of(), Provenance.unknown()).write(table);
        Path out = dir.resolve("out.cache");

        CliRun showCache = CliRun.of("cache", "show", cache.toString());
        CliRun showTable = CliRun.of("cache", "show", "--json", table.toString());
        CliRun convert = CliRun.of("cache", "convert", table.toString(), "--out", out.toString());

        assertThat(showCache.exitCode()).isEqualTo(1);
        assertThat(showCache.errLines()).containsExactly("trt4j: " + cache + ": a TensorRT calibration cache with only "
                + "its header line; it holds no ranges to use");
        assertThat(showCache.out()).isEmpty();
        assertThat(showTable.exitCode()).isEqualTo(1);
        assertThat(showTable.errLines()).containsExactly("trt4j: " + table + ": a calibration table with no tensors; it "
                + "holds no ranges to use");
        assertThat(convert.exitCode()).isEqualTo(1);
        assertThat(convert.errLines()).containsExactly("trt4j: " + table + ": a calibration table with no tensors; it "
                + "holds no ranges to use");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFolderGivenForTheInputIsCalledAFolder() {
        CliRun run = CliRun.of("cache", "show", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + dir + ": is a folder, expected a file");
    }

    @Test
    void anOutputFolderThatTakesNoNewFilesIsNamedNotCalledMissing() throws Exception {
        Path proc = Path.of("/proc");
        assumeThat(proc).as("needs Linux's /proc, a folder that takes no new files").isDirectory();
        Path cache = write("in.cache", TRT_7000);
        Path out = proc.resolve("x.json");

        CliRun run = CliRun.of("cache", "convert", cache.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + out + ": cannot write into folder /proc: its file "
                + "system does not take new files");
    }

    @Test
    void convertRefusesAnOutNameThatContradictsWhatItWrites() throws Exception {
        Path cache = write("in.cache", TRT_7000);
        Path table = dir.resolve("t.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        Path jsonAsCache = dir.resolve("x.cache");
        Path cacheAsJson = dir.resolve("y.table.json");

        CliRun toTable = CliRun.of("cache", "convert", cache.toString(), "--out", jsonAsCache.toString());
        CliRun toCache = CliRun.of("cache", "convert", table.toString(), "--out", cacheAsJson.toString());

        assertThat(toTable.exitCode()).isEqualTo(2);
        assertThat(toTable.errLines()).containsExactly("trt4j: --out " + jsonAsCache + ": " + cache
                + " is a cache and converts to a calibration table (JSON); give --out a .json name");
        assertThat(toCache.exitCode()).isEqualTo(2);
        assertThat(toCache.errLines()).containsExactly("trt4j: --out " + cacheAsJson + ": " + table
                + " is a table and converts to a TensorRT calibration cache, not JSON; give --out a name not ending "
                + "in .json, such as model.cache");
        assertThat(jsonAsCache).doesNotExist();
        assertThat(cacheAsJson).doesNotExist();

        Path folder = java.nio.file.Files.createDirectories(dir.resolve("run1"));
        CliRun intoFolder = CliRun.of("cache", "convert", cache.toString(), "--out", folder.toString());
        assertThat(intoFolder.exitCode()).isEqualTo(2);
        assertThat(intoFolder.errLines()).containsExactly("trt4j: --out " + folder + ": is a folder; give the file to "
                + "write (a .json name)");
    }

    @Test
    void convertAcceptsOnlyAlgorithmsTensorRtWrites() throws Exception {
        Path table = dir.resolve("t.json");
        new CalibrationTable(Map.of("x", 2f), Provenance.unknown()).write(table);
        Path out = dir.resolve("x.cache");

        CliRun made = CliRun.of("cache", "convert", table.toString(), "--out", out.toString(), "--algorithm", "Foo");
        assertThat(made.exitCode()).isEqualTo(2);
        assertThat(made.errLines()).containsExactly("trt4j: --algorithm 'Foo' is not a token of the calibrators trt4j "
                + "builds with (a cache read back needs its calibrator's token); use one of EntropyCalibration2, "
                + "MinMaxCalibration");
        assertThat(out).doesNotExist();

        CliRun lowerCase = CliRun.of("cache", "convert", table.toString(), "--out", out.toString(),
                "--algorithm", "minmaxcalibration");
        assertThat(lowerCase.exitCode()).isZero();
        assertThat(Files.readString(out)).startsWith("TRT-101501-MinMaxCalibration\n");
    }
}
