# Sourced by ./ordo, ./run-tests and .ci/run: finds a JDK 21 or newer.
# Prints its home on stdout, or explains on stderr and returns 1.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F= '/java.specification.version/ { gsub(/ /, "", $2); print $2 }' \
    | cut -d. -f1
}

find_jdk() {
  local best="" best_major=0 candidate major
  for candidate in "${JAVA_HOME:-}" $(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")") /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    [ -n "$major" ] || continue
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "Ordo needs a JDK 21 or newer (with javac). None was found in JAVA_HOME (${JAVA_HOME:-unset}), on the PATH, or under /usr/lib/jvm." >&2
    echo "Install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
    return 1
  fi
  echo "$best"
}

# Prints the JVM options Ordo's processes run with: Ratis and Netty use native access and sun.misc.Unsafe;
# saying so keeps the JVM from warning about it. Usage: read -ra opts <<< "$(ordo_jvm_opts "$JAVA_HOME")"
ordo_jvm_opts() {
  local opts="--enable-native-access=ALL-UNNAMED"
  if [ "$(java_major "$1")" -ge 23 ]; then
    opts="$opts --sun-misc-unsafe-memory-access=allow"
  fi
  echo "$opts"
}
