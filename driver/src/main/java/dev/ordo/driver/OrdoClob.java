package dev.ordo.driver;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.SQLException;

/** A read-only {@link Clob} (and {@link NClob}) over a value of a result row, held in memory. */
final class OrdoClob implements NClob {
  private String text;

  OrdoClob(String text) {
    this.text = text;
  }

  @Override
  public long length() throws SQLException {
    return data().length();
  }

  @Override
  public String getSubString(long pos, int length) throws SQLException {
    int from = checkRange(pos, length, data().length(), "Clob");
    return text.substring(from, from + Math.min(length, text.length() - from));
  }

  @Override
  public Reader getCharacterStream() throws SQLException {
    return new StringReader(data());
  }

  @Override
  public Reader getCharacterStream(long pos, long length) throws SQLException {
    int from = checkRange(pos, length, data().length(), "Clob");
    return new StringReader(text.substring(from, (int) Math.min(text.length(), from + length)));
  }

  @Override
  public InputStream getAsciiStream() throws SQLException {
    return new ByteArrayInputStream(data().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public long position(String pattern, long start) throws SQLException {
    int i = data().indexOf(pattern, (int) Math.max(0, start - 1));
    return i < 0 ? -1 : i + 1;
  }

  @Override
  public long position(Clob pattern, long start) throws SQLException {
    return position(pattern.getSubString(1, (int) pattern.length()), start);
  }

  @Override
  public int setString(long pos, String str) throws SQLException {
    throw readOnly("Clob");
  }

  @Override
  public int setString(long pos, String str, int offset, int len) throws SQLException {
    throw readOnly("Clob");
  }

  @Override
  public OutputStream setAsciiStream(long pos) throws SQLException {
    throw readOnly("Clob");
  }

  @Override
  public Writer setCharacterStream(long pos) throws SQLException {
    throw readOnly("Clob");
  }

  @Override
  public void truncate(long len) throws SQLException {
    throw readOnly("Clob");
  }

  @Override
  public void free() {
    text = null;
  }

  @Override
  public String toString() {
    return text;
  }

  private String data() throws SQLException {
    if (text == null) {
      throw freed("Clob");
    }
    return text;
  }

  static int checkRange(long pos, long length, int size, String what) throws SQLException {
    if (pos < 1 || length < 0 || pos > size + 1L) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, what + " position " + pos + " (length "
          + length + ") is out of range: positions run from 1 to " + (size + 1) + ".");
    }
    return (int) (pos - 1);
  }

  static SQLException readOnly(String what) {
    return SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "This " + what + " is a read-only copy of a"
        + " result value; to change the data, bind a new value with PreparedStatement.set" + what + ".");
  }

  static SQLException freed(String what) {
    return SqlExceptions.create(SqlState.OBJECT_NOT_IN_STATE, "This " + what + " was freed (free() was called).");
  }
}
