package dev.ordo.proxy.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The objects a DDL statement changes, for the common forms whose effects stay
 * within the objects they name: {@code CREATE TABLE}, {@code CREATE INDEX},
 * {@code CREATE VIEW}, {@code CREATE SEQUENCE}, {@code ALTER TABLE},
 * {@code ALTER SEQUENCE}, {@code TRUNCATE TABLE} and {@code DROP TABLE | VIEW |
 * SEQUENCE} without {@code CASCADE}. Such a statement is locked by those names (X on the
 * table, view or sequence, and on every table it references through a foreign
 * key) instead of the global lock, so it does not wait for transactions that
 * touch other tables (a migration tool holding a lock on its history table
 * while another connection changes the schema). Recognised by tokens, not by
 * Calcite, which does not parse most DDL. Anything else, or anything unusual
 * inside these forms ({@code AS SELECT}, {@code RENAME}, {@code CASCADE},
 * sequence calls), is left to the global lock. Pure code.
 */
final class DdlScope {
  /** Words that make a CREATE TABLE read other tables or copy their definitions. */
  private static final Set<String> CREATE_TABLE_REFUSED =
      Set.of("SELECT", "VALUES", "TABLE", "LIKE", "INHERITS", "PARTITION", "OF");
  /** Words that make an ALTER TABLE reach beyond the table and the tables it references. */
  private static final Set<String> ALTER_TABLE_REFUSED =
      Set.of("RENAME", "CASCADE", "SELECT", "NEXTVAL", "NEXT", "SETVAL", "TRIGGER", "PARTITION", "INHERIT");
  private static final Set<String> INDEX_MODIFIERS = Set.of("UNIQUE", "HASH", "SPATIAL", "NULLS", "NOT", "DISTINCT");

  private DdlScope() {}

  /** A statement's tokens: words and identifiers upper-cased (quotes removed), other symbols as themselves. */
  private record Token(String text, boolean name) {}

  /**
   * The analysis of {@code sql} as scoped DDL, or null if it is not one of the
   * forms recognised here (the caller falls back to the global lock).
   */
  static Analysis analyze(String sql) {
    List<Token> t = tokens(sql);
    if (t == null || t.size() < 3) {
      return null;
    }
    Cursor c = new Cursor(t);
    if (c.accept("CREATE")) {
      if (c.accept("OR")) {
        if (!c.accept("REPLACE")) {
          return null;
        }
        c.accept("FORCE");
        return c.accept("VIEW") ? view(c) : null;
      }
      c.accept("FORCE");
      if (c.accept("VIEW")) {
        return view(c);
      }
      if (c.accept("SEQUENCE")) {
        return sequence(c, "create sequence");
      }
      if (c.accept("CACHED") || c.accept("MEMORY")) {
        return c.accept("TABLE") ? createTable(c) : null;
      }
      if (c.accept("TABLE")) {
        return createTable(c);
      }
      return index(c);
    }
    if (c.accept("DROP")) {
      return drop(c);
    }
    if (c.accept("TRUNCATE")) {
      c.accept("TABLE");
      return names(c, "truncate", false);
    }
    if (c.accept("ALTER")) {
      if (c.accept("SEQUENCE")) {
        return sequence(c, "alter sequence");
      }
      if (c.accept("TABLE")) {
        return alterTable(c);
      }
    }
    return null;
  }

  /**
   * {@code DROP TABLE | VIEW | SEQUENCE [IF EXISTS] name [, ...] [RESTRICT]}: without
   * {@code CASCADE} the drop fails if anything depends on the object, so it
   * changes only what it names.
   */
  private static Analysis drop(Cursor c) {
    if (c.accept("TABLE")) {
      return names(c, "drop table", false);
    }
    if (c.accept("VIEW")) {
      return names(c, "drop view", false);
    }
    if (c.accept("SEQUENCE")) {
      return names(c, "drop sequence", true);
    }
    return null;
  }

  /** {@code [IF EXISTS] name [, name ...] [RESTRICT]} and nothing after it. */
  private static Analysis names(Cursor c, String what, boolean sequences) {
    c.ifExists("IF", "EXISTS");
    Set<String> names = new LinkedHashSet<>();
    do {
      String name = c.name();
      if (name == null) {
        return null;
      }
      names.add(name);
    } while (c.accept(","));
    c.accept("RESTRICT");
    c.accept(";");
    if (!c.atEnd()) {
      return null;
    }
    return sequences ? scoped(what, Set.of(), names) : scoped(what, names, Set.of());
  }

  private static Analysis view(Cursor c) {
    c.ifExists("IF", "NOT", "EXISTS");
    String name = c.name();
    return name == null ? null : scoped("create view", Set.of(name), Set.of());
  }

  private static Analysis sequence(Cursor c, String what) {
    c.ifExists("IF", "NOT", "EXISTS");
    c.ifExists("IF", "EXISTS");
    String name = c.name();
    return name == null ? null : scoped(what, Set.of(), Set.of(name));
  }

  private static Analysis createTable(Cursor c) {
    c.ifExists("IF", "NOT", "EXISTS");
    String name = c.name();
    if (name == null || c.restContainsWord(CREATE_TABLE_REFUSED)) {
      return null;
    }
    Set<String> tables = new LinkedHashSet<>();
    tables.add(name);
    if (!c.addReferenced(tables)) {
      return null;
    }
    return scoped("create table", tables, Set.of());
  }

