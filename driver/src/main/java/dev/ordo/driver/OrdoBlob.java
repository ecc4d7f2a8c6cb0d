package dev.ordo.driver;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Blob;
import java.sql.SQLException;
import java.util.Arrays;

/** A read-only {@link Blob} over a value of a result row, which the driver holds in memory. */
final class OrdoBlob implements Blob {
  private byte[] bytes;

  OrdoBlob(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public long length() throws SQLException {
    return data().length;
  }

  @Override
  public byte[] getBytes(long pos, int length) throws SQLException {
    int from = OrdoClob.checkRange(pos, length, data().length, "Blob");
    return Arrays.copyOfRange(bytes, from, from + Math.min(length, bytes.length - from));
  }

  @Override
  public InputStream getBinaryStream() throws SQLException {
    return new ByteArrayInputStream(data());
  }

  @Override
  public InputStream getBinaryStream(long pos, long length) throws SQLException {
    int from = OrdoClob.checkRange(pos, length, data().length, "Blob");
    return new ByteArrayInputStream(bytes, from, (int) Math.min(length, bytes.length - from));
  }

  @Override
  public long position(byte[] pattern, long start) throws SQLException {
    byte[] b = data();
    outer:
    for (int i = (int) Math.max(0, start - 1); i <= b.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i + 1;
    }
    return -1;
  }

  @Override
  public long position(Blob pattern, long start) throws SQLException {
    return position(pattern.getBytes(1, (int) pattern.length()), start);
  }

  @Override
  public int setBytes(long pos, byte[] b) throws SQLException {
    throw OrdoClob.readOnly("Blob");
  }

  @Override
  public int setBytes(long pos, byte[] b, int offset, int len) throws SQLException {
    throw OrdoClob.readOnly("Blob");
  }

  @Override
  public OutputStream setBinaryStream(long pos) throws SQLException {
    throw OrdoClob.readOnly("Blob");
  }

  @Override
  public void truncate(long len) throws SQLException {
    throw OrdoClob.readOnly("Blob");
  }

  @Override
  public void free() {
    bytes = null;
  }

  private byte[] data() throws SQLException {
    if (bytes == null) {
      throw OrdoClob.freed("Blob");
    }
    return bytes;
  }
}
