package dev.trt4j.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestAudio;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code calibrate} and {@code evaluate} on a streaming model fed 16-bit WAV audio: its state fed back with
 * {@code --feedback}, overlapping windows with {@code --hop}, and a stream that starts in near silence, which only
 * {@code --range-pass} calibrates.
 */
class StreamingCommandsTest {
    private static final short[] AUDIO = TestAudio.QUIET_THEN_LOUD;

    @TempDir
    static Path dir;
    static Path model;
    static Path wav;

    @BeforeAll
    static void files() throws IOException {
        model = TestModels.streaming(dir.resolve("stream.onnx"));
        wav = TestAudio.wav(dir.resolve("speech.wav"), AUDIO);
    }

    @Test
    void calibratesTheStreamWithItsStateFedBack() throws IOException {
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--samples", "0", "--hop", "2", "--feedback", "stateN=state", "--range-pass", "--method", "max",
                "--out", dir.resolve("cal").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode table = new ObjectMapper().readTree(dir.resolve("cal").resolve("max.table.json").toFile());
        // windows of 4 every 2 (the first starting with 2 zeros), each added to half the state before
        float[] state = new float[4];
        float[] context = new float[2];
        float max = 0;
        for (int start = 0; start + 2 <= AUDIO.length; start += 2) {
            float[] window = {context[0], context[1], AUDIO[start] / 32768f, AUDIO[start + 1] / 32768f};
            for (int i = 0; i < 4; i++) {
                state[i] = 0.5f * state[i] + window[i];
                max = Math.max(max, Math.abs(state[i]));
            }
            context = new float[] {window[2], window[3]};
        }
        assertThat(table.path("tensors").path("r").path("amax").floatValue()).isEqualTo(max);
        assertThat(table.path("provenance").toString()).contains("20 windows of 4 every 2")
                .contains("state fed back (stateN=state)");
    }

    @Test
    void eachAudioFileStartsItsStreamFromAZeroState() throws IOException {
        Path folder = dir.resolve("two-files");
        short[] steady = new short[12];
        java.util.Arrays.fill(steady, (short) 20_000);
        TestAudio.wav(folder.resolve("a.wav"), steady);
        TestAudio.wav(folder.resolve("b.wav"), steady);
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", folder.toString(), "--batch", "1",
                "--samples", "0", "--feedback", "stateN=state", "--method", "max", "--out",
                dir.resolve("two").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        // three windows per file: restarted, the state peaks at x(1 + 1/2 + 1/4); carried over it would keep growing
        float x = 20_000 / 32768f;
        float state = 0;
        for (int w = 0; w < 3; w++) {
            state = 0.5f * state + x;
        }
        JsonNode table = new ObjectMapper().readTree(dir.resolve("two").resolve("max.table.json").toFile());
        assertThat(table.path("tensors").path("r").path("amax").floatValue()).isEqualTo(state);
    }

    @Test
    void aStreamThatStartsInSilenceNeedsTheRangePass() {
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--feedback", "stateN=state", "--method", "entropy", "--out", dir.resolve("silent").toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).contains("would grow the histogram").contains("(batch 3 of audio:");
        assertThat(dir.resolve("silent")).doesNotExist();
    }

    @Test
    void aStreamThatStartsInSilenceGivesItsMaxAndKeepsOnlyMaxForLater() {
        Path out = dir.resolve("silent-max");
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--feedback", "stateN=state", "--method", "max", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: warning: ")
                .contains("kept only max |x| in statistics.json").contains("would grow the histogram")
                .contains("--range-pass");
        assertThat(out.resolve("max.table.json")).exists();
        CliRun json = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--feedback", "stateN=state", "--method", "max", "--json", "--out", dir.resolve("silent-json").toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).containsPattern("\"histogramsDropped\"\\s*:\\s*\\[\\s*\"");

        CliRun report = CliRun.of("report", "--calibration", out.toString(), "--out", dir.resolve("silent-report")
                .toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(dir.resolve("silent-report").resolve("index.html")).content()
                .contains(": no histogram, only max |x| (dropped during collection: a value of ");

        CliRun later = CliRun.of("calibrate", model.toString(), "--statistics",
                out.resolve("statistics.json").toString(), "--method", "entropy", "--out",
                dir.resolve("later").toString());
        assertThat(later.exitCode()).isEqualTo(1);
        assertThat(later.errLines()).singleElement().asString()
                .contains("the entropy method needs a histogram but it was dropped during collection");
        assertThat(dir.resolve("later")).doesNotExist();
    }

