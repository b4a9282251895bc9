package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A timing cache file the way trtexec's {@code --timingCacheFile} treats it: loaded into the builder config when
 * it exists, and after the build merged with whatever the file holds by then (another build may have saved to
 * it meanwhile), ready to be saved. Writing the file is left to the caller, which does it atomically.
 */
final class TimingCacheFile {
    private static final Logger LOG = LoggerFactory.getLogger(TimingCacheFile.class);
    private final Path file;
    private final byte[] loaded;

    private TimingCacheFile(Path file, byte[] loaded) {
        this.file = file;
        this.loaded = loaded;
    }

    /** Reads {@code file} if it exists and installs it (or an empty cache) in {@code config}. */
    static TimingCacheFile install(Path file, IBuilderConfig config, TrtLogger logger) {
        byte[] bytes = read(file).orElse(new byte[0]);
        ITimingCache cache = create(config, bytes, file, logger);
        if (!config.setTimingCache(cache, false)) {
            throw new Trt4jException(file + ": TensorRT refused the timing cache (" + logger.lastError().orElse("no reason given")
                    + "); delete it to start a new one");
        }
        LOG.info(bytes.length == 0 ? "new timing cache {}" : "loaded timing cache {}", file);
        return new TimingCacheFile(file, bytes);
    }

    /** The cache to save: the build's entries, merged into the file's current content if it changed. */
    byte[] merged(IBuilderConfig config, TrtLogger logger) {
        ITimingCache result = config.getTimingCache();
        Optional<byte[]> now = read(file);
        if (now.isPresent() && !Arrays.equals(now.get(), loaded)) {
            ITimingCache onDisk = create(config, now.get(), file, logger);
            if (onDisk.combine(result, false)) {
                result = onDisk;
            } else {
                LOG.warn("could not merge with the newer content of {}; saving this build's cache", file);
            }
        }
        IHostMemory serialized = result.serialize();
        if (serialized == null || serialized.isNull()) {
            throw new Trt4jException(file + ": TensorRT could not serialize the timing cache");
        }
        byte[] out = new byte[Math.toIntExact(serialized.size())];
        new BytePointer(serialized.data()).capacity(out.length).get(out);
        return out;
    }

    private static ITimingCache create(IBuilderConfig config, byte[] bytes, Path file, TrtLogger logger) {
        try (BytePointer blob = new BytePointer(Math.max(1, bytes.length))) {
            blob.put(bytes);
            ITimingCache cache = config.createTimingCache(blob, bytes.length);
            if (cache == null || cache.isNull()) {
                throw new Trt4jException(file + ": not a timing cache of this TensorRT ("
                        + logger.lastError().orElse("no reason given") + "); delete it to start a new one");
            }
            return cache;
        }
    }

    private static Optional<byte[]> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw ReadFailure.of(file, "timing cache", e);
        }
    }
}
