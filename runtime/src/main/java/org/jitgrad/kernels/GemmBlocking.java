package org.jitgrad.kernels;

/**
 * Cache blocking of one rectangular region of C. Loop nest (outer to inner): depth by {@code KC}, rows by {@code MC}
 * (up to 2046 rows of A packed once per depth block, except its whole 6-row slivers, which the kernels read where A
 * is stored: {@link #DIRECT_A}, and its 4-row ones where {@link #readsFourRowsInPlace} allows), columns by
 * {@code NC} (the packed B panel {@code kc x nc}, mostly in L2; one sliver wide in a region of a column split, see
 * {@link #PARALLEL_NC}), rows by {@code MR} (the A sliver {@code MR x kc} stays in L1), columns by {@code NR}
 * (micro-kernel). The depth blocking depends only on {@code k}, so every element
 * of C sees the same sequence of FMAs whichever region, thread or tile edge it falls in.
 */
final class GemmBlocking {
    private GemmBlocking() {}

    private static final int MR = GemmMicroKernel.MR;
    private static final int NR = GemmMicroKernel.NR;
    private static final int VL = GemmMicroKernel.VL;

    /** Maximum depth of one block (A sliver {@code MR*KC*4} bytes in L1). */
    static final int KC = KernelProperties.intValue("jitgrad.gemm.kc", 256, 1);
    /** Maximum rows of A packed at once (bounds the per-thread A buffer to {@code MC*KC} floats, 2 MB). */
    static final int MC = 2046;
    /** Maximum columns of one B panel (panel {@code KC*NC*4} bytes in L2), a multiple of {@code NR}. */
    static final int NC = Math.max(NR, KernelProperties.intValue("jitgrad.gemm.nc", 512, 1) / NR * NR);

    /**
     * Maximum columns of one B panel in a region of a product split by columns: one sliver, so the tiles sweep down
     * the rows of C one sliver at a time instead of along each row of a 512-column panel. Along a row a thread writes
     * C in a stream that runs on into the other thread's part of the same row, and the other thread's next writes to
     * those lines pay a round trip between the cores. A probe timed two threads writing the two halves of mnist's
     * {@code dX} (64 rows, depth 256) into one C with a gap between them, medians when a line's round trip took
     * 150-400 ns: 152.2 us adjacent, 147.3 us 128 columns apart, 142.0 at 256, 134.6 at 512, 133.4 into separate
     * arrays. In another run, 163.1 us adjacent along the rows against 147.7 down them one sliver at a time. On 2
     * threads split by columns with the vCPUs far apart, mnist {@code dX} went from 165.6 to 148.9 us, wide {@code dX}
     * from 2,957 to 2,856 (benchmarks/GEMM_RESULTS.md, 12:34). A row split keeps {@link #NC}: its regions meet at one
     * row only, and one-sliver panels made 1024³ split by rows 6% slower (10,828 against 11,501 us). So do
     * single-threaded calls (4% slower on 1024³ with them) and products that share one packing (three or more parts;
     * not measured on this 2-core machine). {@code jitgrad.gemm.parallelNc} sets it (a multiple of {@code NR}).
     */
    static final int PARALLEL_NC = Math.max(NR, KernelProperties.intValue("jitgrad.gemm.parallelNc", NR, 1) / NR * NR);

    /** The widest B panel of a region of a product split into {@code colParts} column parts. */
    static int panelCols(int colParts) {
        return colParts > 1 ? PARALLEL_NC : NC;
    }

    /** Regions of at most this many rows read a non-transposed B in place instead of packing it. */
    static final int DIRECT_B_MAX_ROWS = KernelProperties.intValue("jitgrad.gemm.directBRows", 96, 0);

    /**
     * Whether the 6-row tiles read a non-transposed A where it is stored instead of from a packed copy
     * ({@link GemmDirectKernel}); {@code -Djitgrad.gemm.directA=false} packs it always (to compare the two).
     */
    static final boolean DIRECT_A = KernelProperties.flag("jitgrad.gemm.directA", true);

    /**
     * Whether they read a transposed A, stored {@code [k,m]}, where it is stored ({@link GemmTransposedKernel});
     * {@code -Djitgrad.gemm.directTransposedA=false} packs it always.
     */
    static final boolean DIRECT_TRANSPOSED_A = KernelProperties.flag("jitgrad.gemm.directTransposedA", true);