    @Test
    void evaluatesEachModelOnItsOwnStateAndNamesBadLinks() {
        CliRun same = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", wav.toString(), "--batch", "1", "--feedback", "stateN=state", "--json");

        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).contains("state fed back (stateN=state)").contains("\"samples\":10");

        CliRun malformed = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", wav.toString(), "--feedback", "stateN");
        assertThat(malformed.exitCode()).isNotZero();
        assertThat(malformed.errLines()).containsExactly(
                "trt4j: state link stateN: expected OUTPUT=INPUT, e.g. stateN=state");

        CliRun misspelt = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--feedback", "stateN=stat", "--out", dir.resolve("misspelt").toString());
        assertThat(misspelt.errLines()).containsExactly("trt4j: " + model + ": state link stateN=stat names no model "
                + "input (inputs: x, state)");

        CliRun missing = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--data", wav.toString(), "--batch", "1");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.errLines().get(0)).contains("'state'");
    }

    @Test
    void comparesCalibratorsOnTheStreamWithTheStateFedBack() throws IOException {
        Path out = dir.resolve("cmp");
        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--data", wav.toString(), "--eval-data",
                wav.toString(), "--batch", "1", "--samples", "0", "--eval-samples", "0", "--feedback", "stateN=state",
                "--range-pass",
                "--methods", "max,mse", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
        assertThat(report.toString()).contains("state fed back (stateN=state)");
        assertThat(report.get("calibrationSamples").asLong()).as("--samples 0 with --eval-data: all of --data")
                .isEqualTo(10);
        assertThat(report.get("evaluationSamples").asLong()).isEqualTo(10);
        assertThat(run.out()).contains("| max |").contains("| mse |");

        CliRun corrected = CliRun.of("compare-calibrators", model.toString(), "--data", wav.toString(), "--eval-data",
                wav.toString(), "--batch", "1", "--feedback", "stateN=state", "--bias-correction", "--out",
                dir.resolve("cmp-bc").toString());
        assertThat(corrected.errLines()).containsExactly("trt4j: --bias-correction runs its samples without feeding "
                + "state back, so it cannot correct a streaming model (--feedback stateN=state)");
    }

    @Test
    void equalizesTheStreamWithItsStateFedBack() {
        // the measuring pass feeds stateN back as calibrate does, so the data need not hold the state
        CliRun equalize = CliRun.of("equalize", model.toString(), "--data", wav.toString(), "--batch", "1",
                "--feedback", "stateN=state", "--out", dir.resolve("stream.eq.onnx").toString());
        assertThat(equalize.exitCode()).as(equalize.err()).isZero();
        assertThat(dir.resolve("stream.eq.onnx")).exists();

        CliRun study = CliRun.of("compare-calibrators", model.toString(), "--data", wav.toString(), "--eval-data",
                wav.toString(), "--batch", "1", "--feedback", "stateN=state", "--range-pass", "--equalize", "--methods", "max",
                "--out", dir.resolve("cmp-eq").toString());
        assertThat(study.exitCode()).as(study.err()).isZero();
        assertThat(study.out()).contains("Equalized first");
    }

    @Test
    void contradictingOrMissingStateOptionsAreOneLineThatSaysWhatToGive() {
        // audio at the default batch of 8 with --feedback: options that contradict, so a usage error, and no
        // "(batch 1 of ...)" that would read as if --batch 1 had been given
        CliRun batched = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--feedback",
                "stateN=state", "--method", "max", "--out", dir.resolve("batched").toString());
        assertThat(batched.exitCode()).isEqualTo(2);
        assertThat(batched.errLines()).containsExactly("trt4j: " + model + ": --feedback with batches of 8: the "
                + "windows of each audio file form one stream in order, which only batches of 1 feed back correctly; "
                + "give --batch 1");

        // a link whose output is named after another input is refused before any batch is run
        CliRun swapped = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--feedback",
                "stateN=x", "--method", "max", "--out", dir.resolve("swapped").toString());
        assertThat(swapped.exitCode()).isEqualTo(2);
        assertThat(swapped.errLines()).containsExactly("trt4j: " + model + ": state link stateN=x: output 'stateN' is "
                + "named as the state of input 'state', which the links leave to the data; link them (--feedback "
                + "stateN=state)");

        // no --batch: its state [2,batch,4] would make --batch 1 a batch that does not fit, a refusal of its own
        CliRun unlinked = CliRun.of("calibrate", model.toString(), "--data", wav.toString(), "--method", "max",
                "--out", dir.resolve("unlinked").toString());
        assertThat(unlinked.exitCode()).as(unlinked.err()).isEqualTo(1);
        assertThat(unlinked.errLines()).containsExactly("trt4j: " + wav + ": audio data feeds a single input, but "
                + "the model has 2: x, state; if 'state' is a state the model carries, feed it back (--feedback "
                + "stateN=state)");
    }

    @Test
    void aRunOfOneBatchWarnsThatNoStateWasCarried() {
        // 8 rows at the default batch of 8: one batch, so every row sees the zero state
        Path npy = dir.resolve("eight.npy");
        float[] ones = new float[32];
        java.util.Arrays.fill(ones, 1f);
        dev.trt4j.data.npy.NpyFile.write(npy, dev.trt4j.data.npy.NpyArray.ofFloats(new long[] {8, 4}, ones));
        CliRun one = CliRun.of("calibrate", model.toString(), "--data", npy.toString(), "--samples", "0",
                "--feedback", "stateN=state", "--method", "max", "--out", dir.resolve("one").toString());

        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(one.errLines()).contains("trt4j: warning: --feedback carries state from one batch to the next, "
                + "and this run had one batch (of 8 samples), so every sample saw the zero state; give a smaller "
                + "--batch (--batch 1: one stream in order)");

        // equalize measures the stream as calibrate does, and says the same
        CliRun equalized = CliRun.of("equalize", model.toString(), "--data", npy.toString(), "--samples", "0",
                "--feedback", "stateN=state", "--out", dir.resolve("one-eq.onnx").toString());
        assertThat(equalized.exitCode()).as(equalized.err()).isZero();
        // (samples of ones, every channel alike, leave nothing to smooth, which is said too)
        assertThat(equalized.errLines()).containsExactly("trt4j: warning: --feedback carries state from one batch to "
                + "the next, and this run had one batch (of 8 samples), so every sample saw the zero state; give a "
                + "smaller --batch (--batch 1: one stream in order)", "trt4j: warning: stream.onnx has nothing "
                + "equalize changes (no depthwise Conv input with a range to equalize, and no MatMul or Gemm input "
                + "that smoothing helps on these samples): one-eq.onnx is written with no channel rescaled");

        CliRun streamed = CliRun.of("calibrate", model.toString(), "--data", npy.toString(), "--samples", "0",
                "--batch", "4", "--feedback", "stateN=state", "--method", "max", "--out",
                dir.resolve("four-per-batch").toString());
        assertThat(streamed.exitCode()).as(streamed.err()).isZero();
        assertThat(streamed.err()).doesNotContain("--feedback carries");

        // a model that fixes its batch to 8 cannot take a smaller --batch: the warning says what can be done
        Path fixed = dir.resolve("stream8.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fix-shapes", "x:8x4,state:2x8x4", "--out",
                fixed.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        CliRun fixedRun = CliRun.of("calibrate", fixed.toString(), "--data", npy.toString(), "--samples", "0",
                "--feedback", "stateN=state", "--method", "max", "--out", dir.resolve("fixed").toString());
        assertThat(fixedRun.exitCode()).as(fixedRun.err()).isZero();
        assertThat(fixedRun.errLines()).contains("trt4j: warning: --feedback carries state from one batch to the "
                + "next, and this run had one batch (of 8 samples), so every sample saw the zero state; the model "
                + "fixes its batch to 8, so give more samples than one batch, or fix a batch of 1 (trt4j convert "
                + "--fix-shapes)");
    }

    @Test
    void aScalarInputIsRefusedNamingTheModelAndTheConversionThatFixesIt() throws IOException {
        Path rate = TestModels.scalarRate(dir.resolve("rate.onnx"));
        String refusal = "trt4j: " + rate + ": model input 'sr' is a scalar (INT64), which calibration data cannot "
                + "feed (data comes in batches); fix its value first: trt4j convert " + rate + " --fix-input "
                + "sr=VALUE --out FIXED.onnx, then use FIXED.onnx";

        CliRun random = CliRun.of("calibrate", rate.toString(), "--samples", "16", "--method", "max", "--out",
                dir.resolve("rate-cal").toString());
        assertThat(random.exitCode()).isEqualTo(1);
        assertThat(random.errLines()).containsExactly(refusal);

        CliRun audio = CliRun.of("evaluate", "--reference", rate.toString(), "--candidate", rate.toString(),
                "--data", wav.toString(), "--batch", "1");
        assertThat(audio.errLines()).containsExactly(refusal);

        // inspect no longer promises seeded random data it cannot make
        CliRun inspect = CliRun.of("inspect", rate.toString());
        assertThat(inspect.out()).contains("samples    without --data: none: input 'sr' is a scalar, which "
                + "calibration data cannot feed; fix its value first (trt4j convert --fix-input sr=VALUE)");
    }
}
