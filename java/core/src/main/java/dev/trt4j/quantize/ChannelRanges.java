package dev.trt4j.quantize;

import dev.trt4j.Trt4jException;

import java.util.Map;

/** Looks up a tensor's per-channel max |x| for the equalizers, refusing a missing or mis-sized one by name. */
final class ChannelRanges {
    private ChannelRanges() {
    }

    /** @throws Trt4jException if {@code channelMax} has no ranges for {@code tensor}, or not {@code channels} */
    static float[] of(Map<String, float[]> channelMax, String tensor, int channels) {
        float[] ranges = channelMax.get(tensor);
        if (ranges == null || ranges.length != channels) {
            throw new Trt4jException("equalize: tensor '" + tensor + "' needs " + channels + " channel ranges, got "
                    + (ranges == null ? "none" : ranges.length));
        }
        return ranges;
    }
}
