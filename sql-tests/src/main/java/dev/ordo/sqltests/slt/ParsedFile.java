package dev.ordo.sqltests.slt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.hydromatic.sqllogictest.ISqlTestOperation;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SltSqlStatement;
import net.hydromatic.sqllogictest.SltTestFile;
import net.hydromatic.sqllogictest.SqlTestQuery;

/**
 * A test file as sqllogictest parses it (its {@code skipif}/{@code onlyif}
 * policy is PostgreSQL's, on every engine), together with the line of each
 * record in the file, which sqllogictest does not expose.
 *
 * @param name the file's name below {@code test/}
 * @param operations the records sqllogictest kept, in file order
 * @param lines the line of each kept record's {@code statement}/{@code query} header (0 if it could not be placed)
 * @param excludedQueries query records sqllogictest left out ({@code skipif postgresql}, {@code onlyif} another
 *     engine, after {@code halt})
 */
public record ParsedFile(String name, List<ISqlTestOperation> operations, int[] lines, int excludedQueries) {

  /** Parses test file {@code name} from the classpath. */
  public static ParsedFile load(String name) throws IOException {
    SltTestFile file = new SltTestFile(SltFiles.resource(name));
    file.parse(quietOptions());
    List<Rec> recs = scan(name);
    List<ISqlTestOperation> ops = List.copyOf(file.fileContents);
    int[] lines = new int[ops.size()];
    int cursor = 0;
    for (int i = 0; i < ops.size(); i++) {
      String text = squash(sqlOf(ops.get(i)));
      int found = -1;
      for (int r = cursor; r < recs.size(); r++) {
        Rec rec = recs.get(r);
        if (rec.accepted && rec.query == ops.get(i) instanceof SqlTestQuery && rec.sql.equals(text)) {
          found = r;
          break;
        }
      }
      if (found >= 0) {
        lines[i] = recs.get(found).line;
        recs.get(found).used = true;
        cursor = found + 1;
      }
    }
    int excluded = 0;
    for (Rec r : recs) {
      if (r.query && !r.used) {
        excluded++;
      }
    }
    return new ParsedFile(name, ops, lines, excluded);
  }

  /** Options that print nothing: sqllogictest reports through them, this runner through its own results. */
  static OptionsParser.SuppliedOptions quietOptions() {
    PrintStream none = new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    OptionsParser.SuppliedOptions o = new OptionsParser(false, none, none).getOptions();
    o.verbosity = 0;
    o.stopAtFirstError = false;
    o.doNotExecute = false;
    return o;
  }

  /** The SQL text of a record. */
  static String sqlOf(ISqlTestOperation op) {
    if (op instanceof SltSqlStatement s) {
      return s.statement;
    }
    return ((SqlTestQuery) op).getQuery();
  }

  /** Number of query records sqllogictest kept. */
  public int queries() {
    int n = 0;
    for (ISqlTestOperation op : operations) {
      if (op instanceof SqlTestQuery) {
        n++;
      }
    }
    return n;
  }

  private static String squash(String sql) {
    return sql.replaceAll("\\s+", "");
  }

  /** One record of the raw file. */
  private static final class Rec {
    final int line;
    final boolean query;
    final String sql;
    final boolean accepted;
    boolean used;

    Rec(int line, boolean query, String sql, boolean accepted) {
      this.line = line;
      this.query = query;
      this.sql = squash(sql);
      this.accepted = accepted;
    }
  }

  /**
   * Reads the file's records the way sqllogictest's parser does (the same
   * comment, condition and {@code halt} rules), keeping their lines.
   */
  private static List<Rec> scan(String name) throws IOException {
    List<String> raw = new ArrayList<>();
    try (InputStream in = loader().getResourceAsStream(SltFiles.resource(name))) {
      if (in == null) {
        throw new IOException("no test file " + SltFiles.resource(name) + " on the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        raw.add(l);
      }
    }
    Lines in = new Lines(raw);
    List<Rec> out = new ArrayList<>();
    boolean halted = false;
    while (true) {
      String line = in.next();
      if (line == null) {
        break;
      }
      if (line.isEmpty() || line.startsWith("hash-threshold")) {
        continue;
      }
      List<String> skip = new ArrayList<>();
      List<String> only = new ArrayList<>();
      while (line != null && (line.startsWith("onlyif") || line.startsWith("skipif"))) {
        (line.startsWith("skipif") ? skip : only).add(line.substring("onlyif".length()).trim());
        line = in.next();
      }
      if (line == null) {
        break;
      }
      boolean accepted = !halted && accept(skip, only);
      if (line.startsWith("halt")) {
        // sqllogictest stops reading here; the records after it are read on only to be counted as left out
        halted |= accepted;
        continue;
      }
      int header = in.lineNo;
      StringBuilder sql = new StringBuilder();
      if (line.startsWith("statement")) {
        for (String l = in.next(); l != null && !l.isEmpty(); l = in.next()) {
          sql.append(l);
        }
        out.add(new Rec(header, false, sql.toString(), accepted));
      } else {
        for (String l = in.next(); l != null && !l.startsWith("----"); l = in.next()) {
          sql.append(' ').append(l);
        }
        in.skipToBlank();
        out.add(new Rec(header, true, sql.toString(), accepted));
      }
    }
    return out;
  }

  /** sqllogictest's policy: PostgreSQL's records. */
  private static boolean accept(List<String> skip, List<String> only) {
    if (only.contains("postgresql")) {
      return true;
    }
    return only.isEmpty() && !skip.contains("postgresql");
  }

  /** The file's lines as sqllogictest's parser sees them: trimmed, comments dropped. */
  private static final class Lines {
    private final List<String> raw;
    int lineNo;

    Lines(List<String> raw) {
      this.raw = raw;
    }

    String next() {
      while (lineNo < raw.size()) {
        String l = raw.get(lineNo++).trim();
        int sharp = l.indexOf('#');
        if (sharp < 0) {
          return l;
        }
        if (sharp > 0) {
          return l.substring(0, sharp - 1);
        }
      }
      return null;
    }

    /** Skips a query's result lines, up to and including the blank line that ends them. */
    void skipToBlank() {
      while (lineNo < raw.size() && !raw.get(lineNo++).trim().isEmpty()) {
        // result line
      }
    }
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : ParsedFile.class.getClassLoader();
  }
}
