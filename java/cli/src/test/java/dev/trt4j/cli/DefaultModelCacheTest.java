package dev.trt4j.cli;

import dev.trt4j.ort.OrtRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultModelCacheTest {
    @TempDir
    Path dir;

    /** A path under a cache folder that cannot be written is not obviously a setting: the line says which one. */
    @Test
    void aCacheFolderThatCannotTakeTheDefaultModelIsNamedAsTheCacheWithHowToMoveIt() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "a file where the cache folder should be");
        String saved = System.getProperty(OrtRuntime.CACHE_DIR_PROPERTY);
        System.setProperty(OrtRuntime.CACHE_DIR_PROPERTY, notAFolder.resolve("cache").toString());
        try {
            CliRun run = CliRun.of("inspect");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString()
                    .startsWith("trt4j: cannot unpack the default model into trt4j's cache folder (choose another "
                            + "with XDG_CACHE_HOME or -Dtrt4j.cache.dir): " + notAFolder.resolve("cache"));
        } finally {
            if (saved == null) {
                System.clearProperty(OrtRuntime.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(OrtRuntime.CACHE_DIR_PROPERTY, saved);
            }
        }
    }
}
