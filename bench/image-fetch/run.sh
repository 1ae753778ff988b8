#!/usr/bin/env bash
# Image fetch + verification: phc (ImageStager, streaming SHA-256 while the bytes flow) against
# `curl -s URL | sha256sum`, same 1 GiB file, same local HTTP server (nginx on loopback, else python3
# http.server), in one run. Prints throughput, the ratio, and peak RSS of each (GNU time -v).
#
# Usage: bench/image-fetch/run.sh [size-MiB]     (default 1024)
# Environment: JAVA (the phc side's java, default java on PATH), JAVA_OPTS (extra JVM options, e.g. a profiler).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE_MIB="${1:-1024}"
WORK="$(mktemp -d /tmp/phc-image-fetch.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== generating ${SIZE_MIB} MiB image in $WORK"
mkdir -p "$WORK/www"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$WORK/www/image.tgz"
chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/www/image.tgz"   # nginx workers run unprivileged
SHA256="$(sha256sum "$WORK/www/image.tgz" | cut -d' ' -f1)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$WORK/nginx/logs"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $WORK/nginx/logs/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:$PORT; root $WORK/www; }
}
CONF
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
  SERVER_PID=$!
  SERVER="nginx $(nginx -v 2>&1 | sed 's/.*\///')"
else
  (cd "$WORK/www" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
  SERVER_PID=$!
  SERVER="python3 http.server"
fi
URL="http://127.0.0.1:$PORT/image.tgz"
for _ in $(seq 50); do curl -sfI "$URL" >/dev/null && break; sleep 0.1; done

echo "== building phc and the bench class path (package only: nothing is installed into ~/.m2)"
# phc-client's class path: phc-api and phc-core (as built by this same invocation) and OkHttp.
(cd "$ROOT" && mvn -o -q -B package dependency:build-classpath -pl phc-client -am -Dmaven.test.skip=true \
  -Dmdep.includeScope=runtime "-Dmdep.outputFile=$WORK/cp-\${project.artifactId}.txt")
# Copy the module jars so that another build in the same tree cannot change them under the run.
cp "$ROOT/phc-api/target/phc-api-0.1.0-SNAPSHOT.jar" "$ROOT/phc-core/target/phc-core-0.1.0-SNAPSHOT.jar" "$WORK/"
CP="$WORK/phc-api-0.1.0-SNAPSHOT.jar:$WORK/phc-core-0.1.0-SNAPSHOT.jar:$(tr ':' '\n' < "$WORK/cp-phc-client.txt" \
  | grep -v '/phc-\(api\|core\)' | paste -sd: -)"
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$CP" "$HERE/src/dev/phonehome/phc/bench/ImageFetchBench.java"

rss() { grep 'Maximum resident set size' "$1" | awk '{print $NF}'; }
run_curl() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$WORK/curl.time" sh -c "/usr/bin/time -f '%U %S' -o '$WORK/curl.cpu' curl -sf '$URL' \
    | /usr/bin/time -f '%U %S' -o '$WORK/sha.cpu' sha256sum > '$WORK/curl.sum'"
  end=$(date +%s.%N)
  if [[ "$(cut -d' ' -f1 "$WORK/curl.sum")" != "$SHA256" ]]; then
    echo "curl digest mismatch: $(cat "$WORK/curl.sum") vs $SHA256" >&2; cat "$WORK/curl.time" >&2; exit 1
  fi
  CURL_S=$(echo "$end - $start" | bc -l)
  # CPU per byte of each process of the pipeline (user + sys); the busier one is its critical path.
  CURL_NS=$(awk -v b="$BYTES" '{printf "%.3f", ($1 + $2) * 1e9 / b}' "$WORK/curl.cpu")
  SHA_NS=$(awk -v b="$BYTES" '{printf "%.3f", ($1 + $2) * 1e9 / b}' "$WORK/sha.cpu")
}
run_phc() {
  /usr/bin/time -v -o "$WORK/phc.time" "${JAVA:-java}" -Xmx64m ${JAVA_OPTS:-} -cp "$WORK/classes:$CP" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.phonehome.phc.bench.ImageFetchBench "$URL" "$SHA256" > "$WORK/phc.out"
  PHC_S=$(grep "^phc " "$WORK/phc.out" | sed "s/.* seconds=\([0-9.]*\).*/\1/")
  PHC_DL_NS=$(grep "^phc " "$WORK/phc.out" | sed "s/.*download_thread_ns_per_byte=\([0-9.]*\).*/\1/")
  PHC_OTHER_NS=$(grep "^phc " "$WORK/phc.out" | sed "s/.*other_threads_ns_per_byte=\([0-9.-]*\).*/\1/")
}
max() { echo "if ($1 > $2) $1 else $2" | bc -l; }
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }

echo "== server: $SERVER at $URL; warm-up (page cache) then 3 alternating runs each"
curl -s "$URL" > /dev/null
BYTES=$((SIZE_MIB * 1024 * 1024))
BEST_CURL=999999; BEST_PHC=999999; CP_CURL=999999; CP_PHC=999999
for i in 1 2 3; do
  run_curl; run_phc
  echo "run $i: curl|sha256sum ${CURL_S}s (cpu ns/byte: curl $CURL_NS, sha256sum $SHA_NS)   $(grep '^phc ' "$WORK/phc.out")"
  BEST_CURL=$(min "$CURL_S" "$BEST_CURL")
  BEST_PHC=$(min "$PHC_S" "$BEST_PHC")
  CP_CURL=$(min "$(max "$CURL_NS" "$SHA_NS")" "$CP_CURL")
  CP_PHC=$(min "$(max "$PHC_DL_NS" "$PHC_OTHER_NS")" "$CP_PHC")
done
CURL_TP=$(echo "$BYTES / $BEST_CURL / 1048576" | bc -l)
PHC_TP=$(echo "$BYTES / $BEST_PHC / 1048576" | bc -l)
printf '\n== result (best of 3, %d MiB, %s)\n' "$SIZE_MIB" "$SERVER"
printf 'curl -s | sha256sum : %8.1f MiB/s  peak RSS %6d KiB (largest process of the pipeline)\n' "$CURL_TP" "$(rss "$WORK/curl.time")"
printf 'phc ImageStager     : %8.1f MiB/s  peak RSS %6d KiB (JVM, -Xmx64m; includes JIT and class data)\n' "$PHC_TP" "$(rss "$WORK/phc.time")"
printf 'critical path (CPU per byte of the busier thread/process; what a quiet 2-core machine follows):\n'
printf '  curl | sha256sum    : %.3f ns/byte\n' "$CP_CURL"
printf '  phc                 : %.3f ns/byte\n' "$CP_PHC"
printf 'critical-path ratio phc/curl: %.2f\n' "$(echo "$CP_CURL / $CP_PHC" | bc -l)"
printf 'throughput ratio phc/curl: %.2f\n' "$(echo "$PHC_TP / $CURL_TP" | bc -l)"
