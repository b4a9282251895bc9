package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trt4j.Trt4jException;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The sizes a tensor's shape asks for, and the check that its data holds exactly that. ONNX Runtime refuses a
 * weight whose data does not fit its shape when it loads the model; trt4j checks the same when it loads one, so
 * that commands that never hand the model to ONNX Runtime (inspect, quantize, convert) neither write such a model
 * nor overflow on an absurd shape.
 */
final class TensorSizes {
    /**
     * ONNX 1.20 defines data types up to 26; types newer than the protobuf classes know may still be ONNX Runtime's
     * to judge, so only numbers far beyond any release are refused here.
     */
    private static final int LARGEST_PLAUSIBLE_TYPE = 64;

    private TensorSizes() {
    }

    /** How many values {@code t}'s shape holds; empty for a negative dimension or more than a long can count. */
    static OptionalLong elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return OptionalLong.empty();
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(n);
    }

    /** The bytes {@code t}'s values take in {@code raw_data}; empty for strings, unknown types or bad shapes. */
    static OptionalLong byteSize(TensorProto t) {
        OptionalLong count = elementCount(t);
        if (count.isEmpty()) {
            return OptionalLong.empty();
        }
        long n = count.getAsLong();
        return switch (t.getDataType()) {
            case DataType.UINT8_VALUE, DataType.INT8_VALUE, DataType.BOOL_VALUE, DataType.FLOAT8E4M3FN_VALUE,
                 DataType.FLOAT8E4M3FNUZ_VALUE, DataType.FLOAT8E5M2_VALUE, DataType.FLOAT8E5M2FNUZ_VALUE ->
                    OptionalLong.of(n);
            case DataType.UINT16_VALUE, DataType.INT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE ->
                    times(n, 2);
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE, DataType.UINT32_VALUE -> times(n, 4);
            case DataType.INT64_VALUE, DataType.UINT64_VALUE, DataType.DOUBLE_VALUE, DataType.COMPLEX64_VALUE ->
                    times(n, 8);
            case DataType.COMPLEX128_VALUE -> times(n, 16);
            case DataType.UINT4_VALUE, DataType.INT4_VALUE -> OptionalLong.of(n / 2 + n % 2);
            default -> OptionalLong.empty();
        };
    }

    private static OptionalLong times(long n, int size) {
        return n > Long.MAX_VALUE / size ? OptionalLong.empty() : OptionalLong.of(n * size);
    }

    /**
     * Checks the main graph's initializers and {@code Constant} values: a data type ONNX defines, no negative
     * dimension, and data that holds what the shape asks for. Types trt4j does not size (strings, newer types) are left to ONNX Runtime.
     *
     * @throws Trt4jException {@code "FILE: initializer 'w' holds 25 values but its shape [4, 3] needs 12"}
     */
    static void check(GraphProto g, Path file) {
        for (TensorProto t : g.getInitializerList()) {
            check(t, file + ": initializer '" + t.getName() + "'");
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            TensorProto dense = TensorProto.newBuilder().addAllDims(s.getDimsList()).build();
            if (elementCount(dense).isEmpty()) {
                throw new Trt4jException(file + ": sparse initializer '" + s.getValues().getName()
                        + "' has shape " + s.getDimsList() + ", which has a negative dimension or too many values");
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getDomain().isEmpty()) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        check(a.getT(), file + ": constant '" + (n.getOutputCount() > 0 ? n.getOutput(0) : "")
                                + "'");
                    }
                }
            }
        }
    }

    private static void check(TensorProto t, String what) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return; // read in before this check runs; a tensor left external is ONNX Runtime's to judge
        }
        if (t.getDataType() <= DataType.UNDEFINED_VALUE || t.getDataType() > LARGEST_PLAUSIBLE_TYPE) {
            throw new Trt4jException(what + " has data type " + t.getDataType() + ", which ONNX does not define");
        }
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new Trt4jException(what + " has a negative dimension in its shape " + t.getDimsList());
            }
        }
        OptionalLong count = elementCount(t);
        if (!t.getRawData().isEmpty()) {
            OptionalLong bytes = byteSize(t);
            if (count.isEmpty() || bytes.isPresent() && bytes.getAsLong() != t.getRawData().size()) {
                throw new Trt4jException(what + " holds " + t.getRawData().size() + " bytes but its shape "
                        + t.getDimsList() + " of " + OnnxElementTypes.name(t.getDataType()) + " needs "
                        + (bytes.isPresent() ? bytes.getAsLong() : "more than 2^63"));
            }
            return;
        }
        long typed = typedValues(t);
        if (typed < 0) {
            return; // a type trt4j does not size
        }
        OptionalLong needed = typedNeeded(t, count);
        if (needed.isEmpty() || needed.getAsLong() != typed) {
            throw new Trt4jException(what + " holds " + typed + " values but its shape " + t.getDimsList() + " of "
                    + OnnxElementTypes.name(t.getDataType()) + " needs "
                    + (needed.isPresent() ? needed.getAsLong() : "more than 2^63"));
        }
    }

    /** How many entries of its typed field {@code t} uses; -1 for a type trt4j does not size. */
    private static long typedValues(TensorProto t) {
        return switch (t.getDataType()) {
            case DataType.FLOAT_VALUE, DataType.COMPLEX64_VALUE -> t.getFloatDataCount();
            case DataType.INT32_VALUE, DataType.INT16_VALUE, DataType.INT8_VALUE, DataType.UINT16_VALUE,
                 DataType.UINT8_VALUE, DataType.BOOL_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE,
                 DataType.FLOAT8E4M3FN_VALUE, DataType.FLOAT8E4M3FNUZ_VALUE, DataType.FLOAT8E5M2_VALUE,
                 DataType.FLOAT8E5M2FNUZ_VALUE, DataType.UINT4_VALUE, DataType.INT4_VALUE -> t.getInt32DataCount();
            case DataType.STRING_VALUE -> t.getStringDataCount();
            case DataType.INT64_VALUE -> t.getInt64DataCount();
            case DataType.DOUBLE_VALUE, DataType.COMPLEX128_VALUE -> t.getDoubleDataCount();
            case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> t.getUint64DataCount();
            default -> -1;
        };
    }

    /** The typed-field entries {@code count} values take: two per complex value, two 4-bit values per entry. */
    private static OptionalLong typedNeeded(TensorProto t, OptionalLong count) {
        if (count.isEmpty()) {
            return count;
        }
        long n = count.getAsLong();
        return switch (t.getDataType()) {
            case DataType.COMPLEX64_VALUE, DataType.COMPLEX128_VALUE -> times(n, 2);
            case DataType.UINT4_VALUE, DataType.INT4_VALUE -> OptionalLong.of(n / 2 + n % 2);
            default -> count;
        };
    }
}
