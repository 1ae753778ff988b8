#!/usr/bin/env bash
# Fleet benchmark (issue 15): N simulated Virtual Chassis provisioned at once by one agent JVM (N PhoneHomeClients,
# agent-push staging) through one PhoneHomeServer JVM (HTTPS, loopback) and one image server JVM, each VC doing
# the whole SPEC section 4 process with every notification, reboots in compressed real time.
#
# Usage: bench/fleet/run.sh [--vcs N] [--members M] [--dialect juniper|rfc8572] [--in-flight K]
#          [--time-scale S] [--image-kib KIB] [--threads virtual|platform] [--pool CONNS] [--warmup W]
# It runs W VCs to warm up (not reported), then N/10, then N, and prints for each a detail line, the image
# server's bytes, and the line
#   fleet vcs=N members=M dialect=D in_flight=K wall_s=... vcs_per_min=... p99_vc_s=... agent_heap_mib=...
#         agent_threads=... server_cpu_ms_per_vc=... lost_notifications=...
# (the last line of the output is the one for N).
# Environment: AGENT_JAVA (default: Temurin 25 if installed, else java), SERVER_JAVA (default: java on PATH),
#   AGENT_JVM_OPTS (default -Xmx2g), SERVER_JVM_OPTS (default -Xmx2g), LOG_LEVEL (slf4j-simple, default warn).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/fleet"
WORK="$(mktemp -d /tmp/phc-fleet.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
if [[ -z "${AGENT_JAVA:-}" ]]; then
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then AGENT_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  else AGENT_JAVA=java; fi
fi
SERVER_JAVA="${SERVER_JAVA:-$(command -v java)}"
LOG_LEVEL="${LOG_LEVEL:-warn}"

echo "== building phc (package, no tests; nothing is installed into ~/.m2)" >&2
(cd "$ROOT" && mvn -o -q -B package -DskipTests -pl phc-testkit -am dependency:build-classpath \
  "-Dmdep.outputFile=$WORK/cp-\${project.artifactId}.txt" -Dmdep.includeScope=test >&2)
{ cat "$WORK/cp-phc-testkit.txt"; echo ":$ROOT/phc-testkit/target/phc-testkit-0.1.0-SNAPSHOT.jar"; } | tr -d '\n' > "$WORK/cp.txt"
# BoringSSL for the server, as the README recommends for a fleet (optional in phc-core; taken from its test scope).
NETTY="$(tr ':' '\n' < "$WORK/cp-phc-core.txt" | grep -E '/io/netty/' | paste -sd: -)"
# Copy the module jars so that another build in the same tree cannot change them under the run.
mkdir -p "$WORK/jars" "$WORK/classes"
CP=""
for j in $(tr ':' '\n' < "$WORK/cp.txt"); do
  case "$j" in
    "$ROOT"/*) cp "$j" "$WORK/jars/"; CP="$CP:$WORK/jars/$(basename "$j")" ;;
    *junit*|*jqwik*|*assertj*|*byte-buddy*|*mockwebserver*|*opentest4j*|*apiguardian*) ;;
    *) CP="$CP:$j" ;;
  esac
done
CP="${CP#:}:$NETTY"
javac -nowarn --release 17 -d "$WORK/classes" -cp "$CP" "$HERE"/src/dev/phonehome/phc/bench/fleet/*.java
CP="$WORK/classes:$CP"

echo "== load before the run: $(uptime | sed 's/.*load average/load average/'); $(nproc) cores" >&2
exec "$AGENT_JAVA" ${AGENT_JVM_OPTS:--Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel="$LOG_LEVEL" -cp "$CP" \
  dev.phonehome.phc.bench.fleet.FleetBench --server-java "$SERVER_JAVA" \
  --server-jvm-opts "${SERVER_JVM_OPTS:--Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=$LOG_LEVEL -Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=error" "$@"
