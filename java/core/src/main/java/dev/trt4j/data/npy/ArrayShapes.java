package dev.trt4j.data.npy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The shapes of the arrays an {@code .npy} or {@code .npz} data file holds, read from their headers alone: so that a
 * token array longer than a text model's position table is refused before any work, as {@code --seq-len} is, and so
 * that {@code bench --inputs} takes its shapes from the data.
 */
public final class ArrayShapes {
    /** The key of an {@code .npy}'s one array, which feeds a model's one input whatever its name. */
    public static final String UNNAMED = "";

    private ArrayShapes() {
    }

    /**
     * Array name → shape (samples first) of an {@code .npz}, named as {@link NpzSource} names them, or
     * {@link #UNNAMED} → shape of an {@code .npy}; empty for other data or a file that does not read (the data source
     * reports that when it opens the file).
     */
    public static Map<String, long[]> of(Path data) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (data == null || !Files.isRegularFile(data)) {
            return shapes;
        }
        String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".npy")) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(data))) {
                    shapes.put(UNNAMED, NpyHeader.read(in, data.toString()).shape());
                }
            } else if (name.endsWith(".npz")) {
                try (ZipFile zip = NpzFile.open(data)) {
                    Enumeration<? extends ZipEntry> entries = zip.entries();
                    while (entries.hasMoreElements()) {
                        ZipEntry e = entries.nextElement();
                        if (e.isDirectory()) {
                            continue;
                        }
                        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
                            shapes.put(NpzFile.arrayName(data, e), NpyHeader.read(in, data + ":" + e.getName())
                                    .shape());
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            shapes.clear(); // the data source names what is wrong with the file
        }
        return shapes;
    }
}