    /**
     * Whether a region {@code cols} wide, computed in B panels at most {@code panelCols} wide, reads A's whole 6-row
     * slivers where A is stored ({@link #DIRECT_A}, {@link #DIRECT_TRANSPOSED_A}). A transposed A only when one panel
     * covers the region: each panel reads every sliver of the depth block again, and a packed block streams from L2
     * where the strided one did not (wide's 1024x256 by 256x1024 weight gradient, two panels: 3,189-3,322 us read in
     * place against 2,652-2,664 packed; benchmarks/GEMM_RESULTS.md, 2026-12-07).
     */
    static boolean readsAInPlace(boolean transA, int cols, int panelCols) {
        return transA ? DIRECT_TRANSPOSED_A && cols <= panelCols : DIRECT_A;
    }

    /**
     * Whether a region of {@code rows x cols} reads B where it is stored instead of packing it. Few rows of A use each
     * element of B only a few times, too few to repay copying B into panels: the kernels then read B row by row
     * (every sliver whole, so no zero padding is needed).
     */
    static boolean readsBInPlace(boolean transB, int rows, int cols) {
        return !transB && cols % NR == 0 && rows <= DIRECT_B_MAX_ROWS;
    }

    /**
     * Whether a region {@code cols} wide whose 6-row slivers read A in place reads its 4-row slivers in place too
     * (else it packs them). Only when every column sliver is whole: the narrow kernels of a partial sliver work on all
     * 6 rows (into a scratch tile), and 2 rows past a 4-row sliver may lie past the end of A. Packing two 4-row slivers
     * of mnist's forward product (depth 784) took 4.8 us, against 125.6 for the whole call on 2 threads.
     */
    static boolean readsFourRowsInPlace(int cols) {
        return cols % NR == 0;
    }

