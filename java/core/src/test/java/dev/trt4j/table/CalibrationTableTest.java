package dev.trt4j.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.Trt4jException;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.calibrators.CalibrationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalibrationTableTest {
    @TempDir
    Path dir;

    private static Provenance provenance() {
        return new Provenance("entropy", Provenance.parameters(CalibrationOptions.defaults()), 512L, "cls.onnx",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0.1.0",
                "images:/data/lines (256 files)", Instant.parse("2026-07-05T10:15:30.123Z"));
    }

    /** A cache read as a table is named as a cache, not by a JSON parser's words about its header. */
    @Test
    void aCacheReadAsATableIsNamedAsOne() throws Exception {
        Path cache = Files.writeString(dir.resolve("entropy.cache"), "TRT-101501-EntropyCalibration2\nx: 3c010a14\n");
        assertThatThrownBy(() -> CalibrationTable.read(cache)).isInstanceOf(Trt4jException.class)
                .hasMessage(cache + ": a TensorRT calibration cache (TRT-101501-EntropyCalibration2), not a trt4j table "
                        + "(JSON); read it with CalibrationFile.read, which takes either");
        assertThat(CalibrationFile.read(cache).cache()).isNotNull();
        assertThatThrownBy(() -> new TensorRtCalibrationCache(1, null, java.util.Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("algorithm");
    }

    @Test
    void jsonRoundTripKeepsOrderBitsAndProvenance() {
        SplittableRandom random = new SplittableRandom(11);
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("z_last_alphabetically_first_in_order", 254.87549f);
        amax.put("(Unnamed Layer* 64) [Shuffle]_output", 0f);
        amax.put("input_1:0", Float.MIN_VALUE);
        amax.put("ünïcode \"quoted\" \\ name", 3.4028235E38f);
        for (int i = 0; i < 500; i++) {
            amax.put("t" + i, Math.abs(Float.intBitsToFloat(random.nextInt(0, 0x7f800000))));
        }
        CalibrationTable table = new CalibrationTable(amax, provenance());
        Path file = dir.resolve("table.json");

        table.write(file);
        CalibrationTable back = CalibrationTable.read(file);

        assertThat(back).isEqualTo(table);
        assertThat(back.tensorNames()).containsExactlyElementsOf(amax.keySet());
        assertThat(back.provenance().parameters()).containsEntry("percentile", "99.99");
    }

    @Test
    void jsonHoldsTheShortestDecimalAndTheHexBits() throws Exception {
        CalibrationTable table = new CalibrationTable(Map.of("conv1", 2.1228104f), provenance());
        JsonNode root = new ObjectMapper().readTree(table.toJson());

        assertThat(root.get("format").asText()).isEqualTo("trt4j.calibration-table");
        JsonNode entry = root.get("tensors").get("conv1");
        assertThat(entry.get("amax").isNumber()).isTrue();
        assertThat(table.toJson()).contains("\"amax\": 2.1228104,");
        assertThat(entry.get("hex").asText()).isEqualTo(Integer.toHexString(Float.floatToRawIntBits(2.1228104f)));
        assertThat(root.get("provenance").get("modelSha256").asText()).hasSize(64);
        assertThat(root.get("provenance").get("createdAt").asText()).isEqualTo("2026-07-05T10:15:30.123Z");
    }

    @Test
    void readingPrefersTheHexAndAcceptsADecimalAlone() {
        String json = """
                {"tensors": {
                  "a": {"amax": 1.5, "hex": "3f800000"},
                  "b": {"amax": 0.1},
                  "c": {"hex": "40000000"}
                }}""";
        CalibrationTable table = CalibrationTable.fromJson(json, "hand.json");

        assertThat(table.amaxByTensor()).containsExactly(Map.entry("a", 1.0f), Map.entry("b", 0.1f),
                Map.entry("c", 2.0f));
        assertThat(table.provenance().method()).isNull();
    }

    @Test
    void aSignedZeroIsTheRangeZeroInDecimalAndHexAlike() {
        CalibrationTable table = CalibrationTable.fromJson("""
                {"tensors": {"a": {"amax": -0.0}, "b": {"hex": "80000000"}, "c": {"amax": -0.0, "hex": "00000000"}}}""",
                "zeros.json");

        table.amaxByTensor().values().forEach(amax -> assertThat(Float.floatToRawIntBits(amax)).isZero());
        assertThat(table.amaxByTensor()).hasSize(3);
    }

    @Test
    void malformedJsonGivesOneLineNamingFileAndProblem() {
        assertReadError("{\"tensors\": {\"a\": {\"amax\": 1.0,}}}", "not valid JSON", "line 1");
        assertReadError("", "empty", "");
        assertReadError("{\"tensors\": {}} {\"tensors\": {}}", "not valid JSON", "");
        assertReadError("[1, 2]", "expected an object", "");
        assertReadError("{\"format\": \"trt4j.tensor-statistics\", \"tensors\": {}}", "format", "calibration-table");
        assertReadError("{\"version\": 2, \"tensors\": {}}", "version", "reads version 1");
        assertReadError("{}", "tensors: missing", "");
        assertReadError("{\"tensors\": {\"a\": {}}}", "tensors[\"a\"].amax: missing", "");
        assertReadError("{\"tensors\": {\"a\": {\"amax\": \"1.0\"}}}", "tensors[\"a\"].amax", "the string");
        assertReadError("{\"tensors\": {\"a\": {\"hex\": \"xyz\"}}}", "tensors[\"a\"].hex", "hexadecimal");
        assertReadError("{\"tensors\": {\"a\": {\"amax\": 5, \"hex\": \"7fc00000\"}}}", "tensors[\"a\"].hex",
                "7fc00000 is NaN; an amax must be finite and >= 0");
        assertReadError("{\"tensors\": {\"a\": {\"amax\": -1}}}", "tensors", "'a'");
        // -0.0 is read as the range 0 (aSignedZeroIsTheRangeZeroInDecimalAndHexAlike); built by hand it is refused,
        // since a cache cannot hold its scale
        assertThatThrownBy(() -> new CalibrationTable(Map.of("n", -0.0f), provenance()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tensor 'n': amax must be finite and >= 0, "
                        + "got -0.0");
        assertReadError("{\"tensors\": {\"a\": {\"amax\": 1e39}}}", "tensors[\"a\"].amax", "float32 range");
        assertReadError("{\"tensors\": {\"a\": {\"amax\": 1}, \"a\": {\"amax\": 2}}}", "not valid JSON", "'a'");
        assertReadError("{\"provenance\": {\"sampleCount\": 1.5}, \"tensors\": {}}", "provenance.sampleCount",
                "integer");
        assertReadError("{\"provenance\": {\"createdAt\": \"yesterday\"}, \"tensors\": {}}", "createdAt", "ISO");
        // the grid decides what may take the ranges: an edited one is named here, not read as another grid
        assertReadError("{\"provenance\": {\"parameters\": {\"numBits\": \"abc\"}}, \"tensors\": {}}",
                "provenance.parameters.numBits: 'abc' is not a bit width in [1, 16]", "");
        assertReadError("{\"provenance\": {\"parameters\": {\"numBits\": 40}}, \"tensors\": {}}",
                "provenance.parameters.numBits: '40'", "");
        assertReadError("{\"provenance\": {\"parameters\": {\"unsigned\": \"maybe\"}}, \"tensors\": {}}",
                "provenance.parameters.unsigned: 'maybe' is neither true nor false", "");
    }

    private void assertReadError(String json, String fragment, String fragment2) {
        Path file = dir.resolve("bad.json");
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> CalibrationTable.read(file)).as(json)
                .isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(fragment)
                .hasMessageContaining(fragment2)
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingFileIsAUserError() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> CalibrationTable.read(missing)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(missing + ": cannot read");
    }

    @Test
    void rejectsInvalidAmaxAndNames() {
        assertThatThrownBy(() -> new CalibrationTable(Map.of("x", Float.NaN), provenance()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> new CalibrationTable(Map.of("x", Float.POSITIVE_INFINITY), provenance()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CalibrationTable(Map.of("", 1f), provenance()))
                .isInstanceOf(IllegalArgumentException.class);
        CalibrationTable t = new CalibrationTable(Map.of("x", 1f), provenance());
        assertThatThrownBy(() -> t.amax("y")).isInstanceOf(Trt4jException.class).hasMessageContaining("'y'");
    }

    @Test
    void provenanceOfARunHashesTheModelAndRecordsTheVersion() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, "abc".getBytes(StandardCharsets.US_ASCII));
        Provenance p = Provenance.ofRun("max", Map.of(), 3, model, "synthetic");

        // SHA-256("abc") from FIPS 180-2
        assertThat(p.modelSha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(p.modelFileName()).isEqualTo("m.onnx");
        assertThat(p.trt4jVersion()).isEqualTo(Trt4jVersion.get()).isNotEqualTo("unknown")
                .doesNotContain("${");
        assertThat(p.createdAt()).isNotNull();
        assertThatThrownBy(() -> Provenance.ofRun("max", Map.of(), 3, dir.resolve("gone.onnx"), "x"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("gone.onnx");
    }

    @Test
    void failedWriteLeavesNoFile() throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        CalibrationTable t = new CalibrationTable(Map.of("x", 1f), provenance());
        assertThatThrownBy(() -> t.write(blocker.resolve("t.json"))).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(blocker.toString()).hasMessageContaining("not a folder");
        assertThat(List.of(dir.toFile().list())).containsExactly("file");
    }
}
