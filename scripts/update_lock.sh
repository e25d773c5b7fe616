#!/usr/bin/env bash
# Rewrites constraints.txt, the lock: every package the tool and its tests install, at one exact
# version, resolved from pyproject.toml (dependencies and every extra) by pip-tools' pip-compile.
# Run it after changing a dependency in pyproject.toml; tests/test_project.py checks the two agree.
# pip-tools is used only here, in a scratch venv, so it is no dependency of the project.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q "pip-tools==7.6.2"
{
  echo "# 依赖锁定文件：安装命令用 -c constraints.txt 取这里的确切版本（由 scripts/update_lock.sh 生成，勿手改）。"
  echo "# The lock: exact versions for 'pip install -c constraints.txt ...'; regenerate with scripts/update_lock.sh."
  "$scratch/venv/bin/pip-compile" -q --all-extras --strip-extras --allow-unsafe --no-header \
    --no-emit-index-url --no-emit-find-links -o - pyproject.toml 2>/dev/null
} > "$scratch/constraints.txt"
mv "$scratch/constraints.txt" constraints.txt  # whole or not at all
