package dev.trt4j.cli;

import dev.trt4j.ort.OrtRuntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Gives the JVM a home folder it can use. For a user ID without a passwd entry ({@code docker run -u 1234}) Java's
 * {@code user.home} is {@code ?}, a relative path, so what libraries keep under the home (the JDK's font cache in
 * {@code ~/.java/fonts}, DJL's tokenizer library in {@code ~/.djl.ai}) would be written into the working folder,
 * often the user's mounted {@code engines/}.
 */
final class HomeFolder {
    private HomeFolder() {
    }

    /** Points {@code user.home} at a usable folder where it is not an absolute path; call before anything reads it. */
    static void makeUsable() {
        replacement(System.getProperty("user.home"), System.getenv("HOME"), OrtRuntime.cacheFolder().resolve("home"),
                Files::isWritable).ifPresent(home -> System.setProperty("user.home", home.toString()));
    }

    /**
     * The home to use instead of {@code userHome}, if it is not an absolute path: {@code $HOME} where that is an
     * absolute, writable folder, else {@code fallback} (in trt4j's cache folder, which already avoids such homes).
     */
    static Optional<Path> replacement(String userHome, String environmentHome, Path fallback,
                                      Predicate<Path> writable) {
        if (userHome != null && !userHome.isBlank() && Path.of(userHome).isAbsolute()) {
            return Optional.empty();
        }
        if (environmentHome != null && !environmentHome.isBlank() && Path.of(environmentHome).isAbsolute()
                && writable.test(Path.of(environmentHome))) {
            return Optional.of(Path.of(environmentHome));
        }
        return Optional.of(fallback);
    }
}
