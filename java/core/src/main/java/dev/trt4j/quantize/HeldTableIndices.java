package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.onnx.IntegerTensors;
import dev.trt4j.onnx.WordTable;

import java.util.Map;

/**
 * Refuses a value held for an input (by {@code convert --fix-input}) that indexes past the lookup table the input
 * reads (see {@link WordTable}: BERT's token-type table has 2 rows): ONNX Runtime would fail later with an index
 * error on that Gather, or for a negative value read a row counted from the table's end without an error, the ids
 * the serving API refuses in a request.
 */
public final class HeldTableIndices {
    private HeldTableIndices() {
    }

    /**
     * @param model  the model the values are held in
     * @param values the held values by input name, as {@link InputSpecializer#value} makes them
     * @throws InvalidOptionException naming the input, the first value outside its table and the table's rows
     */
    public static void requireWithinTables(ModelProto model, Map<String, TensorProto> values) {
        for (WordTable table : WordTable.findAll(model.getGraph())) {
            TensorProto held = values.get(table.input());
            if (held == null) {
                continue;
            }
            long[] ids = IntegerTensors.values(held);
            if (ids == null) {
                continue; // not integers: indexes no table
            }
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= table.rows()) {
                    throw new InvalidOptionException("--fix-input " + table.input() + ": value " + ids[i]
                            + (ids.length > 1 ? " (element " + i + ")" : "") + " is outside the table it indexes, "
                            + "which has " + table.rows() + " rows (node '"
                            + table.node() + "'); its values must be from 0 to " + (table.rows() - 1));
                }
            }
        }
    }
}
