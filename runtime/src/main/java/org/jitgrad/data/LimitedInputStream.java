package org.jitgrad.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that delivers at most a set number of bytes and fails on the next one: the bound of a reader whose format
 * declares no length, so that a huge file or a gzip bomb is refused with a {@link DataFormatException} instead of
 * growing arrays until the heap runs out. Mark and reset are not supported.
 */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String source;
    private final String what;
    private long count;

    /**
     * @param limit  the most bytes delivered
     * @param source the file or stream, named in the message
     * @param what   what the bytes are, e.g. {@code "CSV text"}
     */
    LimitedInputStream(InputStream in, long limit, String source, String what) {
        super(in);
        this.limit = limit;
        this.source = source;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void mark(int readLimit) {}

    @Override
    public void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void count(long n) throws DataFormatException {
        count += n;
        if (count > limit) {
            throw new DataFormatException(source + ": more than " + limit + " bytes of " + what + " (the most this build reads)");
        }
    }
}
