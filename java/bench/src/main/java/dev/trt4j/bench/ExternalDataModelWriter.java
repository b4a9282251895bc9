package dev.trt4j.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Writes a model as large as wanted, for measuring trt4j on models past protobuf's 2 GiB: {@code LAYERS} layers of
 * {@code MatMul} by a seeded random {@code WIDTH}×{@code WIDTH} float weight, {@code Add} of a bias and {@code Relu}
 * (the last layer a {@code Gemm}), input {@code x [8,WIDTH]}; every weight in one external data file beside the model
 * ({@code NAME.data}), the biases inline.
 *
 * <pre>
 * java -cp java/bench/target/trt4j-bench.jar dev.trt4j.bench.ExternalDataModelWriter big.onnx 6144 15
 * </pre>
 * (6144 and 15 give the 2.26 GB of weights {@code docs/benchmarks.md} measures.)
 */
public final class ExternalDataModelWriter {
    private static final int BATCH = 8;
    private static final int CHUNK_FLOATS = 1 << 20;

    private ExternalDataModelWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ExternalDataModelWriter OUT.onnx WIDTH LAYERS");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        int width = Integer.parseInt(args[1]);
        int layers = Integer.parseInt(args[2]);
        String dataName = out.getFileName().toString().replaceFirst("\\.onnx$", "") + ".data";
        Random random = new Random(42);
        float scale = (float) (1 / Math.sqrt(width));
        GraphProto.Builder g = GraphProto.newBuilder().setName("external-data-model").addInput(input("x", width));
        String current = "x";
        try (FileChannel data = FileChannel.open(out.resolveSibling(dataName), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < layers; i++) {
                long offset = data.position();
                long bytes = writeRandom(data, (long) width * width, scale, random);
                g.addInitializer(TensorProto.newBuilder().setName("W" + i).setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(width).addDims(width).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", dataName))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(bytes))));
                g.addInitializer(bias("b" + i, width, random));
                if (i == layers - 1) {
                    g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("gemm" + i).addInput(current)
                            .addInput("W" + i).addInput("b" + i).addOutput("y")
                            .addAttribute(AttributeProto.newBuilder().setName("transB")
                                    .setType(AttributeProto.AttributeType.INT).setI(1)));
                } else {
                    g.addNode(node("MatMul", "mm" + i, "m" + i, current, "W" + i));
                    g.addNode(node("Add", "add" + i, "a" + i, "m" + i, "b" + i));
                    g.addNode(node("Relu", "relu" + i, "r" + i, "a" + i));
                    current = "r" + i;
                }
            }
        }
        g.addOutput(input("y", width));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("trt4j-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        try (OutputStream os = Files.newOutputStream(out)) {
            model.writeTo(os);
        }
        System.out.println(out + ": " + Files.size(out) + " bytes, weights in " + dataName + ": "
                + Files.size(out.resolveSibling(dataName)) + " bytes");
    }

    /** Writes {@code count} floats uniform in ±{@code scale}, little-endian; returns the bytes written. */
    private static long writeRandom(FileChannel data, long count, float scale, Random random) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long left = count; left > 0; ) {
            int n = (int) Math.min(left, CHUNK_FLOATS);
            buf.clear();
            for (int k = 0; k < n; k++) {
                buf.putFloat((random.nextFloat() * 2 - 1) * scale);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                data.write(buf);
            }
            left -= n;
        }
        return count * Float.BYTES;
    }

    private static TensorProto bias(String name, int width, Random random) {
        ByteBuffer b = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < width; k++) {
            b.putFloat((random.nextFloat() * 2 - 1) * 0.1f);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(width)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static NodeProto node(String op, String name, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static ValueInfoProto input(String name, int width) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(
                        TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(BATCH))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))))).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
