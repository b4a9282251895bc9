package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AbsolutePaths;
import dev.trt4j.ort.OrtRuntime;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Gives the JVM a home folder it can use. For a user ID without a passwd entry ({@code docker run -u 1234}) Java's
 * {@code user.home} is {@code ?}, a relative path, so what libraries keep under the home (the JDK's font cache in
 * {@code ~/.java/fonts}, DJL's tokenizer library in {@code ~/.djl.ai}) would be written into the working folder,
 * often the user's mounted {@code engines/}.
 */
final class HomeFolder {
    private HomeFolder() {
    }

    /**
     * Points {@code user.home} at a usable folder where it is not an absolute path; call before anything reads it.
     * Never fails: a home or cache path Java cannot even represent (a non-ASCII name under {@code LANG=C}) is left to
     * the command that needs it, which reports it in one line.
     */
    static void makeUsable() {
        try {
            replacement(System.getProperty("user.home"), System.getenv("HOME"), HomeFolder::inCache, Files::isWritable)
                    .ifPresent(home -> System.setProperty("user.home", home.toString()));
        } catch (InvalidPathException e) {
            // leave user.home as it is
        }
    }

    /**
     * {@code home} in trt4j's cache folder; in the temporary one where the configured folder is unusable (an
     * unusable -Dtrt4j.cache.dir is reported by the command that needs it), so that the home never stays "?", which
     * would put the JDK's and the tokenizer library's files in the working folder.
     */
    static Path inCache() {
        try {
            return OrtRuntime.cacheFolder().resolve("home");
        } catch (Trt4jException e) {
            return OrtRuntime.temporaryCacheFolder().resolve("home");
        }
    }

    /**
     * The home to use instead of {@code userHome}, if it is not an absolute path Java can represent: {@code $HOME}
     * where that is one and writable, else {@code fallback} (in trt4j's cache folder, which already avoids such
     * homes), asked for only then.
     *
     * @throws InvalidPathException if the fallback's path cannot be represented in the file system's encoding
     */
    static Optional<Path> replacement(String userHome, String environmentHome, Supplier<Path> fallback,
                                      Predicate<Path> writable) {
        if (AbsolutePaths.of(userHome).isPresent()) {
            return Optional.empty();
        }
        return AbsolutePaths.of(environmentHome).filter(writable).or(() -> Optional.of(fallback.get()));
    }
}
