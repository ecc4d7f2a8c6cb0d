package dev.ordo.sqltests.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small histories for tests as EDN text, line by line, numbering ops
 * and advancing time automatically; {@link #check()} parses the text with
 * {@link HistoryReader} and checks it.
 */
final class Hist {
  private final List<String> lines = new ArrayList<>();

  Hist invoke(int process, String value) {
    return line(process, "invoke", value);
  }

  Hist ok(int process, String value) {
    return line(process, "ok", value);
  }

  Hist fail(int process, String value) {
    return line(process, "fail", value);
  }

  Hist info(int process, String value) {
    return line(process, "info", value);
  }

  /** A transaction with nothing concurrent: invocation and completion back to back. */
  Hist txn(int process, String value) {
    return invoke(process, value).ok(process, value);
  }

  private Hist line(int process, String type, String value) {
    int index = lines.size();
    lines.add("{:index " + index + " :type :" + type + " :process " + process + " :f :txn :value " + value
        + " :time " + index * 1_000_000L + "}");
    return this;
  }

  String text() {
    return String.join("\n", lines) + "\n";
  }

  List<Op> ops() {
    try {
      return HistoryReader.read(new BufferedReader(new StringReader(text())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CheckResult check() {
    return ListAppendChecker.check(ops());
  }
}
