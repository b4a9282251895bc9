package dev.trt4j.data.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Image files compared by what they hold: an image is in the set when it is one of its files under any path (links
 * resolved) or a byte-identical copy of one. A held-out evaluation must not score the calibration images, and a user
 * who copied a few of them into an evaluation folder means the same images.
 *
 * <p>Only files of a size some member has are hashed, so telling other images apart costs a size lookup.
 */
public final class ImageContentSet {
    private final Set<Path> files = new HashSet<>();
    private final Map<Long, List<Path>> bySize = new HashMap<>();
    private final Map<Path, Optional<byte[]>> digests = new HashMap<>();

    private ImageContentSet() {
    }

    /** The set of {@code images}. */
    public static ImageContentSet of(Collection<Path> images) {
        ImageContentSet set = new ImageContentSet();
        for (Path image : images) {
            Path file = ImageLabelFile.identity(image);
            if (set.files.add(file)) {
                size(file).ifPresent(s -> set.bySize.computeIfAbsent(s, k -> new ArrayList<>()).add(file));
            }
        }
        return set;
    }

    /** How many files the set holds (links to one file counted once). */
    public int size() {
        return files.size();
    }

    /** Whether {@code image} is one of the set's files, or holds the same bytes as one. */
    public boolean contains(Path image) {
        Path file = ImageLabelFile.identity(image);
        if (files.contains(file)) {
            return true;
        }
        Optional<Long> size = size(file);
        List<Path> sameSize = size.map(bySize::get).orElse(List.of());
        if (sameSize.isEmpty()) {
            return false;
        }
        Optional<byte[]> digest = digest(file);
        return digest.isPresent() && sameSize.stream().map(this::digest)
                .anyMatch(d -> d.isPresent() && Arrays.equals(d.get(), digest.get()));
    }

    private Optional<byte[]> digest(Path file) {
        return digests.computeIfAbsent(file, ImageContentSet::sha256);
    }

    private static Optional<Long> size(Path file) {
        try {
            return Optional.of(Files.size(file));
        } catch (IOException e) {
            return Optional.empty(); // an unreadable image is named where it is read
        }
    }

    private static Optional<byte[]> sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return Optional.of(sha.digest());
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every Java runtime", e);
        }
    }
}
