#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Debian packages: chromium (real-browser tests of the review page), CJK fonts (test PDFs),
# tesseract with Simplified Chinese data (OCR of scanned pages), a C compiler (the optional
# pdfium loops, extract/_pdfium_loops.c, built by the install; their tests need them built).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need_apt+=(fonts-wqy-zenhei)
[ -e /usr/share/fonts/truetype/arphic/uming.ttc ] || need_apt+=(fonts-arphic-uming)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
tesseract --list-langs 2>&1 | grep -qx chi_sim || need_apt+=(tesseract-ocr-chi-sim)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'

.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
