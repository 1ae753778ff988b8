#!/usr/bin/env bash
# Phone-home server load benchmark: bootstrap requests/s and server CPU per request of the embedded
# PhoneHomeServer against nginx serving the same response bytes over the same TLS (same EC P-256 certificate
# and key, TLS 1.3 TLS_AES_256_GCM_SHA384), in two modes:
#   keepalive: kept-alive connections;  newconn: a new TLS connection (full handshake, no resumption) per request.
# Servers (SERVERS, in this order within each round):
#   phc        PhoneHomeServer as a vendor runs it with a KeyManagerFactory (TLS by BoringSSL)
#   nginx      nginx from Debian, the same bytes as a static file at the same path
#   phcnetty   the same PhoneHomeHandler behind Netty's HTTP/1.1 codec and SslHandler (BoringSSL): the engine
#              comparison (bench/server/src/NettyBenchServer.java; not shipped)
#   phcjdktls  PhoneHomeServer with an SSLContext (the JDK's TLS)
#   jdk        the JDK's HttpsServer serving the same bytes (an engine alternative, for reference)
# Loopback only, ephemeral ports, every run bounded in time. One command: bench/server/run.sh
# Knobs (environment): DURATION (s per run, default 10), WARMUP (s, default 8, before each server's first run
#   in a mode), ROUNDS (default 1: rounds alternate the servers; with more, each figure is the median and the
#   spread min-max is printed), THREADS_KA (32), THREADS_NC (16), SERVERS ("phc nginx phcnetty phcjdktls jdk"),
#   SKIP_JDK=1 (SERVERS="phc nginx"), MODES ("keepalive newconn"), JAVA (java), JAVA_OPTS (extra server JVM
#   options, e.g. a profiler agent), NICE (a niceness for the servers and wrk, e.g. -10 as root: on a machine busy
#   with other work, gives the measured processes the cores ahead of it, so that every server competes only with
#   the client, as on a quiet machine).
# The last line is key=value figures: ratios to nginx, medians, server CPU per request.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-8}
ROUNDS=${ROUNDS:-1}
THREADS_KA=${THREADS_KA:-32}
THREADS_NC=${THREADS_NC:-16}
SERVERS=${SERVERS:-phc nginx phcnetty phcjdktls jdk}
[ "${SKIP_JDK:-0}" = 1 ] && SERVERS="phc nginx"
JAVA=${JAVA:-java}
PRIO=()
[ -n "${NICE:-}" ] && PRIO=(nice -n "$NICE")
WORK=$(mktemp -d /tmp/phc-bench-server.XXXXXX)
SERVERS_PID=""
NGINX_UP=""

cleanup() {
  if [ -n "$SERVERS_PID" ]; then kill "$SERVERS_PID" 2>/dev/null || true; wait "$SERVERS_PID" 2>/dev/null || true; fi
  if [ -n "$NGINX_UP" ] && [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
}
trap cleanup EXIT

echo "== building phc-api, phc-core (package only: nothing is installed into ~/.m2)"
# phc-core's test class path holds the server stack (Jetty) and BoringSSL (netty-handler, netty-tcnative), all
# optional or test-scoped there; the reactor resolves phc-api to the jar built in this same invocation.
build() {
  (cd "$ROOT" && mvn "$@" -q -B package dependency:build-classpath -pl phc-core -am -Dmaven.test.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt")
}
build -o >/dev/null || build
# Copy the jars just built, so that another build in the same tree cannot change them under the run.
cp "$ROOT/phc-core/target/phc-core-0.1.0-SNAPSHOT.jar" "$ROOT/phc-api/target/phc-api-0.1.0-SNAPSHOT.jar" "$WORK/"
CP="$WORK/phc-core-0.1.0-SNAPSHOT.jar:$WORK/phc-api-0.1.0-SNAPSHOT.jar:$(tr ':' '\n' <"$WORK/cp.txt" \
  | grep -v '/phc-api/target/' | paste -sd:)"
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT"/bench/server/src/*.java
CP="$WORK/classes:$CP"

echo "== TLS material (EC P-256, shared by all servers)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -passout pass:bench -out "$WORK/server.p12"

echo "== starting the Java servers"
# shellcheck disable=SC2086
"${PRIO[@]}" "$JAVA" -Xmx1g ${JAVA_OPTS:-} -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Djdk.tls.server.protocols=TLSv1.3 -Djdk.tls.server.cipherSuites=TLS_AES_256_GCM_SHA384 BenchServers \
  "$WORK/server.p12" bench "$WORK/response.xml" >"$WORK/servers.log" 2>&1 &
SERVERS_PID=$!
for _ in $(seq 1 150); do grep -q READY "$WORK/servers.log" 2>/dev/null && break; sleep 0.2; done
grep READY "$WORK/servers.log" || { cat "$WORK/servers.log"; exit 1; }
declare -A PORT
for kv in $(grep READY "$WORK/servers.log" | head -1); do
  case "$kv" in *=*) PORT[${kv%%=*}]=${kv#*=} ;; esac
done

PATH_=/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=BENCH0001
if ! command -v nginx >/dev/null 2>&1; then
  echo "== nginx missing: installing from Debian packages"
  (apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null 2>&1) || true
fi
if command -v nginx >/dev/null 2>&1 && [[ " $SERVERS " == *" nginx "* ]]; then
  PORT[nginx]=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$WORK/www" "$WORK/nginx-tmp"
  cp "$WORK/response.xml" "$WORK/www/device"
  chmod a+rx "$WORK" "$WORK/www"; chmod a+r "$WORK/www/device" "$WORK/cert.pem"  # nginx workers run as www-data
  cat >"$WORK/nginx.conf" <<NGX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp; fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${PORT[nginx]} ssl;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384;
    ssl_session_cache off;
    ssl_session_tickets off;
    location = "$PATH_" {
      default_type application/yang-data+xml;
      alias $WORK/www/device;
    }
  }
}
NGX
  "${PRIO[@]}" nginx -c "$WORK/nginx.conf" -p "$WORK" && NGINX_UP=1
  for _ in $(seq 1 50); do [ -s "$WORK/nginx.pid" ] && break; sleep 0.1; done
