package dev.ordo.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ordo serve} refuses to start open to the network, or with a password nobody is asked for. */
class ServeCredentialsTest {
  private static String refusal(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new OrdoCommand());
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute(args), err.toString());
    return err.toString();
  }

  @Test
  void aBindBeyondLoopbackWithoutCredentialsIsRefused() {
    String err = refusal("serve", "--bind", "0.0.0.0");
    assertTrue(err.contains("refusing to listen on 0.0.0.0 without authentication"), err);
  }

  @Test
  void aPasswordWithoutAUserIsRefused() {
    String err = refusal("serve", "--password", "secret");
    assertTrue(err.contains("a password is set (--password) but no --user"), err);
  }

  @Test
  void aUserWithoutAPasswordIsRefused() {
    String err = refusal("serve", "--user", "app");
    assertTrue(err.contains("--user app has no password"), err);
  }

  @Test
  void loopbackWithoutCredentialsAndABindWithThemPassTheCheck() {
    OrdoCommand.Serve loopback = new OrdoCommand.Serve();
    new CommandLine(loopback).parseArgs("--bind", "127.0.0.2");
    assertEquals("127.0.0.2", loopback.toConfig().bindHost());
    OrdoCommand.Serve open = new OrdoCommand.Serve();
    new CommandLine(open).parseArgs("--bind", "0.0.0.0", "--user", "app", "--password", "secret");
    assertEquals("app", open.toConfig().user());
  }
}
