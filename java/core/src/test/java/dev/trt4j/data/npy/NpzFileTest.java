package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpzFileTest {
    @TempDir
    Path dir;

    @Test
    void readsCompressedArchiveWrittenByNumpy() throws IOException {
        Path p = dir.resolve("pair.npz");
        try (InputStream in = getClass().getResourceAsStream("pair.npz")) {
            Files.copy(in, p);
        }
        LinkedHashMap<String, NpyArray> arrays = NpzFile.read(p);
        assertThat(arrays.keySet()).containsExactly("ids", "x");
        assertThat(arrays.get("ids").toLongs()).containsExactly(1, 2, 3, 4);
        assertThat(arrays.get("x").shape()).containsExactly(2, 3);
        assertThat(arrays.get("x").toFloats()).containsOnly(1f);
    }

    @Test
    void roundTripsStoredAndDeflatedInOrder() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("z_last_name_first", NpyArray.ofInts(new long[] {2}, new int[] {4, 5}));
        arrays.put("a", NpyArray.ofFloats(new long[] {1, 3}, new float[] {0.5f, 1.5f, -3f}));
        for (boolean compress : new boolean[] {false, true}) {
            Path p = dir.resolve("a" + compress + ".npz");
            NpzFile.write(p, arrays, compress);
            try (ZipFile zip = new ZipFile(p.toFile())) {
                ZipEntry entry = zip.getEntry("a.npy");
                assertThat(entry.getMethod()).isEqualTo(compress ? ZipEntry.DEFLATED : ZipEntry.STORED);
            }
            LinkedHashMap<String, NpyArray> back = NpzFile.read(p);
            assertThat(back.keySet()).containsExactly("z_last_name_first", "a");
            assertThat(back.get("z_last_name_first").toInts()).containsExactly(4, 5);
            assertThat(back.get("a").shape()).containsExactly(1, 3);
            assertThat(back.get("a").toFloats()).containsExactly(0.5f, 1.5f, -3f);
        }
    }

    @Test
    void rejectsNonZipAndForeignEntries() throws IOException {
        Path notZip = dir.resolve("bad.npz");
        Files.writeString(notZip, "hello");
        assertThatThrownBy(() -> NpzFile.read(notZip)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(notZip + ": not a .npz (zip) archive");

        Path foreign = dir.resolve("foreign.npz");
        try (OutputStream out = Files.newOutputStream(foreign); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hi".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertThatThrownBy(() -> NpzFile.read(foreign)).isInstanceOf(Trt4jException.class)
                .hasMessage(foreign + ":notes.txt: truncated .npy header");
    }

    /** Some zip tools write bzip2 (method 12) or LZMA entries, which the JDK cannot read: named as such, not "no zip". */
    @Test
    void aZipCompressedInAWayJavaDoesNotReadIsNamedAsSuch() throws IOException {
        Path bzip2 = dir.resolve("bzip2.npz");
        NpzFile.write(bzip2, Map.of("x", NpyArray.ofFloats(new long[] {1}, new float[] {1f})), true);
        byte[] bytes = Files.readAllBytes(bzip2);
        for (int i = 0; i + 4 <= bytes.length; i++) {
            boolean central = bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2;
            boolean local = bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4;
            if (central || local) {
                bytes[i + (central ? 10 : 8)] = 12; // the compression method: bzip2
            }
        }
        Files.write(bzip2, bytes);

        assertThatThrownBy(() -> NpzFile.read(bzip2)).isInstanceOf(Trt4jException.class)
                .hasMessage(bzip2 + ": a zip whose entries are compressed with method 12 (bzip2), which Java's zip reader "
                        + "does not read; NumPy's np.savez and np.savez_compressed write stored or deflated entries");
    }

    @Test
    void badArrayInsideArchiveIsNamedByEntry() throws IOException {
        Path p = dir.resolve("inner.npz");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write("garbage!".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertThatThrownBy(() -> NpzFile.read(p)).isInstanceOf(Trt4jException.class)
                .hasMessage(p + ":x.npy: not a .npy file (bad magic string)");
    }
}
