#!/usr/bin/env bash
# Runs one sharded load test on the current kubectl context: the shards as an Indexed Job started at one
# instant, then the merge. Usage: scripts/k8s-run.sh IMAGE [SHARDS] [LEAD_SECONDS]
#   IMAGE          the auto-testing image your cluster can pull (see the Dockerfile)
#   SHARDS         number of shard pods (default 4)
#   LEAD_SECONDS   how far ahead the start instant is set, time for every pod to be scheduled and pull
#                  the image (default 60); a pod ready after it still joins, one later by 5 s is refused
set -euo pipefail
IMAGE=${1:?usage: scripts/k8s-run.sh IMAGE [SHARDS] [LEAD_SECONDS]}
SHARDS=${2:-4}
LEAD=${3:-60}
DIR=$(cd "$(dirname "$0")/../deploy/kubernetes" && pwd)
START_AT=$(( ($(date +%s) + LEAD) * 1000 ))
RUN=$(date -u +%Y%m%dt%H%M%Sz)

render() {
  sed -e "s|__RUN__|$RUN|g" -e "s|__SHARDS__|$SHARDS|g" -e "s|__START_AT__|$START_AT|g" -e "s|__IMAGE__|$IMAGE|g" "$DIR/$1"
}

kubectl apply -f "$DIR/config.yaml" -f "$DIR/results-pvc.yaml"
render shards-job.yaml | kubectl apply -f -
echo "run $RUN: $SHARDS shards start at $(date -u -d "@$(( START_AT / 1000 ))" +%FT%TZ 2>/dev/null || echo "$START_AT ms")"
# Complete or Failed, whichever comes first (a failed shard still leaves the others to merge)
kubectl wait --for=condition=Complete "job/auto-testing-shards-$RUN" --timeout=24h &
ok=$!
kubectl wait --for=condition=Failed "job/auto-testing-shards-$RUN" --timeout=24h &
failed=$!
wait -n "$ok" "$failed" || true
kill "$ok" "$failed" 2>/dev/null || true
render merge-job.yaml | kubectl apply -f -
kubectl wait --for=condition=Complete "job/auto-testing-merge-$RUN" --timeout=1h
kubectl logs "job/auto-testing-merge-$RUN"
echo "merged run: /results/$RUN/merged on the auto-testing-results volume"
