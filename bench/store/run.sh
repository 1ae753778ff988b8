#!/usr/bin/env bash
# Server state benchmark (issue 11): notifications/s through the real HTTPS server (embedded PhoneHomeServer,
# Jetty, BoringSSL) into each store, in one run: in-memory (the peer: nothing durable), the embedded file
# databases (SQLite, H2; phc serve's default is SQLite) and PostgreSQL; with keep-alive connections and with a new
# TLS connection per request. Every notification has its own notification id (so each is stored, not a
# duplicate) and goes to one of $DEVICES devices. Reports notifications/s, p50/p99, each durable store's ratio to
# in-memory, and server CPU per notification (the phc JVM, and of it the JIT compiler threads; for PostgreSQL also
# the postgres processes, and of them the backends serving the benchmark's database).
# Loopback only; every run is bounded in time. One command: bench/store/run.sh
# Knobs (environment): DURATION (s, default 10), WARMUP (s, default 20: on a loaded 2-core machine the JIT was
#   still compiling the durable stores' paths after 5 s), CONNS_KA (32), CONNS_NC (16), DEVICES (256),
#   STORES ("memory sqlite h2 postgresql"), MODES ("keepalive newconn"),
#   MAX_BATCH (group commit size, default 256; 1 = one commit per write),
#   WRITERS (PostgreSQL writer threads, default 2), JAVA_OPTS (the server JVM's),
#   DURING_RUN (a command run alongside each measured run, with SERVER_PID, KIND, MODE set: a profiler, strace),
#   PHC_BENCH_JDBC_URL (default jdbc:postgresql://127.0.0.1:5432/postgres; a database phc_bench_<pid> is created
#   there and dropped), PHC_BENCH_JDBC_USER / PHC_BENCH_JDBC_PASSWORD (phc / phc).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-20}
CONNS_KA=${CONNS_KA:-32}
CONNS_NC=${CONNS_NC:-16}
DEVICES=${DEVICES:-256}
STORES=${STORES:-"memory sqlite h2 postgresql"}
MODES=${MODES:-"keepalive newconn"}
MAX_BATCH=${MAX_BATCH:-256}
PORT=${PORT:-18543}
ADMIN_URL=${PHC_BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}
DB_USER=${PHC_BENCH_JDBC_USER:-phc}
DB_PASSWORD=${PHC_BENCH_JDBC_PASSWORD:-phc}
BENCH_DB=phc_bench_$$
WORK=$(mktemp -d /tmp/phc-bench-store.XXXXXX)
SERVER_PID=""
PG_CREATED=""

