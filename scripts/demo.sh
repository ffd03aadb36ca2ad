#!/usr/bin/env bash
# The demo: read the five seed policies and print each one's outline and
# counts, then check the five policy packs against their texts.
set -euo pipefail
bin=${1:-build/mamori}
seeds=${2:-../shared/seeds}
packs=${3:-packs}
if ! ls "$seeds"/*.txt >/dev/null 2>&1; then
  echo "E-DEMO-001: 例規のテキストが見つかりません: $seeds（shared/ をリポジトリの隣に置いてください）" >&2
  exit 2
fi
for f in "$seeds"/*.txt; do
  echo "================================================================"
  echo "$(basename "$f")"
  "$bin" reiki parse --format outline "$f"
done
echo "================================================================"
echo "ポリシーパックの検査（mamori pack check）"
for d in "$packs"/*/; do
  echo "---- $d"
  "$bin" pack check "$d"
done
echo
echo "パックの要約は次のコマンドで表示できます: $bin pack show packs/yasuda"
