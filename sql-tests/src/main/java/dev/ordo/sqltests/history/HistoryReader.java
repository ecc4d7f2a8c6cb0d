package dev.ordo.sqltests.history;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads Jepsen history files: one EDN map per line, plain or gzip-compressed
 * (recognised by its magic bytes, whatever the file is called), e.g.
 *
 * <pre>
 * {:index 0 :type :invoke :process 0 :f :txn :value [[:append :x 1] [:r :y nil]] :time 0}
 * {:index 1 :type :ok :process 0 :f :txn :value [[:append :x 1] [:r :y [1 2]]] :time 12345}
 * </pre>
 *
 * <p>{@code :type} and {@code :process} and {@code :f} are required;
 * {@code :index}, {@code :time} and {@code :error} are optional; other keys are
 * ignored. The value of a {@code :txn} op must be a vector of
 * {@code [:append k v]} and {@code [:r k list-or-nil]} micro-operations, with
 * keys that are keywords, integers or strings and integer elements (a
 * {@code :fail} or {@code :info} completion may have a {@code nil} value, meaning
 * "as invoked"). Blank
 * lines and lines starting with {@code ;} are skipped.
 */
public final class HistoryReader {
  static final Keyword INDEX = Keyword.of("index");
  static final Keyword TYPE = Keyword.of("type");
  static final Keyword PROCESS = Keyword.of("process");
  static final Keyword F = Keyword.of("f");
  static final Keyword VALUE = Keyword.of("value");
  static final Keyword TIME = Keyword.of("time");
  static final Keyword ERROR = Keyword.of("error");

  private HistoryReader() {}

  /**
   * Reads a history file.
   *
   * @param file the file, plain or gzip-compressed
   * @return the ops in file order
   * @throws IOException if the file cannot be read
   * @throws HistoryFormatException if a line is malformed; the message names the line
   */
  public static List<Op> read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
        return read(reader);
      }
    }
  }

  /**
   * Reads a history from a reader, one op per line.
   *
   * @param reader the text
   * @return the ops in order
   * @throws IOException if reading fails
   * @throws HistoryFormatException if a line is malformed
   */
  public static List<Op> read(BufferedReader reader) throws IOException {
    List<Op> ops = new ArrayList<>();
    long lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith(";")) {
        continue;
      }
      ops.add(parse(line, lineNumber));
    }
    return ops;
  }

  /**
   * Parses one line of a history.
   *
   * @param line the EDN map
   * @param lineNumber the 1-based line number, used in error messages
   * @return the op
   * @throws HistoryFormatException if the line is not a well-formed op
   */
  public static Op parse(String line, long lineNumber) {
    Object form;
    try {
      form = Edn.read(line);
    } catch (Edn.ParseException e) {
      throw new HistoryFormatException(lineNumber, "not valid EDN: " + e.getMessage());
    }
    if (!(form instanceof Map<?, ?> m)) {
      throw new HistoryFormatException(lineNumber, "expected an op map like {:type :invoke ...}, found "
          + abbreviate(Edn.write(form)));
    }
    Op.Type type = Op.Type.of(m.get(TYPE));
    if (type == null) {
      throw new HistoryFormatException(lineNumber, ":type must be :invoke, :ok, :fail or :info, not "
          + Edn.write(m.get(TYPE)));
    }
    Object process = m.get(PROCESS);
    if (process == null) {
      throw new HistoryFormatException(lineNumber, "the op has no :process");
    }
    if (!(m.get(F) instanceof Keyword f)) {
      throw new HistoryFormatException(lineNumber, ":f must be a keyword such as :txn, not " + Edn.write(m.get(F)));
    }
    long index = integer(m, INDEX, lineNumber);
    long time = integer(m, TIME, lineNumber);
    Object value = m.get(VALUE);
    boolean unknownOutcome = value == null && (type == Op.Type.FAIL || type == Op.Type.INFO);
    if (f.equals(Op.TXN) && process instanceof Long && !unknownOutcome) {
      value = txn(value, lineNumber);
    }
    return new Op(index, type, process, f, value, time, m.get(ERROR));
  }

  private static long integer(Map<?, ?> m, Keyword k, long lineNumber) {
    Object v = m.get(k);
    if (v == null) {
      return -1;
    }
    if (!(v instanceof Long l) || l < 0) {
      throw new HistoryFormatException(lineNumber, k + " must be a non-negative integer, not " + Edn.write(v));
    }
    return l;
  }

  private static List<MicroOp> txn(Object value, long lineNumber) {
    if (!(value instanceof List<?> mops)) {
      throw new HistoryFormatException(lineNumber, "the :value of a :txn op must be a vector of micro-ops like "
          + "[[:append :x 1] [:r :y nil]], not " + abbreviate(Edn.write(value)));
    }
    List<MicroOp> out = new ArrayList<>(mops.size());
    for (Object o : mops) {
      if (!(o instanceof List<?> mop) || mop.size() != 3) {
        throw new HistoryFormatException(lineNumber, "a micro-op must be [:append key element] or [:r key list], not "
            + abbreviate(Edn.write(o)));
      }
      MicroOp.Fn fn = MicroOp.Fn.APPEND.keyword().equals(mop.get(0)) ? MicroOp.Fn.APPEND
          : MicroOp.Fn.READ.keyword().equals(mop.get(0)) ? MicroOp.Fn.READ : null;
      if (fn == null) {
        throw new HistoryFormatException(lineNumber, "unsupported micro-op " + Edn.write(mop.get(0))
            + " in " + abbreviate(Edn.write(o)) + "; this checker handles list-append histories (:append and :r)");
      }
      try {
        out.add(new MicroOp(fn, mop.get(1), mop.get(2)));
      } catch (IllegalArgumentException e) {
        throw new HistoryFormatException(lineNumber, "bad micro-op " + abbreviate(Edn.write(o)) + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
