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


echo "================================================================"
echo "台帳: 安田町のパックに結び付けたデータベースに、生成した架空の町を取り込む"
db=${DEMO_DB:-build/demo.db}
rm -f "$db" "$db-wal" "$db-shm" "$db.key" "$db.pub" "$db.ledger"
"$bin" init --pack "$packs/yasuda" --db "$db"
"$bin" sample --db "$db" >/dev/null
"$bin" status --db "$db"
echo
echo "異動をまたいだ役割の解決（mamori who）:"
"$bin" who 情報セキュリティ責任者 --unit 税務課 --as-of 2026-03-31 --db "$db"
"$bin" who 情報セキュリティ責任者 --unit 税務課 --as-of 2026-04-01 --db "$db"
"$bin" who CISO --as-of 2026-05-08 --db "$db"

echo
echo "判定（mamori decide --explain）: 職員 000100 が税務課（U03）の機密性2の情報資産を運搬する"
echo '{"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}}' |
  "$bin" decide --db "$db" --explain -

echo
echo "================================================================"
echo "証跡（mamori ledger）: 上の判定を記録し、署名付きツリーヘッドと検証結果を示す"
echo '{"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}}' |
  "$bin" decide --db "$db" --record - >/dev/null
"$bin" ledger head --db "$db"
"$bin" ledger verify --db "$db"
"$bin" ledger pubkey --db "$db" --out "$db.pub"
"$bin" ledger export --db "$db" --out "$db.ledger"
echo "監査人の手元（書き出しと公開鍵だけ）での検証:"
"$bin" ledger verify --export "$db.ledger" --pubkey "$db.pub"
