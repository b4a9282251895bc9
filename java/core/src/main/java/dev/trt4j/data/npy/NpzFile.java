package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.io.ReadFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of {@code name.npy} entries, stored
 * ({@code numpy.savez}) or deflated ({@code numpy.savez_compressed}).
 */
public final class NpzFile {
    /** The JDK's complaint about a zip entry compressed some way it does not read. */
    private static final Pattern UNREAD_METHOD = Pattern.compile("bad compression method: (\\d+)");

    static final String SUFFIX = ".npy";

    private NpzFile() {
    }

    /**
     * Reads every array of an archive into memory, in archive order, keyed by name without {@code .npy}.
     *
     * @throws Trt4jException naming the file (and entry) when it is not a zip, holds a non-{@code .npy}
     *                        entry, or an array is unreadable
     */
    public static LinkedHashMap<String, NpyArray> read(Path file) {
        LinkedHashMap<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = open(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(arrayName(file, entry), NpyFile.readFrom(in, file + ":" + entry.getName()));
                }
            }
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        return arrays;
    }

    /** Writes the arrays to {@code file} atomically, stored without compression like {@code numpy.savez}. */
    public static void write(Path file, Map<String, NpyArray> arrays) {
        write(file, arrays, false);
    }

    /** Writes the arrays to {@code file} atomically, deflated when {@code compress} is true. */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compress) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                NpyFile.writeTo(bytes, e.getValue());
                byte[] content = bytes.toByteArray();
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                if (compress) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Opens {@code file} as a zip, with a one-line error when it is missing or not a zip. */
    static ZipFile open(Path file) {
        try {
            return new ZipFile(file.toFile());
        } catch (NoSuchFileException e) {
            throw new Trt4jException(file + ": no such file", e);
        } catch (ZipException e) {
            Matcher method = UNREAD_METHOD.matcher(String.valueOf(e.getMessage()));
            if (method.find()) {
                // a zip all the same, written by a tool other than NumPy (bzip2, LZMA)
                String code = method.group(1);
                String name = switch (code) {
                    case "12" -> " (bzip2)";
                    case "14" -> " (LZMA)";
                    case "93" -> " (Zstandard)";
                    case "95" -> " (XZ)";
                    default -> "";
                };
                throw new Trt4jException(file + ": a zip whose entries are compressed with method " + code + name
                        + ", which Java's zip reader does not read; NumPy's np.savez and np.savez_compressed write "
                        + "stored or deflated entries", e);
            }
            throw new Trt4jException(file + ": not a .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            if (!file.toFile().exists()) {
                throw new Trt4jException(file + ": no such file", e);
            }
            throw ReadFailure.of(file, e);
        }
    }

    /**
     * The array name of an entry: its name without {@code .npy}, or the whole name for an entry without the suffix
     * (numpy's {@code np.load} reads those too; one that is no array fails on its header, named).
     */
    static String arrayName(Path file, ZipEntry entry) {
        String name = entry.getName();
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