else
  echo "== nginx not available: skipping the nginx runs (ratios cannot be computed)"
  SERVERS=$(echo "$SERVERS" | tr ' ' '\n' | grep -vx nginx | paste -sd' ')
fi

echo "== checking that every server answers the same bytes"
for s in $SERVERS; do
  p=${PORT[$s]:?no port for server $s}
  echo "$s (port $p): $(openssl s_client -connect "127.0.0.1:$p" -brief </dev/null 2>&1 | grep -E 'Protocol|Ciphersuite' | tr '\n' ' ')"
  curl -s --cacert "$WORK/cert.pem" -u BENCH0001: "https://127.0.0.1:$p$PATH_" -o "$WORK/check-$s.xml"
  cmp "$WORK/check-$s.xml" "$WORK/response.xml" || { echo "$s answers different bytes"; exit 1; }
done
echo "response: $(wc -c <"$WORK/response.xml") bytes; $(grep READY "$WORK/servers.log" | head -1 | tr ' ' '\n' | grep '^tls_' | paste -sd' ')"

AUTH="Authorization: Basic $(printf 'BENCH0001:' | base64)"
if ! command -v wrk >/dev/null 2>&1; then
  (apt-get install -y -qq wrk >/dev/null 2>&1) || true
fi
cpu_ticks() { # total user+system clock ticks of the given pids
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
  echo "$t"
}
server_pids() { # the processes that serve as $1
  if [ "$1" = nginx ]; then local m; m=$(cat "$WORK/nginx.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')";
  else echo "$SERVERS_PID"; fi
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))
run() { # name mode connections round
  local name=$1 mode=$2 conns=$3 round=$4 port=${PORT[$1]} out hdr=() c0 c1 pids
  [ "$mode" = newconn ] && hdr=(-H "Connection: close")
  if command -v wrk >/dev/null 2>&1; then
    # wrk (C, OpenSSL) leaves more of the 2 cores to the servers than a Java client would. It does not resume
    # TLS sessions, and nginx has session caches and tickets off: "newconn" is a full handshake every time.
    if [ "$round" = 1 ]; then
      "${PRIO[@]}" wrk -t1 -c"$conns" -d"${WARMUP}s" -H "$AUTH" "${hdr[@]}" "https://127.0.0.1:$port$PATH_" >/dev/null 2>&1 || true
    fi
    pids=$(server_pids "$name")
    # shellcheck disable=SC2086
    c0=$(cpu_ticks $pids)
    out=$("${PRIO[@]}" wrk -t1 -c"$conns" -d"${DURATION}s" --latency -H "$AUTH" -H "Accept: application/yang-data+xml" "${hdr[@]}" \
      "https://127.0.0.1:$port$PATH_" 2>&1)
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    echo "$out" >"$WORK/wrk-$name-$mode-$round.txt"
    local rps p50 p99 errs n
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    # Server CPU per request: much less dependent on what else runs on this shared machine than requests/s.
    local cpu_us=$(( n > 0 ? (c1 - c0) * TICK_US / n : 0 ))
    out="rps=${rps} p50=${p50} p99=${p99} server_cpu_us_per_req=${cpu_us} ${errs:+errors: $errs}"
  else
    out=$("$JAVA" -Xmx512m -cp "$CP" LoadGen 127.0.0.1 "$port" "$PATH_" BENCH0001 "$WORK/cert.pem" "$mode" "$conns" \
      "$DURATION" "$([ "$round" = 1 ] && echo "$WARMUP" || echo 0)")
  fi
  echo "$name $mode round=$round connections=$conns $out" | tee -a "$WORK/results.txt"
}

