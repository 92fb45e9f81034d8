package org.jitgrad.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip stream (RFC 1952) of one or more members, refusing anything after the last member:
 * {@link java.util.zip.GZIPInputStream} stops quietly at bytes that do not start another member, so a file with
 * junk appended would load as if it were whole.
 *
 * <p>Each member's header is parsed here (compression method 8 only, no reserved flag bits, the optional extra
 * field, name, comment and header CRC skipped or checked), its DEFLATE data is inflated with a raw {@link Inflater},
 * and its trailer's CRC-32 and ISIZE are checked against the inflated bytes. After a trailer the stream must end or
 * start another member.
 *
 * <p>Errors keep the types of {@code GZIPInputStream}, which the readers of this package map to their messages: an
 * {@link EOFException} for data that ends inside a member, a {@link ZipException} for a corrupt header, DEFLATE data
 * or trailer. Bytes after the last member that are not a gzip member are a {@link DataFormatException} naming the
 * source and their offset. Offsets count bytes of the compressed stream from its start.
 */
final class StrictGzipInputStream extends InputStream {
    private static final int ID1 = 0x1f;
    private static final int ID2 = 0x8b;
    private static final int DEFLATE = 8;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED_FLAGS = 0xe0;
    private static final int BLOCK = 1 << 16;
    /** Most bytes after the last member read to count them for the error message (an endless stream has no count). */
    private static final long COUNTED_TAIL = 1 << 20;

    private final InputStream in;
    private final String name;
    private final byte[] buffer = new byte[BLOCK];
    /** Bytes of {@code buffer} not yet parsed or handed to the inflater are {@code [position, limit)}. */
    private int position;
    private int limit;
    /** Offset in the compressed stream of {@code buffer[0]}. */
    private long bufferOffset;
    /** Offset of the current member's first byte. */
    private long memberOffset;
    /** The CRC-32 of the current member's header while it is parsed, then of its inflated bytes. */
    private final CRC32 crc = new CRC32();
    private final Inflater inflater;
    private final byte[] single = new byte[1];
    private boolean ended;
    private boolean closed;

    /**
     * Reads the first member's header.
     *
     * @param in   the compressed stream, read in blocks of 64 KiB (buffering it further gains nothing)
     * @param name the source named in error messages
     * @throws EOFException if the stream ends inside the header
     * @throws ZipException if the header is not a gzip header this reader supports
     */
    StrictGzipInputStream(InputStream in, String name) throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        this.name = name;
        if (!readHeader()) {
            throw new EOFException("empty stream, no gzip header");
        }
        inflater = new Inflater(true);
    }

    @Override
    public int read() throws IOException {
        return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(name + ": stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (!ended) {
            int n = inflate(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished()) {
                position = limit - inflater.getRemaining();
                readTrailer();
                if (readHeader()) {
                    inflater.reset();
                } else {
                    ended = true;
                }
            } else if (inflater.needsInput()) {
                if (position == limit && !fill()) {
                    throw new EOFException("the gzip stream ends inside the compressed data of the member at offset "
                            + memberOffset);
                }
                inflater.setInput(buffer, position, limit - position);
                position = limit;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }

    private int inflate(byte[] b, int off, int len) throws ZipException {
        try {
            return inflater.inflate(b, off, len);
        } catch (java.util.zip.DataFormatException e) {
            throw new ZipException("corrupt DEFLATE data in the gzip member at offset " + memberOffset + ": "
                    + Gzip.reason(e));
        }
    }

    /**
     * Parses a member header and resets the CRC for its data.
     *
     * @return false if the stream ends before the header, after a previous member
     * @throws DataFormatException if bytes follow a previous member but are not a gzip member
     */
    private boolean readHeader() throws IOException {
        if (position == limit && !fill()) {
            return false;
        }
        memberOffset = bufferOffset + position;
        crc.reset();
        boolean magic = headerByte() == ID1 && (position < limit || fill()) && headerByte() == ID2;
        if (!magic) {
            if (memberOffset == 0) {
                throw new ZipException("not in gzip format (no gzip magic number)");
            }
            throw new DataFormatException(name + ": " + bytesFrom(memberOffset) + " bytes after the end of the gzip "
                    + "stream (from offset " + memberOffset + ") are not gzip data");
        }
        int method = headerByte();
        if (method != DEFLATE) {
            throw new ZipException("unsupported compression method " + method + " in the gzip header at offset "
                    + memberOffset);
        }
        int flags = headerByte();
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new ZipException(String.format("reserved flag bits 0x%02x set in the gzip header at offset %d",
                    flags & RESERVED_FLAGS, memberOffset));
        }
        skip(6); // MTIME, XFL, OS
        if ((flags & FEXTRA) != 0) {
            skip(headerByte() | headerByte() << 8);
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            int computed = (int) crc.getValue() & 0xffff;
            int stored = nextByte("header") | nextByte("header") << 8;
            if (stored != computed) {
                throw new ZipException(String.format("header CRC 0x%04x of the gzip member at offset %d does not "
                        + "match its header (CRC 0x%04x)", stored, memberOffset, computed));
            }
        }
        crc.reset();
        return true;
    }

    private void readTrailer() throws IOException {
        long storedCrc = trailerWord();
        long storedSize = trailerWord();
        if (storedCrc != crc.getValue()) {
            throw new ZipException(String.format("CRC-32 0x%08x in the trailer of the gzip member at offset %d does "
                    + "not match its data (CRC-32 0x%08x)", storedCrc, memberOffset, crc.getValue()));
        }
        long size = inflater.getBytesWritten() & 0xffffffffL;
        if (storedSize != size) {
            throw new ZipException("size " + storedSize + " in the trailer of the gzip member at offset "
                    + memberOffset + " does not match its data (" + size + " bytes, modulo 2^32)");
        }
    }

    /** How many bytes the stream holds from offset {@code from}, counted up to about {@link #COUNTED_TAIL}. */
    private String bytesFrom(long from) throws IOException {
        while (bufferOffset + limit - from <= COUNTED_TAIL) {
            if (!fill()) {
                return String.valueOf(bufferOffset - from);
            }
        }
        return "more than " + (bufferOffset + limit - from);
    }

    /** A little-endian 32-bit word of the trailer. */
    private long trailerWord() throws IOException {
        long word = 0;
        for (int shift = 0; shift < 32; shift += 8) {
            word |= (long) nextByte("trailer") << shift;
        }
        return word;
    }

    private void skipZeroTerminated() throws IOException {
        while (headerByte() != 0) {
            // a name or comment: only the header CRC covers it
        }
    }

    private void skip(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            headerByte();
        }
    }

    /** The next byte of the header, added to the header's CRC. */
    private int headerByte() throws IOException {
        int b = nextByte("header");
        crc.update(b);
        return b;
    }

    private int nextByte(String part) throws IOException {
        if (position == limit && !fill()) {
            throw new EOFException("the gzip stream ends inside the " + part + " of the member at offset "
                    + memberOffset);
        }
        return buffer[position++] & 0xff;
    }

    /** Reads the next block into the buffer, which must be used up; false at the end of the stream. */
    private boolean fill() throws IOException {
        bufferOffset += limit;
        position = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }
}
