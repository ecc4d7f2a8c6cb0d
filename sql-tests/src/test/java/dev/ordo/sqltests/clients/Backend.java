package dev.ordo.sqltests.clients;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.jooq.SQLDialect;

/**
 * The replica engines the client tests run against: H2 and PostgreSQL. Each
 * client test is a {@code @ParameterizedTest} over {@link #all()}; everything
 * that differs by engine is chosen here, in one place: how to start a node
 * whose replicas are of this engine, the jOOQ dialect, the Flyway migrations
 * and the product name Flyway must recognise, the schema unqualified names
 * resolve to, how the engine folds unquoted identifiers, the SQLState of a
 * foreign-key violation, and what DDL does inside a transaction. Another
 * engine is one more constant here plus its case in {@link #start},
 * {@link #name} and {@link #foreignKeyViolation} (the compiler asks for each).
 */
enum Backend {
  /** Three H2 file replicas: the embedded default. */
  H2(SQLDialect.H2, "H2", "classpath:db/clients/migration/h2", "PUBLIC", true),
  /**
   * Three fresh databases on three PostgreSQL servers shared by the test JVM
   * ({@code dev.ordo.sqltests.pg.PgServers}).
   */
  POSTGRESQL(SQLDialect.POSTGRES, "PostgreSQL", "classpath:db/clients/migration/postgresql", "public", false);

  /** The jOOQ dialect of the replicas' engine. */
  final SQLDialect dialect;
  /** {@code DatabaseMetaData.getDatabaseProductName()} through Ordo: what Flyway and jOOQ pick their support by. */
  final String productName;
  /** Where this engine's Flyway migrations are (the SQL differs little, but it is the engine's SQL). */
  final String migrations;
  /** The schema unqualified names resolve to. */
  final String defaultSchema;
  /**
   * Whether DDL with autocommit off commits the open transaction and runs by
   * itself, as the engine does on its own (H2); otherwise the DDL is part of
   * the transaction and commits or rolls back with it (PostgreSQL).
   */
  final boolean ddlCommitsTransaction;

  Backend(SQLDialect dialect, String productName, String migrations, String defaultSchema,
      boolean ddlCommitsTransaction) {
    this.dialect = dialect;
    this.productName = productName;
    this.migrations = migrations;
    this.defaultSchema = defaultSchema;
    this.ddlCommitsTransaction = ddlCommitsTransaction;
  }

  /** Every backend the client tests run against. */
  static Stream<Backend> all() {
    return Stream.of(values());
  }

  /** Starts one Ordo node with three replicas of this engine under {@code dir}, ready for clients. */
  OrdoNode start(Path dir) throws Exception {
    return switch (this) {
      case H2 -> Nodes.startReady(Nodes.embedded(dir, 3));
      case POSTGRESQL -> Nodes.startReady(Nodes.embedded(dir, 3, dev.ordo.proxy.config.Backend.POSTGRESQL));
    };
  }

  /** The SQLState of a foreign-key violation, which the engine chooses (the standard leaves it open). */
  String foreignKeyViolation() {
    return switch (this) {
      case H2 -> "23506";
      case POSTGRESQL -> "23503";
    };
  }

  /** An unquoted identifier as this engine stores it in its catalog. */
  String name(String unquoted) {
    return switch (this) {
      case H2 -> unquoted.toUpperCase(Locale.ROOT);
      case POSTGRESQL -> unquoted.toLowerCase(Locale.ROOT);
    };
  }
}