    /** Depth of each k block: {@code k} split into equal blocks of at most {@code KC}; a function of k only. */
    static int depthBlock(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * Computes rows {@code [i0,i1)} x columns {@code [j0,j1)} of C. With {@code accumulate=false} the first k block
     * stores into C instead of adding; with {@code act != null} the epilogue runs after the last one.
     */
    static void computeRegion(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate,
                              float[] bias, int biasOff, Epilogue act,
                              int i0, int i1, int j0, int j1, GemmWorkspace ws) {
        computeRegion(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, bias, biasOff, act,
                i0, i1, j0, j1, ws, readsAInPlace(transA, j1 - j0, NC), false, NC);
    }

    /**
     * {@link #computeRegion} with the choice of reading A's whole 6-row slivers (and 4-row ones, see
     * {@link #readsFourRowsInPlace}) where A is stored ({@code directA}),
     * of computing the region's first sliver of columns in the workspace's edge block ({@code ownEdge}, see
     * {@link #beginEdge}), and of the widest B panel ({@code panelCols}, a multiple of {@code NR}: {@link #NC} on one
     * thread, {@link #panelCols(int)} of the split in a parallel call). None of the three changes a bit of the result.
     */
    static void computeRegion(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate,
                              float[] bias, int biasOff, Epilogue act,
                              int i0, int i1, int j0, int j1, GemmWorkspace ws, boolean directA, boolean ownEdge,
                              int panelCols) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = i0; i < i1; i++) {
                    java.util.Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j1, 0f);
                }
            }
            if (act != null) {
                GemmBiasActivation.apply(c, cOff, n, i0, i1, j0, j1, bias, biasOff, act);
            }
            return;
        }
        int edgeCols = ownEdge ? Math.min(NR, j1 - j0) : 0;
        float[] edge = beginEdge(c, cOff, n, accumulate, i0, i1, j0, edgeCols, ws);
        int edgeOff = -(i0 * NR) - j0;
        int kcMax = depthBlock(k);
        int ncMax = Math.min(panelCols, roundUp(j1 - j0, NR));
        int rowsPadded = roundUp(Math.min(MC, i1 - i0), MR);
        float[] ap = ws.aPack(rowsPadded * kcMax);
        boolean directB = readsBInPlace(transB, i1 - i0, j1 - j0);
        boolean fourDirect = directA && readsFourRowsInPlace(j1 - j0);
        float[] bp = directB ? null : ws.bPack(kcMax * ncMax);
        int lda = transA ? m : k;
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            boolean store = pc == 0 && !accumulate;
            Epilogue epilogue = pc + kc == k ? act : null;
            // Up to MC rows of A for this depth block, packed once and reused for every column panel.
            for (int ic = i0; ic < i1; ic += MC) {
                int ie = Math.min(i1, ic + MC);
                int fourRowTail = fourRowTail(ie - ic);
                int sixEnd = ie - fourRowTail;
                // Whole 6-row slivers read where A is stored, when it is, and so are 4-row ones when no column
                // sliver is narrow (see readsFourRowsInPlace); the others are packed (zero-padded).
                int directEnd = directA ? ic + (sixEnd - ic) / MR * MR : ic;
                for (int from = ic; from < ie; from = nextPiece(from, sixEnd, ie)) {
                    int packFrom = Math.max(from, directEnd);
                    int to = nextPiece(from, sixEnd, ie);
                    if (packFrom < to && !(fourDirect && to - packFrom == 4)) {
                        GemmPacking.packA(a, aOff, transA, m, k, packFrom, to, pc, kc, ap, packedOffset(packFrom - ic, kc));
                    }
                }
                for (int jc = j0; jc < j1; jc += ncMax) {
                    int nc = Math.min(ncMax, j1 - jc);
                    if (!directB) {
                        GemmPacking.packB(b, bOff, transB, k, n, pc, kc, jc, nc, bp, 0);
                    }
                    // B read in place: rows of length n, slivers NR apart; packed: rows of NR, slivers kc*NR apart.
                    float[] bSrc = directB ? b : bp;
                    int bBase = directB ? bOff + pc * n + jc : 0;
                    int ldb = directB ? n : NR;
                    int bSliverStep = directB ? NR : kc * NR;
                    // The edge columns (only in the region's first panel) go to the edge block, the rest to C.
                    int inEdge = jc == j0 ? edgeCols : 0;
                    for (int from = ic; from < ie; from = nextPiece(from, sixEnd, ie)) {
                        int to = nextPiece(from, sixEnd, ie);
                        int aDirect = directOffset(aOff, transA, m, k, from, pc);
                        int aPacked = packedOffset(from - ic, kc);
                        if (inEdge > 0) {
                            tiles(ap, aPacked, a, aDirect, transA, lda, directEnd, fourDirect, bSrc, bBase, ldb,
                                    bSliverStep, kc, edge, edgeOff, NR, from, to, jc, inEdge, store, bias, biasOff,
                                    epilogue, ws.scratch);
                        }
                        if (inEdge < nc) {
                            tiles(ap, aPacked, a, aDirect, transA, lda, directEnd, fourDirect, bSrc,
                                    bBase + inEdge / NR * bSliverStep, ldb, bSliverStep, kc, c, cOff, n, from, to,
                                    jc + inEdge, nc - inEdge, store, bias, biasOff, epilogue, ws.scratch);
                        }
                    }
                }
            }
        }
        endEdge(edge, c, cOff, n, i0, i1, j0, edgeCols);
    }

    /**
     * Whether the regions of a product split into {@code colParts} column parts compute their first sliver of columns
     * apart, in the workspace's edge block ({@link #beginEdge}): when C is split by columns and the depth takes more
     * than one block. A row of C then holds two cache lines that two threads write, wherever the array starts: the one
     * at the boundary between two column parts, and the one where the row's last part meets the next row's first. Each
     * region computing its first columns apart writes each of these lines once per call instead of once per depth
     * block. With a single depth block a line is written once anyway, and the copy only costs: mnist's {@code dX}
     * (64x256 by (784x256)ᵀ) on 2 threads ran at 1.837x one thread with edge blocks, 1.923x without (medians, 377
     * and 364 probe cycles).
     */
    static boolean computesEdgeApart(int colParts, int k) {
        return colParts > 1 && depthBlock(k) < k;
    }

    /**
     * Starts a region whose first {@code edgeCols} columns are computed in the workspace's edge block (row stride
     * {@code NR}, element {@code (i,j)} at {@code (i-i0)*NR + j-j0}) and written to C once, by {@link #endEdge}, instead
     * of once per depth block (see {@link #computesEdgeApart} for when). Measured on 2 threads split by columns, as
     * the ratio to one thread (medians of 47-60 probe cycles when a cache line's round trip between the two vCPUs was
     * over 150 ns, that is when they sit far apart): wide's {@code dX} (256x1024 by (1024x1024)ᵀ) 1.664 without edge
     * blocks, 1.891 with; wide forward 1.644 and 1.887; mnist forward 1.736 and 1.897. With {@code accumulate} the block
     * starts as a copy of C, so the same additions happen in the same order (bit-identical results).
     *
     * @return the edge block, or null when {@code edgeCols == 0}
     */
    private static float[] beginEdge(float[] c, int cOff, int n, boolean accumulate, int i0, int i1, int j0,
                                     int edgeCols, GemmWorkspace ws) {
        if (edgeCols == 0) {
            return null;
        }
        float[] edge = ws.edge((i1 - i0) * NR);
        if (accumulate) {
            for (int i = i0; i < i1; i++) {
                System.arraycopy(c, cOff + i * n + j0, edge, (i - i0) * NR, edgeCols);
            }
        }
        return edge;
    }

    /** Writes the edge block started by {@link #beginEdge} into C. */
    private static void endEdge(float[] edge, float[] c, int cOff, int n, int i0, int i1, int j0, int edgeCols) {
        if (edge == null) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            System.arraycopy(edge, (i - i0) * NR, c, cOff + i * n + j0, edgeCols);
        }
    }

    /**
     * Computes rows {@code [i0,i1)} x columns {@code [j0,j1)} of C from operands packed whole beforehand (shared by
     * the threads of a parallel call): depth block {@code pc} of A at {@code pc*mPad}, of B at {@code pc*nPad}, laid out
     * as {@link GemmPacking} packs them ({@code i0} and {@code j0} are multiples of {@code MR} and {@code NR}). Rows
     * before {@code directEnd} (a multiple of {@code MR}) are read from {@code a} where it is stored instead (see
     * {@link #readsAInPlace}); the packed A then holds only the rows after it.
     */
    static void computeRegionPrepacked(float[] ap, int mPad, float[] bp, int nPad, float[] a, int aOff,
                                       boolean transA, int directEnd, float[] c, int cOff, int m, int k, int n,
                                       boolean accumulate, float[] bias, int biasOff, Epilogue act,
                                       int i0, int i1, int j0, int j1, GemmWorkspace ws, boolean ownEdge) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        int edgeCols = ownEdge ? Math.min(NR, j1 - j0) : 0;
        float[] edge = beginEdge(c, cOff, n, accumulate, i0, i1, j0, edgeCols, ws);
        int edgeOff = -(i0 * NR) - j0;
        int kcMax = depthBlock(k);
        int lda = transA ? m : k;
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            boolean store = pc == 0 && !accumulate;
            Epilogue epilogue = pc + kc == k ? act : null;
            int aDirect = directOffset(aOff, transA, m, k, i0, pc);
            int aPacked = pc * mPad + i0 * kc;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                int inEdge = jc == j0 ? edgeCols : 0;
                if (inEdge > 0) {
                    tiles(ap, aPacked, a, aDirect, transA, lda, directEnd, false, bp, pc * nPad + jc * kc, NR,
                            kc * NR, kc, edge, edgeOff, NR, i0, i1, jc, inEdge, store, bias, biasOff, epilogue,
                            ws.scratch);
                }
                if (inEdge < nc) {
                    tiles(ap, aPacked, a, aDirect, transA, lda, directEnd, false, bp,
                            pc * nPad + (jc + inEdge) * kc, NR, kc * NR, kc, c, cOff, n, i0, i1, jc + inEdge,
                            nc - inEdge, store, bias, biasOff, epilogue, ws.scratch);
                }
            }
        }
        endEdge(edge, c, cOff, n, i0, i1, j0, edgeCols);
    }

    /**
     * One depth block over rows {@code [ic, ie)} and the {@code nc} columns from {@code jc}: packed A slivers from
     * {@code aBase} (row {@code ic}), packed B slivers from {@code bBase} (column {@code jc}). {@code store}: the first
     * block of an overwriting product (full tiles use the store kernels, edge tiles go through the scratch tile, so C
     * is never zeroed nor read); {@code epilogue} non-null on the last block. Rows before {@code directEnd} read A where
     * it is stored instead: row {@code ic} of this depth block at {@code aDirect}, the next rows {@code lda} further
     * (stored {@code [m,k]}) or the next float ({@code transA}, stored {@code [k,m]}). With {@code fourDirect} so do
     * slivers of 4 rows ({@code nc} is then a multiple of {@code NR}, see {@link #readsFourRowsInPlace}).
     */
    private static void tiles(float[] ap, int aBase, float[] a, int aDirect, boolean transA, int lda, int directEnd,
                              boolean fourDirect, float[] bp, int bBase, int ldb, int bSliverStep, int kc,
                              float[] c, int cOff, int n,
                              int ic, int ie, int jc, int nc, boolean store, float[] bias, int biasOff, Epilogue epilogue,
                              float[] scratch) {
        for (int ir = ic; ir < ie; ir += MR) {
            int mr = Math.min(MR, ie - ir);
            int cRow = cOff + ir * n + jc;
            if (ir < directEnd || mr == 4 && fourDirect) {
                int sliver = aDirect + (ir - ic) * (transA ? 1 : lda);
                directTiles(a, sliver, transA, mr, lda, bp, bBase, ldb, bSliverStep, kc, c, cRow, n, nc, store,
                        scratch);
                if (epilogue != null) {
                    GemmBiasActivation.apply(c, cOff, n, ir, ir + mr, jc, jc + nc, bias, biasOff, epilogue);
                }
                continue;
            }
            int aSliver = aBase + (ir - ic) * kc;
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int bSliver = bBase + (jr / NR) * bSliverStep;
                if (nr == NR) {
                    if (mr == MR) {
                        GemmMicroKernel.tile6x4(store, ap, aSliver, bp, bSliver, ldb, kc, c, cRow + jr, n);
                    } else if (mr == 4) {
                        GemmMicroKernel.tile4x4(store, ap, aSliver, bp, bSliver, ldb, kc, c, cRow + jr, n);
                    } else {
                        GemmMicroKernel.tile6x4(true, ap, aSliver, bp, bSliver, ldb, kc, scratch, 0, NR);
                        writeBack(scratch, NR, c, cRow + jr, n, mr, NR, store);
                    }
                } else {
                    for (int v = 0; v < nr; v += VL) {
                        int cols = Math.min(VL, nr - v);
                        int cIdx = cRow + jr + v;
                        if (mr == MR && cols == VL) {
                            GemmMicroKernel.tile6x1(store, ap, aSliver, bp, bSliver + v, ldb, kc, c, cIdx, n);
                        } else {
                            GemmMicroKernel.tile6x1(true, ap, aSliver, bp, bSliver + v, ldb, kc, scratch, 0, VL);
                            writeBack(scratch, VL, c, cIdx, n, mr, cols, store);
                        }
                    }
                }
            }
            if (epilogue != null) {
                GemmBiasActivation.apply(c, cOff, n, ir, ir + mr, jc, jc + nc, bias, biasOff, epilogue);
            }
        }
    }

    /**
     * One sliver of {@code rows} (6, or 4 across whole column slivers only) rows of A read where it is stored
     * ({@code aIdx}: its first row at this depth block) across {@code nc} columns: stored {@code [m,k]}, its rows
     * {@code lda = k} apart ({@link GemmDirectKernel}), or with {@code transA} stored {@code [k,m]}, its k steps
     * {@code lda = m} apart ({@link GemmTransposedKernel}).
     */
    private static void directTiles(float[] a, int aIdx, boolean transA, int rows, int lda, float[] bp, int bBase,
                                    int ldb, int bSliverStep, int kc, float[] c, int cRow, int n, int nc, boolean store,
                                    float[] scratch) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bSliver = bBase + (jr / NR) * bSliverStep;
            if (rows == 4) {
                direct4x4(store, transA, a, aIdx, lda, bp, bSliver, ldb, kc, c, cRow + jr, n);
                continue;
            }
            if (nr == NR) {
                direct6x4(store, transA, a, aIdx, lda, bp, bSliver, ldb, kc, c, cRow + jr, n);
                continue;
            }
            for (int v = 0; v < nr; v += VL) {
                int cols = Math.min(VL, nr - v);
                int cIdx = cRow + jr + v;
                if (cols == VL) {
                    direct6x1(store, transA, a, aIdx, lda, bp, bSliver + v, ldb, kc, c, cIdx, n);
                } else {
                    direct6x1(true, transA, a, aIdx, lda, bp, bSliver + v, ldb, kc, scratch, 0, VL);
                    writeBack(scratch, VL, c, cIdx, n, MR, cols, store);
                }
            }
        }
    }

    private static void direct6x4(boolean store, boolean transA, float[] a, int aIdx, int lda, float[] bp, int bOff,
                                  int ldb, int kc, float[] c, int cOff, int ldc) {
        if (transA) {
            GemmTransposedKernel.tile6x4(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        } else {
            GemmDirectKernel.tile6x4(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        }
    }

    private static void direct4x4(boolean store, boolean transA, float[] a, int aIdx, int lda, float[] bp, int bOff,
                                  int ldb, int kc, float[] c, int cOff, int ldc) {
        if (transA) {
            GemmTransposedKernel.tile4x4(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        } else {
            GemmDirectKernel.tile4x4(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        }
    }

    private static void direct6x1(boolean store, boolean transA, float[] a, int aIdx, int lda, float[] bp, int bOff,
                                  int ldb, int kc, float[] c, int cOff, int ldc) {
        if (transA) {
            GemmTransposedKernel.tile6x1(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        } else {
            GemmDirectKernel.tile6x1(store, a, aIdx, lda, bp, bOff, ldb, kc, c, cOff, ldc);
        }
    }

    /**
     * Edge tile: the kernel stored its accumulators into the scratch tile; store ({@code overwrite}) or add the valid
     * {@code rows x cols} into C. The scalar add is the same IEEE operation the add kernels do in vector form, so
     * an element gets the same bits whether its tile is an edge tile or not.
     */
    private static void writeBack(float[] scratch, int lds, float[] c, int cIdx, int ldc, int rows, int cols,
                                  boolean overwrite) {
        for (int r = 0; r < rows; r++) {
            int d = cIdx + r * ldc;
            int sIdx = r * lds;
            if (overwrite) {
                System.arraycopy(scratch, sIdx, c, d, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    c[d + j] += scratch[sIdx + j];
                }
            }
        }
    }

    /**
     * Rows at the end of a block of {@code rows} rows that go to two slivers of 4 rows (computed by the 4-row kernels)
     * instead of a sliver of 6 and one of 2 (whose 2 rows would cost a whole 6-row tile): 8 when {@code rows} is 2 more
     * than a multiple of 6, else 0. Every other block is slivers of 6 and at most one shorter one.
     */
    static int fourRowTail(int rows) {
        return rows >= 8 && rows % MR == 2 ? 8 : 0;
    }

    /** Where the piece that starts at row {@code from} ends: the slivers of 6 up to {@code sixEnd}, then 4 rows at a time. */
    private static int nextPiece(int from, int sixEnd, int end) {
        return from < sixEnd ? sixEnd : Math.min(end, from + 4);
    }

    /** Where row {@code row} of depth block {@code pc} of A lies: stored {@code [m,k]}, or {@code [k,m]} if transposed. */
    private static int directOffset(int aOff, boolean transA, int m, int k, int row, int pc) {
        return transA ? aOff + pc * m + row : aOff + row * k + pc;
    }

    /** Offset in the packed A block of the sliver that starts {@code rowsBefore} rows into it (whole slivers before it). */
    private static int packedOffset(int rowsBefore, int kc) {
        return (rowsBefore + MR - 1) / MR * MR * kc;
    }

    /**
     * The rows of work a block of {@code rows} rows costs: slivers of 6, 4-row slivers as 4 rows, and any other short
     * sliver as a whole 6-row tile (it is computed into a scratch tile).
     */
    static int costRows(int rows) {
        int tail = fourRowTail(rows);
        int rest = rows - tail;
        return tail + (rest % MR == 4 ? rest : roundUp(rest, MR));
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
