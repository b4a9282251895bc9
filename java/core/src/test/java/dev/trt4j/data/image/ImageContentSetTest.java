package dev.trt4j.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImageContentSetTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsInTheSetUnderAnyPathAndAsACopyButNotForItsSizeAlone() throws IOException {
        Path a = Files.write(dir.resolve("a.png"), new byte[] {1, 2, 3, 4});
        Path b = Files.write(dir.resolve("b.png"), new byte[] {9, 9});
        ImageContentSet set = ImageContentSet.of(List.of(a, b, dir.resolve("./a.png")));
        assertThat(set.size()).isEqualTo(2);

        assertThat(set.contains(dir.resolve("sub/../a.png"))).isTrue();
        assertThat(set.contains(Files.createSymbolicLink(dir.resolve("link.png"), a))).isTrue();
        assertThat(set.contains(Files.copy(a, dir.resolve("copy.png")))).isTrue();
        assertThat(set.contains(Files.write(dir.resolve("same-size.png"), new byte[] {1, 2, 3, 5}))).isFalse();
        assertThat(set.contains(Files.write(dir.resolve("other-size.png"), new byte[] {1, 2, 3}))).isFalse();
        assertThat(set.contains(dir.resolve("missing.png"))).isFalse();
    }

    @Test
    void aMissingMemberMatchesNothing() {
        ImageContentSet set = ImageContentSet.of(List.of(dir.resolve("gone.png")));
        assertThat(set.contains(dir.resolve("gone.png"))).isTrue(); // the same path is the same file
        assertThat(set.contains(dir.resolve("other.png"))).isFalse();
    }
}
