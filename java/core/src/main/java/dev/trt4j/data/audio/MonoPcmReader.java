package dev.trt4j.data.audio;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataWarnings;
import dev.trt4j.io.ReadFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one audio file as mono float samples in [-1, 1): integer PCM of 8 to 32 bits (either byte order) is
 * scaled by its full range, 32-bit float PCM is taken as is, and the channels of each frame are averaged. Other
 * encodings (e.g. µ-law) are converted to 16-bit PCM first. Close it to release the file.
 */
final class MonoPcmReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonoPcmReader.class);
    /** A WAV data size at or above this (up to 0xFFFFFFFF) means "unknown", as streaming recorders write it. */
    private static final long UNSET_DATA_SIZE = 0xFFFF0000L;

    private final Path file;
    private final AudioInputStream stream;
    private final AudioFormat format;
    private final int channels;
    private final int bytesPerSample;
    private final boolean floating;
    private final boolean unsigned;
    private byte[] buffer = new byte[0];

    /** @throws Trt4jException if the file is missing, not audio, or in an encoding that cannot be read as PCM */
    MonoPcmReader(Path file) {
        this.file = file;
        AudioInputStream in;
        InputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            in = AudioSystem.getAudioInputStream(raw);
        } catch (UnsupportedAudioFileException e) {
            close(raw); // a service scanning uploads would otherwise hold one descriptor per refused file
            throw new Trt4jException(file + ": not a WAV file that Java can read", e);
        } catch (IOException e) {
            close(raw);
            throw ReadFailure.of(file, e);
        }
        AudioFormat f = in.getFormat();
        if (!(f.getSampleRate() > 0)) {
            // windows of such "audio" would be calibrated as if they were sound at some rate
            close(in);
            throw new Trt4jException(file + ": its header gives a sample rate of " + f.getSampleRate() + " Hz; not "
                    + "audio that can be read");
        }
        AudioFormat.Encoding enc = f.getEncoding();
        if (!enc.equals(AudioFormat.Encoding.PCM_SIGNED) && !enc.equals(AudioFormat.Encoding.PCM_UNSIGNED)
                && !enc.equals(AudioFormat.Encoding.PCM_FLOAT)) {
            AudioFormat pcm = new AudioFormat(f.getSampleRate(), 16, f.getChannels(), true, false);
            try {
                in = AudioSystem.getAudioInputStream(pcm, in);
            } catch (IllegalArgumentException e) {
                close(in);
                throw new Trt4jException(file + ": " + enc + " audio cannot be converted to PCM", e);
            }
            f = in.getFormat();
        }
        // The container decides how samples are stored: 12- or 20-bit audio sits left-justified in 16- or 24-bit
        // containers, so scaling by the container's range reads it correctly.
        int bits = f.getFrameSize() > 0 && f.getChannels() > 0 ? f.getFrameSize() / f.getChannels() * 8
                : f.getSampleSizeInBits();
        boolean isFloat = f.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT);
        if (bits % 8 != 0 || bits < 8 || bits > 32 || (isFloat && bits != 32) || f.getChannels() < 1) {
            close(in);
            throw new Trt4jException(file + ": " + f.getSampleSizeInBits() + "-bit " + f.getEncoding() + " audio with "
                    + f.getChannels() + " channels is not supported (integer PCM of 8-32 bits or 32-bit float)");
        }
        this.stream = in;
        this.format = f;
        this.channels = f.getChannels();
        this.bytesPerSample = bits / 8;
        this.floating = isFloat;
        this.unsigned = f.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED);
    }

    /** Samples per second. */
    float sampleRate() {
        return format.getSampleRate();
    }

    /**
     * Reads the rest of the file and returns how many whole frames it held. The data is counted, not the header's
     * length, which a truncated file overstates and a streaming recorder leaves unset.
     *
     * @throws Trt4jException if the file cannot be read
     */
    long countFrames() {
        int frameBytes = channels * bytesPerSample;
        byte[] chunk = new byte[frameBytes * 4096];
        long bytes = 0;
        try {
            for (int n; (n = stream.readNBytes(chunk, 0, chunk.length)) > 0; ) {
                bytes += n;
            }
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        long frames = bytes / frameBytes;
        long promised = stream.getFrameLength();
        // a recorder that streams leaves the length unset (NOT_SPECIFIED) or at the 32-bit field's maximum
        boolean stated = promised != AudioSystem.NOT_SPECIFIED && promised * frameBytes < UNSET_DATA_SIZE;
        if (stated && frames < promised) {
            DataWarnings.warn(LOG, file + ": its header says " + promised + " frames but the file holds " + frames
                    + " (cut off in a copy or a download?); using the " + frames);
        }
        return frames;
    }

    /**
     * Fills {@code dst[offset .. offset + count)} with the next mono samples.
     *
     * @throws Trt4jException if the file ends early or cannot be read
     */
    void read(float[] dst, int offset, int count) {
        int frameBytes = channels * bytesPerSample;
        int need = Math.multiplyExact(count, frameBytes);
        if (buffer.length < need) {
            buffer = new byte[need];
        }
        try {
            int got = stream.readNBytes(buffer, 0, need);
            if (got < need) {
                throw new Trt4jException(file + ": the audio ended early while being read (was the file changed?)");
            }
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        boolean big = format.isBigEndian();
        for (int i = 0; i < count; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += sample(i * frameBytes + c * bytesPerSample, big);
            }
            dst[offset + i] = channels == 1 ? sum : sum / channels;
        }
    }

    private float sample(int at, boolean bigEndian) {
        int v = 0;
        for (int b = 0; b < bytesPerSample; b++) {
            int index = bigEndian ? at + b : at + bytesPerSample - 1 - b;
            v = (v << 8) | (buffer[index] & 0xff);
        }
        if (floating) {
            return Float.intBitsToFloat(v);
        }
        int bits = bytesPerSample * 8;
        if (unsigned) {
            return (float) ((v & (bits == 32 ? 0xffffffffL : (1L << bits) - 1)) - (1L << (bits - 1)))
                    / (float) (1L << (bits - 1));
        }
        long signed = bits == 32 ? v : ((long) v << (64 - bits)) >> (64 - bits);
        return (float) ((double) signed / (1L << (bits - 1)));
    }

    @Override
    public void close() {
        close(stream);
    }

    private static void close(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