psql_admin() { # SQL on the PostgreSQL server (host/port parsed from the JDBC URL)
  local hp; hp=$(echo "$ADMIN_URL" | sed -E 's#jdbc:postgresql://([^/]+)/.*#\1#')
  PGPASSWORD=$DB_PASSWORD psql -q -h "${hp%%:*}" -p "$( [ "${hp#*:}" != "$hp" ] && echo "${hp#*:}" || echo 5432)" \
    -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -c "$1"
}
psql_admin_q() { # a query's rows, unaligned, no header
  local hp; hp=$(echo "$ADMIN_URL" | sed -E 's#jdbc:postgresql://([^/]+)/.*#\1#')
  PGPASSWORD=$DB_PASSWORD psql -qAt -h "${hp%%:*}" -p "$( [ "${hp#*:}" != "$hp" ] && echo "${hp#*:}" || echo 5432)" \
    -U "$DB_USER" -d postgres -c "$1"
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    exec 7>&- 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ -n "$PG_CREATED" ]; then psql_admin "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" || true; fi
}
trap cleanup EXIT

echo "== building phc (no tests, no install)"
# phc-cli's runtime classpath: the server, phc-store-jdbc, SQLite and PostgreSQL drivers, Netty + BoringSSL.
(cd "$ROOT" && (mvn -o -q -B package dependency:build-classpath -DskipTests -Dmdep.outputFile="$WORK/cp.txt" \
    -pl phc-cli -am \
  || mvn -q -B package dependency:build-classpath -DskipTests -Dmdep.outputFile="$WORK/cp.txt" -pl phc-cli -am) \
  >/dev/null)
# Copy the jars, so that another build in the same tree cannot change them under the run.
mkdir -p "$WORK/jars"
for m in phc-api phc-core phc-server phc-store-jdbc; do cp "$ROOT/$m/target/$m-0.1.0-SNAPSHOT.jar" "$WORK/jars/"; done
CP="$(ls "$WORK"/jars/*.jar | tr '\n' ':')$(tr ':' '\n' <"$WORK/cp.txt" | grep -v '/phc-[a-z-]*/target/' | tr '\n' ':')"
# H2 is not in phc-cli (it serves SQLite and PostgreSQL); the benchmark measures it as the other embedded candidate.
H2=$(find ~/.m2/repository/com/h2database/h2 -name 'h2-2.5.252.jar' | head -1)
[ -n "$H2" ] || (cd "$ROOT" && mvn -q -B dependency:get -Dartifact=com.h2database:h2:2.5.252 >/dev/null)
H2=$(find ~/.m2/repository/com/h2database/h2 -name 'h2-2.5.252.jar' | head -1)
CP="$CP:$H2"
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT"/bench/store/src/*.java
CP="$WORK/classes:$CP"

echo "== TLS material (EC P-256)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -passout pass:bench -out "$WORK/server.p12"

if ! command -v wrk >/dev/null 2>&1; then
  (apt-get install -y -qq wrk >/dev/null 2>&1) || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
fi

# One Lua script per wrk invocation: a fresh notification run id, so every request is a new notification.
lua_script() { # file
  {
    echo "local run = \"b$(date +%s%N | tail -c 12)\""
    echo "local devices = $DEVICES"
    echo "local auth = {}"
    for i in $(seq 0 $((DEVICES - 1))); do
      printf 'auth[%d] = "Basic %s"\n' "$i" "$(printf 'BENCH%04d:' "$i" | base64)"
    done
    cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  local d = n % devices
  local serial = string.format("BENCH%04d", d)
  local body = '<notification xmlns="http://juniper.net/zerotouch-bootstrap-server">'
    .. '<notification-type>informational</notification-type><message>bench ' .. n .. '</message>'
    .. '<notification-id>' .. run .. '-' .. n .. '</notification-id></notification>'
  local headers = {}
  headers["Authorization"] = auth[d]
  headers["Content-Type"] = "application/yang-data+xml"
  if wrk.close_each then headers["Connection"] = "close" end
  return wrk.format("POST", "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" .. serial
    .. "/notification", headers, body)
end
LUA
  } >"$1"
}

cpu_ticks() { # total user+system clock ticks of the given pids
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
pg_pids() { pgrep -u postgres postgres | tr '\n' ' '; }
bench_db_pids() { # the PostgreSQL backends serving the benchmark's database (the server's pool)
  psql_admin_q "SELECT pid FROM pg_stat_activity WHERE datname = '$BENCH_DB'" | tr '\n' ' '
}
jit_ticks() { # CPU clock ticks of the JVM's JIT compiler threads (still compiling hot code after the warm-up)
  local t=0 d
  for d in /proc/"$1"/task/*; do
    case "$(cat "$d/comm" 2>/dev/null)" in
      # utime and stime are fields 14 and 15 of stat, counted after the ")" that ends the name (it has a space)
      C1\ Compiler*|C2\ Compiler*) t=$((t + $(sed 's/.*) //' "$d/stat" 2>/dev/null | awk '{print $12+$13}' || echo 0))) ;;
    esac
  done
  echo "$t"
}

start_server() { # kind
  local extra=()
  if [ "$1" = postgresql ]; then
    local url="${ADMIN_URL%/*}/$BENCH_DB"
    extra=("$url" "$DB_USER" "$DB_PASSWORD")
  fi
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  exec 7> >(java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn StoreBenchServer "$1" "$PORT" \
    "$WORK/server.p12" bench "$WORK/data" "$DEVICES" "$MAX_BATCH" "${extra[@]}" >"$WORK/server-$1.log" 2>&1)
  SERVER_PID=$!
  sleep 0.5
  SERVER_PID=$(pgrep -f "StoreBenchServer $1 $PORT" | head -1)
  for _ in $(seq 1 150); do grep -q READY "$WORK/server-$1.log" 2>/dev/null && break; sleep 0.2; done
  grep READY "$WORK/server-$1.log" || { cat "$WORK/server-$1.log"; exit 1; }
}

declare -A RATE CPU JIT PGB
run() { # kind mode conns
  local close=false; [ "$2" = newconn ] && close=true
  lua_script "$WORK/warm.lua"; echo "wrk.close_each = $close" >>"$WORK/warm.lua"
  wrk -t1 -c"$3" -d"${WARMUP}s" -s "$WORK/warm.lua" "https://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
  lua_script "$WORK/run.lua"; echo "wrk.close_each = $close" >>"$WORK/run.lua"
  local pids="$SERVER_PID" dbp="" bep=""
  [ "$1" = postgresql ] && dbp=$(pg_pids) && bep=$(bench_db_pids)
  # shellcheck disable=SC2086
  local c0 d0 b0 j0; c0=$(cpu_ticks $pids); d0=$(cpu_ticks $dbp); b0=$(cpu_ticks $bep); j0=$(jit_ticks "$SERVER_PID")
  local hook=""
  if [ -n "${DURING_RUN:-}" ]; then # e.g. a profiler attached for the measured run only
    SERVER_PID=$SERVER_PID KIND=$1 MODE=$2 bash -c "$DURING_RUN" & hook=$!
  fi
  local out; out=$(wrk -t1 -c"$3" -d"${DURATION}s" --latency -s "$WORK/run.lua" "https://127.0.0.1:$PORT/" 2>&1)
  [ -z "$hook" ] || wait "$hook" || true
  # shellcheck disable=SC2086
  local c1 d1 b1 j1; c1=$(cpu_ticks $pids); d1=$(cpu_ticks $dbp); b1=$(cpu_ticks $bep); j1=$(jit_ticks "$SERVER_PID")
  echo "$out" >"$WORK/wrk-$1-$2.txt"
  local rps p50 p99 n errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  # A non-2xx answer is a notification not stored: count the 2xx ones only.
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
  if [ "$non2xx" != 0 ] && [ -n "$n" ]; then
    rps=$(awk -v n="$n" -v e="$non2xx" -v r="$rps" 'BEGIN { printf "%.2f", r * (n - e) / n }')
  fi
  local cpu_us=$(( n > 0 ? (c1 - c0) * 10000 / n : 0 ))
  local db_us=$(( n > 0 ? (d1 - d0) * 10000 / n : 0 ))
  local be_us=$(( n > 0 ? (b1 - b0) * 10000 / n : 0 ))
  local jit_us=$(( n > 0 ? (j1 - j0) * 10000 / n : 0 ))
  RATE[$1-$2]=$rps; CPU[$1-$2]=$cpu_us; JIT[$1-$2]=$jit_us
  [ -z "$dbp" ] || PGB[$1-$2]=$be_us
  echo "$1 $2 connections=$3 notifications_per_s=$rps p50=$p50 p99=$p99 server_cpu_us_per_notification=$cpu_us (JIT compiler threads $jit_us)${dbp:+ postgres_cpu_us_per_notification=$db_us (backends of the benchmark database $be_us)}${errs:+ errors: $errs}" \
    | tee -a "$WORK/results.txt"
}

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${DURATION}s per run after ${WARMUP}s warm-up, $DEVICES devices, group commit up to $MAX_BATCH"
for kind in $STORES; do
  if [ "$kind" = postgresql ]; then
    if ! psql_admin "CREATE DATABASE $BENCH_DB" 2>"$WORK/pg.err"; then
      echo "== PostgreSQL not reachable at $ADMIN_URL ($(cat "$WORK/pg.err")): skipping it"; continue
    fi
    PG_CREATED=1
  fi
  start_server "$kind"
  for mode in $MODES; do
    case $mode in keepalive) run "$kind" keepalive "$CONNS_KA" ;; newconn) run "$kind" newconn "$CONNS_NC" ;; esac
  done
  exec 7>&-
  for _ in $(seq 1 100); do grep -q STORED "$WORK/server-$kind.log" && break; sleep 0.1; done
  echo "   $kind: $(grep STORED "$WORK/server-$kind.log" || echo 'STORED ?') notifications in the store after both runs (warm-ups included)"
  stop_server
done

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
summary=""
for kind in sqlite h2 postgresql; do
  for mode in keepalive newconn; do
    [ -n "${RATE[$kind-$mode]:-}" ] || continue
    r=$(ratio "${RATE[$kind-$mode]}" "${RATE[memory-$mode]:-0}")
    echo "ratio $kind/memory $mode: $r (server CPU per notification ${CPU[$kind-$mode]} us vs ${CPU[memory-$mode]:-?} us)"
    summary="$summary ${kind}_${mode}_ratio=$r"
  done
done
for k in "${!RATE[@]}"; do
  summary="$summary ${k//-/_}_per_s=${RATE[$k]} ${k//-/_}_cpu_us=${CPU[$k]} ${k//-/_}_jit_us=${JIT[$k]}"
  [ -z "${PGB[$k]:-}" ] || summary="$summary ${k//-/_}_pg_backend_us=${PGB[$k]}"
done
echo "results: $WORK/results.txt"
echo "$(echo "$summary" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/^ //')"
