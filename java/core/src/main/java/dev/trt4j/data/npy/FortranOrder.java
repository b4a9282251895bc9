package dev.trt4j.data.npy;

/**
 * Reorders the data of a Fortran-order (column-major) array, as {@code np.save} writes {@code np.asfortranarray(a)},
 * to C order: the shape stays, and element {@code [i0, i1, ..., ik]} is read from the column-major offset
 * {@code i0 + d0·(i1 + d1·(... + d(k-1)·ik))}, where a C-order array has it at the row-major one.
 */
final class FortranOrder {
    private FortranOrder() {
    }

    /**
     * Whether {@code shape} orders its elements the same in both layouts: at most one dimension above 1, so that no
     * element changes place.
     */
    static boolean sameInBoth(long[] shape) {
        int longer = 0;
        for (long d : shape) {
            if (d > 1) {
                longer++;
            }
        }
        return longer <= 1;
    }

    /**
     * The elements of {@code data}, in column-major order for {@code shape}, copied in row-major order.
     *
     * @param elementSize bytes per element
     */
    static byte[] toC(byte[] data, long[] shape, int elementSize) {
        if (sameInBoth(shape)) {
            return data;
        }
        int rank = shape.length;
        // the column-major stride of each dimension, in elements
        long[] stride = new long[rank];
        long s = 1;
        for (int k = 0; k < rank; k++) {
            stride[k] = s;
            s *= shape[k];
        }
        byte[] out = new byte[data.length];
        long[] index = new long[rank];
        long from = 0; // the column-major offset of index
        int count = data.length / elementSize;
        for (int to = 0; to < count; to++) {
            System.arraycopy(data, (int) (from * elementSize), out, to * elementSize, elementSize);
            // the next index in row-major order: the last dimension moves fastest
            for (int k = rank - 1; k >= 0; k--) {
                if (++index[k] < shape[k]) {
                    from += stride[k];
                    break;
                }
                from -= stride[k] * (shape[k] - 1);
                index[k] = 0;
            }
        }
        return out;
    }
}