echo "== load: $ROUNDS round(s) of ${DURATION}s per run (after ${WARMUP}s warm-up in round 1); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores shared by client and servers${NICE:+; servers and client at niceness $NICE}"
for mode in ${MODES:-keepalive newconn}; do
  conns=$THREADS_KA; [ "$mode" = newconn ] && conns=$THREADS_NC
  for round in $(seq 1 "$ROUNDS"); do
    for s in $SERVERS; do run "$s" "$mode" "$conns" "$round"; done
  done
done

echo "(raw outputs in $WORK)"
echo "== summary: median over $ROUNDS round(s) [min-max]; ratios are requests/s over nginx's in the same round"
awk -v servers="$SERVERS" -v nice="${NICE:-}" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
  function ms(x) { if (x ~ /us$/) return x/1000; if (x ~ /ms$/) return x+0; if (x ~ /s$/) return x*1000; return x+0 }
  function median(arr, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j+1] = arr[j]; arr[j+1] = t }
    return n % 2 ? arr[(n+1)/2] : (arr[n/2] + arr[n/2+1]) / 2
  }
  function stat(key, fmt,   i, n, a, lo, hi) {  # median [min-max] of values[key, 1..rounds]
    n = 0; for (i = 1; i <= rounds; i++) if ((key, i) in val) a[++n] = val[key, i] + 0  # numbers, not strings
    if (n == 0) return ""
    lo = a[1]; hi = a[1]; for (i = 1; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
    med[key] = median(a, n)
    return n == 1 ? sprintf(fmt, med[key]) : sprintf(fmt " [" fmt "-" fmt "]", med[key], lo, hi)
  }
  { name = $1; mode = $2; r = substr($3, 7); if (r > rounds) rounds = r
    for (i = 4; i <= NF; i++) { k = index($i, "="); if (k > 0) f[substr($i, 1, k-1)] = substr($i, k+1) }
    val[name SUBSEP mode SUBSEP "rps", r] = f["rps"]
    val[name SUBSEP mode SUBSEP "p99", r] = ("p99" in f) ? ms(f["p99"]) : f["p99_ms"]
    val[name SUBSEP mode SUBSEP "cpu", r] = f["server_cpu_us_per_req"]
    seen[mode] = 1; delete f }
  END {
    ns = split(servers, sv, " "); split("keepalive newconn", modes, " "); short["keepalive"] = "ka"; short["newconn"] = "nc"
    line = "server_bench rounds=" rounds " load=" load (nice != "" ? " nice=" nice : "")
    for (k = 1; k <= 2; k++) { m = modes[k]; if (!(m in seen)) continue
      printf "%s\n", m
      for (j = 1; j <= ns; j++) { n = sv[j]
        # ratio to nginx per round, then its median
        for (i = 1; i <= rounds; i++) if ((n SUBSEP m SUBSEP "rps" SUBSEP i) in val && ("nginx" SUBSEP m SUBSEP "rps" SUBSEP i) in val && val["nginx", m, "rps", i] > 0)
          val[n SUBSEP m SUBSEP "ratio", i] = val[n, m, "rps", i] / val["nginx", m, "rps", i]
        rps = stat(n SUBSEP m SUBSEP "rps", "%.0f"); if (rps == "") continue
        p99 = stat(n SUBSEP m SUBSEP "p99", "%.1f"); cpu = stat(n SUBSEP m SUBSEP "cpu", "%.0f")
        ratio = (n == "nginx") ? "" : stat(n SUBSEP m SUBSEP "ratio", "%.2f")
        printf "    %-10s %s req/s  p99 %s ms  server cpu %s us/req%s\n", n, rps, p99, cpu, ratio == "" ? "" : "  ratio to nginx " ratio "x"
        line = line sprintf(" %s_%s_rps=%.0f %s_%s_cpu_us=%.0f", n, short[m], med[n, m, "rps"], n, short[m], med[n, m, "cpu"])
        if (ratio != "") line = line sprintf(" %s_%s_ratio=%.2f", n, short[m], med[n, m, "ratio"])
      }
    }
    print line
  }' "$WORK/results.txt" | tee "$WORK/summary.txt"
