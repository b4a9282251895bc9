package dev.trt4j.cli;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small WAV files for command tests. */
public final class TestAudio {
    /** 40 frames: two near-silent windows of 4, then a louder signal, as a streaming audio model meets them. */
    public static final short[] QUIET_THEN_LOUD = new short[40];

    static {
        for (int i = 0; i < QUIET_THEN_LOUD.length; i++) {
            QUIET_THEN_LOUD[i] = (short) (i < 8 ? (i % 2 == 0 ? 1 : -1) : (int) (12_000 * Math.sin(i * 0.7)));
        }
    }

    private TestAudio() {
    }

    /** Writes {@code samples} as a 16 kHz mono 16-bit WAV file. */
    public static Path wav(Path file, short[] samples) throws IOException {
        byte[] bytes = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            bytes[2 * i] = (byte) samples[i];
            bytes[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes),
                new AudioFormat(16000, 16, 1, true, false), samples.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }
}
