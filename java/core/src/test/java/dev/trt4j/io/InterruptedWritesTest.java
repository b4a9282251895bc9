package dev.trt4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InterruptedWritesTest {
    @TempDir
    Path dir;

    @Test
    void aFolderAKilledRunLeftIsDescribedWithWhatCanBeRecovered() throws IOException {
        Files.writeString(dir.resolve("max.cache"), "TRT-1\n");
        Files.writeString(dir.resolve(".notes"), "a user's own hidden file");
        Files.write(dir.resolve(".mse.cache.old.k2j3a9x0b7qe1.tmp"), new byte[1_000_000]);
        Path staging = Files.createDirectory(dir.resolve(StagedWrites.STAGING_PREFIX + "123"));
        Files.write(staging.resolve(".statistics.json.abcd1234efg5.tmp"), new byte[500_000]);

        assertThat(InterruptedWrites.describe(dir, stem -> true, true)).hasValue(dir + ": holds 1 hidden file and 1 "
                + "hidden folder (1.5 MB) that a killed trt4j run left, or that another run is writing now: "
                + ".mse.cache.old.k2j3a9x0b7qe1.tmp, .trt4j-staging-123/; once no run writes there, delete them, after renaming a .NAME.old.*.tmp back "
                + "to NAME to recover an earlier file the run had moved aside");
    }

    @Test
    void aSingleOutputLooksOnlyAtItsOwnTemporaryFiles() throws IOException {
        Files.writeString(dir.resolve(".report.md.tmp"), "a user's own file, not trt4j's");
        assertThat(InterruptedWrites.describe(dir, stem -> true, true)).isEmpty();
        Files.write(dir.resolve(".m.fp16.onnx.0a9z0a9z0a9z.tmp"), new byte[10]);
        Files.write(dir.resolve(".other.onnx.0a9z0a9z0a9z.tmp"), new byte[10]);
        Files.createDirectory(dir.resolve(StagedWrites.STAGING_PREFIX + "9"));

        assertThat(InterruptedWrites.describe(dir, stem -> stem.equals("m.fp16.onnx"), false)).hasValueSatisfying(
                w -> assertThat(w).contains("holds 1 hidden file (0.0 MB)")
                        .contains(".m.fp16.onnx.0a9z0a9z0a9z.tmp; once")
                        .doesNotContain(".other.onnx").doesNotContain("staging").doesNotContain("renaming"));
        assertThat(InterruptedWrites.describe(dir.resolve("absent"), stem -> true, true)).isEmpty();
        assertThat(InterruptedWrites.describe(dir, stem -> stem.equals("clean.onnx"), false)).isEmpty();
    }
}
