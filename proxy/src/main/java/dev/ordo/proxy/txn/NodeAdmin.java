package dev.ordo.proxy.txn;

import dev.ordo.driver.wire.ResultData;
import java.sql.SQLException;

/** What an operator can ask of a running node through an ordinary connection ({@code ORDO ...} commands). */
public interface NodeAdmin {
  /**
   * One row per replica: name, engine, state, applied index, last applied position, last checkpoint and digest
   * reported, last problem.
   */
  ResultData replicaStatus();

  /**
   * Adds a replica to the running node: copies a healthy replica (or {@code from})
   * into the empty database at {@code jdbcUrl} at one consistent point, then the
   * new replica follows the log from there. Returns one row describing the copy.
   */
  ResultData addReplica(String name, String jdbcUrl, String user, String password, String from) throws SQLException;

  /**
   * Resynchronises a fenced (or failing) replica from a healthy one (or {@code from}):
   * empties it, copies the source as of one consistent point of the log, and lets
   * it follow the log from there. Returns one row describing the copy.
   */
  ResultData resyncReplica(String name, String from) throws SQLException;
}
