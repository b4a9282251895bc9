package dev.trt4j.io;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileSetTest {
    @TempDir
    Path dir;

    @Test
    void filesInSeveralFoldersAppearOnlyOnCommit() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = Files.createDirectories(dir.resolve("sub")).resolve("b.md");
        Files.writeString(a, "old");
        try (AtomicFileSet files = new AtomicFileSet()) {
            AtomicFiles.writeString(files.stage(a), "new a");
            AtomicFiles.writeString(files.stage(b), "new b");
            assertThat(Files.readString(a)).as("nothing moves before commit").isEqualTo("old");
            assertThat(b).doesNotExist();
            files.commit();
        }
        assertThat(Files.readString(a)).isEqualTo("new a");
        assertThat(Files.readString(b)).isEqualTo("new b");
        assertThat(names(dir)).containsExactlyInAnyOrder("a.json", "sub");
        assertThat(names(b.getParent())).containsExactly("b.md");
    }

    @Test
    void aFolderInTheWayStopsEveryFileAndClosingLeavesNoTemporaryFile() throws IOException {
        Path a = dir.resolve("a.json");
        Path folder = Files.createDirectories(dir.resolve("b.md"));
        try (AtomicFileSet files = new AtomicFileSet()) {
            AtomicFiles.writeString(files.stage(a), "a");
            AtomicFiles.writeString(files.stage(folder), "b");
            assertThatThrownBy(files::commit).isInstanceOf(Trt4jException.class)
                    .hasMessage(folder + ": cannot write: is a folder (nothing was written)");
        }
        assertThat(names(dir)).containsExactly("b.md");
    }

    @Test
    void theSameTargetCannotBeStagedTwice() {
        try (AtomicFileSet files = new AtomicFileSet()) {
            files.stage(dir.resolve("x.json"));
            assertThatThrownBy(() -> files.stage(dir.resolve("sub/../x.json")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staged twice");
        }
        assertThat(dir).isEmptyDirectory();
    }

    private static Stream<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }
}
