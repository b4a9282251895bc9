package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestAudio;
import dev.trt4j.cli.TestModels;
import dev.trt4j.cli.Trt4jCommand;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpyFile;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.EngineSidecarFile;
import dev.trt4j.engine.NativeLibraryLocator;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BuildCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpSaysWhereEachKindOfCalibratorGetsItsRanges() {
        CliRun run = CliRun.of("build", "--help");
        // Help wraps each description line; joining the wrapped lines gives back the sentences.
        String help = run.out().replaceAll("\\s+", " ");

        assertThat(run.exitCode()).isZero();
        assertThat(help).contains("--calibrator=NAME Where the INT8 ranges come from (default: the method a "
                + "--table records or a --cache header names, else entropy). max, entropy, percentile or mse: "
                + "trt4j's ranges, read from --table or --cache, else calibrated by trt4j "
                + "on the CPU from --data (percentile at 99.99; for another P, calibrate and pass the table). "
                + "trt-entropy2 or trt-minmax: TensorRT calibrates on the GPU from --data, or "
                + "reuses --cache when it exists.");
    }

    /** Option mistakes are caught before any model or native work, each as one line with exit 2. */
    @Test
    void conflictingOrMalformedOptionsFailWithOneLine() throws Exception {
        Path model = Files.writeString(dir.resolve("m.onnx"), "not read before the options are checked");
        assertThat(fails(2, "build", model.toString(), "--precision", "int9"))
                .isEqualTo("trt4j: unknown precision 'int9'; use one of fp32|fp16|int8");
        assertThat(fails(2, "build", model.toString(), "--precision", "fp16", "--shapes", "x:1x3", "--min-shapes",
                "x:1x3"))
                .isEqualTo("trt4j: --shapes cannot be combined with --min-shapes/--opt-shapes/--max-shapes");
        assertThat(fails(2, "build", model.toString(), "--precision", "fp32", "--workspace", "lots"))
                .startsWith("trt4j: --workspace: 'lots' is not a size");
        assertThat(fails(2, "build", model.toString(), "--precision", "int8", "--calibrator", "kl"))
                .startsWith("trt4j: unknown calibrator 'kl'");
        assertThat(fails(2, "build", model.toString(), "--precision", "int8", "--int8-mode", "bogus"))
                .isEqualTo("trt4j: unknown INT8 mode 'bogus'; use implicit|explicit");
        assertThat(fails(2, "build", model.toString(), "--precision", "fp32", "--data", dir.toString()))
                .isEqualTo("trt4j: --data does not apply to --precision fp32");
        assertThat(fails(2, "build", model.toString(), "--precision", "fp16", "--calib-profile", "1"))
                .isEqualTo("trt4j: --calib-profile does not apply to --precision fp16");
        assertThat(fails(1, "build", model.toString(), "--precision", "fp32", "--shapes", "x:1x3"))
                .contains("m.onnx: not an ONNX model");
        assertThat(list(dir)).containsExactly(model);
    }

    /**
     * An INT8 build of a Q/DQ model is explicit unless told otherwise: it needs no --int8-mode, and sample options,
     * which it would not read, are refused naming why.
     */
    @Test
    void aQdqModelBuildsAsExplicitInt8WithoutBeingTold() throws Exception {
        String m = TestModels.qdqRelu(dir.resolve("m.int8.onnx")).toString();
        String out = dir.resolve("engines/m.engine").toString();

        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--samples", "8", "--out",
                out)).isEqualTo("trt4j: --samples applies to the samples of implicit INT8 calibration, which this "
                        + "build does not read (explicit INT8: the model has Q/DQ nodes)");
        // a sample option the build would not read is named as such before any check of its value
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--seq-len", "600", "--out",
                out)).isEqualTo("trt4j: --seq-len applies to the samples of implicit INT8 calibration, which this "
                        + "build does not read (explicit INT8: the model has Q/DQ nodes)");
        CliRun run = CliRun.of("build", m, "--precision", "int8", "--shapes", "x:2x4", "--out", out);
        assertThat(run.exitCode()).as(run.err()).isNotEqualTo(2);
        assertThat(run.err()).doesNotContain("Q/DQ").doesNotContain("--int8-mode");
        assertThat(Path.of(out)).doesNotExist();
        // explicit INT8 is strongly typed: saying so is no contradiction
        CliRun strong = CliRun.of("build", m, "--precision", "int8", "--strongly-typed", "--shapes", "x:2x4", "--out",
                out);
        assertThat(strong.exitCode()).as(strong.err()).isNotEqualTo(2);
        // calibrator options are the mistake to name, before the sample options they bring
        assertThat(fails(2, "build", m, "--precision", "int8", "--calibrator", "max", "--samples", "4", "--shapes",
                "x:2x4", "--out", out)).isEqualTo("trt4j: m.int8.onnx already has Q/DQ nodes: their scales are its "
                        + "INT8 ranges, so drop the calibrator's options (--calibrator, --table, --cache, --data, "
                        + "--tokenizer, --calib-profile)");
        Path plain = TestModels.relu(dir.resolve("relu.onnx"));
        assertThat(fails(2, "build", plain.toString(), "--precision", "int8", "--strongly-typed", "--shapes", "x:2x4",
                "--out", out)).isEqualTo("trt4j: --strongly-typed cannot be combined with implicit INT8; use "
                        + "--int8-mode explicit with a Q/DQ model from trt4j quantize");
    }

    /**
     * Options that contradict each other or the model are usage errors (exit 2) in build as in calibrate and bench,
     * and on a machine without the driver they are reported instead of the missing driver, not hidden behind it.
     */
    @Test
    void optionsThatDoNotFitTheModelAreUsageErrorsBeforeTheGpuCheck() throws Exception {
        // no assumption about the driver: these errors come before the GPU check on every machine
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        String m = model.toString();
        String out = dir.resolve("engines/relu.engine").toString();
        assertThat(fails(2, "build", m, "--precision", "fp32", "--shapes", "y:2x4", "--out", out))
                .isEqualTo("trt4j: relu.onnx: profile 0 names input 'y' that the model does not have; model inputs are "
                        + "[x]");
        assertThat(fails(2, "build", m, "--precision", "fp32", "--shapes", "x:2", "--out", out))
                .isEqualTo("trt4j: relu.onnx: profile 0: input 'x' has rank 2 [batch,4] but the profile gives rank 1 (2)");
        // a profile may hold an empty tensor (0), which the data's sizes may not: an FP16 build reads no samples
        CliRun empty = CliRun.of("build", m, "--precision", "fp16", "--shapes", "x:0x4", "--out", out);
        assertThat(empty.err()).doesNotContain("positive integer").doesNotContain("--shapes");
        assertThat(fails(2, "build", m, "--precision", "fp32", "--out", out))
                .isEqualTo("trt4j: relu.onnx: model input 'x' has dynamic shape [batch,4]: give --shapes or "
                        + "--min-shapes/--opt-shapes/--max-shapes");
        assertThat(fails(2, "build", m, "--precision", "fp32", "--min-shapes", "x:8x4", "--opt-shapes", "x:2x4",
                "--out", out)).startsWith("trt4j: profile 0: input 'x': ");
        assertThat(fails(2, "build", m, "--precision", "int8", "--int8-mode", "explicit", "--shapes", "x:2x4",
                "--out", out)).isEqualTo("trt4j: relu.onnx has no QuantizeLinear/DequantizeLinear nodes: run trt4j "
                        + "quantize first, or use --int8-mode implicit");
        assertThat(fails(2, "build", m, "--precision", "fp16", "--strongly-typed", "--shapes", "x:2x4", "--out", out))
                .startsWith("trt4j: relu.onnx has only float32 tensors, so a strongly typed build would be FP32");
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--table", "t.json", "--cache",
                "c.cache", "--out", out)).isEqualTo("trt4j: give either --table or --cache, not both");
        assertThat(fails(2, "build", m, "--precision", "fp32", "--shapes", "x:2x4", "--feedback", "y=x", "--out",
                out)).startsWith("trt4j: --feedback y=x: state is fed back only while trt4j computes INT8 ranges");
        // sample options of a build that reads no samples would look like they shaped the engine
        assertThat(fails(2, "build", m, "--precision", "fp32", "--shapes", "x:2x4", "--seed", "7", "--out", out))
                .isEqualTo("trt4j: --seed applies to the samples of implicit INT8 calibration, which this build "
                        + "does not read (--precision fp32)");
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--table", "t.json", "--data",
                "d.npy", "--out", out)).isEqualTo("trt4j: --data applies to the samples of implicit INT8 "
                        + "calibration, which this build does not read (the ranges come from --table or --cache)");
        Path data = dir.resolve("d.npy");
        dev.trt4j.data.npy.NpyFile.write(data, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {2, 4}, new float[8]));
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--calibrator", "trt-minmax",
                "--range-pass", "--data", data.toString(), "--out", out)).startsWith("trt4j: --range-pass applies when trt4j "
                        + "computes the INT8 ranges from --data");
        // an output that is a device is refused now, not after the build (which would have replaced it)
        assertThat(fails(1, "build", m, "--precision", "fp32", "--shapes", "x:2x4", "--out", "/dev/null"))
                .isEqualTo("trt4j: /dev/null: cannot write: not a regular file (a device, pipe or socket); name a "
                        + "file to write");
        // the sample options too, though the samples are read only once TensorRT asks for them
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--batch", "-1", "--out", out))
                .isEqualTo("trt4j: --batch must not be negative (0 = automatic), got -1");
        assertThat(fails(1, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--data",
                dir.resolve("absent").toString(), "--out", out)).isEqualTo("trt4j: " + dir.resolve("absent")
                + ": no such file or folder");
        Path lines = Files.writeString(dir.resolve("lines.txt"), "a line of text\n");
        assertThat(fails(2, "build", m, "--precision", "int8", "--shapes", "x:2x4", "--data", lines.toString(),
                "--seq-len", "64", "--out", out)).startsWith("trt4j: --seq-len 64: the model has no input_ids input");
        Files.delete(lines);
        assertThat(list(dir)).containsExactlyInAnyOrder(model, data);
    }

    /**
     * A table calibrated for a 4-bit grid holds no INT8 ranges: build refuses it as quantize and cache convert do, and
     * before the GPU check, so a machine without one says so too.
     */
    @Test
    void aTableOfAnotherGridIsRefusedBeforeTheGpuCheck() throws Exception {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path four = dir.resolve("four.table.json");
        new dev.trt4j.table.CalibrationTable(java.util.Map.of("x", 1f), new Provenance("entropy",
                java.util.Map.of("numBits", "4"), 8L, null, null, null, null, null)).write(four);
        assertThat(fails(1, "build", model.toString(), "--precision", "int8", "--shapes", "x:2x4", "--table",
                four.toString(), "--out", dir.resolve("relu.engine").toString()))
                .isEqualTo("trt4j: " + four + ": calibrated with \"numBits\": \"4\" but build hands TensorRT signed "
                        + "INT8 ranges, and the amax of a 4-bit calibration is no 8-bit range (calibrate again without "
                        + "--num-bits)");
        assertThat(list(dir)).containsExactlyInAnyOrder(model, four);
    }

    /** A TensorRT cache given as --table is named as one, with the option it goes with, not by a JSON parser. */
    @Test
    void aCacheGivenAsATableIsNamedAsOne() throws Exception {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path cache = Files.writeString(dir.resolve("x.cache"), "\uFEFFTRT-101501-EntropyCalibration2\nx: 3c010204\n");
        assertThat(fails(1, "build", model.toString(), "--precision", "int8", "--shapes", "x:2x4", "--table",
                cache.toString(), "--out", dir.resolve("relu.engine").toString()))
                .isEqualTo("trt4j: " + cache + ": a TensorRT calibration cache (TRT-101501-EntropyCalibration2), not a "
                        + "trt4j table (JSON); give it with --cache instead of --table");
    }

    /**
     * build judges a table's model as quantize does, by the SHA-256 it records: another model's is refused (before
     * the GPU check) unless --force, and a table of this model with a tensor the model lacks is used.
     */
    @Test
    void aTableIsJudgedByItsModelsHashAsQuantizeJudgesIt() throws Exception {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        String sha = dev.trt4j.onnx.OnnxModel.load(model).sha256();
        Path wrong = dir.resolve("wrong.table.json");
        new dev.trt4j.table.CalibrationTable(java.util.Map.of("x", 1f), new Provenance("entropy", java.util.Map.of(),
                8L, "relu.onnx", "0".repeat(64), null, null, null)).write(wrong);
        Path extra = dir.resolve("extra.table.json");
        new dev.trt4j.table.CalibrationTable(java.util.Map.of("x", 1f, "bogus_tensor", 2f), new Provenance("entropy",
                java.util.Map.of(), 8L, "relu.onnx", sha, null, null, null)).write(extra);
        String engine = dir.resolve("engines/relu.engine").toString();

        assertThat(fails(1, "build", model.toString(), "--precision", "int8", "--shapes", "x:2x4", "--table",
                wrong.toString(), "--out", engine)).isEqualTo("trt4j: " + wrong + ": made for model sha256 "
                        + "000000000000… but relu.onnx is " + sha.substring(0, 12) + "… (--force uses it anyway)");
        assertThat(fails(2, "build", model.toString(), "--precision", "int8", "--shapes", "x:2x4", "--force",
                "--out", engine)).isEqualTo("trt4j: --force applies to --table (a table made for another model); "
                        + "this build has no --table");
        for (String[] args : new String[][] {{"--table", wrong.toString(), "--force"}, {"--table", extra.toString()}}) {
            CliRun run = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(new FakeEngineBuilder())), concat(
                    new String[] {"build", model.toString(), "--precision", "int8", "--shapes", "x:2x4", "--out",
                            engine}, args));
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
    }

    /** An engine or timing cache that cannot be written where it is named is found before the build, not after it. */
    @Test
    void outputsThatCannotBeWrittenAreFoundBeforeTheGpuCheck() throws Exception {
        // no assumption about the driver: these errors come before the GPU check on every machine
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        assertThat(fails(1, "build", model.toString(), "--precision", "fp32", "--shapes", "x:2x4", "--out",
                folder.toString())).isEqualTo("trt4j: " + folder + ": is a folder; cannot write the file there (nothing "
                + "was written)");
        Path underAFile = model.resolve("t.cache");
        assertThat(fails(1, "build", model.toString(), "--precision", "fp32", "--shapes", "x:2x4", "--out",
                dir.resolve("relu.engine").toString(), "--timing-cache", underAFile.toString()))
                .isEqualTo("trt4j: " + model + ": cannot write there: " + model + " is a file, not a folder");
        assertThat(list(dir)).containsExactly(model);
    }

    /**
     * The CPU pass must not run where no engine can be built afterwards; but samples that cannot be read are named
     * first (opening them reads only their headers), as a user fixing a CI command without a GPU needs to know.
     */
    @Test
    void withoutTheDriverNoSampleIsReadBeforeFailing() throws Exception {
        assumeTrue(NativeLibraryLocator.system().find(NativeLibraryLocator.CUDA_DRIVER).isEmpty(),
                "this machine has a CUDA driver");
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        Path unreadable = Files.writeString(dir.resolve("samples.npy"), "not an array: reading it would fail");
        String[] build = {"build", model.toString(), "--precision", "int8", "--calibrator", "entropy", "--shapes",
                "x:8x4", "--data", unreadable.toString(), "--out", dir.resolve("engines/relu.engine").toString()};
        CliRun run = CliRun.of(Trt4jCommand.newCommandLine(), build);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: " + unreadable + ": not a .npy file (bad magic string)");
        dev.trt4j.data.npy.NpyFile.write(unreadable, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4},
                new float[32]));
        run = CliRun.of(Trt4jCommand.newCommandLine(), build);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: CUDA driver: libcuda.so.1 not found");
        assertThat(list(dir)).containsExactlyInAnyOrder(model, unreadable);
    }

    /** {@code build --data} hands TensorRT exactly the cache {@code calibrate --all-tensors} writes for the samples. */
    @Test
    void rangesComputedFromTheDataAreThoseOfCalibrate() throws Exception {
        Path model = TestModels.relu(dir.resolve("relu.onnx"));
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[32 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Path data = dir.resolve("x.npy");
        NpyFile.write(data, NpyArray.ofFloats(new long[] {32, 4}, x));
        FakeEngineBuilder fake = new FakeEngineBuilder();
        Path engine = dir.resolve("engines/relu.int8.engine");
        CliRun build = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(fake)), "build", model.toString(),
                "--precision", "int8", "--calibrator", "entropy", "--shapes", "x:8x4", "--data", data.toString(),
                "--out", engine.toString());
        assertThat(build.errLines()).isEmpty();
        assertThat(build.exitCode()).isZero();
        assertThat(build.out()).contains("built:    int8 implicit (entropy) with TensorRT 10.15.1 for Pretend GPU")
                .contains("ranges:   trt4j entropy ranges from ");
        assertThat(fake.seenPlan.calibration().orElseThrow().handoff().isTable()).isTrue();

        Path calibration = dir.resolve("calibration");
        CliRun calibrate = CliRun.of("calibrate", model.toString(), "--all-tensors", "--method", "entropy",
                "--shapes", "x:8x4", "--data", data.toString(), "--out", calibration.toString());
        assertThat(calibrate.exitCode()).isZero();
        EngineSidecar sidecar = EngineSidecarFile.read(engine).orElseThrow();
        assertThat(sidecar.calibrator()).isEqualTo("entropy");
        assertThat(sidecar.calibrationSha256()).isEqualTo(Provenance.sha256(calibration.resolve("entropy.cache")));
    }

    /**
     * Text is cut after its longest sentence in the build's range pass as calibrate cuts it, so the ranges are
     * calibrate's, not ones shaped by the profile's padding (here 32 tokens a row for sentences of at most 6).
     */
    @Test
    void aTextModelsRangesAreCalibratesWithoutTheProfilesPadding() throws Exception {
        Path model = TestModels.maskedTokenIds(dir.resolve("text.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        Path text = Files.writeString(dir.resolve("lines.txt"),
                "the cat\nthe cat sat on the mat\nmat\non the mat the cat sat\ncat sat\nthe mat\n");
        String[] data = {"--data", text.toString(), "--tokenizer", tokenizer.toString(), "--batch", "2"};
        FakeEngineBuilder fake = new FakeEngineBuilder();
        Path engine = dir.resolve("engines/text.int8.engine");
        CliRun build = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(fake)), concat(new String[] {"build",
                model.toString(), "--precision", "int8", "--calibrator", "entropy", "--shapes",
                "input_ids:2x32,attention_mask:2x32", "--out", engine.toString()}, data));
        assertThat(build.errLines()).isEmpty();
        assertThat(build.exitCode()).isZero();
        assertThat(build.out()).contains("ranges:   trt4j entropy ranges from text:" + text + " (6 sentences, 8 tokens "
                + "(the longest sentence's 6, rounded up to a multiple of 8; at most 32))");

        Path calibration = dir.resolve("text-calibration");
        CliRun calibrate = CliRun.of(concat(new String[] {"calibrate", model.toString(), "--all-tensors", "--method",
                "entropy", "--out", calibration.toString()}, data));
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        assertThat(calibrate.out()).contains("8 tokens (the longest sentence's 6, rounded up to a multiple of 8; at "
                + "most 128)");
        assertThat(EngineSidecarFile.read(engine).orElseThrow().calibrationSha256())
                .isEqualTo(Provenance.sha256(calibration.resolve("entropy.cache")));
    }

    /** A streaming model's ranges are computed with its state fed back, as {@code calibrate --feedback} computes them. */
    @Test
    void aStreamingModelsRangesComeWithItsStateFedBack() throws Exception {
        Path model = TestModels.streaming(dir.resolve("stream.onnx"));
        Path wav = TestAudio.wav(dir.resolve("speech.wav"), TestAudio.QUIET_THEN_LOUD);
        String[] stream = {"--data", wav.toString(), "--batch", "1", "--feedback", "stateN=state", "--range-pass"};
        FakeEngineBuilder fake = new FakeEngineBuilder();
        Path engine = dir.resolve("engines/stream.int8.engine");
        CliRun build = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(fake)), concat(new String[] {"build",
                model.toString(), "--precision", "int8", "--calibrator", "entropy", "--shapes", "x:1x4,state:2x1x4",
                "--out", engine.toString()}, stream));
        assertThat(build.errLines()).isEmpty();
        assertThat(build.exitCode()).isZero();

        Path calibration = dir.resolve("stream-calibration");
        CliRun calibrate = CliRun.of(concat(new String[] {"calibrate", model.toString(), "--all-tensors", "--method",
                "entropy", "--out", calibration.toString()}, stream));
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        assertThat(EngineSidecarFile.read(engine).orElseThrow().calibrationSha256())
                .isEqualTo(Provenance.sha256(calibration.resolve("entropy.cache")));

        CliRun tensorRts = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(new FakeEngineBuilder())),
                concat(new String[] {"build", model.toString(), "--precision", "int8", "--calibrator", "trt-entropy2",
                        "--shapes", "x:1x4,state:2x1x4", "--out", dir.resolve("engines/trt.engine").toString()},
                        stream));
        assertThat(tensorRts.exitCode()).isEqualTo(2);
        assertThat(tensorRts.errLines()).containsExactly("trt4j: --feedback stateN=state: state is fed back only while "
                + "trt4j computes INT8 ranges from --data with its own calibrators (max, entropy, percentile, mse), "
                + "and this build takes its ranges elsewhere");
        assertThat(dir.resolve("engines/trt.engine")).doesNotExist();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Token inputs share batch and sequence: --min-shapes, --opt-shapes and --max-shapes of input_ids size
     * attention_mask too, each bound on its own, as --shapes does everywhere else. Build refused them with "profile 0
     * has no shape for dynamic input 'attention_mask'"; sizes that disagree are still refused, in one line.
     */
    @Test
    void aProfileOfOneTokenInputSizesTheInputsThatShareItsDimensions() throws Exception {
        Path model = TestModels.maskedTokenIds(dir.resolve("text.onnx"));
        String[] profile = {"--min-shapes", "input_ids:1x16", "--opt-shapes", "input_ids:8x64", "--max-shapes",
            "input_ids:32x128"};
        FakeEngineBuilder fake = new FakeEngineBuilder();
        Path engine = dir.resolve("engines/text.fp16.engine");
        CliRun build = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(fake)), concat(new String[] {"build",
                model.toString(), "--precision", "fp16", "--out", engine.toString()}, profile));
        assertThat(build.errLines()).isEmpty();
        assertThat(build.exitCode()).isZero();
        ShapeRange tokens = new ShapeRange(new long[] {1, 16}, new long[] {8, 64}, new long[] {32, 128});
        assertThat(fake.seenPlan.profiles().get(0).rangeOf("attention_mask")).isEqualTo(tokens);
        // bench and export-triton read the engine's inputs from its sidecar
        assertThat(EngineSidecarFile.read(engine).orElseThrow().profiles().get(0)).containsEntry("attention_mask",
                tokens);

        CliRun fixed = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(fake)), "build", model.toString(),
                "--precision", "fp16", "--shapes", "input_ids:8x64", "--out", engine.toString());
        assertThat(fixed.exitCode()).as(fixed.err()).isZero();
        assertThat(fake.seenPlan.profiles().get(0).rangeOf("attention_mask"))
                .isEqualTo(ShapeRange.fixed(new long[] {8, 64}));

        CliRun disagree = CliRun.of(Trt4jCommand.newCommandLine(withBuilder(new FakeEngineBuilder())), "build",
                model.toString(), "--precision", "fp16", "--opt-shapes", "input_ids:8x64,attention_mask:8x32", "--out",
                engine.toString());
        assertThat(disagree.errLines()).containsExactly("trt4j: text.onnx: profile 0: inputs 'input_ids' and "
                + "'attention_mask' share dimension 'sequence', but their opt shapes give it 64 and 32; give both the "
                + "same size");
        assertThat(disagree.exitCode()).isEqualTo(2);
    }

    private static CommandLine.IFactory withBuilder(FakeEngineBuilder fake) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == BuildCommand.class ? cls.cast(new BuildCommand(() -> fake))
                        : CommandLine.defaultFactory().create(cls);
            }
        };
    }

    private static String fails(int exitCode, String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).isEqualTo(exitCode);
        assertThat(run.errLines()).hasSize(1);
        return run.errLines().get(0);
    }

    private static java.util.List<Path> list(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
