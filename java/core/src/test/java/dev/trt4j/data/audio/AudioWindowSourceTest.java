package dev.trt4j.data.audio;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudioWindowSourceTest {
    private static final List<TensorSpec> WINDOW_4 = List.of(new TensorSpec("input", ElementType.FLOAT32,
            new long[] {-1, 4}, null));

    @TempDir
    Path dir;

    @Test
    void cutsEachFileIntoWindowsInNameOrderLeavingOutTheTails() throws IOException {
        // 16-bit signed: k / 32768 exactly; 10 frames make 2 windows of 4, 2 frames left out
        writeWav(dir.resolve("a.wav"), 16000, 16, 1, true, false, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        writeWav(dir.resolve("b.wav"), 16000, 16, 1, true, false, new int[] {-32768, 32767, 100, -100, 7});

        try (CalibrationDataSource source = DataSourceFactory.open(dir, WINDOW_4,
                DataOptions.builder().batchSize(2).build())) {
            assertThat(source).isInstanceOf(AudioWindowSource.class);
            assertThat(source.sampleCount()).contains(3L);
            assertThat(source.describe()).isEqualTo("audio:" + dir + " (2 files at 16000 Hz, 3 windows of 4)");
            List<Batch> batches = Batches.drain(source);

            assertThat(batches).extracting(Batch::size).containsExactly(2, 1);
            assertThat(batches).extracting(Batch::streamStarts).as("each file's first window starts a stream")
                    .containsExactly(java.util.Set.of(0), java.util.Set.of(0));
            assertThat(batches.get(0).inputs().get("input").shape()).containsExactly(2, 4);
            assertThat(batches.get(0).inputs().get("input").floats()).containsExactly(
                    0f, 1 / 32768f, 2 / 32768f, 3 / 32768f, 4 / 32768f, 5 / 32768f, 6 / 32768f, 7 / 32768f);
            assertThat(batches.get(1).inputs().get("input").floats()).containsExactly(
                    -1f, 32767 / 32768f, 100 / 32768f, -100 / 32768f);
        }
    }

    @Test
    void averagesChannelsAndReadsOtherSampleFormats() throws IOException {
        Path stereo = writeWav(dir.resolve("stereo.wav"), 8000, 16, 2, true, true,
                new int[] {1000, 3000, -2000, 0, 16384, 16384, 0, -32768});
        Path unsigned8 = writeWav(dir.resolve("u8.wav"), 8000, 8, 1, false, false, new int[] {0, 128, 192, 255});
        Path signed24 = writeWav(dir.resolve("s24.wav"), 8000, 24, 1, true, false,
                new int[] {-8388608, 4194304, 1, 0});

        assertThat(firstWindow(stereo)).containsExactly(2000 / 32768f, -1000 / 32768f, 0.5f, -0.5f);
        assertThat(firstWindow(unsigned8)).containsExactly(-1f, 0f, 0.5f, 127 / 128f);
        assertThat(firstWindow(signed24)).containsExactly(-1f, 0.5f, 1 / 8388608f, 0f);
    }

    @Test
    void badAudioIsOneLineNamingTheFile() throws IOException {
        writeWav(dir.resolve("a.wav"), 16000, 16, 1, true, false, new int[8]);
        writeWav(dir.resolve("b.wav"), 8000, 16, 1, true, false, new int[8]);
        assertThatThrownBy(() -> new AudioWindowSource(dir, WINDOW_4, DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("b.wav") + ": sample rate 8000 Hz differs from a.wav's 16000 Hz; resample the "
                        + "files to one rate");

        Path shortFile = writeWav(dir.resolve("short.wav"), 16000, 16, 1, true, false, new int[3]);
        assertThatThrownBy(() -> new AudioWindowSource(shortFile, WINDOW_4, DataOptions.defaults()))
                .hasMessage(shortFile + ": the audio is shorter than one window of 4 samples that model input 'input' "
                        + "[?,4] reads");

        Path text = Files.writeString(dir.resolve("notes.wav"), "not audio");
        assertThatThrownBy(() -> new AudioWindowSource(text, WINDOW_4, DataOptions.defaults()))
                .hasMessage(text + ": not a WAV file that Java can read");

        Path noRate = writeWav(dir.resolve("zero-hz.wav"), 0f, 16, 1, true, false, new int[8]);
        assertThatThrownBy(() -> new AudioWindowSource(noRate, WINDOW_4, DataOptions.defaults()))
                .hasMessage(noRate + ": its header gives a sample rate of 0.0 Hz; not audio that can be read");

        List<TensorSpec> ids = List.of(new TensorSpec("ids", ElementType.INT64, new long[] {-1, 4}, null));
        assertThatThrownBy(() -> new AudioWindowSource(shortFile, ids, DataOptions.defaults()))
                .hasMessage(shortFile + ": audio does not fit model input 'ids' INT64 [?,4] (it needs a FLOAT32 input)");
        List<TensorSpec> open = List.of(new TensorSpec("input", ElementType.FLOAT32, new long[] {-1, -1}, null));
        assertThatThrownBy(() -> new AudioWindowSource(shortFile, open, DataOptions.defaults()))
                .hasMessageContaining("has dynamic dimension 1, which the data does not fix; give a fixed shape "
                        + "(--shapes), e.g. input:8xN");
    }

    @Test
    void aFileThatIsNotAudioLeavesNoOpenDescriptorBehind() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.wav"), "not audio");
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "counts descriptors in Linux's /proc");
        long before = count(fds);

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> new MonoPcmReader(text)).isInstanceOf(Trt4jException.class);
        }

        // each refused open held its file until the garbage collector ran; a few for other threads' work at most
        assertThat(count(fds) - before).isLessThan(20);
    }

    private static long count(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void aShorterHopRepeatsTheEndOfEachWindowStartingEachFileFromSilence() throws IOException {
        writeWav(dir.resolve("a.wav"), 16000, 16, 1, true, false, new int[] {1, 2, 3, 4, 5, 6, 7});
        writeWav(dir.resolve("b.wav"), 16000, 16, 1, true, false, new int[] {8, 9, 10});

        try (AudioWindowSource source = new AudioWindowSource(dir, WINDOW_4,
                DataOptions.builder().batchSize(8).audioHop(3).build())) {
            assertThat(source.describe()).endsWith("3 windows of 4 every 3)");
            Batch all = source.next().orElseThrow();
            assertThat(all.streamStarts()).containsExactly(0, 2);
            float[] v = all.inputs().get("input").floats();
            float[] k = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                k[i] = v[i] * 32768f;
            }
            assertThat(k).containsExactly(0, 1, 2, 3, 3, 4, 5, 6, 0, 8, 9, 10);
        }
        assertThatThrownBy(() -> new AudioWindowSource(dir, WINDOW_4, DataOptions.builder().audioHop(5).build()))
                .as("an option that contradicts the model: exit code 2")
                .isInstanceOf(dev.trt4j.InvalidOptionException.class).hasMessage(dir + ": hop 5 is longer than the window of 4 samples that model input 'input' [?,4] reads");
    }

    @Test
    void aFileShorterThanItsHeaderSaysIsReadForWhatItHolds() throws IOException {
        Path file = writeWav(dir.resolve("cut.wav"), 16000, 16, 1, true, false, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 6));  // 3 of 10 frames lost, header unchanged

        try (AudioWindowSource source = new AudioWindowSource(file, WINDOW_4, DataOptions.builder().batchSize(4)
                .build())) {
            assertThat(source.sampleCount()).contains(1L);
            assertThat(source.next().orElseThrow().inputs().get("input").floats()).containsExactly(
                    1 / 32768f, 2 / 32768f, 3 / 32768f, 4 / 32768f);
            assertThat(source.next()).isEmpty();
        }
    }

    @Test
    void aWindowCanSpanSeveralDimensions() throws IOException {
        Path file = writeWav(dir.resolve("a.wav"), 16000, 16, 1, true, false, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        List<TensorSpec> nchw = List.of(new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 1, 2, 2}, null));
        try (AudioWindowSource source = new AudioWindowSource(file, nchw, DataOptions.builder().batchSize(2).build())) {
            Batch b = source.next().orElseThrow();
            assertThat(b.inputs().get("x").shape()).containsExactly(2, 1, 2, 2);
            assertThat(b.inputs().get("x").floats()[7]).isEqualTo(8 / 32768f);
        }
    }

    private float[] firstWindow(Path file) {
        try (AudioWindowSource source = new AudioWindowSource(file, WINDOW_4,
                DataOptions.builder().batchSize(1).build())) {
            return source.next().orElseThrow().inputs().get("input").floats();
        }
    }

    /** Writes interleaved integer samples as a WAV file of the given format. */
    static Path writeWav(Path file, float rate, int bits, int channels, boolean signed, boolean bigEndian,
                         int[] samples) throws IOException {
        int bytes = bits / 8;
        byte[] data = new byte[samples.length * bytes];
        for (int i = 0; i < samples.length; i++) {
            for (int b = 0; b < bytes; b++) {
                int shift = bigEndian ? 8 * (bytes - 1 - b) : 8 * b;
                data[i * bytes + b] = (byte) (samples[i] >> shift);
            }
        }
        AudioFormat format = new AudioFormat(rate, bits, channels, signed, bigEndian);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(data), format,
                samples.length / channels)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }
}
