#!/usr/bin/env bash
# Fetches the LMSYS Chatbot Arena conversations (lmsys/chatbot_arena_conversations, the seed workload's
# prompts) as Parquet into a local file, for `--dataset FILE`. The run itself reads only local files.
#
# The dataset is gated: while logged in to Hugging Face, accept its terms at
#   https://huggingface.co/datasets/lmsys/chatbot_arena_conversations
# then create a read token (https://huggingface.co/settings/tokens) and export it as HF_TOKEN.
#
#   HF_TOKEN=hf_... scripts/fetch-arena.sh [OUT]        # OUT defaults to arena.parquet
#   npx auto-testing --workload workloads/auto-testing-seed.yaml --dataset arena.parquet --endpoint URL --model M
#
# The file list comes from the Hub's dataset viewer API (its Parquet export, config "default", split "train").
set -euo pipefail
out="${1:-arena.parquet}"
: "${HF_TOKEN:?set HF_TOKEN to a read token of a Hugging Face account that accepted the dataset terms}"
api="https://huggingface.co/api/datasets/lmsys/chatbot_arena_conversations/parquet/default/train"
urls="$(curl -fsSL -H "Authorization: Bearer ${HF_TOKEN}" "$api" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).join("\n")))')"
count="$(printf '%s\n' "$urls" | grep -c .)"
if [ "$count" -ne 1 ]; then
  echo "fetch-arena: the export has $count Parquet files, this script expects one:" >&2
  printf '%s\n' "$urls" >&2
  exit 1
fi
curl -fL --retry 3 -H "Authorization: Bearer ${HF_TOKEN}" -o "$out" "$urls"
echo "fetch-arena: wrote $out; run with --dataset $out" >&2
