package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.sequencer.LogPosition;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Copies a PostgreSQL replica into an empty PostgreSQL database: one
 * consistent snapshot of the source (a {@code REPEATABLE READ} transaction)
 * gives the schema, the data and Ordo's bookkeeping as of one moment, and the
 * target is built in one transaction, so it either holds the whole copy or
 * nothing. The copy is a state the source's applier could have crashed in: its
 * bookkeeping says which transactions it holds, so a replica started on it
 * resumes from the log exactly as after a crash (including sequence values,
 * which are set back from the bookkeeping).
 *
 * <p>Copied: schemas, functions and procedures, sequences (with their
 * ownership), tables (columns, defaults, identity and generated columns,
 * collations), rows (binary {@code COPY}), constraints, indexes, views and
 * triggers. Refused with SQLState 0A000, before anything is written: other
 * extensions than plpgsql, user-defined types, aggregates, materialized views,
 * partitioned and foreign tables. Not copied: comments, grants, table
 * options.
 */
public final class PgReplicaCopy {
  /** What a copy did. */
  public record Result(LogPosition position, int tables, long rows) {}

  private static final String USER_SCHEMA = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

  private PgReplicaCopy() {}

  /**
   * Copies {@code source} into {@code target}. Both are plain connections the
   * caller owns (not pooled); their autocommit and isolation are changed.
   */
  public static Result copy(Connection source, Connection target) throws SQLException {
    requireEmpty(target);
    source.setAutoCommit(false);
    source.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    source.setReadOnly(true);
    target.setAutoCommit(false);
    try {
      refuseUnsupported(source);
      for (String schema : strings(source, "SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE " + USER_SCHEMA
          + " ORDER BY n.oid")) {
        exec(target, "CREATE SCHEMA IF NOT EXISTS " + schema);
      }
      for (String fn : strings(source, "SELECT pg_get_functiondef(p.oid) FROM pg_proc p "
          + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA + " AND p.prokind IN ('f', 'p') "
          + "ORDER BY p.oid")) {
        exec(target, fn);
      }
      copySequences(source, target);
      List<Table> tables = tables(source);
      for (Table t : tables) {
        exec(target, t.createSql());
      }
      long rows = 0;
      for (Table t : tables) {
        rows += copyRows(source, target, t);
      }
      // Constraints after the rows (faster, and foreign keys in any order); foreign keys last.
      for (String sql : strings(source, "SELECT 'ALTER TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
          + "|| ' ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid) "
          + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE " + USER_SCHEMA + " AND k.contype IN ('p', 'u', 'x', 'c', 'f') "
          + "ORDER BY CASE k.contype WHEN 'f' THEN 1 ELSE 0 END, k.oid")) {
        exec(target, sql);
      }
      for (String sql : strings(source, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
          + "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE " + USER_SCHEMA + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
          + "ORDER BY i.indexrelid")) {
        exec(target, sql);
      }
      for (String sql : strings(source, "SELECT 'ALTER SEQUENCE ' || quote_ident(qn.nspname) || '.' "
          + "|| quote_ident(q.relname) || ' OWNED BY ' || quote_ident(tn.nspname) || '.' || quote_ident(t.relname) "
          + "|| '.' || quote_ident(a.attname) FROM pg_depend d "
          + "JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S' JOIN pg_namespace qn ON qn.oid = q.relnamespace "
          + "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
          + "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
          + "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'")) {
        exec(target, sql);
      }
      for (String sql : strings(source, "SELECT 'CREATE VIEW ' || quote_ident(n.nspname) || '.' "
          + "|| quote_ident(c.relname) || ' AS ' || pg_get_viewdef(c.oid) FROM pg_class c "
          + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + " AND c.relkind = 'v' "
          + "ORDER BY c.oid")) {
        exec(target, sql);
      }
      for (String sql : strings(source, "SELECT pg_get_triggerdef(g.oid) FROM pg_trigger g "
          + "JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE " + USER_SCHEMA + " AND NOT g.tgisinternal ORDER BY g.oid")) {
        exec(target, sql);
      }
      LogPosition at = lastRecorded(target);
      target.commit();
      return new Result(at, tables.size(), rows);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(target);
      throw e;
    } finally {
      rollbackQuietly(source);
    }
  }

