package dev.trt4j.data.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Leaves out a JPEG's embedded colour profile (its {@code APP2 ICC_PROFILE} segments), so that the JDK's decoder
 * gives the pixels as stored: it converts a profiled JPEG to sRGB while decoding (a phone's Display P3 photo, or a
 * linear-RGB one, whose stored 128 became 188), where PIL, OpenCV and torchvision, which prepared the model's
 * training data, keep the stored values.
 */
final class JpegColourProfile {
    private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final int SOI = 0xd8;
    private static final int SOS = 0xda;
    private static final int APP2 = 0xe2;

    private JpegColourProfile() {
    }

    /** Whether {@code bytes} start as a JPEG does. */
    static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == SOI;
    }

    /**
     * The JPEG without its colour profile segments; the bytes as they are when there is none, or when the headers
     * cannot be followed (the decoder then reports what is wrong).
     */
    static byte[] withoutProfile(byte[] jpeg) {
        if (!isJpeg(jpeg)) {
            return jpeg;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(jpeg, 0, 2);
        int at = 2;
        boolean dropped = false;
        while (at + 4 <= jpeg.length) {
            if ((jpeg[at] & 0xff) != 0xff) {
                return jpeg;
            }
            int marker = jpeg[at + 1] & 0xff;
            if (marker == 0xff) {
                at++; // a fill byte before the marker
                continue;
            }
            int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
            if (marker == SOS || length < 2 || at + 2 + length > jpeg.length) {
                break; // the image data follow: copied as they are
            }
            if (marker == APP2 && startsWith(jpeg, at + 4, length - 2, ICC_PROFILE)) {
                dropped = true;
            } else {
                out.write(jpeg, at, 2 + length);
            }
            at += 2 + length;
        }
        if (!dropped) {
            return jpeg;
        }
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, int from, int length, byte[] prefix) {
        return length >= prefix.length
                && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }
}
