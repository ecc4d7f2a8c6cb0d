package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.replica.LockManager.Mode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Work waits for the unfinished work of conflicting lock holders before it, and only for that. */
class WorkOrderTest {
  @Test
  void sharedWorkDoesNotWaitForSharedWorkButExclusiveWaitsForBoth() {
    WorkOrder order = new WorkOrder();
    CompletableFuture<Void> r1 = new CompletableFuture<>();
    CompletableFuture<Void> r2 = new CompletableFuture<>();
    order.releasedWhen(Map.of("T", Mode.S), r1);
    assertTrue(order.after(Map.of("T", Mode.S)).isDone(), "S after S runs at once");
    order.releasedWhen(Map.of("T", Mode.S), r2);
    CompletableFuture<Void> x = order.after(Map.of("T", Mode.X));
    r1.complete(null);
    assertFalse(x.isDone(), "X waits for every S before it");
    r2.complete(null);
    assertTrue(x.isDone());
  }

  @Test
  void workAfterAnExclusiveReleaseWaitsForItAloneAndOtherResourcesDoNotMatter() {
    WorkOrder order = new WorkOrder();
    CompletableFuture<Void> s = new CompletableFuture<>();
    CompletableFuture<Void> x = new CompletableFuture<>();
    order.releasedWhen(Map.of("T", Mode.S), s);
    order.releasedWhen(Map.of("T", Mode.X), x); // it waited for s
    assertTrue(order.after(Map.of("U", Mode.X)).isDone(), "another resource");
    CompletableFuture<Void> reader = order.after(Map.of("T", Mode.S));
    x.complete(null);
    assertTrue(reader.isDone(), "after X only X is waited for: it stood for what came before");
  }

  @Test
  void anUpdateLockDoesNotStandForTheSharedReleasesBeforeIt() {
    WorkOrder order = new WorkOrder();
    CompletableFuture<Void> s = new CompletableFuture<>();
    CompletableFuture<Void> u = new CompletableFuture<>();
    order.releasedWhen(Map.of("k", Mode.S), s);
    assertTrue(order.after(Map.of("k", Mode.U)).isDone(), "U does not wait for S");
    order.releasedWhen(Map.of("k", Mode.U), u);
    CompletableFuture<Void> x = order.after(Map.of("k", Mode.X));
    u.complete(null);
    assertFalse(x.isDone(), "X still waits for the S before the U");
    s.complete(null);
    assertTrue(x.isDone());
  }
}
