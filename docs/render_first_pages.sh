#!/usr/bin/env bash
# The README's pictures: the first page of each 2021 report, rendered from its PDF.
# Needs LibreOffice, the fonts named in the README and poppler-utils (pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for org in furong xiangdong; do
  fulian-report build 2021 --org "$org" --format pdf --out "$work/$org" > /dev/null
  pdftoppm -r 72 -png -f 1 -l 1 -singlefile "$work/$org"/2021/*.pdf "docs/images/$org-2021-page1"
done
ls -l docs/images
