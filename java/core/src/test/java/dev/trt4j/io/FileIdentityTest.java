package dev.trt4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FileIdentityTest {
    @TempDir
    Path dir;

    @Test
    void everySpellingOfAnExistingFileIsOneFile() throws IOException {
        Path model = Files.writeString(dir.resolve("m.onnx"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), model.getFileName());
        Path folderLink = Files.createSymbolicLink(dir.resolve("here"), dir);

        assertThat(FileIdentity.same(model, dir.resolve("sub/../m.onnx"))).isTrue();
        assertThat(FileIdentity.same(model, link)).isTrue();
        assertThat(FileIdentity.same(model, folderLink.resolve("m.onnx"))).isTrue();
        assertThat(FileIdentity.same(model, dir.resolve("other.onnx"))).isFalse();
    }

    @Test
    void aFileNotWrittenYetIsPlacedByItsFolder() throws IOException {
        Path folderLink = Files.createSymbolicLink(dir.resolve("here"), dir);
        assertThat(FileIdentity.same(dir.resolve("new.onnx"), folderLink.resolve("new.onnx"))).isTrue();
        assertThat(FileIdentity.same(dir.resolve("new.onnx"), dir.resolve("newer.onnx"))).isFalse();
        // a folder that does not exist either: the paths are compared as written
        assertThat(FileIdentity.same(dir.resolve("no/a.onnx"), dir.resolve("no/./a.onnx"))).isTrue();
    }

    @Test
    void aDanglingLinkIsTheFileAWriteThroughItWouldCreate() throws IOException {
        Path dangling = Files.createSymbolicLink(dir.resolve("out.engine"), Path.of("target.engine"));
        assertThat(FileIdentity.same(dangling, dir.resolve("target.engine"))).isTrue();
        Path loop = Files.createSymbolicLink(dir.resolve("loop"), Path.of("loop"));
        assertThat(FileIdentity.of(loop)).isEqualTo(loop.toAbsolutePath().normalize());
    }
}
