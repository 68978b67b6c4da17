#!/usr/bin/env bash
# One-command setup on Debian/Ubuntu: system packages (OCR, browser for UI tests),
# then the Python package and its test tools into .venv/ at the project root.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet   # OCR with the Vietnamese models
  poppler-utils                                                # pdftoppm, used by the OCR benchmark
  chromium chromium-driver                                     # real browser for the web UI tests
)
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "apt-get not found: install ${APT_PACKAGES[*]} with your package manager" >&2
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"
echo "vanban installed: $(.venv/bin/vanban --help >/dev/null && echo .venv/bin/vanban)"
