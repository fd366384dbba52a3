#!/usr/bin/env bash
# Install corpusforge with all extras into the current Python, plus the system packages it uses
# (Tesseract OCR with Simplified Chinese, Chromium for the review-page browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=""
  for p in tesseract-ocr tesseract-ocr-chi-sim chromium chromium-driver fonts-noto-cjk; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
  done
  if [ -n "$need" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  fi
fi
PY=${PYTHON:-python3}
# CPU build of torch from local disk (any other pin downloads GBs).
$PY -m pip install -q torch==2.13.0
# llama-cpp-python builds from source (about 5 minutes the first time, cached by pip afterwards).
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" $PY -m pip install -q -e ".[all]"
