package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalibrationCacheHandoffTest {
    private static final TensorRtVersion V = new TensorRtVersion(10, 15, 1);

    @TempDir
    static Path dir;
    /** Input x [batch,3,8,8] float; tensors x, w, conv_out, y. */
    static ModelFacts model;

    @BeforeAll
    static void model() throws IOException {
        model = ModelFacts.of(OnnxModel.load(TinyOnnxModels.conv(dir, "m.onnx", false, false)));
    }

    @Test
    void tableIsRenderedForTheRunningTensorRtWithTheCalibratorsToken() {
        Map<String, Float> amax = new LinkedHashMap<>();
        amax.put("x", 1f);
        amax.put("conv_out", 6f);
        amax.put("y", 255f);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromTable(new CalibrationTable(amax, Provenance.unknown()),
                TrtCalibrationAlgorithm.MINMAX_CALIBRATION, model);
        assertThat(h.isPresent()).isTrue();
        assertThat(h.isTable()).isTrue();
        assertThat(h.tensorCount()).isEqualTo(3);
        String expected = "TRT-101501-MinMaxCalibration\nx: 3c010204\nconv_out: 3d418306\ny: 40008102\n";
        assertThat(new String(h.bytesFor(V).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(new String(h.bytesFor(new TensorRtVersion(10, 3, 0)).orElseThrow(), StandardCharsets.UTF_8))
                .startsWith("TRT-100300-MinMaxCalibration\n");
        // a table held in memory is identified by the cache TensorRT reads
        assertThat(h.sha256(V)).contains(Provenance.sha256(expected.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void tableFileIsIdentifiedByItsOwnHash() {
        Path file = dir.resolve("entropy.table.json");
        new CalibrationTable(Map.of("conv_out", 3f), new Provenance("entropy", Map.of(), 64L, "m.onnx", null, null,
                "npy:x.npy (64 samples)", null)).write(file);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromTableFile(file,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model);
        assertThat(h.source()).isEqualTo(file.toString());
        assertThat(h.sha256(V)).contains(Provenance.sha256(file));
        assertThat(new String(h.bytesFor(V).orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("TRT-101501-EntropyCalibration2\nconv_out: 3cc18306\n");
        CalibrationCacheHandoff inMemory = CalibrationCacheHandoff.fromTable(CalibrationTable.read(file),
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model);
        assertThat(inMemory.source()).isEqualTo("trt4j entropy ranges from npy:x.npy (64 samples)");
    }

    @Test
    void tableForAnotherModelMissingOrNotATableIsRejected() throws IOException {
        CalibrationTable other = new CalibrationTable(Map.of("x", 1f, "encoder.0.out", 2f), Provenance.unknown());
        Path file = dir.resolve("t.json");
        other.write(file);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTableFile(file, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                model)).isInstanceOf(Trt4jException.class)
                .hasMessage(file + ": rejected: 1 of its 2 tensors are not in m.onnx (e.g. 'encoder.0.out') and it "
                        + "records no model sha256, so it was made for another model (--force uses it anyway)");
        assertThat(CalibrationCacheHandoff.fromTableFile(file, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model,
                true).tensorCount()).isEqualTo(2);
        Path folder = Files.createDirectories(dir.resolve("folder.json"));
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTableFile(folder, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                model)).hasMessage(folder + ": calibration table not found");
        Path broken = Files.writeString(dir.resolve("broken.json"), "TRT-101501-EntropyCalibration2\n");
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTableFile(broken, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                model)).isInstanceOf(Trt4jException.class).hasMessageStartingWith(broken.toString())
                .message().doesNotContain("\n");
    }

    /**
     * A table that records its model is judged by that model's SHA-256, as quantize judges it: another model's is
     * refused though every name fits (unless forced), and this model's passes with a tensor the model lacks.
     */
    @Test
    void tableIsJudgedByTheModelItRecords() {
        String other = "ab".repeat(32);
        Path foreign = dir.resolve("foreign.table.json");
        new CalibrationTable(Map.of("x", 1f), new Provenance("entropy", Map.of(), 8L, "n.onnx", other, null, null,
                null)).write(foreign);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTableFile(foreign,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model)).isInstanceOf(Trt4jException.class)
                .hasMessage(foreign + ": made for model sha256 abababababab… but m.onnx is "
                        + model.sha256().substring(0, 12) + "… (--force uses it anyway)");
        assertThat(CalibrationCacheHandoff.fromTableFile(foreign, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2,
                model, true).isTable()).isTrue();

        Path extra = dir.resolve("extra.table.json");
        new CalibrationTable(Map.of("x", 1f, "gone", 2f), new Provenance("entropy", Map.of(), 8L, "m.onnx",
                model.sha256(), null, null, null)).write(extra);
        assertThat(CalibrationCacheHandoff.fromTableFile(extra, TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model)
                .tensorCount()).isEqualTo(2);
    }

    /** A 4-bit or unsigned amax is no signed INT8 range: TensorRT would read it as one, so it is refused as quantize does. */
    @Test
    void tableOfAnotherGridThanSignedEightBitIsRejected() {
        Path four = dir.resolve("four.table.json");
        new CalibrationTable(Map.of("x", 1f), new Provenance("entropy", Map.of("numBits", "4"), 8L, null, null, null,
                null, null)).write(four);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTableFile(four,
                TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2, model)).isInstanceOf(Trt4jException.class)
                .hasMessage(four + ": calibrated with \"numBits\": \"4\" but build hands TensorRT signed INT8 ranges, "
                        + "and the amax of a 4-bit calibration is no 8-bit range (calibrate again without --num-bits)");
        CalibrationTable unsigned = new CalibrationTable(Map.of("x", 1f), new Provenance("max",
                Map.of("unsigned", "true"), 8L, null, null, null, "npy:x.npy (8 samples)", null));
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromTable(unsigned,
                TrtCalibrationAlgorithm.MINMAX_CALIBRATION, model))
                .hasMessage("trt4j max ranges from npy:x.npy (8 samples): calibrated with \"unsigned\": \"true\" but "
                        + "build hands TensorRT signed INT8 ranges, and the amax of an unsigned calibration is no "
                        + "signed range (calibrate again without --unsigned)");
    }

    @Test
    void matchingCacheIsHandedOverByteForByte() {
        byte[] bytes = "TRT-101501-EntropyCalibration2\nx: 3c010204\nconv_out: 3d418306\n".getBytes(StandardCharsets.UTF_8);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromCache("c", bytes,
                CalibratorChoice.ENTROPY, model);
        assertThat(h.bytesFor(V)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        assertThat(h.tensorCount()).isEqualTo(2);
        assertThat(h.isTable()).isFalse();
        assertThat(h.sha256(V)).contains(Provenance.sha256(bytes));
    }

    @Test
    void cacheOfAnotherCalibratorVersionOrModelIsRejectedNeverReused() {
        byte[] minmax = "TRT-101501-MinMaxCalibration\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", minmax, CalibratorChoice.ENTROPY, model))
                .isInstanceOf(InvalidOptionException.class).hasMessage("c: calibration cache rejected: written by TRT-101501-MinMaxCalibration but --calibrator "
                        + "entropy reads TensorRT's EntropyCalibration2; pass --calibrator max (or no --calibrator: "
                        + "the cache's header chooses)");
        // TensorRT's older entropy calibrator: no --calibrator matches, so the way is through a table
        byte[] v1 = "TRT-101501-EntropyCalibration\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", v1, CalibratorChoice.ENTROPY, model))
                .hasMessageEndingWith("and no --calibrator uses EntropyCalibration; convert it to a table (trt4j cache "
                        + "convert CACHE --out T.table.json) and build with --table T.table.json");
        // another major version is refused before the GPU is looked for
        byte[] old = "TRT-8601-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", old, CalibratorChoice.ENTROPY, model))
                .hasMessage("c: calibration cache rejected: written by TRT-8601-EntropyCalibration2 (TensorRT 8.6.1), "
                        + "and trt4j builds with TensorRT 10, which takes a cache of its own version only; convert it "
                        + "to a table (trt4j cache convert CACHE --out T.table.json) and build with --table "
                        + "T.table.json, or calibrate m.onnx (trt4j calibrate --all-tensors) and pass its cache or "
                        + "table, or build with --data instead of --cache");
        // whatever --calibrator says: the version is named first, not a calibrator that would then be refused too
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", old, CalibratorChoice.MAX, model))
                .isNotInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("c: calibration cache rejected: written by TRT-8601-EntropyCalibration2 "
                        + "(TensorRT 8.6.1), and trt4j builds with TensorRT 10");
        // another TensorRT 10 release only once the runtime's version is known
        byte[] earlier = "TRT-100300-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        CalibrationCacheHandoff h = CalibrationCacheHandoff.fromCache("c", earlier, CalibratorChoice.ENTROPY, model);
        assertThatThrownBy(() -> h.bytesFor(V)).hasMessageContaining("written by TRT-100300-EntropyCalibration2 but "
                + "this is TensorRT 10.15.1 (TRT-101501-EntropyCalibration2)");
        byte[] other = "TRT-101501-EntropyCalibration2\ninput_ids: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", other, CalibratorChoice.ENTROPY, model))
                .hasMessage("c: calibration cache rejected: it has no range for input(s) [x] of m.onnx, so it was "
                        + "made for another model; calibrate m.onnx (trt4j calibrate --all-tensors) and pass its "
                        + "cache or table, or build with --data instead of --cache");
        byte[] notACache = "hello\nx: 1\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c.cache", notACache, CalibratorChoice.ENTROPY,
                model)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith("c.cache: ").hasMessageContaining("TensorRT calibration cache");
    }

    /**
     * A rejection names the --calibrator that reads the cache, of the kind the build uses, and only advises deleting
     * it where that recalibrates: TensorRT's calibrators write a new cache from --data, trt4j's need new ranges.
     */
    @Test
    void aRejectedCacheNamesTheCalibratorThatReadsItAndAWayThatWorksForTheBuild() {
        byte[] entropy = "TRT-101501-EntropyCalibration2\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", entropy, CalibratorChoice.MAX, model))
                .hasMessage("c: calibration cache rejected: written by TRT-101501-EntropyCalibration2 but --calibrator "
                        + "max reads TensorRT's MinMaxCalibration; pass --calibrator entropy, percentile or mse (or no "
                        + "--calibrator: the cache's header chooses)");
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", entropy, CalibratorChoice.TRT_MINMAX, model))
                .hasMessage("c: calibration cache rejected: written by TRT-101501-EntropyCalibration2 but --calibrator "
                        + "trt-minmax reads TensorRT's MinMaxCalibration; pass --calibrator trt-entropy2, or delete it "
                        + "to recalibrate with --data");
        byte[] other = "TRT-101501-MinMaxCalibration\ninput_ids: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", other, CalibratorChoice.TRT_MINMAX, model))
                .hasMessage("c: calibration cache rejected: it has no range for input(s) [x] of m.onnx, so it was "
                        + "made for another model; delete it to recalibrate with --data");
        byte[] old = "TRT-8601-MinMaxCalibration\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", old, CalibratorChoice.TRT_MINMAX, model))
                .hasMessageEndingWith("which takes a cache of its own version only; delete it to recalibrate with "
                        + "--data");
        byte[] v1 = "TRT-101501-EntropyCalibration\nx: 3c010204\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("c", v1, CalibratorChoice.TRT_ENTROPY2, model))
                .hasMessageEndingWith("and no --calibrator uses EntropyCalibration; delete it to recalibrate with "
                        + "--data");
    }

    /** build reads a cache as cache show does: a file that holds no ranges is named for what it is. */
    @Test
    void cacheWithoutRangesIsNamedAsCacheShowNamesIt() {
        byte[] header = "TRT-101501-EntropyCalibration2\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("h.cache", header,
                CalibratorChoice.ENTROPY, model))
                .hasMessage("h.cache: a TensorRT calibration cache with only its header line; it holds no ranges to "
                        + "use");
        byte[] latin1 = "TRT-101501-EntropyCalibration2\nx\u00e9: 3c010204\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("l.cache", latin1,
                CalibratorChoice.ENTROPY, model))
                .hasMessage("l.cache: not a calibration file (not UTF-8 text)");
        byte[] table = "{\"format\":\"trt4j.calibration-table\",\"version\":1,\"tensors\":{\"x\":{\"amax\":1.0}}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CalibrationCacheHandoff.fromCache("t.json", table,
                CalibratorChoice.ENTROPY, model))
                .hasMessage("t.json: a trt4j calibration table (JSON), not a TensorRT calibration cache; give a table "
                        + "with --table (for --calibrator max, entropy, percentile or mse)");
    }

    @Test
    void noneLetsTensorRtCalibrate() {
        CalibrationCacheHandoff h = CalibrationCacheHandoff.none(TrtCalibrationAlgorithm.ENTROPY_CALIBRATION_2);
        assertThat(h.isPresent()).isFalse();
        assertThat(h.bytesFor(V)).isEmpty();
        assertThat(h.sha256(V)).isEmpty();
    }
}
