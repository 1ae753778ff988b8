#!/usr/bin/env bash
# Phone-home server load benchmark (issue 4): bootstrap requests/s of the embedded PhoneHomeServer (Jetty
# engine, BoringSSL TLS) against nginx serving the same response bytes over the same TLS (same EC P-256 certificate and key,
# TLS 1.3 TLS_AES_256_GCM_SHA384), and the JDK HttpsServer as the engine alternative, in two modes:
#   (a) keep-alive connections, (b) a new TLS connection (full handshake, no resumption) per request.
# Loopback only; every run is bounded in time. One command: bench/server/run.sh
# Knobs (environment): DURATION (s, default 10), WARMUP (s, default 8, per run: JIT warm-up), THREADS_KA (32), THREADS_NC (16),
#   SKIP_JDK=1 to leave out the JDK HttpsServer.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-8}
THREADS_KA=${THREADS_KA:-32}
THREADS_NC=${THREADS_NC:-16}
PHC_PORT=${PHC_PORT:-18443}
NGINX_PORT=${NGINX_PORT:-18444}
JDK_PORT=${JDK_PORT:-18445}
WORK=$(mktemp -d /tmp/phc-bench-server.XXXXXX)
SERVERS_PID=""
NGINX_UP=""

cleanup() {
  if [ -n "$SERVERS_PID" ]; then kill "$SERVERS_PID" 2>/dev/null || true; wait "$SERVERS_PID" 2>/dev/null || true; fi
  if [ -n "$NGINX_UP" ] && [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
}
trap cleanup EXIT

echo "== building phc-api, phc-core"
(cd "$ROOT" && (mvn -o -q -B install -pl phc-api,phc-core -Dmaven.test.skip=true \
  || mvn -q -B install -pl phc-api,phc-core -Dmaven.test.skip=true))
(cd "$ROOT" && mvn -o -q -B dependency:build-classpath -pl phc-core -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
# Copy the jars just installed, so that another build in the same tree cannot change them under the run.
cp "$ROOT/phc-core/target/phc-core-0.1.0-SNAPSHOT.jar" "$ROOT/phc-api/target/phc-api-0.1.0-SNAPSHOT.jar" "$WORK/"
CP="$WORK/phc-core-0.1.0-SNAPSHOT.jar:$WORK/phc-api-0.1.0-SNAPSHOT.jar:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT"/bench/server/src/*.java
CP="$WORK/classes:$CP"

echo "== TLS material (EC P-256, shared by all servers)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -passout pass:bench -out "$WORK/server.p12"

echo "== starting the embedded server and the JDK HttpsServer"
java -Xmx1g -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Djdk.tls.server.protocols=TLSv1.3 -Djdk.tls.server.cipherSuites=TLS_AES_256_GCM_SHA384 BenchServers "$WORK/server.p12" bench \
  "$PHC_PORT" "$JDK_PORT" "$WORK/response.xml" >"$WORK/servers.log" 2>&1 &
SERVERS_PID=$!
for _ in $(seq 1 100); do grep -q READY "$WORK/servers.log" 2>/dev/null && break; sleep 0.2; done
grep READY "$WORK/servers.log" || { cat "$WORK/servers.log"; exit 1; }

PATH_=/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=BENCH0001
if ! command -v nginx >/dev/null 2>&1; then
  echo "== nginx missing: installing from Debian packages"
  (apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null 2>&1) || true
fi
if command -v nginx >/dev/null 2>&1; then
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
    listen 127.0.0.1:$NGINX_PORT ssl;
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
  nginx -c "$WORK/nginx.conf" -p "$WORK" && NGINX_UP=1
  sleep 0.5
else
  echo "== nginx not available: skipping the nginx runs (ratios cannot be computed)"
fi

echo "== checking that every server answers the same bytes"
for p in $PHC_PORT $JDK_PORT $((JDK_PORT + 1)) ${NGINX_UP:+$NGINX_PORT}; do
  echo "port $p: $(openssl s_client -connect 127.0.0.1:$p -brief </dev/null 2>&1 | grep -E 'Protocol|Ciphersuite' | tr '\n' ' ')"
  curl -s --cacert "$WORK/cert.pem" -u BENCH0001: "https://127.0.0.1:$p$PATH_" -o "$WORK/check-$p.xml"
  cmp "$WORK/check-$p.xml" "$WORK/response.xml" || { echo "port $p answers different bytes"; exit 1; }
done
echo "response: $(wc -c <"$WORK/response.xml") bytes"

AUTH="Authorization: Basic $(printf 'BENCH0001:' | base64)"
if ! command -v wrk >/dev/null 2>&1; then
  (apt-get install -y -qq wrk >/dev/null 2>&1) || true
fi
cpu_ticks() { # total user+system clock ticks of the given pids
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
  echo "$t"
}
server_pids() { # the processes that serve port $1
  if [ "$1" = "$NGINX_PORT" ]; then local m; m=$(cat "$WORK/nginx.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')";
  else echo "$SERVERS_PID"; fi
}
run() { # name port mode connections
  local out hdr=() c0 c1 pids
  [ "$3" = newconn ] && hdr=(-H "Connection: close")
  if command -v wrk >/dev/null 2>&1; then
    # wrk (C, OpenSSL) leaves more of the 2 cores to the servers than a Java client would. It does not resume
    # TLS sessions, and nginx has session caches and tickets off: "newconn" is a full handshake every time.
    wrk -t1 -c"$4" -d"${WARMUP}s" -H "$AUTH" "${hdr[@]}" "https://127.0.0.1:$2$PATH_" >/dev/null 2>&1 || true
    pids=$(server_pids "$2")
    # shellcheck disable=SC2086
    c0=$(cpu_ticks $pids)
    out=$(wrk -t1 -c"$4" -d"${DURATION}s" --latency -H "$AUTH" -H "Accept: application/yang-data+xml" "${hdr[@]}" \
      "https://127.0.0.1:$2$PATH_" 2>&1)
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    echo "$out" >"$WORK/wrk-$1-$3.txt"
    local rps p50 p99 errs
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    local n; n=$(echo "$out" | awk '/requests in/ {print $1}')
    # Server CPU per request (clock ticks are 10 ms): independent of what else runs on this shared machine.
    local cpu_us=$(( n > 0 ? (c1 - c0) * 10000 / n : 0 ))
    out="rps=${rps} p50=${p50} p99=${p99} server_cpu_us_per_req=${cpu_us} ${errs:+errors: $errs}"
  else
    out=$(java -Xmx512m -cp "$CP" LoadGen 127.0.0.1 "$2" "$PATH_" BENCH0001 "$WORK/cert.pem" "$3" "$4" "$DURATION" "$WARMUP")
  fi
  echo "$1 $3 connections=$4 $out" | tee -a "$WORK/results.txt"
}

echo "== load: ${DURATION}s per run after ${WARMUP}s warm-up; client and servers share this machine's $(nproc) cores"
for mode in keepalive newconn; do
  threads=$THREADS_KA; [ "$mode" = newconn ] && threads=$THREADS_NC
  run phc "$PHC_PORT" "$mode" "$threads"
  [ -n "$NGINX_UP" ] && run nginx "$NGINX_PORT" "$mode" "$threads"
  [ "${SKIP_JDK:-0}" = 1 ] || run phcjdktls "$((JDK_PORT + 1))" "$mode" "$threads"
  [ "${SKIP_JDK:-0}" = 1 ] || run jdk "$JDK_PORT" "$mode" "$threads"
done

echo "== summary (ratios: requests/s of the server over nginx's; p99 as measured by the client)"
awk '
  function ms(x) { if (x ~ /us$/) return x/1000; if (x ~ /ms$/) return x+0; if (x ~ /s$/) return x*1000; return x+0 }
  { name=$1; mode=$2; for (i=3;i<=NF;i++) { n=index($i,"="); if (n>0) v[name,mode,substr($i,1,n-1)]=substr($i,n+1) } names[name]=1; modes[mode]=1 }
  END {
    split("keepalive newconn", order, " ");
    for (k=1;k<=2;k++) { m=order[k]; if (!(m in modes)) continue;
      printf "%-9s\n", m;
      split("phc nginx phcjdktls jdk", ns, " ");
      for (j=1;j<=4;j++) { n=ns[j]; if (!((n,m,"rps") in v)) continue;
        p99 = ((n,m,"p99") in v) ? ms(v[n,m,"p99"]) : v[n,m,"p99_ms"];
        printf "    %-10s %7.0f req/s  p99 %8.2f ms  server cpu %5d us/req\n", n, v[n,m,"rps"], p99, v[n,m,"server_cpu_us_per_req"] }
      if (v["nginx",m,"rps"] > 0) {
        printf "    ratios: phc/nginx %.2fx", v["phc",m,"rps"] / v["nginx",m,"rps"];
        if (v["phcjdktls",m,"rps"] > 0) printf "  phcjdktls/nginx %.2fx", v["phcjdktls",m,"rps"] / v["nginx",m,"rps"];
        if (v["jdk",m,"rps"] > 0) printf "  jdk/nginx %.2fx", v["jdk",m,"rps"] / v["nginx",m,"rps"];
      }
      printf "\n";
    }
  }' "$WORK/results.txt"
echo "(raw outputs in $WORK)"
