package dev.trt4j.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

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
}
