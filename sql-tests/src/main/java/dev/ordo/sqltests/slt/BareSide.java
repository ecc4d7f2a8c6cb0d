package dev.ordo.sqltests.slt;

import java.sql.Connection;
import java.sql.SQLException;

/** The backend used directly: a new database per file, dropped after it. */
public final class BareSide implements Side {
  private final Backend backend;

  public BareSide(Backend backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return backend.kind().label();
  }

  @Override
  public FileRun run(ParsedFile file) throws Exception {
    Database db = backend.createBareDatabase();
    try {
      return new SltExecutor(db, this::configure).run(file, name(), null);
    } finally {
      backend.dropBareDatabase(db);
    }
  }

  private void configure(Connection c) {
    try {
      backend.configureSession(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set up a session on " + backend + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // The backend belongs to the caller.
  }
}
