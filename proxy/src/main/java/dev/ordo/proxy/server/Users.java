package dev.ordo.proxy.server;

import dev.ordo.driver.wire.Scram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The users a node lets in, each with its roles and the SCRAM-SHA-256 verifier of its password (never the
 * password). A users file has one line per user, {@code name = role[,role] verifier}; {@code #} starts a comment.
 * {@code ordo user} adds or changes a line.
 */
public final class Users {
  /** What a user may do. */
  public enum Role {
    /** Run SQL: everything a session does. */
    APP,
    /** Also the operator commands that copy, wipe or expose replicas ({@code ORDO ADD/RESYNC REPLICA, STATUS}). */
    ADMIN
  }

  /** One user. */
  public record User(String name, Set<Role> roles, Scram.Verifier verifier) {
    public User {
      roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
      return roles.contains(Role.ADMIN);
    }
  }

  private final Map<String, User> byName;

  private Users(Map<String, User> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The single account of {@code --user}/{@code --password}: an administrator. */
  public static Users single(String user, String password) {
    return new Users(Map.of(user, new User(user, EnumSet.of(Role.APP, Role.ADMIN),
        Scram.Verifier.of(password, Scram.DEFAULT_ITERATIONS))));
  }

  /** These users and {@code more}'s; {@code more}'s win on a shared name. */
  public Users and(Users more) {
    Map<String, User> all = new LinkedHashMap<>(byName);
    all.putAll(more.byName);
    return new Users(all);
  }

  /**
   * Reads a users file.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed entry
   */
  public static Users load(Path file) throws IOException {
    Map<String, User> users = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        User u = parse(line);
        users.put(u.name(), u);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ", line " + (i + 1) + ": " + e.getMessage()
            + " (expected: name = role[,role] SCRAM-SHA-256$…, as 'ordo user' writes)", e);
      }
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no user: add one with 'ordo user --users " + file
          + " NAME --role admin'");
    }
    return new Users(users);
  }

  /** One line of a users file. */
  static User parse(String line) {
    int eq = line.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("no '=' after the user name");
    }
    String name = line.substring(0, eq).strip();
    if (!name.matches("[A-Za-z0-9_.@-]+")) {
      throw new IllegalArgumentException("user name '" + name + "': use letters, digits, '_', '.', '@', '-'");
    }
    String[] rest = line.substring(eq + 1).strip().split("\\s+");
    if (rest.length != 2) {
      throw new IllegalArgumentException("give the roles, then the verifier");
    }
    return new User(name, roles(rest[0]), Scram.Verifier.parse(rest[1]));
  }

  /** Roles written as {@code admin}, {@code app} or {@code app,admin}; admin implies app. */
  public static Set<Role> roles(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : text.split(",")) {
      try {
        roles.add(Role.valueOf(r.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown role '" + r + "' (roles: app, admin)", e);
      }
    }
    if (roles.contains(Role.ADMIN)) {
      roles.add(Role.APP);
    }
    return roles;
  }

  /** The line a users file holds for {@code user}. */
  public static String line(String name, Set<Role> roles, Scram.Verifier verifier) {
    List<String> names = new ArrayList<>();
    for (Role r : roles) {
      names.add(r.name().toLowerCase(Locale.ROOT));
    }
    return name + " = " + String.join(",", names) + " " + verifier;
  }

  /** The user of that name, or null. */
  public User find(String name) {
    return name == null ? null : byName.get(name);
  }

  public int size() {
    return byName.size();
  }
}
