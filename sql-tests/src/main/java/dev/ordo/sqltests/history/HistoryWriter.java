package dev.ordo.sqltests.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPOutputStream;

/**
 * Writes histories in the format {@link HistoryReader} reads: one EDN map per
 * line, gzip-compressed when the file name ends in {@code .gz}. Safe for use
 * by several threads; each op is written as one whole line. Ops may be written
 * out of order: the checker orders them by {@code :index}.
 */
public final class HistoryWriter implements Closeable {
  private final Writer out;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * Writes to a character stream, which this writer closes.
   *
   * @param out the destination
   */
  public HistoryWriter(Writer out) {
    this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
  }

  /**
   * Creates (or truncates) a history file.
   *
   * @param file the file; gzip-compressed if its name ends in {@code .gz}
   * @return a writer to it
   * @throws IOException if the file cannot be created
   */
  public static HistoryWriter open(Path file) throws IOException {
    OutputStream os = Files.newOutputStream(file);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        os = new GZIPOutputStream(os, 1 << 16);
      }
    } catch (IOException e) {
      os.close();
      throw e;
    }
    return new HistoryWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
  }

  /**
   * Writes a whole history to a file.
   *
   * @param file the file; gzip-compressed if its name ends in {@code .gz}
   * @param ops the ops, in history order
   * @throws IOException if writing fails
   */
  public static void write(Path file, Iterable<Op> ops) throws IOException {
    try (HistoryWriter w = open(file)) {
      for (Op op : ops) {
        w.write(op);
      }
    }
  }

  /**
   * Appends one op as a line.
   *
   * @param op the op
   * @throws IOException if writing fails
   */
  public void write(Op op) throws IOException {
    String line = format(op);
    lock.lock();
    try {
      out.write(line);
      out.write('\n');
    } finally {
      lock.unlock();
    }
  }

  /**
   * Flushes buffered lines to the underlying stream.
   *
   * @throws IOException if writing fails
   */
  public void flush() throws IOException {
    lock.lock();
    try {
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Formats one op as its EDN line (without the line break), e.g.
   * {@code {:index 0 :type :invoke :process 0 :f :txn :value [[:append :x 1]] :time 0}}.
   *
   * @param op the op
   * @return the line
   */
  public static String format(Op op) {
    return Edn.write(op.toEdn());
  }

  /** Flushes and closes the file (finishing the gzip stream if any). */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      out.close();
    } finally {
      lock.unlock();
    }
  }
}
