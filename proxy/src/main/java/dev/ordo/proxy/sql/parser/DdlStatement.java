package dev.ordo.proxy.sql.parser;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A DDL statement Ordo parses — {@code CREATE/ALTER/DROP TABLE}, {@code CREATE/DROP
 * INDEX}, {@code CREATE/ALTER/DROP SEQUENCE}, {@code CREATE/DROP VIEW},
 * {@code CREATE/DROP SCHEMA}, {@code CREATE EXTENSION}, {@code TRUNCATE},
 * {@code COMMENT ON} — reduced to what classification needs: its kind, the tables
 * whose definition or contents it changes, the tables it refers to (foreign-key
 * parents, the query of a view or of {@code CREATE TABLE … AS}), the sequences it
 * creates, changes or drops, and its expressions (defaults, checks, queries),
 * which {@link #getOperandList()} exposes to visitors.
 */
public final class DdlStatement extends SqlDdl {
  private final String description;
  private final List<SqlIdentifier> tablesChanged;
  private final List<SqlIdentifier> tablesReferenced;
  private final List<SqlIdentifier> sequences;
  private final List<SqlIdentifier> objects;
  private final List<SqlNode> expressions;

  private DdlStatement(Builder b, SqlParserPos pos) {
    super(new SqlSpecialOperator(b.description, b.kind), pos);
    this.description = b.description;
    this.tablesChanged = List.copyOf(b.tablesChanged);
    this.tablesReferenced = List.copyOf(b.tablesReferenced);
    this.sequences = List.copyOf(b.sequences);
    this.objects = List.copyOf(b.objects);
    this.expressions = List.copyOf(b.expressions);
  }

  /** What the statement does, e.g. {@code CREATE INDEX}. */
  public String description() {
    return description;
  }

  /** Tables (or views) whose definition or contents the statement changes. */
  public List<SqlIdentifier> tablesChanged() {
    return tablesChanged;
  }

  /** Tables the statement refers to without changing them. */
  public List<SqlIdentifier> tablesReferenced() {
    return tablesReferenced;
  }

  /** Sequences the statement creates, changes or drops. */
  public List<SqlIdentifier> sequences() {
    return sequences;
  }

  /** The objects named by the statement (tables, indexes, sequences, views, schemas, extensions). */
  public List<SqlIdentifier> objects() {
    return objects;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return expressions;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(description);
    for (SqlIdentifier id : objects) {
      id.unparse(writer, 0, 0);
    }
  }

  /** Collects a statement's parts while the parser reads it. */
  static final class Builder {
    private SqlKind kind;
    private String description;
    private final List<SqlIdentifier> tablesChanged = new ArrayList<>();
    private final List<SqlIdentifier> tablesReferenced = new ArrayList<>();
    private final List<SqlIdentifier> sequences = new ArrayList<>();
    private final List<SqlIdentifier> objects = new ArrayList<>();
    private final List<SqlNode> expressions = new ArrayList<>();

    Builder(SqlKind kind, String description) {
      this.kind = kind;
      this.description = description;
    }

    Builder kind(SqlKind kind, String description) {
      this.kind = kind;
      this.description = description;
      return this;
    }

    /** A table (or view) the statement creates, alters, drops or empties; also one of its objects. */
    Builder table(SqlIdentifier table) {
      tablesChanged.add(table);
      objects.add(table);
      return this;
    }

    /** A table whose definition changes without being the statement's object (the table of an index). */
    Builder changes(SqlIdentifier table) {
      tablesChanged.add(table);
      return this;
    }

    /** The table of a column named as {@code table.column}. */
    Builder changesTableOf(SqlIdentifier column) {
      if (column.names.size() > 1) {
        tablesChanged.add(column.skipLast(1));
      }
      return this;
    }

    Builder references(SqlIdentifier table) {
      tablesReferenced.add(table);
      return this;
    }

    /** The table of a column named as {@code table.column}, referred to. */
    Builder referencesTableOf(SqlIdentifier column) {
      if (column.names.size() > 1) {
        tablesReferenced.add(column.skipLast(1));
      }
      return this;
    }

    Builder sequence(SqlIdentifier sequence) {
      sequences.add(sequence);
      objects.add(sequence);
      return this;
    }

    Builder object(SqlIdentifier object) {
      objects.add(object);
      return this;
    }

    Builder expression(SqlNode e) {
      if (e != null) {
        expressions.add(e);
      }
      return this;
    }

    DdlStatement build(SqlParserPos pos) {
      return new DdlStatement(this, pos);
    }
  }
}