  private static Analysis alterTable(Cursor c) {
    c.ifExists("IF", "EXISTS");
    c.accept("ONLY");
    String name = c.name();
    if (name == null || c.restContainsWord(ALTER_TABLE_REFUSED)) {
      return null;
    }
    Set<String> tables = new LinkedHashSet<>();
    tables.add(name);
    if (!c.addReferenced(tables)) {
      return null;
    }
    return scoped("alter table", tables, Set.of());
  }

  /** {@code CREATE [UNIQUE] [HASH | SPATIAL] INDEX [[IF NOT EXISTS] name] ON table ...}. */
  private static Analysis index(Cursor c) {
    while (c.peekWordIn(INDEX_MODIFIERS)) {
      c.next();
    }
    if (!c.accept("INDEX")) {
      return null;
    }
    c.ifExists("IF", "NOT", "EXISTS");
    if (!c.accept("ON")) {
      if (c.name() == null || !c.accept("ON")) {
        return null;
      }
    }
    c.accept("ONLY");
    String table = c.name();
    return table == null ? null : scoped("create index", Set.of(table), Set.of());
  }

  private static Analysis scoped(String what, Set<String> tables, Set<String> sequences) {
    Set<String> names = new LinkedHashSet<>(tables);
    names.addAll(sequences);
    return new Analysis(Analysis.Kind.WRITE, false, false, Set.of(), tables,
        "DDL (" + what + ") locking only what it names: " + String.join(", ", names), sequences);
  }

  private static final class Cursor {
    private final List<Token> tokens;
    private int i;

    Cursor(List<Token> tokens) {
      this.tokens = tokens;
    }

    boolean accept(String word) {
      if (i < tokens.size() && !tokens.get(i).name() && tokens.get(i).text().equals(word)) {
        i++;
        return true;
      }
      return false;
    }

    boolean atEnd() {
      return i >= tokens.size();
    }

    boolean peekWordIn(Set<String> words) {
      return i < tokens.size() && !tokens.get(i).name() && words.contains(tokens.get(i).text());
    }

    void next() {
      i++;
    }

    /** Skips {@code words} if they come next, all of them. */
    void ifExists(String... words) {
      for (int k = 0; k < words.length; k++) {
        Token tk = i + k < tokens.size() ? tokens.get(i + k) : null;
        if (tk == null || tk.name() || !tk.text().equals(words[k])) {
          return;
        }
      }
      i += words.length;
    }

    /** A possibly qualified name ({@code a}, {@code s.a}, {@code "s"."a"}), or null. */
    String name() {
      StringBuilder b = new StringBuilder();
      while (true) {
        if (i >= tokens.size() || !isIdentifier(tokens.get(i))) {
          return null;
        }
        b.append(tokens.get(i++).text());
        if (i < tokens.size() && tokens.get(i).text().equals(".") && !tokens.get(i).name()) {
          b.append('.');
          i++;
        } else {
          return b.toString();
        }
      }
    }

    /** Whether a word (not a quoted identifier) after the cursor is one of {@code words}. */
    boolean restContainsWord(Set<String> words) {
      for (int k = i; k < tokens.size(); k++) {
        Token tk = tokens.get(k);
        if (!tk.name() && words.contains(tk.text())) {
          return true;
        }
      }
      return false;
    }

    /** Adds the table after every {@code REFERENCES}; false if one cannot be read. */
    boolean addReferenced(Set<String> tables) {
      for (int k = i; k < tokens.size(); k++) {
        Token tk = tokens.get(k);
        if (!tk.name() && tk.text().equals("REFERENCES")) {
          int save = i;
          i = k + 1;
          String ref = name();
          i = save;
          if (ref == null) {
            return false;
          }
          tables.add(ref);
        }
      }
      return true;
    }

    private static boolean isIdentifier(Token tk) {
      return tk.name() || (!tk.text().isEmpty() && (Character.isLetter(tk.text().charAt(0))
          || tk.text().charAt(0) == '_'));
    }
  }

  /** The tokens of {@code sql}, or null if it holds something this tokenizer does not read. */
  private static List<Token> tokens(String sql) {
    List<Token> out = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char ch = sql.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          return null;
        }
        i = end + 2;
      } else if (ch == '\'') {
        int k = i + 1;
        while (true) {
          if (k >= n) {
            return null;
          }
          if (sql.charAt(k) == '\'') {
            if (k + 1 < n && sql.charAt(k + 1) == '\'') {
              k += 2;
              continue;
            }
            break;
          }
          k++;
        }
        out.add(new Token("'", false));
        i = k + 1;
      } else if (ch == '"') {
        StringBuilder b = new StringBuilder();
        int k = i + 1;
        while (true) {
          if (k >= n) {
            return null;
          }
          if (sql.charAt(k) == '"') {
            if (k + 1 < n && sql.charAt(k + 1) == '"') {
              b.append('"');
              k += 2;
              continue;
            }
            break;
          }
          b.append(sql.charAt(k++));
        }
        // Upper-cased like every other name the analyzer reports: locks err on the side of sharing.
        out.add(new Token(b.toString().toUpperCase(Locale.ROOT), true));
        i = k + 1;
      } else if (Character.isLetterOrDigit(ch) || ch == '_') {
        int k = i;
        while (k < n && (Character.isLetterOrDigit(sql.charAt(k)) || sql.charAt(k) == '_')) {
          k++;
        }
        out.add(new Token(sql.substring(i, k).toUpperCase(Locale.ROOT), false));
        i = k;
      } else if (ch == '$' || ch == '`' || ch == '[') {
        return null; // dollar quoting, other identifier quotes: not read here
      } else {
        out.add(new Token(String.valueOf(ch), false));
        i++;
      }
    }
    return out;
  }
}
