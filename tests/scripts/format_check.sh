#!/usr/bin/env bash
# The C++ sources are formatted with the tree's .clang-format: this test fails on any file clang-format would
# change, names each one and says how to fix it. Usage: format_check.sh <source dir>.
set -uo pipefail
src="$1"
cd "$src" || { echo "format_check: no source directory $src" >&2; exit 2; }
command -v clang-format >/dev/null || { echo "format_check: clang-format is not installed (scripts/deps.sh lists it)" >&2; exit 2; }
# The files of the checkout (git knows them; a tree without .git: every C++ file outside build directories).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find . -path './build*' -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
fi
((${#files[@]})) || { echo "format_check: no C++ files found in $src" >&2; exit 2; }
bad=()
for f in "${files[@]}"; do
  clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  echo "format_check: ${#bad[@]} of ${#files[@]} files are not formatted with .clang-format:"
  printf '  %s\n' "${bad[@]}"
  echo "fix: clang-format -i <file> (all of them: git ls-files '*.cpp' '*.h' | xargs clang-format -i)"
  exit 1
fi
echo "format_check: all ${#files[@]} C++ files are formatted"
