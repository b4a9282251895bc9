package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Copies tensors stored outside the model file ({@code data_location: EXTERNAL}, with {@code location},
 * {@code offset} and {@code length} keys relative to the model's folder) into the model, so that the whole model
 * can be handed to ONNX Runtime as bytes. Covers initializers, sparse initializers, tensor and sparse-tensor
 * attributes, in subgraphs and in the model's local functions too, so that nothing left external would later be
 * resolved against the working folder.
 *
 * <p>Locations follow ONNX Runtime's rules: relative to the model's folder, and inside it once symbolic links are
 * resolved, so that a link in a model archive cannot pull another file into a model trt4j writes. Without a
 * {@code length}, the tensor's own size is read (as ONNX Runtime does), not the rest of the file.
 *
 * <p>A model held in memory is one protobuf, which cannot exceed 2 GiB. A model that would exceed it with its
 * weights read in keeps every tensor over {@value #KEPT_INLINE_BYTES} bytes in its data file instead (checked and
 * hashed, not held): ONNX Runtime then reads them from the model's folder, and what needs only the graph (inspecting,
 * calibrating activations) works on models of any size.
 */
final class ExternalDataInliner {
    /** The largest protobuf message, and so the largest model trt4j can hold with its weights read in. */
    static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;
    /**
     * Tensors up to this size are read in even when the others stay in their files: shape and scale constants,
     * whose values shape inference and graph rewrites read.
     */
    static final long KEPT_INLINE_BYTES = 64 * 1024;
    /** A limit under which every tensor is read in: the model is then held past 2 GiB, never serialized whole. */
    static final long NO_LIMIT = Long.MAX_VALUE;
    private static final int HASH_CHUNK = 8 << 20;

    private enum Mode {
        /** Check every location and add up the bytes, changing nothing. */
        MEASURE,
        /** Read every tensor in. */
        INLINE,
        /** Read small tensors in; hash the others where they lie. */
        KEEP_LARGE
    }

    private final Path modelFile;
    private final Path folder;
    private final long limit;
    private Mode mode = Mode.MEASURE;
    private long bytesRead;
    private long externalBytes;
    private final long modelBytes;
    private final MessageDigest digest;
    /** The data files read, for callers that must not write over them. */
    private Set<Path> files = new LinkedHashSet<>();

    private ExternalDataInliner(Path modelFile, long modelBytes, MessageDigest digest, long limit) {
        this.modelFile = modelFile;
        this.digest = digest;
        Path parent = modelFile.toAbsolutePath().getParent();
        this.folder = parent == null ? Path.of("").toAbsolutePath() : parent;
        this.modelBytes = modelBytes;
        this.limit = limit;
    }

    /**
     * The model with every external tensor read in; the model itself if it has none. Each tensor's bytes, as read,
     * go to {@code digest} in the order they are read, so that the model's SHA-256 covers its weights: the model file
     * alone does not change when its weights do.
     */
    static ModelProto inline(ModelProto model, Path modelFile, MessageDigest digest) {
        return inline(model, modelFile, digest, new LinkedHashSet<>());
    }

    /** As {@link #inline(ModelProto, Path, MessageDigest)}, adding each data file read to {@code files}. */
    static ModelProto inline(ModelProto model, Path modelFile, MessageDigest digest, Set<Path> files) {
        return inline(model, modelFile, digest, files, PROTOBUF_LIMIT);
    }

    /**
     * As {@link #inline(ModelProto, Path, MessageDigest, Set)}, with {@code limit} in place of protobuf's 2 GiB
     * (tests keep large tensors external without writing gigabytes); {@link #NO_LIMIT} reads every tensor in whatever
     * the total, for commands that rewrite the weights and write the model with external data.
     */
    static ModelProto inline(ModelProto model, Path modelFile, MessageDigest digest, Set<Path> files, long limit) {
        if (!hasExternalData(model)) {
            return model;
        }
        ExternalDataInliner inliner = new ExternalDataInliner(modelFile, model.getSerializedSize(), digest, limit);
        inliner.files = files;
        inliner.rewrite(model); // every location checked before a byte is read
        inliner.mode = inliner.modelBytes + inliner.externalBytes > limit ? Mode.KEEP_LARGE : Mode.INLINE;
        return inliner.rewrite(model);
    }

