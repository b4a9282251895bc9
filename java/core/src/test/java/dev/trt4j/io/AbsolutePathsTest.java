package dev.trt4j.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AbsolutePathsTest {
    @Test
    void anAbsolutePathIsTaken() {
        assertThat(AbsolutePaths.of("/home/ana")).contains(Path.of("/home/ana"));
    }

    @Test
    void unsetBlankAndRelativePathsAreNot() {
        assertThat(AbsolutePaths.of(null)).isEmpty();
        assertThat(AbsolutePaths.of("")).isEmpty();
        assertThat(AbsolutePaths.of("  ")).isEmpty();
        assertThat(AbsolutePaths.of("?")).isEmpty();
        assertThat(AbsolutePaths.of("cache/trt4j")).isEmpty();
    }

    /** A NUL is unrepresentable on every file system, as a non-ASCII name is under LANG=C. */
    @Test
    void aPathJavaCannotRepresentIsNotTakenAndDoesNotThrow() {
        assertThat(AbsolutePaths.of("/home/an\u0000a")).isEmpty();
    }
}
