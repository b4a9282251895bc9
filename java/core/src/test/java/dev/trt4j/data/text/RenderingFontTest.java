package dev.trt4j.data.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RenderingFontTest {
    @Test
    void aRuntimeWithoutFontLibrariesGetsOneLineWithTheFix() {
        // The error a jlinked JRE gave on a host without libharfbuzz.
        var error = new UnsatisfiedLinkError("/opt/jre/lib/libfontmanager.so: libharfbuzz.so.0: cannot open shared "
                + "object file: No such file or directory");
        assertThat(RenderingFont.unavailable(error)).hasMessage("rendering text needs the Java runtime's font "
                + "libraries and a font, which did not load (/opt/jre/lib/libfontmanager.so: libharfbuzz.so.0: cannot "
                + "open shared object file: No such file or directory); install them (Debian/Ubuntu: apt install "
                + "libfreetype6 libharfbuzz0b fontconfig fonts-dejavu-core) or give --data images").hasCause(error);
    }

    @Test
    void aHostWithoutFontsIsSaidByTheFontCodesOwnReason() {
        // What the JDK raised on a host whose fontconfig lists no font folder (a bare CUDA image).
        var error = new InternalError(new java.lang.reflect.InvocationTargetException(
                new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration")));
        assertThat(RenderingFont.unavailable(error)).hasMessageContaining("did not load (Fontconfig head is null, "
                + "check your fonts or fonts configuration); install them").hasCause(error);
    }

    @Test
    void theInstalledFontIsUsed() {
        assertThat(RenderingFont.plain(20, "images").getFamily()).isEqualTo(TextLineRenderer.FONT_FAMILY);
        assertThat(RenderingFont.plain(20, "images").getSize()).isEqualTo(20);
    }
}
