package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpyFileTest {
    @TempDir
    Path dir;

    private Path fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** A .npy file built by hand: magic, version, little-endian header length, dict text, data. */
    private Path handBuilt(String name, int version, String dict, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        byte[] text = (dict + "\n").getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length);
        out.write(len.array(), 0, version == 1 ? 2 : 4);
        out.write(text);
        out.write(data);
        Path p = dir.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] bytes(ByteOrder order, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void readsFloat32WrittenByNumpy() throws IOException {
        NpyArray a = NpyFile.read(fixture("f4_2x3.npy"));
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT32);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.toFloats()).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f);
        assertThat(a.toTensor().type()).isEqualTo(ElementType.FLOAT32);
    }

    @Test
    void readsBigEndianInt64WrittenByNumpy() throws IOException {
        NpyArray a = NpyFile.read(fixture("i8_be_4.npy"));
        assertThat(a.dtype()).isEqualTo(NpyDtype.INT64);
        assertThat(a.toLongs()).containsExactly(1, -2, 3_000_000_000L, -4);
        assertThatThrownBy(a::toInts).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3000000000");
    }

    @Test
    void readsBoolAndVersion2Uint8WrittenByNumpy() throws IOException {
        NpyArray bools = NpyFile.read(fixture("b1_5.npy"));
        assertThat(bools.dtype()).isEqualTo(NpyDtype.BOOL);
        assertThat(bools.toTensor().ints()).containsExactly(1, 0, 0, 1, 1);
        NpyArray bytes = NpyFile.read(fixture("u1_v2_2x2.npy"));
        assertThat(bytes.dtype()).isEqualTo(NpyDtype.UINT8);
        assertThat(bytes.toFloats()).containsExactly(0f, 255f, 128f, 7f);
    }

    @Test
    void float64IsNarrowedOnlyOnRequest() throws IOException {
        NpyArray a = NpyFile.read(fixture("f8_scalar.npy"));
        assertThat(a.shape()).isEmpty();
        assertThatThrownBy(a::toTensor).isInstanceOf(IllegalStateException.class).hasMessageContaining("float64");
        assertThat(a.toTensor(ElementType.FLOAT32).floats()).containsExactly(2.5f);
        assertThatThrownBy(() -> a.toTensor(ElementType.INT64)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsHandBuiltVersion1And2And3Headers() throws IOException {
        byte[] data = bytes(ByteOrder.LITTLE_ENDIAN, 1.5f, -2f);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        for (int version = 1; version <= 3; version++) {
            NpyArray a = NpyFile.read(handBuilt("v" + version + ".npy", version, dict, data));
            assertThat(a.shape()).as("version %d", version).containsExactly(2);
            assertThat(a.toFloats()).as("version %d", version).containsExactly(1.5f, -2f);
        }
    }

    @Test
    void readsHandBuiltBigEndianFloatAndBool() throws IOException {
        Path be = handBuilt("be.npy", 1, "{'shape': (1, 3), 'fortran_order': False, 'descr': '>f4'}",
                bytes(ByteOrder.BIG_ENDIAN, 3f, -0.5f, 1e-3f));
        assertThat(NpyFile.read(be).toFloats()).containsExactly(3f, -0.5f, 1e-3f);
        Path bool = handBuilt("bool.npy", 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }",
                new byte[] {0, 1, 1, 0});
        NpyArray b = NpyFile.read(bool);
        assertThat(b.dtype()).isEqualTo(NpyDtype.BOOL);
        assertThat(b.toTensor(ElementType.INT64).longs()).containsExactly(0, 1, 1, 0);
    }

    /** Token ids often come as uint16 or uint32; every integer width numpy writes feeds an integer input. */
    @Test
    void readsEveryIntegerWidthInEitherByteOrder() throws IOException {
        ByteBuffer u2 = ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putShort((short) 7).putShort((short) 65535)
                .putShort((short) 30522);
        assertThat(NpyFile.read(handBuilt("u2.npy", 1, "{'descr': '>u2', 'fortran_order': False, 'shape': (1, 3), }",
                u2.array())).toTensor(ElementType.INT64).longs()).containsExactly(7, 65535, 30522);
        ByteBuffer i2 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -5).putShort((short) 9);
        assertThat(NpyFile.read(handBuilt("i2.npy", 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }",
                i2.array())).toTensor(ElementType.INT32).ints()).containsExactly(-5, 9);
        ByteBuffer u4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(101);
        NpyArray a4 = NpyFile.read(handBuilt("u4.npy", 1, "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }",
                u4.array()));
        assertThat(a4.toTensor().longs()).containsExactly(4294967295L, 101);
        assertThatThrownBy(() -> a4.toTensor(ElementType.INT32)).hasMessage(
                "uint32 value 4294967295 at index 0 does not fit int32");
        ByteBuffer u8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(-1L);
        NpyArray a8 = NpyFile.read(handBuilt("u8.npy", 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }",
                u8.array()));
        assertThatThrownBy(() -> a8.toTensor(ElementType.INT64)).hasMessage(
                "uint64 value 18446744073709551615 at index 1 does not fit int64");
        // as floats every uint64 has a value: 2^64 - 1 rounds to 2^64, 2^63 + 2^40 + 1 to the float below
        ByteBuffer big = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L)
                .putLong(Long.MIN_VALUE + (1L << 40) + 1).putLong(Long.MIN_VALUE + (1L << 39) + 1);
        assertThat(NpyFile.read(handBuilt("big.npy", 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (3,), }",
                big.array())).toFloats()).containsExactly(0x1p64f, 0x1p63f + 0x1p40f, 0x1p63f + 0x1p40f);
    }

    /** float16 arrays (numpy's {@code <f2}) widen to float32 exactly, subnormals, infinities and NaN included. */
    @Test
    void readsFloat16AsFloat32() throws IOException {
        short[] halves = {0x3C00, (short) 0xC000, 0x3555, 0x7BFF, 0x0001, (short) 0x8000, 0x7C00, 0x7E00};
        ByteBuffer data = ByteBuffer.allocate(halves.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : halves) {
            data.putShort(h);
        }
        Path half = handBuilt("half.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 4), }",
                data.array());
        NpyArray a = NpyFile.read(half);
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT16);
        assertThat(a.toFloats()).containsExactly(1f, -2f, 0.333251953125f, 65504f, 0x1p-24f, -0f,
                Float.POSITIVE_INFINITY, Float.NaN);
        assertThat(a.toTensor().type()).isEqualTo(ElementType.FLOAT32);
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        Path numpy = fixture("f4_2x3.npy");
        Path ours = dir.resolve("ours.npy");
        NpyFile.write(ours, NpyArray.ofFloats(new long[] {2, 3}, new float[] {0, .25f, .5f, .75f, 1, 1.25f}));
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(numpy));
    }

    @Test
    void roundTripsEveryHostTensorType() {
        HostTensor[] tensors = {
            HostTensor.ofFloats(new long[] {2, 2}, new float[] {1, -2, Float.NaN, 1e30f}),
            HostTensor.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}),
            HostTensor.ofInts(new long[] {1, 1, 2}, new int[] {-7, 9}),
            HostTensor.ofFloats(new long[] {0, 4}, new float[0]),
        };
        for (HostTensor t : tensors) {
            Path p = dir.resolve("t.npy");
            NpyFile.write(p, NpyArray.of(t));
            HostTensor back = NpyFile.read(p).toTensor();
            assertThat(back.type()).isEqualTo(t.type());
            assertThat(back.shape()).containsExactly(t.shape());
            switch (t.type()) {
                case FLOAT32 -> assertThat(back.floats()).containsExactly(t.floats());
                case INT64 -> assertThat(back.longs()).containsExactly(t.longs());
                default -> assertThat(back.ints()).containsExactly(t.ints());
            }
        }
    }

    @Test
    void headersArePaddedTo64BytesAndLargeOnesUseVersion2() throws IOException {
        Path small = dir.resolve("small.npy");
        NpyFile.write(small, NpyArray.ofInts(new long[] {1}, new int[] {5}));
        byte[] b = Files.readAllBytes(small);
        assertThat(b[6]).isEqualTo((byte) 1);
        assertThat((b.length - 4) % 64).isZero();
        // 23,000 dims of 1 make a header text longer than 65,535 bytes
        long[] shape = new long[23000];
        java.util.Arrays.fill(shape, 1);
        Path big = dir.resolve("big.npy");
        NpyFile.write(big, NpyArray.ofFloats(shape, new float[] {4f}));
        assertThat(Files.readAllBytes(big)[6]).isEqualTo((byte) 2);
        assertThat(NpyFile.read(big).toFloats()).containsExactly(4f);
    }

    /**
     * np.save(f, np.asfortranarray(a)) stores the columns first; the array read is a's, in C order, with a's shape:
     * element [i, j, k] comes from the column-major offset i + d0·(j + d1·k).
     */
    @Test
    void aFortranOrderArrayIsReadInCOrder() throws IOException {
        // a = [[0, 1, 2], [3, 4, 5]], stored by columns
        Path matrix = handBuilt("f.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                bytes(ByteOrder.LITTLE_ENDIAN, 0, 3, 1, 4, 2, 5));
        NpyArray read = NpyFile.read(matrix);
        assertThat(read.shape()).containsExactly(2, 3);
        assertThat(read.toFloats()).containsExactly(0, 1, 2, 3, 4, 5);

        // three dimensions, big-endian: a[i, j, k] = 100i + 10j + k for shape (2, 3, 2)
        long[] shape = {2, 3, 2};
        ByteBuffer stored = ByteBuffer.allocate(12 * 2).order(ByteOrder.BIG_ENDIAN);
        short[] expected = new short[12];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    short v = (short) (100 * i + 10 * j + k);
                    expected[(i * 3 + j) * 2 + k] = v;
                    stored.putShort((i + 2 * (j + 3 * k)) * 2, v);
                }
            }
        }
        NpyArray cube = NpyFile.read(handBuilt("f3.npy", 1, "{'descr': '>i2', 'fortran_order': True, 'shape': "
                + "(2, 3, 2), }", stored.array()));
        assertThat(cube.shape()).containsExactly(shape);
        long[] values = cube.toLongs();
        for (int e = 0; e < expected.length; e++) {
            assertThat(values[e]).as("element %d", e).isEqualTo(expected[e]);
        }
        // one dimension above 1: both orders are the same
        assertThat(NpyFile.read(handBuilt("f1.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }",
                bytes(ByteOrder.LITTLE_ENDIAN, 7, 8, 9))).toFloats()).containsExactly(7, 8, 9);
    }

    @Test
    void errorsNameTheFileAndTheProblem() throws IOException {
        Path magic = dir.resolve("magic.npy");
        Files.write(magic, "PK not numpy at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> NpyFile.read(magic)).isInstanceOf(Trt4jException.class)
                .hasMessage(magic + ": not a .npy file (bad magic string)");

        Path truncated = handBuilt("short.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
                bytes(ByteOrder.LITTLE_ENDIAN, 1f, 2f));
        assertThatThrownBy(() -> NpyFile.read(truncated)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(truncated + ": truncated data")
                .hasMessageContaining("16 bytes").hasMessageContaining("only 8");

        Path complex = handBuilt("c.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8]);
        assertThatThrownBy(() -> NpyFile.read(complex)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(complex + ": unsupported dtype '<c8'");

        Path huge = handBuilt("huge.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                + "(4611686018427387904, 4611686018427387904, 3), }", new byte[4]);
        assertThatThrownBy(() -> NpyFile.read(huge)).isInstanceOf(Trt4jException.class)
                .hasMessage(huge + ": shape (4611686018427387904, 4611686018427387904, 3) in .npy header holds more "
                        + "elements than any array can");

        Path missing = dir.resolve("nope.npy");
        assertThatThrownBy(() -> NpyFile.read(missing)).isInstanceOf(Trt4jException.class)
                .hasMessage(missing + ": no such file");

        Path unclosed = handBuilt("unclosed.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, }",
                new byte[4]);
        assertThatThrownBy(() -> NpyFile.read(unclosed)).isInstanceOf(Trt4jException.class)
                .hasMessage(unclosed + ": the .npy header's 'shape' is not a tuple (d0, d1, ...)");
        Path noShape = handBuilt("noshape.npy", 1, "{'descr': '<f4', 'fortran_order': False, }", new byte[4]);
        assertThatThrownBy(() -> NpyFile.read(noShape)).isInstanceOf(Trt4jException.class)
                .hasMessage(noShape + ": .npy header has no 'shape'");
    }

    /** NumPy reads a header with these three keys only; one made for eval (an __import__ call) is refused too. */
    @Test
    void aHeaderKeyNumPyDoesNotKnowIsRefused() throws IOException {
        Path evil = handBuilt("eval.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                + "'__import__': __import__('os').system('touch x'), }", new byte[8]);

        assertThatThrownBy(() -> NpyFile.read(evil)).isInstanceOf(Trt4jException.class)
                .hasMessage(evil + ": .npy header key '__import__' is not one NumPy writes or reads (descr, "
                        + "fortran_order, shape); NumPy refuses such a file too");
        // keys in any order and quoting, strings inside values, are no other keys
        assertThat(NpyFile.read(handBuilt("ok.npy", 1, "{\"shape\": (1,), 'descr': '<f4', \"fortran_order\": False}",
                new byte[4])).shape()).containsExactly(1);
    }

    /** An error quotes at most 200 characters of a header, which may run to megabytes. */
    @Test
    void anErrorQuotesTheStartOfALongHeaderOnly() throws IOException {
        Path deep = handBuilt("deep.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                + "(".repeat(10_000) + "1" + ")".repeat(10_001) + ", }", new byte[4]);

        assertThatThrownBy(() -> NpyFile.read(deep)).isInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(deep + ": bad shape (((((").hasMessageContaining("… (10001 characters)")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(deep.toString().length() + 300));
    }

    @Test
    void aFloat64BeyondFloat32sRangeIsSaidSoNotCalledInfinite() {
        NpyArray wide = NpyArray.ofDoubles(new long[] {3}, new double[] {1.5, 1e300, Double.POSITIVE_INFINITY});
        org.assertj.core.api.Assertions.assertThatThrownBy(wide::toFloats)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("float64 value 1.0E300 at index 1 is beyond float32's range (magnitudes up to "
                        + Float.MAX_VALUE + ")");
        // an infinity the file holds stays one, for the finiteness check to name
        assertThat(NpyArray.ofDoubles(new long[] {2}, new double[] {1.5, Double.NEGATIVE_INFINITY}).toFloats())
                .containsExactly(1.5f, Float.NEGATIVE_INFINITY);
    }
}
