package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Engines over 2 GiB are read in windows; here the windows are small, over a heap array instead of native memory. */
class StreamedFileTest {
    @TempDir
    Path dir;

    @Test
    void fillsEveryWindowInOrderAndHashesTheWholeFile() throws IOException {
        byte[] bytes = new byte[1000];
        new Random(7).nextBytes(bytes);
        Path file = Files.write(dir.resolve("m.engine"), bytes);
        byte[] memory = new byte[bytes.length];
        List<Long> offsets = new ArrayList<>();
        String digest;
        try (FileChannel channel = FileChannel.open(file)) {
            digest = StreamedFile.read(file, channel, bytes.length, (offset, length) -> {
                offsets.add(offset);
                return ByteBuffer.wrap(memory, (int) offset, length).slice();
            }, 64);
        }
        assertThat(memory).isEqualTo(bytes);
        assertThat(digest).isEqualTo(Provenance.sha256(bytes));
        assertThat(offsets).hasSize(16).startsWith(0L, 64L).endsWith(960L);
    }

    @Test
    void anEmptyFileHasTheEmptyDigest() throws IOException {
        Path file = Files.write(dir.resolve("empty.engine"), new byte[0]);
        try (FileChannel channel = FileChannel.open(file)) {
            assertThat(StreamedFile.read(file, channel, 0, (offset, length) -> {
                throw new AssertionError("no window is needed");
            }, 64)).isEqualTo(Provenance.sha256(new byte[0]));
        }
    }

    @Test
    void aFileCutShortWhileReadIsOneLine() throws IOException {
        Path file = Files.write(dir.resolve("m.engine"), new byte[100]);
        byte[] memory = new byte[150];
        try (FileChannel channel = FileChannel.open(file)) {
            assertThatThrownBy(() -> StreamedFile.read(file, channel, 150,
                    (offset, length) -> ByteBuffer.wrap(memory, (int) offset, length).slice(), 64))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessage(file + ": ended after 100 of 150 bytes while being read; was it being rewritten?");
        }
    }
}