    private ModelProto rewrite(ModelProto model) {
        return TensorRewriter.rewrite(model, this::tensor, true);
    }

    /** Whether any tensor of {@code model}, in any graph or function, is stored externally. */
    static boolean hasExternalData(ModelProto model) {
        return anyTensor(model, ExternalDataInliner::isExternal);
    }

    /**
     * Whether any tensor of {@code model} is stored in the file named {@code location} (as its external data names
     * it, relative to the model's folder).
     */
    static boolean refersTo(ModelProto model, String location) {
        return anyTensor(model, t -> isExternal(t) && t.getExternalDataList().stream()
                .anyMatch(e -> e.getKey().equals("location") && e.getValue().equals(location)));
    }

    /** Whether {@code test} holds for a tensor of {@code model}: in its graph, subgraphs or functions, sparse too. */
    private static boolean anyTensor(ModelProto model, Predicate<TensorProto> test) {
        return anyTensor(model.getGraph(), test)
                || model.getFunctionsList().stream().anyMatch(f -> anyTensor(f.getNodeList(), test));
    }

    private static boolean anyTensor(GraphProto g, Predicate<TensorProto> test) {
        return g.getInitializerList().stream().anyMatch(test)
                || g.getSparseInitializerList().stream().anyMatch(t -> sparse(t, test))
                || anyTensor(g.getNodeList(), test);
    }

