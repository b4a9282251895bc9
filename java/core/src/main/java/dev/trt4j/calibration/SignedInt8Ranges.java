package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.CalibrationTable;

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
        if (CalibrationOutputs.isSigned8Bit(table)) {
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
}
