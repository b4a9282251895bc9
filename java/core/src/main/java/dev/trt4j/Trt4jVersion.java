package dev.trt4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of trt4j in use, as built by Maven; recorded in calibration provenance and shown by the CLI. */
public final class Trt4jVersion {
    private static final String RESOURCE = "version.properties";
    private static final String VERSION = load();

    private Trt4jVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code "unknown"} when run from unfiltered sources. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Trt4jVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            // An IDE that copies resources without Maven filtering leaves the placeholder in place.
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown"; // a version label is not worth failing class initialisation for
        }
    }
}
