package dev.trt4j.data.image;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Counts;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataWarnings;
import dev.trt4j.data.RepeatsLeftOut;
import dev.trt4j.data.text.SentenceFiles;
import dev.trt4j.io.ReadFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label file of images and their texts, as PaddleOCR's {@code rec_gt.txt} is written: one image a line, its path,
 * a tab, then its label (the line's text for a recognizer, {@code 0} or {@code 180} for the direction classifier).
 * Paths are read relative to the label file's folder.
 *
 * @param file   the label file
 * @param images the images, in the file's order
 * @param labels the label of each image
 * @param lines  the file's line number of each image, for messages
 */
public record ImageLabelFile(Path file, List<Path> images, List<String> labels, List<Integer> lines) {
    private static final Logger LOG = LoggerFactory.getLogger(ImageLabelFile.class);
    /** An image path (spaces around it dropped), a tab and a label. */
    private static final Pattern LINE = Pattern.compile(" *([^\t]*[^\t ]\\.(?i:png|jpe?g|bmp|gif|tiff?)) *\t(.*)");
    /**
     * A path without spaces whose extension is a word (not {@code 9.99}), a tab and a label: a label line, maybe of an
     * image kind trt4j does not read ({@code .webp}). Counted to tell a label file from sentences.
     */
    private static final Pattern ANY_FILE_LINE = Pattern.compile(" *(\\S+\\.([A-Za-z][A-Za-z0-9]{1,4})) *\t(.*)");

    public ImageLabelFile {
        images = List.copyOf(images);
        labels = List.copyOf(labels);
        lines = List.copyOf(lines);
    }

    /**
     * How many of a file's lines that are not blank read as an image path, a tab and a label.
     *
     * @param lines     the lines that are not blank
     * @param labelled  those that read so ({@link #ANY_FILE_LINE}, or {@link #LINE} with a path that holds a space
     *                  and is plainly a path: "I saw photo.jpg" before a tab is a sentence, unless that image is there)
     * @param images    those of an image kind trt4j reads
     * @param fileNamed those that start with a data file's name, a tab or not ({@link SentenceFiles})
     */
    public record LineCounts(long lines, long labelled, long images, long fileNamed) {
        /**
         * Whether the file is meant as a label file: more than half its lines are label lines, or some are and every
         * line names a file (a space for one tab). Not all: a header, a comment, a {@code .webp} or a missing tab
         * among them is then refused by {@link #read}, naming its line, rather than the whole file drawn as text.
         */
        public boolean labelFile() {
            return labelled > 0 && (labelled * 2 > lines || fileNamed == lines);
        }

        /** Whether every line is a label line of a readable image: a label file no text model could mean as text. */
        public boolean onlyLabelLines() {
            return lines > 0 && images == lines;
        }
    }

    /** Counts the label lines of {@code file}; none for a file that is not UTF-8 text (read as sentences, it is named). */
    public static LineCounts count(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).map(ImageLabelFile::strip).toList();
            long images = lines.stream().filter(l -> LINE.matcher(l).matches()).count();
            Path folder = file.toAbsolutePath().getParent();
            long labelled = lines.stream().filter(l -> ANY_FILE_LINE.matcher(l).matches() || plainlyAPath(l, folder))
                    .count();
            long fileNamed = lines.stream().filter(l -> SentenceFiles.startsWithDataFileName(l.strip())).count();
            return new LineCounts(lines.size(), labelled, images, fileNamed);
        } catch (IOException e) {
            return new LineCounts(0, 0, 0, 0);
        }
    }

    /**
     * An image line whose path holds a space yet is plainly a path, as no sentence starts: it names a folder
     * ({@code my crops/a.png}), a Windows drive, or an image that is there ({@code IMG 0001.jpg} beside the file).
     */
    private static boolean plainlyAPath(String line, Path folder) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return false;
        }
        String path = m.group(1);
        if (path.contains("/") || path.matches("[A-Za-z]:[\\\\/].*")) {
            return true;
        }
        try {
            return Files.isRegularFile(folder.resolve(path));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * Warns that {@code file}, read as text to draw, holds some lines that read as an image path, a tab and a label:
     * too few for a label file, and the user may have meant one.
     */
    public static void noteDrawnAsText(Path file, LineCounts counts) {
        if (counts.labelled() > 0) {
            DataWarnings.warn(LOG, file + ": " + counts.labelled() + " of its " + Counts.of(counts.lines(), "line")
                    + " read as an image path, a tab and a label, but too few for a label file (more than half): its "
                    + "lines are drawn as text");
        }
    }

    /** Whether {@code file} is meant as such a label file ({@link LineCounts#labelFile()}). */
    public static boolean looksLike(Path file) {
        return count(file).labelFile();
    }

    /**
     * Reads the file.
     *
     * @throws Trt4jException naming the file and line of an image that is missing, a label that is empty, or the
     *                        boxes of PaddleOCR's detection labels, which trt4j does not read
     */
    public static ImageLabelFile read(Path file) {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new Trt4jException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw ReadFailure.of(file, e);
        }
        Path folder = file.toAbsolutePath().getParent();
        List<Path> images = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<Integer> moreColumns = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(strip(text.get(i)));
            Matcher other = ANY_FILE_LINE.matcher(strip(text.get(i)));
            if (!m.matches() && other.matches()) {
                throw new Trt4jException(file + ": line " + (i + 1) + ": ." + other.group(2) + " is no image kind trt4j "
                        + "reads (" + String.join(", ", ImageFolderSource.EXTENSIONS.stream().sorted().toList())
                        + "); convert the image, or leave the line out");
            }
            if (!m.matches()) {
                String shown = strip(text.get(i));
                // the ellipsis is trt4j's: not escaped as the line is
                throw new Trt4jException(file + ": line " + (i + 1) + " ('" + ControlCharacters.escape(
                        shown.length() > 40 ? shown.substring(0, 40) : shown) + (shown.length() > 40 ? "…" : "")
                        + "') is not an image path, a "
                        + "tab and a label, as the file's other lines are; a label file holds nothing else (a header "
                        + "or comment included)");
            }
            String columns = m.group(2);
            if (leavesColumnsOut(columns)) {
                moreColumns.add(i + 1);
            }
            // PaddleOCR's SimpleDataSet reads the second column as the label: a score or source column after it is
            // no part of the text the model should read
            String label = (columns.indexOf('\t') >= 0 ? columns.substring(0, columns.indexOf('\t')) : columns)
                    .strip();
            if (columns.strip().startsWith("[{") && columns.contains("\"points\"")) {
                throw new Trt4jException(file + ": line " + (i + 1) + " holds text boxes (PaddleOCR's detection "
                        + "labels), which trt4j does not read; give --data the folder of the images");
            }
            if (label.isEmpty()) {
                throw new Trt4jException(file + ": line " + (i + 1) + " has no label after its tab");
            }
            if (m.group(1).matches("[A-Za-z]:[\\\\/].*")) {
                throw new Trt4jException(file + ": line " + (i + 1) + ": " + m.group(1) + " is a Windows path; write it "
                        + "relative to the label file's folder, with / between folders");
            }
            Path image = folder.resolve(m.group(1));
            if (!Files.isRegularFile(image)) {
                throw new Trt4jException(file + ": line " + (i + 1) + ": no image " + image + " (paths are read "
                        + "relative to the label file's folder" + (m.group(1).contains("\\") ? ", with / between "
                        + "folders" : "") + ")");
            }
            images.add(image);
            labels.add(label);
            lines.add(i + 1);
        }
        if (!moreColumns.isEmpty()) {
            DataWarnings.warn(LOG, file + ": " + (moreColumns.size() == 1 ? "line " + moreColumns.get(0) + " holds"
                    : moreColumns.size() + " lines (the first, line " + moreColumns.get(0) + ") hold") + " more than "
                    + "one tab: a label is the text up to the second tab, as PaddleOCR reads it, and the columns after "
                    + "it are left out");
        }
        return new ImageLabelFile(file, images, labels, lines);
    }

    /**
     * The file an image path names, for telling two paths of one image apart from two images: the real path where it
     * can be found (links resolved), else the absolute, normalised one.
     */
    public static Path identity(Path image) {
        try {
            return image.toRealPath();
        } catch (IOException e) {
            return image.toAbsolutePath().normalize();
        }
    }

    /**
     * This file without the images of {@code left} (the same files or copies of them) among those read up to
     * {@code limit} kept images: a held-out evaluation must not score images the ranges were chosen on, and one past
     * the limit is never scored.
     *
     * @param limit images kept that are read, 0 for all
     */
    public ImageLabelFile without(ImageContentSet left, long limit) {
        List<Integer> kept = RepeatsLeftOut.kept(images.size(), i -> left.contains(images.get(i)), limit);
        return new ImageLabelFile(file, kept.stream().map(images::get).toList(),
                kept.stream().map(labels::get).toList(), kept.stream().map(lines::get).toList());
    }

    /**
     * Whether a line's text after its path's tab holds a column past the label that is left out: one with text in
     * it. A spreadsheet's export ends a line in a tab ({@code a.png<TAB>180<TAB>}), which leaves nothing out.
     */
    static boolean leavesColumnsOut(String columns) {
        int tab = columns.indexOf('\t');
        return tab >= 0 && !columns.substring(tab + 1).isBlank();
    }

    /** A line without its line end's carriage return and an editor's byte order mark. */
    private static String strip(String line) {
        return line.replace("\uFEFF", "").replace("\r", "");
    }
}
