package dev.trt4j.data.text;

import dev.trt4j.Trt4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.AWTError;
import java.awt.Font;
import java.util.Locale;

/**
 * The font the text renderers draw with. Asking for its family is the first call into the Java runtime's native
 * font code, so a runtime without its font libraries (seen: a jlinked JRE on a host without libharfbuzz), or a host
 * without any font (the JDK then raises {@link InternalError}: "Fontconfig head is null"), fails here with one line
 * instead of an error in the middle of a command.
 */
final class RenderingFont {
    private static final Logger LOG = LoggerFactory.getLogger(RenderingFont.class);

    private RenderingFont() {
    }

    /** {@link TextLineRenderer#FONT_FAMILY} at {@code size} pixels, or the runtime's substitute with a warning. */
    static Font plain(int size, String what) {
        Font font = new Font(TextLineRenderer.FONT_FAMILY, Font.PLAIN, size);
        String family;
        try {
            family = font.getFamily(Locale.ROOT);
        } catch (LinkageError | AWTError | InternalError e) {
            throw unavailable(e);
        }
        if (!family.equals(TextLineRenderer.FONT_FAMILY)) {
            LOG.warn("font '{}' is not installed; rendering with '{}', so {} differ from other machines",
                    TextLineRenderer.FONT_FAMILY, family, what);
        }
        return font;
    }

    /** The one-line error for a runtime whose font code cannot load. */
    static Trt4jException unavailable(Throwable cause) {
        return new Trt4jException("rendering text needs the Java runtime's font libraries and a font, which did not "
                + "load (" + rootMessage(cause) + "); install them (Debian/Ubuntu: apt install libfreetype6 "
                + "libharfbuzz0b fontconfig fonts-dejavu-core) or give --data images", cause);
    }

    /** The JDK wraps the font code's own reason in reflection exceptions; the innermost message says what failed. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
