package dev.ordo.sqltests.slt;

/** One side of the comparison: where test files run. */
public interface Side extends AutoCloseable {
  /** The name in reports: {@code ordo}, or the backend's ({@code h2}, {@code postgresql}). */
  String name();

  /** Runs one file from a clean database and leaves the database clean for the next. */
  FileRun run(ParsedFile file) throws Exception;

  @Override
  void close() throws Exception;
}
