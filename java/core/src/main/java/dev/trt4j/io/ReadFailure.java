package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Why reading a file failed, in words. The JDK's messages are often only the path ({@link NoSuchFileException}) or
 * a decoder's detail ("Input length = 1" for a binary file read as text), which tell the user nothing.
 */
public final class ReadFailure {
    private ReadFailure() {
    }

    /** A short reason for a message of the form {@code FILE: cannot read: REASON}. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not a UTF-8 text file";
        }
        if (e instanceof FileSystemException x && x.getReason() != null) {
            return x.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The error for a failed read of {@code file}: {@code FILE: is a folder, expected a file} when a folder stands
     * where a file was expected (the JDK only says "Is a directory", after "cannot read"), else
     * {@code FILE: cannot read: REASON}.
     */
    public static Trt4jException of(Path file, IOException e) {
        return of(file, "", e);
    }

    /** As {@link #of(Path, IOException)}, naming what was read: {@code FILE: cannot read the keys: REASON}. */
    public static Trt4jException of(Path file, String what, IOException e) {
        if (Files.isDirectory(file)) {
            return new Trt4jException(file + ": is a folder, expected a file", e);
        }
        return new Trt4jException(file + ": cannot read" + (what.isEmpty() ? "" : " " + what) + ": " + reason(e), e);
    }
}
