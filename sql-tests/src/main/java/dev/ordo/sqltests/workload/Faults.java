package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.Keyword;
import dev.ordo.sqltests.history.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs a {@link FaultSchedule} against a {@link FaultTarget} on its own thread,
 * recording each step as a nemesis {@code :invoke} / {@code :info} pair in the
 * history (the list-append checker ignores non-client ops).
 */
public final class Faults implements AutoCloseable {
  private final FaultSchedule schedule;
  private final FaultTarget target;
  private final Recorder recorder;
  private final List<String> done = Collections.synchronizedList(new ArrayList<>());
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  private final Object sleeper = new Object();
  private boolean stopped;

  /** Checks the schedule against the target and starts the runner; times count from now. */
  public Faults(FaultSchedule schedule, FaultTarget target, Recorder recorder) {
    for (FaultSchedule.Step s : schedule.steps()) {
      if (!target.supported().contains(s.action())) {
        throw new IllegalArgumentException("this target cannot perform " + s + "; it supports "
            + target.supported().stream().map(FaultSchedule.Action::text).toList());
      }
    }
    this.schedule = schedule;
    this.target = target;
    this.recorder = recorder;
    this.thread = Thread.ofPlatform().name("ordo-faults").daemon(true).start(this::run);
  }

  private void run() {
    for (FaultSchedule.Step step : schedule.steps()) {
      long wait = step.at().toNanos() - (System.nanoTime() - startNanos);
      // Never interrupt a step in progress: an interrupted thread closes H2's file channels.
      synchronized (sleeper) {
        while (!stopped && wait > 0) {
          try {
            sleeper.wait(Math.max(1, wait / 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
          wait = step.at().toNanos() - (System.nanoTime() - startNanos);
        }
        if (stopped) {
          return;
        }
      }
      Keyword f = Keyword.of(step.action().text());
      recorder.record(Op.Type.INVOKE, Recorder.NEMESIS, f, step.args(), null);
      try {
        String what = target.apply(step);
        recorder.record(Op.Type.INFO, Recorder.NEMESIS, f, what, null);
        done.add(step + " -> " + what);
        System.out.printf("fault %s: %s%n", step, what);
      } catch (Exception e) {
        recorder.record(Op.Type.INFO, Recorder.NEMESIS, f, step.args(), String.valueOf(e));
        problems.add(step + ": " + e);
        System.out.printf("fault %s failed: %s%n", step, e);
      }
    }
  }

  /** Waits for every step to finish (or the timeout, in milliseconds). */
  public void await(long millis) throws InterruptedException {
    thread.join(millis);
  }

  /** Steps performed, with what they did. */
  public List<String> injected() {
    return List.copyOf(done);
  }

  /** Steps that could not be performed. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (sleeper) {
      stopped = true;
      sleeper.notifyAll();
    }
    thread.join(60_000);
  }
}
