package dev.trt4j.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where an engine's sidecar lives ({@code NAME.engine.json}) and how it is written and read. */
public final class EngineSidecarFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EngineSidecarFile() {
    }

    /** The sidecar path of an engine file. */
    public static Path pathFor(Path engine) {
        return engine.resolveSibling(engine.getFileName() + ".json");
    }

    /** The sidecar as JSON text. */
    public static String toJson(EngineSidecar sidecar) {
        try {
            return JSON.writeValueAsString(sidecar) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a sidecar always serializes", e);
        }
    }

    /** Writes the sidecar of {@code engine} atomically. */
    public static void write(Path engine, EngineSidecar sidecar) {
        AtomicFiles.writeString(pathFor(engine), toJson(sidecar));
    }

    /**
     * Reads the sidecar of {@code engine}, or empty when there is none.
     *
     * @throws Trt4jException when it exists but cannot be read
     */
    public static Optional<EngineSidecar> read(Path engine) {
        Path file = pathFor(engine);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), EngineSidecar.class));
        } catch (IOException e) {
            throw new Trt4jException(file + ": unreadable engine sidecar: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
