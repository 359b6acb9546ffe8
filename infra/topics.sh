#!/usr/bin/env bash
# Creates kembed's topics declared in topics.properties in the compose stack's Kafka, and brings the configs of
# existing ones in line with the file. Safe to run again. Runs kafka-topics.sh / kafka-configs.sh inside the
# "kafka" container, so nothing Kafka-related is needed on the host.
#
#   infra/topics.sh                          # default prefix "kembed", replication factor 1
#   infra/topics.sh --prefix acme --replication-factor 3
#   infra/topics.sh --dry-run                # print the commands only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="$here/topics.properties"
prefix="kembed"
replication=1
service="kafka"
bootstrap="localhost:29092" # the INTERNAL listener, as seen from inside the container
dry_run=false

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<USAGE
Options:
  -f, --file FILE              topic declarations (default: $file)
  -p, --prefix PREFIX          topic prefix replacing "kembed" (default: $prefix)
  -r, --replication-factor N   replicas per partition for new topics (default: $replication)
  -s, --service NAME           compose service running Kafka (default: $service)
  -n, --dry-run                print the commands instead of running them
  -h, --help
USAGE
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -f|--file) file="$2"; shift 2 ;;
    -p|--prefix) prefix="$2"; shift 2 ;;
    -r|--replication-factor) replication="$2"; shift 2 ;;
    -s|--service) service="$2"; shift 2 ;;
    -n|--dry-run) dry_run=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

[[ "$prefix" =~ ^[a-zA-Z0-9._-]+$ ]] || { echo "invalid topic prefix: $prefix" >&2; exit 2; }
[[ "$replication" =~ ^[1-9][0-9]*$ ]] || { echo "invalid replication factor: $replication" >&2; exit 2; }
[[ -r "$file" ]] || { echo "cannot read $file" >&2; exit 2; }

# Prefer the Compose v2 plugin, fall back to the standalone v1 binary.
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -f "$here/docker-compose.yml")
else
  compose=(docker-compose -f "$here/docker-compose.yml")
fi

# The tools start a JVM each; keep it small instead of inheriting the broker's KAFKA_HEAP_OPTS.
kafka_tool() {
  local tool="$1"; shift
  local cmd=("${compose[@]}" exec -T -e KAFKA_HEAP_OPTS=-Xmx256m "$service" "/opt/kafka/bin/$tool"
    --bootstrap-server "$bootstrap" "$@")
  if $dry_run; then
    printf '%q ' "${cmd[@]}"; echo
  else
    "${cmd[@]}"
  fi
}

trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; echo "${s%"${s##*[![:space:]]}"}"; }

if ! $dry_run; then
  existing="$(kafka_tool kafka-topics.sh --list)"
else
  existing=""
fi

count=0
while IFS= read -r line || [[ -n "$line" ]]; do
  line="$(trim "$line")"
  [[ -z "$line" || "$line" == \#* ]] && continue
  name="$(trim "${line%%=*}")"
  spec="$(trim "${line#*=}")"
  [[ "$name" == kembed.* ]] || { echo "topic '$name' must start with kembed." >&2; exit 2; }
  topic="$prefix.${name#kembed.}"
  partitions=""
  configs=()
  read -ra parts <<<"$spec"
  for kv in "${parts[@]}"; do
    case "$kv" in
      partitions=*) partitions="${kv#partitions=}" ;;
      *=*) configs+=("$kv") ;;
      *) echo "$name: cannot read '$kv' (expected key=value)" >&2; exit 2 ;;
    esac
  done
  [[ "$partitions" =~ ^[1-9][0-9]*$ ]] || { echo "$name: partitions=<n> is required" >&2; exit 2; }

  if grep -qxF "$topic" <<<"$existing"; then
    # Bring the configs in line. Never change the partition count of a keyed topic: that would move keys to other
    # partitions and break per-entity ordering, so a mismatch is only reported.
    echo "exists: $topic"
    if [[ ${#configs[@]} -gt 0 ]]; then
      joined="$(IFS=,; echo "${configs[*]}")"
      kafka_tool kafka-configs.sh --alter --entity-type topics --entity-name "$topic" --add-config "$joined"
    fi
    actual="$(kafka_tool kafka-topics.sh --describe --topic "$topic" | grep -o 'PartitionCount: *[0-9]*' | grep -o '[0-9]*$' || true)"
    if [[ -n "$actual" && "$actual" != "$partitions" ]]; then
      echo "WARNING: $topic has $actual partitions, $file declares $partitions; left unchanged" >&2
    fi
  else
    create=(--create --if-not-exists --topic "$topic" --partitions "$partitions" --replication-factor "$replication")
    for c in "${configs[@]}"; do create+=(--config "$c"); done
    kafka_tool kafka-topics.sh "${create[@]}"
  fi
  count=$((count + 1))
done < "$file"

echo "$count topics declared in $(basename "$file")."
if ! $dry_run; then
  kafka_tool kafka-topics.sh --describe --topics-with-overrides
fi
