package dev.trt4j.calibrators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The provider class names that {@code META-INF/services} files list for a service, read as text: for naming the
 * plug-ins of a class loader that cannot load them, where {@link java.util.ServiceLoader} fails before it names any.
 */
final class ServiceFiles {
    private ServiceFiles() {
    }

    /** The names listed for {@code service} in every services file {@code loader} sees, each once, in order. */
    static List<String> providers(ClassLoader loader, Class<?> service) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> files = loader.getResources("META-INF/services/" + service.getName());
            while (files.hasMoreElements()) {
                readInto(files.nextElement(), names);
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // an unreadable listing leaves the names unknown; the caller's reason still says why nothing loads
        }
        return new ArrayList<>(names);
    }

    private static void readInto(URL file, Set<String> names) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.openStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int comment = line.indexOf('#');
                String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
    }
}