    private static boolean anyTensor(List<NodeProto> nodes, Predicate<TensorProto> test) {
        for (NodeProto n : nodes) {
            for (AttributeProto a : n.getAttributeList()) {
                if (test.test(a.getT()) || a.getTensorsList().stream().anyMatch(test)
                        || sparse(a.getSparseTensor(), test)
                        || a.getSparseTensorsList().stream().anyMatch(t -> sparse(t, test))
                        || anyTensor(a.getG(), test)
                        || a.getGraphsList().stream().anyMatch(g -> anyTensor(g, test))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sparse(SparseTensorProto t, Predicate<TensorProto> test) {
        return test.test(t.getValues()) || test.test(t.getIndices());
    }

    static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private TensorProto tensor(TensorProto t) {
        if (!isExternal(t)) {
            return t;
        }
        String where = ControlCharacters.escape(modelFile.toString()) + ": tensor '"
                + ControlCharacters.escape(t.getName()) + "'";
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = number(where, e);
                case "length" -> length = number(where, e);
                default -> {
                    // "checksum" and unknown keys carry nothing we need
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new Trt4jException(where + " is stored externally but names no location");
        }
        Path file = dataFile(where, location);
        long n = length >= 0 ? length : TensorSizes.byteSize(t).orElse(-1);
        switch (mode) {
            case MEASURE -> {
                externalBytes += requireFits(file, offset, n, where);
                return t;
            }
            case KEEP_LARGE -> {
                long size = requireFits(file, offset, n, where);
                if (size > KEPT_INLINE_BYTES) {
                    requireSizeOfShape(t, size, location, where);
                    files.add(file);
                    hash(file, offset, size, where);
                    return t;
                }
            }
            case INLINE -> {
                // read in below
            }
        }
        files.add(file);
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(read(file, offset, n, where))
                .build();
    }

    /**
     * A tensor left in its file is read by ONNX Runtime from its shape, whatever the length says: a length that
     * disagrees would otherwise surface as ONNX Runtime's size mismatch, or as wrong weights.
     */
    private static void requireSizeOfShape(TensorProto t, long size, String location, String where) {
        long expected = TensorSizes.byteSize(t).orElse(-1);
        if (expected >= 0 && expected != size) {
            throw new Trt4jException(where + ": external data '" + location + "' gives " + size + " bytes but its "
                    + "shape " + t.getDimsList() + " of " + OnnxElementTypes.name(t.getDataType()) + " needs "
                    + expected);
        }
    }

    /** The bytes {@code length} covers (-1: the rest of the file), checked to lie within the file. */
    private static long requireFits(Path file, long offset, long length, String where) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new Trt4jException(where + ": cannot read external data " + file + ": " + ReadFailure.reason(e), e);
        }
        if (offset > size) {
            throw new Trt4jException(where + ": external data '" + file.getFileName() + "' has " + size
                    + " bytes, fewer than its offset " + offset);
        }
        long n = length < 0 ? size - offset : length;
        if (n > size - offset) {
            throw new Trt4jException(where + ": external data '" + file.getFileName() + "' has " + size
                    + " bytes, too few for offset " + offset + " and length " + n);
        }
        return n;
    }

    /** Adds {@code length} bytes at {@code offset} to the digest, a chunk at a time: the tensor is never held. */
    private void hash(Path file, long offset, long length, String where) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(HASH_CHUNK, Math.max(1, length)));
            long done = 0;
            while (done < length) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - done));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + done + buf.position()) < 0) {
                        throw new IOException("unexpected end of file");
                    }
                }
                digest.update(buf.array(), 0, buf.position());
                done += buf.position();
            }
        } catch (IOException e) {
            throw new Trt4jException(where + ": cannot read external data " + file + ": " + ReadFailure.reason(e), e);
        }
    }

    /** The data file {@code location} names, checked to lie in the model's folder with links resolved. */
    private Path dataFile(String where, String location) {
        if (location.indexOf('\0') >= 0) {
            throw new Trt4jException(where + " names external data '" + location.replace('\0', '?')
                    + "', which holds a NUL character");
        }
        Path file;
        try {
            if (Path.of(location).isAbsolute()) {
                throw outside(where, location);
            }
            file = folder.resolve(location).normalize();
        } catch (InvalidPathException e) {
            throw new Trt4jException(where + " names external data '" + location + "', which is not a valid path");
        }
        if (!file.startsWith(folder.normalize())) {
            throw outside(where, location);
        }
        if (Files.isDirectory(file)) {
            throw new Trt4jException(where + ": external data '" + location + "' is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new Trt4jException(where + ": external data file '" + location + "' not found in " + folder);
        }
        try {
            if (!file.toRealPath().startsWith(folder.toRealPath())) {
                throw new Trt4jException(where + " names external data '" + location + "', a link to "
                        + file.toRealPath() + " outside the model's folder");
            }
        } catch (IOException e) {
            throw new Trt4jException(where + ": cannot read external data " + file + ": " + ReadFailure.reason(e), e);
        }
        return file;
    }

    private static Trt4jException outside(String where, String location) {
        return new Trt4jException(where + " points to external data '" + location + "' outside the model's folder");
    }

    /** {@code length} bytes at {@code offset}; the rest of the file where the length is unknown (-1). */
    private ByteString read(Path file, long offset, long length, String where) {
        long n = requireFits(file, offset, length, where);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            bytesRead += n;
            if (n > PROTOBUF_LIMIT - 8) {
                // one Java array holds the tensor, and ONNX Runtime itself reads no tensor of 2 GiB
                throw new Trt4jException(where + ": " + n + " bytes of external data, more than one tensor can hold "
                        + "(2 GiB)");
            }
            if (n > limit - 8 || modelBytes + bytesRead > limit) {
                // only with many small tensors: past the limit, the large ones stay in their files
                throw new Trt4jException(where + ": with its external data the model exceeds 2 GiB, the most an "
                        + "ONNX model read into memory can hold (one protobuf), even with every tensor over "
                        + KEPT_INLINE_BYTES / 1024 + " KiB left in its file");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            digest.update(buf.array(), 0, buf.position());
            buf.flip();
            return UnsafeByteOperations.unsafeWrap(buf); // the buffer is ours alone: no second copy of the weights
        } catch (IOException e) {
            throw new Trt4jException(where + ": cannot read external data " + file + ": " + ReadFailure.reason(e), e);
        }
    }

    private static long number(String where, StringStringEntryProto e) {
        long value;
        try {
            value = Long.parseLong(e.getValue().strip());
        } catch (NumberFormatException ex) {
            throw new Trt4jException(where + " has external data " + e.getKey() + " '" + e.getValue()
                    + "', which is not a number");
        }
        if (value < 0) {
            throw new Trt4jException(where + " has external data " + e.getKey() + " " + value + ", which is negative");
        }
        return value;
    }
}
