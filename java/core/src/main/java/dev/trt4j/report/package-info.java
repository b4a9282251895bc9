/**
 * The HTML report of a calibration: comparison tables, sensitivity ranking and one histogram chart per tensor with
 * every method's amax, read back from saved calibration folders and reports and written as one self-contained folder.
 */
package dev.trt4j.report;
