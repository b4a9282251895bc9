package dev.trt4j.io;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that readers never see a partial one: the content goes to a temporary file in the same
 * folder, which is then renamed over the target. On failure the temporary file is removed and the target is
 * left as it was.
 */
public final class AtomicFiles {
    /** The longest file name, in UTF-8 bytes, that Linux's file systems take. */
    static final int MAX_NAME_BYTES = 255;

    private AtomicFiles() {
    }

    /** Something that writes the whole content of a file to a stream. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * Writes the content to {@code out}; the caller closes it.
         *
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /**
     * Streams content into {@code target} atomically, creating parent folders as needed (and removing them again,
     * if still empty, when the write fails or the JVM is stopped during it).
     */
    public static void write(Path target, ContentWriter writer) {
        if (Files.isDirectory(finalTarget(target))) {
            throw isAFolder(target); // before the content is written: the rename would fail only after it
        }
        try (AtomicFileSet file = new AtomicFileSet()) {
            file.write(target, writer);
            file.commit();
        }
    }

    /**
     * The file a write to {@code target} replaces, as an absolute path: a symbolic link is followed (the link stays,
     * its file gets the new content, as an editor saving through it would do), since the rename would otherwise put
     * a plain file where the link was. Where it lands is {@link FileIdentity#landing}'s answer, the one the checks
     * that an output is no input use.
     *
     * @throws Trt4jException if the target is a device, a pipe or a socket, which a rename would replace with a
     *                        plain file ({@code --out /dev/null} would remove the device), or names a stream
     *                        ({@link StreamPaths})
     */
    static Path finalTarget(Path target) {
        StreamPaths.refuse(target, "name a file to write");
        Path path = FileIdentity.landing(target);
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            throw new Trt4jException(target + ": cannot write: not a regular file (a device, pipe or socket); name "
                    + "a file to write");
        }
        return path;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the original error is what the user needs to see
        }
    }

    /**
     * Creates an empty, uniquely named file next to the target. Not {@code Files.createTempFile}: that makes
     * the file owner-only (0600), and the rename would hand those permissions to the output; a plain create
     * gives the user's usual umask-based permissions.
     */
    static Path createSibling(Path dir, String name) throws IOException {
        // "." + 13 suffix digits + ".tmp" and a dot: a name of 236 or more bytes is shortened so that the temporary
        // file's name still fits the file system's 255 bytes
        String stem = truncated(name, MAX_NAME_BYTES - 20);
        while (true) {
            String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(dir.resolve("." + stem + "." + suffix + ".tmp"));
            } catch (FileAlreadyExistsException e) {
                // another writer picked the same name: draw again
            }
        }
    }

    /**
     * Checks, before any work, that {@code file} can be written where it is named: it is not a folder, and its
     * folder is one that may be written in, or can be made (as {@link #write} makes it) in the nearest folder that
     * exists. A typo in an output path then fails in one line at once, not after a long run that leaves its other
     * outputs behind.
     *
     * @throws Trt4jException naming the file and the reason
     */
    public static void requireFolderFor(Path file) {
        requireNamesFit(file);
        if (Files.isDirectory(file)) {
            throw isAFolder(file);
        }
        Path parent = finalTarget(file).getParent();
        Path existing = parent == null ? null : MissingFolders.nearestExisting(parent);
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new Trt4jException(file + ": cannot write: " + existing + " is a file, not a folder");
        }
        requireCreatable(existing, file);
    }

    /**
     * Checks that each name on {@code path} fits the 255 bytes (UTF-8) Linux file systems take, before long work:
     * the write would fail only at the end.
     *
     * @throws Trt4jException naming the path and the name's length
     */
    public static void requireNamesFit(Path path) {
        for (Path name : path) {
            int bytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new Trt4jException(path + ": cannot write: file name too long (" + bytes + " bytes in one name; "
                        + "file systems take " + MAX_NAME_BYTES + ")");
            }
        }
    }

    /** {@code name} cut at a code point so that its UTF-8 form has at most {@code maxBytes} bytes. */
    private static String truncated(String name, int maxBytes) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return name;
        }
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            kept.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return kept.toString();
    }

    private static Trt4jException isAFolder(Path file) {
        return new Trt4jException(file + ": cannot write: is a folder");
    }

    /**
     * Checks that a file can be created in the existing folder {@code folder}, by creating and removing one: the
     * access check alone lets root through everywhere short of a read-only mount, yet /proc and /sys refuse new
     * files even to root.
     *
     * @param subject the output the message names
     * @throws Trt4jException {@code SUBJECT: cannot write into folder FOLDER: REASON}
     */
    static void requireCreatable(Path folder, Path subject) {
        if (!Files.isWritable(folder)) {
            throw new Trt4jException(subject + ": " + notWritable(folder));
        }
        Path probe;
        try {
            probe = createSibling(folder, "trt4j-write-check");
        } catch (IOException e) {
            throw new Trt4jException(subject + ": " + cannotWriteInto(folder, e), e);
        }
        deleteQuietly(probe);
    }

    /**
     * Why the existing folder {@code folder} may not be written in, in the same words for every command: its file
     * system is mounted read-only (which refuses even root), or permissions forbid it.
     */
    static String notWritable(Path folder) {
        try {
            if (Files.getFileStore(folder).isReadOnly()) {
                return intoFolder(folder, "read-only file system");
            }
        } catch (IOException e) {
            // no file store to ask: permissions are the likely reason
        }
        return intoFolder(folder, "permission denied");
    }

    /**
     * Why creating a file in {@code folder} failed, after the folder's name when it exists. Not {@link #reason}
     * alone: a file system that refuses new files (/proc) reports "no such file", which would send the user looking
     * for a missing folder.
     */
    static String cannotWriteInto(Path folder, IOException e) {
        if (!Files.isDirectory(folder)) {
            return "cannot write: " + reason(e);
        }
        return intoFolder(folder, e instanceof NoSuchFileException ? "its file system does not take new files"
                : reason(e));
    }

    private static String intoFolder(Path folder, String reason) {
        return "cannot write into folder " + folder + ": " + reason;
    }

    /**
     * Why a write failed, in words: the file-system exceptions' messages are only the path, often of the
     * temporary file, which says nothing to the user. E.g. {@code no such folder}, {@code permission denied}.
     */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException x) {
            return x.getFile() + " is a file, not a folder";
        }
        if (e instanceof NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof FileSystemException x && x.getReason() != null && !x.getReason().isEmpty()) {
            // the operating system's wording ("Read-only file system"), lower-cased to read inside a message
            return Character.toLowerCase(x.getReason().charAt(0)) + x.getReason().substring(1);
        }
        if (e.getCause() instanceof IOException cause && cause != e) {
            // ImageIO's "I/O error writing PNG file!" wraps the stream's own reason (no space left on device)
            return reason(cause);
        }
        return e.getMessage();
    }

    /**
     * Renames a finished temporary file onto {@code target}, atomically where the file system can, so a reader
     * sees the old file or the new one, never part of one.
     */
    static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
