#!/usr/bin/env bash
# Rewrites constraints.txt, the lock: every package the tool and its tests install, at one exact
# version, resolved from pyproject.toml (dependencies and every extra) by uv's universal resolution.
# Run it after changing a dependency in pyproject.toml; tests/test_project.py checks the two agree.
#
# One lock serves every Python that pyproject.toml's requires-python claims, and every platform:
# `--universal` resolves for all of them at once, from the oldest claimed Python up, and writes an
# environment marker (`; python_full_version < '3.11'`, `; sys_platform == 'win32'`) on a package
# only some of them need; `pip install -c constraints.txt` evaluates those markers itself.
# `--fork-strategy fewest` keeps one version of each package for all Pythons, so that the newest
# Python runs the very versions the oldest is tested with.
# uv is used only here, pinned, in a scratch venv, so it is no dependency of the project and
# installing the tool needs nothing but pip.
set -euo pipefail
cd "$(dirname "$0")/.."
oldest="$(sed -n 's/^requires-python = ">=\([0-9][0-9.]*\)"$/\1/p' pyproject.toml)"
[ -n "$oldest" ] || { echo "pyproject.toml: requires-python is not of the form \">=3.N\"" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q "uv==0.13.10"
{
  echo "# 依赖锁定文件：安装命令用 -c constraints.txt 取这里的确切版本（由 scripts/update_lock.sh 生成，勿手改）。"
  echo "# 一份文件适用于 Python ${oldest} 及以后的各版本和各平台：带“; 条件”的行只在条件成立时起作用（pip 自己判断）。"
  echo "# The lock: exact versions for 'pip install -c constraints.txt ...'; regenerate with scripts/update_lock.sh."
  "$scratch/venv/bin/uv" pip compile -q --no-config --universal --python-version "$oldest" --fork-strategy fewest \
    --all-extras --no-header --no-emit-index-url pyproject.toml
} > "$scratch/constraints.txt"
mv "$scratch/constraints.txt" constraints.txt  # whole or not at all
