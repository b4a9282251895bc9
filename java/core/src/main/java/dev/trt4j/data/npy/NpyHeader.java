package dev.trt4j.data.npy;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.ReadFailure;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a {@code .npy} file: element type, byte order, shape, and whether the data is in Fortran (column-major)
 * order. Reads format versions 1, 2 and 3 and writes version 1 (version 2 when the header would not fit a 16-bit
 * length), always in C order.
 */
public record NpyHeader(NpyDtype dtype, ByteOrder byteOrder, long[] shape, boolean fortranOrder) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern TYPESTR = Pattern.compile("([<>|=])([a-zA-Z?])(\\d+)");
    /** The keys of a header dict, all NumPy writes and all it reads (it refuses a header with any other). */
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    /** Characters of header text an error quotes: a header may run to megabytes, an error is one line. */
    private static final int QUOTED_CHARACTERS = 200;

    /**
     * Copies {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative or the element count overflows
     */
    public NpyHeader {
        shape = shape.clone();
        HostTensor.elementCount(shape);
    }

    /** A header of C-order data, as trt4j writes it. */
    public NpyHeader(NpyDtype dtype, ByteOrder byteOrder, long[] shape) {
        this(dtype, byteOrder, shape, false);
    }

    /** The shape, a copy. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements the shape holds. */
    public long elementCount() {
        return HostTensor.elementCount(shape);
    }

    /** Bytes of array data that follow the header. */
    public long dataBytes() {
        return Math.multiplyExact(elementCount(), (long) dtype.size());
    }

    /**
     * Reads a header from the start of {@code in}, leaving the stream at the first data byte.
     *
     * @param source file (or archive entry) name used in error messages
     * @throws Trt4jException on a bad magic string, an unsupported version or dtype, or truncation
     */
    public static NpyHeader read(InputStream in, String source) {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new Trt4jException(source + ": not a .npy file (bad magic string)");
            }
            int major = data.readUnsignedByte();
            data.readUnsignedByte();
            long length;
            if (major == 1) {
                length = data.readUnsignedByte() | (data.readUnsignedByte() << 8);
            } else if (major == 2 || major == 3) {
                length = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
            } else {
                throw new Trt4jException(source + ": unsupported .npy format version " + major);
            }
            if (length > 1 << 24) {
                throw new Trt4jException(source + ": implausible .npy header length " + length);
            }
            byte[] text = new byte[(int) length];
            data.readFully(text);
            return parse(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1),
                    source);
        } catch (EOFException e) {
            throw new Trt4jException(source + ": truncated .npy header", e);
        } catch (IOException e) {
            throw new Trt4jException(source + ": cannot read: " + ReadFailure.reason(e), e);
        }
    }

    private static NpyHeader parse(String dict, String source) {
        refuseOtherKeys(dict, source);
        Matcher descr = DESCR.matcher(dict);
        if (!descr.find()) {
            throw new Trt4jException(source + ": unsupported dtype (structured or missing 'descr' in header "
                    + quoted(dict.strip()) + ")");
        }
        Matcher typestr = TYPESTR.matcher(descr.group(1));
        NpyDtype dtype = typestr.matches()
                ? NpyDtype.of(typestr.group(2).charAt(0), Integer.parseInt(typestr.group(3))) : null;
        if (dtype == null) {
            throw new Trt4jException(source + ": unsupported dtype '" + quoted(descr.group(1))
                    + "' (supported: f2 f4 f8 i8 i4 i2 i1 u8 u4 u2 u1 b1)");
        }
        ByteOrder order = typestr.group(1).equals(">") && dtype.size() > 1 ? ByteOrder.BIG_ENDIAN
                : typestr.group(1).equals("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
        Matcher fortran = FORTRAN.matcher(dict);
        if (!fortran.find()) {
            throw new Trt4jException(source + ": .npy header has no 'fortran_order'");
        }
        Matcher shapeText = SHAPE.matcher(dict);
        if (!shapeText.find()) {
            throw new Trt4jException(source + (dict.contains("shape") ? ": the .npy header's 'shape' is not a tuple "
                    + "(d0, d1, ...)" : ": .npy header has no 'shape'"));
        }
        long[] shape = parseShape(shapeText.group(1), source);
        try {
            return new NpyHeader(dtype, order, shape, fortran.group(1).equals("True"));
        } catch (ArithmeticException e) {
            throw new Trt4jException(source + ": shape (" + quoted(shapeText.group(1).strip()) + ") in .npy header "
                    + "holds more elements than any array can", e);
        }
    }

    private static long[] parseShape(String tuple, String source) {
        String[] parts = tuple.split(",");
        return Arrays.stream(parts).map(String::strip).filter(p -> !p.isEmpty()).mapToLong(p -> {
            try {
                long d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new Trt4jException(source + ": bad shape (" + quoted(tuple) + ") in .npy header");
            }
        }).toArray();
    }

    /**
     * Refuses a header dict with a key besides {@link #KEYS}, as NumPy does: such a file was not written by NumPy, and
     * one made to be read with {@code eval} (an {@code __import__} call as a value) is no array to calibrate on.
     */
    private static void refuseOtherKeys(String dict, String source) {
        for (String key : topLevelKeys(dict)) {
            if (!KEYS.contains(key)) {
                throw new Trt4jException(source + ": .npy header key '" + quoted(key) + "' is not one NumPy writes "
                        + "or reads (descr, fortran_order, shape); NumPy refuses such a file too");
            }
        }
    }

    /**
     * The quoted strings directly inside the dict's braces that a colon follows: its keys. Strings inside a value
     * (a tuple, a call) and string values are not keys; a header that is no dict has none.
     */
    private static List<String> topLevelKeys(String dict) {
        List<String> keys = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < dict.length(); i++) {
            char c = dict.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                StringBuilder text = new StringBuilder();
                while (end < dict.length() && dict.charAt(end) != c) {
                    if (dict.charAt(end) == '\\' && end + 1 < dict.length()) {
                        end++;
                    }
                    text.append(dict.charAt(end++));
                }
                int next = end + 1;
                while (next < dict.length() && Character.isWhitespace(dict.charAt(next))) {
                    next++;
                }
                if (depth == 1 && next < dict.length() && dict.charAt(next) == ':') {
                    keys.add(text.toString());
                }
                i = end;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            }
        }
        return keys;
    }

    /** {@code text} as an error line quotes it: its first {@link #QUOTED_CHARACTERS} characters, escaped. */
    private static String quoted(String text) {
        // the ellipsis is trt4j's own, for which a terminal may print ASCII: only the file's text is escaped
        return text.length() <= QUOTED_CHARACTERS ? ControlCharacters.escape(text)
                : ControlCharacters.escape(text.substring(0, QUOTED_CHARACTERS)) + "… (" + text.length()
                        + " characters)";
    }

    /** The complete header bytes (magic, version, length, padded dict) for writing this header little-endian. */
    byte[] encode() {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.littleEndianDescr())
                .append("', 'fortran_order': ").append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (long d : shape) {
            dict.append(d).append(", ");
        }
        if (shape.length > 0) {
            dict.setLength(dict.length() - (shape.length == 1 ? 1 : 2));
        }
        dict.append("), }");
        int prefix = dict.length() + 1 + MAGIC.length + 2;
        int version = prefix + 2 + 63 <= 0xFFFF ? 1 : 2;
        int lengthBytes = version == 1 ? 2 : 4;
        int total = (prefix + lengthBytes + 63) / 64 * 64;
        dict.append(" ".repeat(total - prefix - lengthBytes)).append('\n');
        int length = dict.length();
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) version;
        out[7] = 0;
        for (int i = 0; i < lengthBytes; i++) {
            out[8 + i] = (byte) (length >>> (8 * i));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, out, 8 + lengthBytes, text.length);
        return out;
    }

    /** Shape as {@code [10,3,48,192]}. */
    public String shapeText() {
        return ShapeText.of(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && dtype == h.dtype && byteOrder.equals(h.byteOrder)
                && Arrays.equals(shape, h.shape) && fortranOrder == h.fortranOrder;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * dtype.hashCode() + byteOrder.hashCode()) + Arrays.hashCode(shape))
                + Boolean.hashCode(fortranOrder);
    }

    @Override
    public String toString() {
        return dtype + shapeText();
    }
}
