# Sourced by ./ordo and the sql-tests scripts: runs a Maven build quietly.
# The build's own output (Maven, the parser generator's grammar report) goes to a log file; the user sees one
# progress line and, if the build fails, the end of that log.

# build_quietly WHAT LOG MVN_ARGS...  — e.g. build_quietly "the proxy" target/ordo-build.log -pl proxy -am package
build_quietly() {
  local what="$1" log="$2"
  shift 2
  mkdir -p "$(dirname "$log")"
  echo "ordo: building $what (full output in $log)..." >&2
  local started=$SECONDS
  if ! mvn -B -DskipTests "$@" >"$log" 2>&1; then
    echo "ordo: the build failed; the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
  echo "ordo: built in $((SECONDS - started)) s" >&2
}

# sql_tests_classpath ROOT — builds sql-tests and what it depends on (unless no main source or POM changed
# since the last build), then prints the class path to run its entry points (benchmarks, sqllogictest,
# workloads, the history checker) with.
sql_tests_classpath() {
  local root="$1" stamp="$1/sql-tests/target/classpath.txt"
  if [ -f "$stamp" ] && [ -z "$(find "$root" \( -path '*/src/main/*' -o -name pom.xml \) -newer "$stamp" \
      -print -quit 2>/dev/null)" ]; then
    echo "$root/sql-tests/target/classes:$(cat "$stamp")"
    return 0
  fi
  (cd "$root" && build_quietly "the Ordo test tools" "$root/sql-tests/target/build.log" -pl sql-tests -am package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) || return 1
  touch "$stamp" # Maven leaves the file alone when the class path did not change: it marks this build
  echo "$root/sql-tests/target/classes:$(cat "$root/sql-tests/target/classpath.txt")"
}
