package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which backend times a file for {@code trt4j bench}: the one {@code --backend} names, else the one the file's name
 * calls for (tensorrt for {@code .engine}/{@code .plan}, onnxruntime for {@code .onnx}).
 */
final class BenchBackendChoice {
    private final String given;

    BenchBackendChoice(String given) {
        this.given = given;
    }

    /** The {@code --backend} value, or null where each file's name decides. */
    String given() {
        return given;
    }

    /** @throws Trt4jException for a file whose name says no kind, without {@code --backend} */
    String forFile(Path f) {
        if (given != null) {
            return given;
        }
        if (isEngine(f)) {
            return "tensorrt";
        }
        if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return "onnxruntime";
        }
        if (java.nio.file.Files.isDirectory(f)) {
            // what is wrong with a folder or a missing file is not its name: --backend would not help
            throw new Trt4jException(f + ": is a folder, not a model (.onnx) or engine (.engine, .plan) file");
        }
        if (!java.nio.file.Files.exists(f)) {
            throw new Trt4jException(f + ": no such file (a model .onnx, or an engine .engine or .plan)");
        }
        throw new Trt4jException(f + ": not a .engine, .plan or .onnx file; choose a backend with --backend");
    }

    /** Whether the file's name says what it is: {@code .onnx}, {@code .engine} or {@code .plan}. */
    static boolean nameSaysItsKind(Path f) {
        return isEngine(f) || f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    static boolean isEngine(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".engine") || n.endsWith(".plan");
    }
}
