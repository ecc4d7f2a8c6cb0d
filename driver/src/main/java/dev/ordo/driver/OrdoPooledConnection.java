package dev.ordo.driver;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.ConnectionEvent;
import javax.sql.ConnectionEventListener;
import javax.sql.PooledConnection;
import javax.sql.StatementEventListener;

/**
 * One physical connection to a node, lent by a pool as logical handles ({@link #getConnection()}): closing a
 * handle tells the pool's listeners the connection is free again ({@code connectionClosed}) and leaves the
 * physical connection open; an error that broke the connection (SQLState class 08) tells them to discard it
 * ({@code connectionErrorOccurred}). A new handle closes the previous one. A closed handle answers every call
 * but {@code close}, {@code isClosed} and {@code isValid} with 08003.
 */
final class OrdoPooledConnection implements PooledConnection {
  private final Connection physical;
  private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
  private Handle current;
  private boolean closed;

  OrdoPooledConnection(Connection physical) {
    this.physical = physical;
  }

  @Override
  public synchronized Connection getConnection() throws SQLException {
    if (closed) {
      throw SqlExceptions.create(SqlState.CONNECTION_DOES_NOT_EXIST,
          "This pooled connection is closed; ask the data source for a new one.");
    }
    if (current != null) {
      current.closed = true; // a pool hands out one handle at a time
    }
    if (!physical.getAutoCommit()) {
      physical.rollback(); // what the previous borrower left open does not reach the next
      physical.setAutoCommit(true);
    }
    current = new Handle();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        current);
  }

  @Override
  public synchronized void close() throws SQLException {
    closed = true;
    if (current != null) {
      current.closed = true;
    }
    physical.close();
  }

  @Override
  public void addConnectionEventListener(ConnectionEventListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeConnectionEventListener(ConnectionEventListener listener) {
    listeners.remove(listener);
  }

  /** Statement pooling is not offered: prepared statements are cheap on a node (it keeps no server-side plan). */
  @Override
  public void addStatementEventListener(StatementEventListener listener) {}

  @Override
  public void removeStatementEventListener(StatementEventListener listener) {}

  /** A logical connection: everything goes to the physical one until it is closed. */
  private final class Handle implements InvocationHandler {
    volatile boolean closed;

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          if (!closed) {
            closed = true;
            ConnectionEvent event = new ConnectionEvent(OrdoPooledConnection.this);
            listeners.forEach(l -> l.connectionClosed(event));
          }
          return null;
        }
        case "isClosed" -> {
          return closed || physical.isClosed();
        }
        case "isValid" -> {
          if (closed) {
            return false;
          }
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "pooled handle " + (closed ? "(closed) " : "") + "of " + physical;
        }
        case "unwrap", "isWrapperFor" -> {
          // answered by the physical connection below (an OrdoConnection)
        }
        default -> {
          if (closed) {
            throw SqlExceptions.create(SqlState.CONNECTION_DOES_NOT_EXIST, "This connection was closed (returned "
                + "to its pool); call " + method.getName() + " on a connection borrowed again.");
          }
        }
      }
      try {
        return method.invoke(physical, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08")) {
          ConnectionEvent event = new ConnectionEvent(OrdoPooledConnection.this, se);
          listeners.forEach(l -> l.connectionErrorOccurred(event));
        }
        throw cause;
      }
    }
  }
}
