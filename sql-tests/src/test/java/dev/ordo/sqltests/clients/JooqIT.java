package dev.ordo.sqltests.clients;

import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.ForeignKey;
import org.jooq.Identity;
import org.jooq.Index;
import org.jooq.Meta;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.Schema;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.CustomRecord;
import org.jooq.impl.CustomTable;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.QOM;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jOOQ over a HikariCP pool, as an application uses it, in the replicas'
 * dialect: DDL, DSL queries, transactions (commit, rollback by exception,
 * nested savepoints), batches, generated keys and the metadata jOOQ reads
 * through {@code DatabaseMetaData}. The tables are declared the way jOOQ users
 * without the code generator declare them ({@link CustomTable}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JooqIT {
  BackendNodes nodes;
  /** Backends whose schema has been created. */
  final Set<Backend> ready = EnumSet.noneOf(Backend.class);

  @BeforeAll
  void start(@TempDir Path dir) {
    nodes = new BackendNodes(dir);
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  /** The backend's DSL over its pool, with the schema created on first use by jOOQ's own DDL. */
  private DSLContext dsl(Backend backend) throws Exception {
    DSLContext dsl = DSL.using(nodes.pool(backend), backend.dialect);
    if (ready.add(backend)) {
      dsl.createTable(Author.AUTHOR)
          .columns(Author.AUTHOR.ID, Author.AUTHOR.NAME)
          .constraints(constraint(name("author_pk")).primaryKey(Author.AUTHOR.ID))
          .execute();
      dsl.createTable(Book.BOOK)
          .columns(Book.BOOK.ID, Book.BOOK.AUTHOR_ID, Book.BOOK.TITLE, Book.BOOK.PUBLISHED)
          .constraints(
              constraint(name("book_pk")).primaryKey(Book.BOOK.ID),
              constraint(name("book_author_fk")).foreignKey(Book.BOOK.AUTHOR_ID)
                  .references(Author.AUTHOR, Author.AUTHOR.ID))
          .execute();
      dsl.createIndex("book_author_idx").on(Book.BOOK, Book.BOOK.AUTHOR_ID).execute();
    }
    return dsl;
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void dslQueries(Backend backend) throws Exception {
    DSLContext dsl = dsl(backend);
    Author a = Author.AUTHOR;
    Book b = Book.BOOK;
    long tolkien = dsl.insertInto(a, a.NAME).values("Tolkien").returningResult(a.ID).fetchOne().value1();
    long pratchett = dsl.insertInto(a, a.NAME).values("Pratchett").returningResult(a.ID).fetchOne().value1();
    assertEquals(3, dsl.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED)
        .values(tolkien, "The Hobbit", 1937)
        .values(tolkien, "The Silmarillion", 1977)
        .values(pratchett, "Mort", 1987)
        .execute());

    Result<Record2<String, Integer>> perAuthor = dsl.select(a.NAME, count(b.ID))
        .from(a).leftJoin(b).on(b.AUTHOR_ID.eq(a.ID))
        .where(a.ID.in(tolkien, pratchett))
        .groupBy(a.ID, a.NAME)
        .orderBy(a.NAME)
        .fetch();
    assertEquals(List.of("Pratchett=1", "Tolkien=2"), perAuthor.stream().map(r -> r.value1() + "=" + r.value2())
        .toList());
    assertEquals(List.of("The Hobbit", "The Silmarillion"), dsl.select(b.TITLE).from(b)
        .where(b.AUTHOR_ID.eq(tolkien)).orderBy(b.PUBLISHED).fetch(b.TITLE));
    assertTrue(dsl.fetchExists(dsl.selectFrom(b).where(b.TITLE.eq("Mort"))));
    assertEquals(1, dsl.update(b).set(b.PUBLISHED, 1938).where(b.TITLE.eq("The Hobbit")).execute());
    assertEquals(1938, dsl.select(b.PUBLISHED).from(b).where(b.TITLE.eq("The Hobbit")).fetchOne(b.PUBLISHED));
    assertEquals(1, dsl.deleteFrom(b).where(b.TITLE.eq("Mort")).execute());
    assertEquals(2, dsl.fetchCount(b, b.AUTHOR_ID.in(tolkien, pratchett)));

    // A deterministic error from the replicas arrives as jOOQ's DataAccessException with the SQLState.
    DataAccessException fk = assertThrows(DataAccessException.class,
        () -> dsl.insertInto(b, b.AUTHOR_ID, b.TITLE).values(-1L, "Orphan").execute());
    assertEquals(backend.foreignKeyViolation(), fk.sqlState(), fk.getMessage());
    Replicas.assertIdentical(nodes.node(backend));
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void transactions(Backend backend) throws Exception {
    DSLContext dsl = dsl(backend);
    Author a = Author.AUTHOR;
    Book b = Book.BOOK;
    long id = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      long author = tx.insertInto(a, a.NAME).values("Le Guin").returningResult(a.ID).fetchOne().value1();
      tx.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values(author, "A Wizard of Earthsea", 1968).execute();
      return author;
    });
    assertEquals(1, dsl.fetchCount(b, b.AUTHOR_ID.eq(id)));

    // An exception inside the transaction rolls all of it back.
    IllegalStateException boom = assertThrows(IllegalStateException.class, () -> dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      tx.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values(id, "The Dispossessed", 1974).execute();
      tx.update(a).set(a.NAME, "Ursula K. Le Guin").where(a.ID.eq(id)).execute();
      throw new IllegalStateException("changed my mind");
    }));
    assertEquals("changed my mind", boom.getMessage());
    assertEquals(1, dsl.fetchCount(b, b.AUTHOR_ID.eq(id)));
    assertEquals("Le Guin", dsl.select(a.NAME).from(a).where(a.ID.eq(id)).fetchOne(a.NAME));

    // A nested transaction is a savepoint: its rollback keeps the outer transaction's work.
    dsl.transaction(cfg -> {
      DSLContext outer = DSL.using(cfg);
      outer.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values(id, "The Lathe of Heaven", 1971).execute();
      assertThrows(IllegalStateException.class, () -> outer.transaction(inner -> {
        DSL.using(inner).insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values(id, "Never", 2100).execute();
        throw new IllegalStateException("inner only");
      }));
    });
    assertEquals(List.of("A Wizard of Earthsea", "The Lathe of Heaven"), dsl.select(b.TITLE).from(b)
        .where(b.AUTHOR_ID.eq(id)).orderBy(b.PUBLISHED).fetch(b.TITLE));

    // A failing statement rolls the transaction back; jOOQ reports the statement's own error.
    DataAccessException dup = assertThrows(DataAccessException.class, () -> dsl.transaction(cfg -> {
      DSLContext tx = DSL.using(cfg);
      tx.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values(id, "The Word for World Is Forest", 1972)
          .execute();
      tx.insertInto(a, a.ID, a.NAME).values(id, "duplicate id").execute();
    }));
    assertEquals("23505", dup.sqlState(), dup.getMessage());
    assertEquals(2, dsl.fetchCount(b, b.AUTHOR_ID.eq(id)));
    Replicas.assertIdentical(nodes.node(backend));
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void batches(Backend backend) throws Exception {
    DSLContext dsl = dsl(backend);
    Author a = Author.AUTHOR;
    Book b = Book.BOOK;
    List<AuthorRecord> authors = new ArrayList<>();
    for (String n : List.of("Austen", "Brontë", "Eliot")) {
      AuthorRecord r = dsl.newRecord(a);
      r.setValue(a.NAME, n);
      authors.add(r);
    }
    int[] counts = dsl.batchInsert(authors).execute();
    assertArrayEquals(new int[] {1, 1, 1}, counts);
    List<Long> ids = dsl.select(a.ID).from(a).where(a.NAME.in("Austen", "Brontë", "Eliot")).orderBy(a.ID)
        .fetch(a.ID);
    assertEquals(3, ids.size());

    // One statement, many bind value sets: a JDBC batch of one PreparedStatement.
    int[] bound = dsl.batch(dsl.insertInto(b, b.AUTHOR_ID, b.TITLE, b.PUBLISHED).values((Long) null, null, null))
        .bind(ids.get(0), "Emma", 1815)
        .bind(ids.get(0), "Persuasion", 1817)
        .bind(ids.get(1), "Villette", 1853)
        .bind(ids.get(2), "Middlemarch", 1871)
        .execute();
    assertArrayEquals(new int[] {1, 1, 1, 1}, bound);
    // Different statements in one batch; a batch is atomic, so a failing item leaves nothing behind.
    assertThrows(DataAccessException.class, () -> dsl.batch(
        dsl.insertInto(b, b.AUTHOR_ID, b.TITLE).values(ids.get(2), "Silas Marner"),
        dsl.insertInto(b, b.AUTHOR_ID, b.TITLE).values(-5L, "no such author")).execute());
    assertEquals(0, dsl.fetchCount(b, b.TITLE.eq("Silas Marner")));
    assertEquals(4, dsl.fetchCount(b, b.AUTHOR_ID.in(ids)));
    Replicas.assertIdentical(nodes.node(backend));
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void generatedKeys(Backend backend) throws Exception {
    DSLContext dsl = dsl(backend);
    Author a = Author.AUTHOR;
    Record1<Long> one = dsl.insertInto(a, a.NAME).values("Borges").returningResult(a.ID).fetchOne();
    assertNotNull(one);
    long first = one.value1();
    Result<Record1<Long>> two = dsl.insertInto(a, a.NAME).values("Calvino").values("Cortázar")
        .returningResult(a.ID).fetch();
    assertEquals(List.of(first + 1, first + 2), two.getValues(a.ID));
    AuthorRecord whole = dsl.insertInto(a, a.NAME).values("Eco").returning().fetchOne();
    assertEquals(first + 3, whole.getValue(a.ID));
    assertEquals("Eco", whole.getValue(a.NAME));

    // TableRecord.insert() fetches the identity into the record.
    AuthorRecord stored = dsl.newRecord(a);
    stored.setValue(a.NAME, "Kafka");
    assertEquals(1, stored.insert());
    assertEquals(first + 4, stored.getValue(a.ID));
    assertEquals("Kafka", dsl.select(a.NAME).from(a).where(a.ID.eq(first + 4)).fetchOne(a.NAME));
    Replicas.assertIdentical(nodes.node(backend));
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void metadataFromTheDatabase(Backend backend) throws Exception {
    DSLContext dsl = dsl(backend);
    Meta meta = dsl.meta();
    List<String> schemas = meta.getSchemas().stream().map(Schema::getName).toList();
    assertTrue(schemas.contains(backend.defaultSchema), schemas.toString());
    assertFalse(schemas.contains("ORDO"), "Ordo's bookkeeping schema is hidden: " + schemas);

    Table<?> author = table(meta, backend, "author");
    Table<?> book = table(meta, backend, "book");
    assertEquals(List.of("id", "name"), names(author.fields()));
    assertEquals(List.of("id", "author_id", "title", "published"), names(book.fields()));
    assertEquals(SQLDataType.VARCHAR.getSQLType(), book.field("title").getDataType().getSQLType());
    assertEquals(200, book.field("title").getDataType().length());
    assertFalse(book.field("title").getDataType().nullable());
    assertTrue(book.field("published").getDataType().nullable());

    assertEquals(List.of("id"), names(author.getPrimaryKey().getFields().toArray(Field[]::new)));
    assertEquals(List.of("id"), names(book.getPrimaryKey().getFields().toArray(Field[]::new)));
    List<? extends ForeignKey<?, ?>> refs = book.getReferences();
    assertEquals(1, refs.size(), refs.toString());
    assertEquals("author", refs.get(0).getKey().getTable().getName());
    assertEquals(List.of("author_id"), names(refs.get(0).getFields().toArray(Field[]::new)));
    assertEquals(List.of(), author.getReferences());
    List<String> indexes = book.getIndexes().stream().map(Index::getName).toList();
    assertTrue(indexes.stream().anyMatch(i -> i.equalsIgnoreCase("book_author_idx")), indexes.toString());
  }

  private static Table<?> table(Meta meta, Backend backend, String name) {
    return meta.getTables().stream()
        .filter(t -> t.getName().equals(name) && t.getSchema() != null
            && t.getSchema().getName().equals(backend.defaultSchema))
        .findFirst().orElseThrow(() -> new AssertionError("no table " + name + " in " + meta.getTables()));
  }

  private static List<String> names(Field<?>[] fields) {
    List<String> out = new ArrayList<>();
    for (Field<?> f : fields) {
      out.add(f.getName());
    }
    return out;
  }

  /** {@code author}, declared without the code generator. */
  public static final class Author extends CustomTable<AuthorRecord> {
    private static final long serialVersionUID = 1L;
    static final Author AUTHOR = new Author();

    final TableField<AuthorRecord, Long> ID =
        createField(name("id"), SQLDataType.BIGINT.nullable(false).generatedByDefaultAsIdentity());
    final TableField<AuthorRecord, String> NAME = createField(name("name"), SQLDataType.VARCHAR(100).nullable(false));

    private Author() {
      super(name("author"));
    }

    @Override
    public Class<AuthorRecord> getRecordType() {
      return AuthorRecord.class;
    }

    @Override
    public Identity<AuthorRecord, Long> getIdentity() {
      return Internal.createIdentity(this, ID);
    }

    @Override
    public UniqueKey<AuthorRecord> getPrimaryKey() {
      return Internal.createUniqueKey(this, name("author_pk"), ID);
    }
  }

  public static final class AuthorRecord extends CustomRecord<AuthorRecord> {
    private static final long serialVersionUID = 1L;

    public AuthorRecord() {
      super(Author.AUTHOR);
    }
  }

  /** {@code book}, referencing {@code author}. */
  public static final class Book extends CustomTable<BookRecord> {
    private static final long serialVersionUID = 1L;
    static final Book BOOK = new Book();

    final TableField<BookRecord, Long> ID = createField(name("id"), SQLDataType.BIGINT.nullable(false).generatedByDefaultAsIdentity());
    final TableField<BookRecord, Long> AUTHOR_ID = createField(name("author_id"), SQLDataType.BIGINT.nullable(false));
    final TableField<BookRecord, String> TITLE = createField(name("title"), SQLDataType.VARCHAR(200).nullable(false));
    final TableField<BookRecord, Integer> PUBLISHED = createField(name("published"), SQLDataType.INTEGER);

    private Book() {
      super(name("book"));
    }

    @Override
    public Class<BookRecord> getRecordType() {
      return BookRecord.class;
    }

    @Override
    public Identity<BookRecord, Long> getIdentity() {
      return Internal.createIdentity(this, ID);
    }

    @Override
    public UniqueKey<BookRecord> getPrimaryKey() {
      return Internal.createUniqueKey(this, name("book_pk"), ID);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"}) // jOOQ takes arrays of generic key fields
    public List<ForeignKey<BookRecord, ?>> getReferences() {
      TableField<BookRecord, ?>[] from = new TableField[] {AUTHOR_ID};
      TableField<AuthorRecord, ?>[] to = new TableField[] {Author.AUTHOR.ID};
      return List.of(Internal.createForeignKey(this, name("book_author_fk"), from, Author.AUTHOR.getPrimaryKey(), to,
          true, QOM.ForeignKeyRule.NO_ACTION, QOM.ForeignKeyRule.NO_ACTION));
    }
  }

  public static final class BookRecord extends CustomRecord<BookRecord> {
    private static final long serialVersionUID = 1L;

    public BookRecord() {
      super(Book.BOOK);
    }
  }
}
