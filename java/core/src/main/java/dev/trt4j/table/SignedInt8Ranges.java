package dev.trt4j.table;

import dev.trt4j.Trt4jException;

import java.util.Map;

/**
 * Refuses a table calibrated for another grid than signed 8-bit where its amax would be used as a signed INT8 range
 * (a Q/DQ model, a TensorRT engine): histogram methods choose amax for the grid they were told, so a 4-bit or unsigned
 * amax is a range for that grid only. No {@code --force} covers this: unlike another model's table, such a table is
 * wrong for every model.
 */
public final class SignedInt8Ranges {
    private SignedInt8Ranges() {
    }

    /**
     * Passes a table calibrated for signed 8-bit (or one whose provenance does not say, as a table converted from a
     * TensorRT cache).
     *
     * @param source what the table is (its file), leading the message
     * @param user   what takes its ranges as signed 8-bit, e.g. {@code "quantize writes signed 8-bit Q/DQ"}
     * @throws Trt4jException naming the provenance field, what it conflicts with, and how to calibrate again
     */
    public static void require(CalibrationTable table, String source, String user) {
        if (isSigned8Bit(table)) {
            return;
        }
        Map<String, String> parameters = table.provenance().parameters();
        String numBits = parameters.get("numBits");
        if (numBits != null && !numBits.equals("8")) {
            throw new Trt4jException(source + ": calibrated with \"numBits\": \"" + numBits + "\" but " + user
                    + ", and the amax of a " + numBits + "-bit calibration is no 8-bit range (calibrate again without "
                    + "--num-bits)");
        }
        throw new Trt4jException(source + ": calibrated with \"unsigned\": \"" + parameters.get("unsigned")
                + "\" but " + user + ", and the amax of an unsigned calibration is no signed range (calibrate again "
                + "without --unsigned)");
    }

    /** Whether {@code table} was calibrated for the signed 8-bit grid that TensorRT caches and Q/DQ models use. */
    public static boolean isSigned8Bit(CalibrationTable table) {
        Map<String, String> p = table.provenance().parameters();
        return p.getOrDefault("numBits", "8").equals("8") && !Boolean.parseBoolean(p.get("unsigned"));
    }
}