  /** Drops every user schema of {@code target} (its data, functions, Ordo's bookkeeping) and leaves an empty public. */
  public static void wipe(Connection target) throws SQLException {
    target.setAutoCommit(false);
    try {
      for (String schema : strings(target, "SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE " + USER_SCHEMA
          + " ORDER BY n.oid")) {
        exec(target, "DROP SCHEMA " + schema + " CASCADE");
      }
      exec(target, "CREATE SCHEMA public");
      target.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(target);
      throw e;
    }
  }

  private static void requireEmpty(Connection target) throws SQLException {
    List<String> found = strings(target, "SELECT n.nspname || '.' || c.relname FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + " AND n.nspname NOT LIKE 'pg_temp%' "
        + "ORDER BY 1 LIMIT 5");
    if (!found.isEmpty()) {
      throw new SQLException("the new replica's database is not empty (it holds " + String.join(", ", found)
          + "); give an empty database, for example one made with CREATE DATABASE",
          SqlState.OBJECT_NOT_IN_STATE.code());
    }
  }

  private static void refuseUnsupported(Connection source) throws SQLException {
    List<String> found = new ArrayList<>();
    found.addAll(strings(source, "SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'"));
    found.addAll(strings(source, "SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t "
        + "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_SCHEMA + " AND t.typtype IN ('e', 'd', 'r', 'm') "
        + "OR (" + USER_SCHEMA + " AND t.typtype = 'c' AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid "
        + "AND c.relkind <> 'c'))"));
    found.addAll(strings(source, "SELECT 'aggregate ' || n.nspname || '.' || p.proname FROM pg_proc p "
        + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA + " AND p.prokind NOT IN ('f', 'p')"));
    found.addAll(strings(source, "SELECT CASE c.relkind WHEN 'm' THEN 'materialized view ' WHEN 'p' "
        + "THEN 'partitioned table ' ELSE 'foreign table ' END || n.nspname || '.' || c.relname FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + " AND c.relkind IN ('m', 'p', 'f')"));
    if (!found.isEmpty()) {
      throw new SQLException("cannot copy this replica: Ordo does not copy " + String.join(", ", found)
          + "; add the replica from a backup of a stopped replica instead (docs/configuration.md)",
          SqlState.FEATURE_NOT_SUPPORTED.code());
    }
  }

  private static void copySequences(Connection source, Connection target) throws SQLException {
    // Identity columns create their own sequences; the others are created here, at their start value.
    // Their current values come from Ordo's bookkeeping when the replica starts.
    try (Statement s = source.createStatement();
        ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
            + "format_type(q.seqtypid, NULL), q.seqincrement, q.seqmin, q.seqmax, q.seqstart, q.seqcache, q.seqcycle "
            + "FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i') ORDER BY c.oid")) {
      while (rs.next()) {
        exec(target, "CREATE SEQUENCE " + rs.getString(1) + " AS " + rs.getString(2) + sequenceOptions(rs, 3));
      }
    }
  }

  private static String sequenceOptions(ResultSet rs, int first) throws SQLException {
    return " INCREMENT BY " + rs.getLong(first) + " MINVALUE " + rs.getLong(first + 1) + " MAXVALUE "
        + rs.getLong(first + 2) + " START WITH " + rs.getLong(first + 3) + " CACHE " + rs.getLong(first + 4)
        + (rs.getBoolean(first + 5) ? " CYCLE" : " NO CYCLE");
  }

  /** A table to copy: its name, its CREATE TABLE and the columns COPY moves (generated ones excluded). */
  private record Table(String name, String createSql, List<String> copyColumns) {}

  private static List<Table> tables(Connection source) throws SQLException {
    List<Table> out = new ArrayList<>();
    List<Object[]> rels = new ArrayList<>();
    try (Statement s = source.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
            + " AND c.relkind = 'r' ORDER BY c.oid")) {
      while (rs.next()) {
        rels.add(new Object[] {rs.getLong(1), rs.getString(2)});
      }
    }
    try (PreparedStatement ps = source.prepareStatement("SELECT quote_ident(a.attname), "
        + "format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
        + "a.attgenerated, CASE WHEN a.attcollation <> t.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' "
        + "|| quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace "
        + "WHERE co.oid = a.attcollation) END, pg_get_serial_sequence(?, a.attname) "
        + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
        PreparedStatement seq = source.prepareStatement("SELECT format_type(q.seqtypid, NULL), q.seqincrement, "
            + "q.seqmin, q.seqmax, q.seqstart, q.seqcache, q.seqcycle FROM pg_sequence q WHERE q.seqrelid = "
            + "to_regclass(?)")) {
      for (Object[] rel : rels) {
        String name = (String) rel[1];
        ps.setString(1, name);
        ps.setLong(2, (Long) rel[0]);
        List<String> defs = new ArrayList<>();
        List<String> copy = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String col = rs.getString(1);
            StringBuilder d = new StringBuilder(col).append(' ').append(rs.getString(2));
            if (rs.getString(7) != null) {
              d.append(" COLLATE ").append(rs.getString(7));
            }
            String identity = rs.getString(5);
            String generated = rs.getString(6);
            if (generated != null && !generated.isEmpty()) {
              d.append(" GENERATED ALWAYS AS (").append(rs.getString(4)).append(") STORED");
            } else {
              copy.add(col);
              if (identity != null && !identity.isEmpty()) {
                d.append(" GENERATED ").append(identity.equals("a") ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
                String seqName = rs.getString(8);
                if (seqName != null) {
                  seq.setString(1, seqName);
                  try (ResultSet q = seq.executeQuery()) {
                    if (q.next()) {
                      d.append(" (SEQUENCE NAME ").append(seqName).append(sequenceOptions(q, 2)).append(')');
                    }
                  }
                }
              } else if (rs.getString(4) != null) {
                d.append(" DEFAULT ").append(rs.getString(4));
              }
            }
            if (rs.getBoolean(3)) {
              d.append(" NOT NULL");
            }
            defs.add(d.toString());
          }
        }
        out.add(new Table(name, "CREATE TABLE " + name + " (" + String.join(", ", defs) + ")", copy));
      }
    }
    return out;
  }

