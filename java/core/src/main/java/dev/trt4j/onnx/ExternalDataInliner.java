package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies tensors stored outside the model file ({@code data_location: EXTERNAL}, with {@code location},
 * {@code offset} and {@code length} keys relative to the model's folder) into the model, so that the whole model
 * can be handed to ONNX Runtime as bytes. Covers initializers and tensor attributes, in subgraphs too.
 */
final class ExternalDataInliner {
    private final Path modelFile;
    private final Path folder;

    private ExternalDataInliner(Path modelFile) {
        this.modelFile = modelFile;
        Path parent = modelFile.toAbsolutePath().getParent();
        this.folder = parent == null ? Path.of("") : parent;
    }

    /** The model with every external tensor read in; the model itself if it has none. */
    static ModelProto inline(ModelProto model, Path modelFile) {
        if (!hasExternalData(model.getGraph())) {
            return model;
        }
        ExternalDataInliner inliner = new ExternalDataInliner(modelFile);
        return model.toBuilder().setGraph(inliner.graph(model.getGraph())).build();
    }

    private static boolean hasExternalData(GraphProto g) {
        for (TensorProto t : g.getInitializerList()) {
            if (isExternal(t)) {
                return true;
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (isExternal(a.getT()) || a.getTensorsList().stream().anyMatch(ExternalDataInliner::isExternal)
                        || hasExternalData(a.getG()) || a.getGraphsList().stream()
                        .anyMatch(ExternalDataInliner::hasExternalData)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private GraphProto graph(GraphProto g) {
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getInitializerCount(); i++) {
            b.setInitializer(i, tensor(b.getInitializer(i)));
        }
        for (int i = 0; i < b.getNodeCount(); i++) {
            NodeProto.Builder node = b.getNode(i).toBuilder();
            for (int j = 0; j < node.getAttributeCount(); j++) {
                AttributeProto.Builder a = node.getAttribute(j).toBuilder();
                if (a.hasT()) {
                    a.setT(tensor(a.getT()));
                }
                for (int k = 0; k < a.getTensorsCount(); k++) {
                    a.setTensors(k, tensor(a.getTensors(k)));
                }
                if (a.hasG()) {
                    a.setG(graph(a.getG()));
                }
                for (int k = 0; k < a.getGraphsCount(); k++) {
                    a.setGraphs(k, graph(a.getGraphs(k)));
                }
                node.setAttribute(j, a);
            }
            b.setNode(i, node);
        }
        return b.build();
    }

    private TensorProto tensor(TensorProto t) {
        if (!isExternal(t)) {
            return t;
        }
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = number(t, e);
                case "length" -> length = number(t, e);
                default -> {
                    // "checksum" and unknown keys carry nothing we need
                }
            }
        }
        String where = modelFile + ": tensor '" + t.getName() + "'";
        if (location == null || location.isEmpty()) {
            throw new Trt4jException(where + " is stored externally but names no location");
        }
        Path file = folder.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !file.startsWith(folder.normalize())) {
            throw new Trt4jException(where + " points to external data '" + location
                    + "' outside the model's folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new Trt4jException(where + ": external data file '" + location + "' not found in " + folder);
        }
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(read(file, offset, length, where))
                .build();
    }

    private ByteString read(Path file, long offset, long length, String where) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long n = length < 0 ? size - offset : length;
            if (offset < 0 || n < 0 || offset + n > size) {
                throw new Trt4jException(where + ": external data '" + file.getFileName() + "' has " + size
                        + " bytes, too few for offset " + offset + " and length " + n);
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(n));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            buf.flip();
            return ByteString.copyFrom(buf);
        } catch (IOException e) {
            throw new Trt4jException(where + ": cannot read external data " + file + ": " + ReadFailure.reason(e), e);
        }
    }

    private long number(TensorProto t, StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue().strip());
        } catch (NumberFormatException ex) {
            throw new Trt4jException(modelFile + ": tensor '" + t.getName() + "' has external data " + e.getKey()
                    + " '" + e.getValue() + "', which is not a number");
        }
    }
}
