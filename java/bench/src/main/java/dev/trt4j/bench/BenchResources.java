package dev.trt4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Models and tokenizers on the benchmark's class path, copied to temporary files for the loaders that need one. */
final class BenchResources {
    private BenchResources() {
    }

    /** Copies class-path resource {@code resource} to a temporary file ending in {@code suffix}, deleted on exit. */
    static Path extract(String resource, String suffix) throws IOException {
        Path file = Files.createTempFile("trt4j-bench", suffix);
        file.toFile().deleteOnExit();
        try (InputStream in = BenchResources.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the benchmark's class path");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
