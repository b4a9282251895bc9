package dev.trt4j.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HomeFolderTest {
    private static final Path FALLBACK = Path.of("/tmp/trt4j-cache-uid1234/home");

    @Test
    void anAbsoluteHomeIsKept() {
        assertThat(HomeFolder.replacement("/home/ana", "/elsewhere", FALLBACK, p -> true)).isEmpty();
    }

    /** docker run -u 1234: Java calls the home "?", and HOME is "/", which that user cannot write. */
    @Test
    void aUserIdWithoutAnAccountGetsAFolderInTheCacheRatherThanTheWorkingFolder() {
        assertThat(HomeFolder.replacement("?", "/", FALLBACK, p -> !p.equals(Path.of("/")))).contains(FALLBACK);
        assertThat(HomeFolder.replacement("?", null, FALLBACK, p -> true)).contains(FALLBACK);
        assertThat(HomeFolder.replacement("?", "relative/home", FALLBACK, p -> true)).contains(FALLBACK);
        assertThat(HomeFolder.replacement("", "", FALLBACK, p -> true)).contains(FALLBACK);
    }

    @Test
    void aWritableHomeVariableIsPreferredAsTheUsersShellGoesByIt() {
        assertThat(HomeFolder.replacement("?", "/work/home", FALLBACK, p -> true)).contains(Path.of("/work/home"));
    }
}