  /** Streams a table's rows from the source snapshot into the target with binary COPY. */
  private static long copyRows(Connection source, Connection target, Table t) throws SQLException {
    if (t.copyColumns().isEmpty()) {
      return 0;
    }
    String cols = String.join(", ", t.copyColumns());
    CopyManager out = source.unwrap(PGConnection.class).getCopyAPI();
    CopyManager in = target.unwrap(PGConnection.class).getCopyAPI();
    try (PipedInputStream pipeIn = new PipedInputStream(1 << 16)) {
      PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
      CompletableFuture<Long> producer = CompletableFuture.supplyAsync(() -> {
        try (pipeOut) {
          return out.copyOut("COPY (SELECT " + cols + " FROM " + t.name() + ") TO STDOUT (FORMAT binary)", pipeOut);
        } catch (SQLException | IOException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, r -> Thread.ofVirtual().name("ordo-copy-out").start(r));
      long n;
      try {
        n = in.copyIn("COPY " + t.name() + " (" + cols + ") FROM STDIN (FORMAT binary)", pipeIn);
      } catch (IOException e) {
        throw new SQLException("copying " + t.name() + " failed: " + e.getMessage(), SqlState.IO_ERROR.code(), e);
      }
      producer.get();
      return n;
    } catch (IOException e) {
      throw new SQLException("copying " + t.name() + " failed: " + e.getMessage(), SqlState.IO_ERROR.code(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while copying " + t.name(), SqlState.QUERY_CANCELED.code(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e.getCause();
      if (c instanceof SQLException se) {
        throw se;
      }
      throw new SQLException("reading " + t.name() + " from the source failed: " + c, SqlState.IO_ERROR.code(), c);
    }
  }

  private static LogPosition lastRecorded(Connection target) throws SQLException {
    try (Statement s = target.createStatement();
        ResultSet rs = s.executeQuery("SELECT LOG_INDEX, SUB_INDEX FROM ORDO.APPLIED "
            + "ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
      return rs.next() ? new LogPosition(rs.getLong(1), rs.getInt(2)) : LogPosition.ZERO;
    } catch (SQLException e) {
      throw new SQLException("the source replica has no Ordo bookkeeping (ORDO.APPLIED): " + e.getMessage(),
          SqlState.OBJECT_NOT_IN_STATE.code(), e);
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new SQLException("building the new replica failed at: " + sql + ": " + e.getMessage(), e.getSQLState(), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // Closed or broken: nothing to undo.
    }
  }
}
