package dev.trt4j.cli;

import dev.trt4j.data.npy.NpyHeader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The shape of the token ids that an {@code .npy} or {@code .npz} data file holds, read from its header alone, so
 * that a sequence longer than a text model's position table is refused before any work, as {@code --seq-len} is.
 */
final class TokenArrayShape {
    private TokenArrayShape() {
    }

    /**
     * {@code [samples, sequence]} of the {@code input_ids} array of an {@code .npz}, or of an {@code .npy} (which
     * feeds a model's one input); empty for other data, other ranks, or a file that does not read (the data source
     * reports that when it opens the file).
     */
    static Optional<long[]> of(Path data) {
        if (data == null || !Files.isRegularFile(data)) {
            return Optional.empty();
        }
        String name = data.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try {
            long[] shape = null;
            if (name.endsWith(".npy")) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(data))) {
                    shape = NpyHeader.read(in, data.toString()).shape();
                }
            } else if (name.endsWith(".npz")) {
                try (ZipFile zip = new ZipFile(data.toFile())) {
                    ZipEntry ids = zip.getEntry("input_ids.npy");
                    ids = ids != null ? ids : zip.getEntry("input_ids");
                    if (ids != null) {
                        try (InputStream in = new BufferedInputStream(zip.getInputStream(ids))) {
                            shape = NpyHeader.read(in, data + ":" + ids.getName()).shape();
                        }
                    }
                }
            }
            return shape != null && shape.length == 2 ? Optional.of(shape) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the data source names what is wrong with the file
        }
    }
}
