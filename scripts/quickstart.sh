#!/usr/bin/env bash
# The quickstart, end to end on the embedded model (no server, no download):
# documents -> corpus -> generated Q&A (quality-gated) -> exports -> LoRA pt + sft -> evaluation report.
# Usage: bash scripts/quickstart.sh [WORKSPACE_DIR]   (default: ./demo-workspace)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ws="${1:-$here/demo-workspace}"
cf() { python3 -m corpusforge -w "$ws" "$@"; }
steps="${QUICKSTART_STEPS:-8}"
# Small blocks and batches: a CPU finishes each LoRA step in seconds (the recipes' defaults are for GPUs).
small=(--seq-len 256 --batch 2 --set gradient_accumulation_steps=1 --set logging_steps=1 --no-gradient-checkpointing)

cf init "$ws"
cp "$here/examples/quickstart/corpusforge.yaml" "$ws/corpusforge.yaml"
cf ingest "$here/examples/quickstart/docs"
cf status
cf corpus
cf generate
cf export --format messages --format alpaca --format sharegpt --format pretrain --format hf --out "$ws/out/export"
cf train pt --data "$ws/out/export/pretrain/train.jsonl" --out "$ws/out/adapters/pt" --max-steps "$steps" "${small[@]}"
cf train sft --data "$ws/out/export/messages/train.jsonl" --out "$ws/out/adapters/sft" --max-steps "$steps" "${small[@]}"
cf eval --data "$ws/out/export" --adapter "$ws/out/adapters/pt" --adapter "$ws/out/adapters/sft" --out "$ws/out/eval"
cf status
echo "quickstart done: open $ws/out/eval/report.html"
