package dev.modelgate.scan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file read through positional reads; nothing is mapped or buffered beyond what is asked for. */
final class FileSource implements ByteSource, AutoCloseable {
    private final FileChannel channel;
    private final long size;

    FileSource(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long pos, byte[] buf, int off, int len) throws IOException {
        if (pos >= size || len == 0) {
            return 0;
        }
        int r = channel.read(ByteBuffer.wrap(buf, off, (int) Math.min(len, size - pos)), pos);
        return Math.max(r, 0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
