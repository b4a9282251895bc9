package dev.trt4j.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HomeFolderTest {
    private static final Path FALLBACK = Path.of("/tmp/trt4j-cache-uid1234/home");

    @Test
    void anAbsoluteHomeIsKept() {
        assertThat(HomeFolder.replacement("/home/ana", "/elsewhere", () -> FALLBACK, p -> true)).isEmpty();
    }

    /** docker run -u 1234: Java calls the home "?", and HOME is "/", which that user cannot write. */
    @Test
    void aUserIdWithoutAnAccountGetsAFolderInTheCacheRatherThanTheWorkingFolder() {
        assertThat(HomeFolder.replacement("?", "/", () -> FALLBACK, p -> !p.equals(Path.of("/")))).contains(FALLBACK);
        assertThat(HomeFolder.replacement("?", null, () -> FALLBACK, p -> true)).contains(FALLBACK);
        assertThat(HomeFolder.replacement("?", "relative/home", () -> FALLBACK, p -> true)).contains(FALLBACK);
        assertThat(HomeFolder.replacement("", "", () -> FALLBACK, p -> true)).contains(FALLBACK);
    }

    /** The cache folder is worked out only for a home that needs replacing: its path may not even be valid. */
    @Test
    void theFallbackIsNotAskedForWhenTheHomeIsFine() {
        assertThat(HomeFolder.replacement("/home/ana", null, () -> {
            throw new java.nio.file.InvalidPathException("/tmp/hom\u00eb", "unmappable under LANG=C");
        }, p -> true)).isEmpty();
    }

    /** A NUL stands for any name Java cannot represent: such a home would fail whatever later reads it. */
    @Test
    void aHomeJavaCannotRepresentIsReplaced() {
        assertThat(HomeFolder.replacement("/home/an\u0000a", "/work/home", () -> FALLBACK, p -> true))
                .contains(Path.of("/work/home"));
        assertThat(HomeFolder.replacement("?", "/work/hom\u0000e", () -> FALLBACK, p -> true)).contains(FALLBACK);
    }

    @Test
    void aWritableHomeVariableIsPreferredAsTheUsersShellGoesByIt() {
        assertThat(HomeFolder.replacement("?", "/work/home", () -> FALLBACK, p -> true))
                .contains(Path.of("/work/home"));
    }

    /** Under LANG=C Java cannot represent a non-ASCII HOME as a path: the CLI still starts. */
    @Test
    void aHomeJavaCannotRepresentDoesNotStopTheCli(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        CliProcess.Result r = CliProcess.run(work, CliProcess.testClassPath(), java.util.Map.of("LC_ALL", "C", "LANG",
                "C", "HOME", work.resolve("hom\u00eb").toString()), java.util.List.of(), "--version");

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stdout()).startsWith("trt4j ");
        assertThat(r.stderrLines()).isEmpty();
    }

    /**
     * A user ID without an account (user.home "?", HOME unusable) makes the CLI look for a home in the cache folder:
     * a -Dtrt4j.cache.dir Java cannot represent is then reported by the command that needs it, not as a stack trace
     * at start-up.
     */
    @Test
    void anUnusableCacheFolderDoesNotStopTheCliWhereTheHomeNeedsIt(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        CliProcess.Result r = CliProcess.run(work, CliProcess.testClassPath(), java.util.Map.of("LC_ALL", "C", "LANG",
                "C", "HOME", "relative"), java.util.List.of("-Duser.home=?",
                "-Dtrt4j.cache.dir=" + work.resolve("caf\u00e9")), "--version");

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stdout()).startsWith("trt4j ");
        assertThat(r.stderrLines()).isEmpty();
    }

    /** An unusable cache folder must not leave the home "?", a folder in the working folder: the temporary one serves. */
    @Test
    void theHomeGoesToTheTemporaryCacheWhereTheConfiguredOneIsUnusable() {
        String before = System.getProperty(dev.trt4j.ort.OrtRuntime.CACHE_DIR_PROPERTY);
        try {
            System.setProperty(dev.trt4j.ort.OrtRuntime.CACHE_DIR_PROPERTY, "/a\0b");
            assertThat(HomeFolder.inCache()).isEqualTo(dev.trt4j.ort.OrtRuntime.temporaryCacheFolder().resolve("home"));
            assertThat(HomeFolder.inCache()).isAbsolute();
        } finally {
            if (before == null) {
                System.clearProperty(dev.trt4j.ort.OrtRuntime.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(dev.trt4j.ort.OrtRuntime.CACHE_DIR_PROPERTY, before);
            }
        }
    }
}
