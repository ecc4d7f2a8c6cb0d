package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ordo.proxy.config.Backend;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bookkeeping tables of a replica, on a real (in-memory) H2 database. */
class BookkeepingTest {
  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = DriverManager.getConnection("jdbc:h2:mem:bookkeeping-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=0");
    Bookkeeping.install(c, Backend.H2);
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void aCheckpointIsReadBackAsRecordedWithOrWithoutATableHash() throws SQLException {
    Bookkeeping.Checkpoint hashed = new Bookkeeping.Checkpoint(new LogPosition(10, 0), 0x1234L, 0x5678L);
    Bookkeeping.Checkpoint plain = new Bookkeeping.Checkpoint(new LogPosition(20, 1), 0xf8cd7e40a9fb2746L, null);
    Bookkeeping.recordCheckpoint(c, hashed);
    Bookkeeping.recordCheckpoint(c, plain);

    assertEquals(hashed, Bookkeeping.checkpointAt(c, new LogPosition(10, 0)));
    assertEquals(plain, Bookkeeping.checkpointAt(c, new LogPosition(20, 1)));
    assertNull(Bookkeeping.checkpointAt(c, new LogPosition(20, 0)), "nothing recorded there");

    assertEquals(hashed, Bookkeeping.lastCheckpointBefore(c, new LogPosition(20, 1)));
    assertEquals(plain, Bookkeeping.lastCheckpointBefore(c, new LogPosition(21, 0)));
    assertNull(Bookkeeping.lastCheckpointBefore(c, new LogPosition(10, 0)), "none before the first");
    assertEquals(plain, Bookkeeping.lastCheckpoint(c));
  }

  @Test
  void aTableHashOfZeroIsNotTakenForAMissingOne() throws SQLException {
    Bookkeeping.Checkpoint zero = new Bookkeeping.Checkpoint(new LogPosition(5, 0), 0L, 0L);
    Bookkeeping.recordCheckpoint(c, zero);
    assertEquals(zero, Bookkeeping.checkpointAt(c, new LogPosition(5, 0)));
  }
}
