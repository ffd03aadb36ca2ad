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
echo "台帳の事実が優先: 台帳で機密性3の資産 A0000003 を要求で機密性1とすると、判定せずに両方の値を示して断る"
echo '{"subject":"000100","action":"transport","resource":"A0000003","context":{"confidentiality":"C1","date":"2026-04-01"}}' |
  "$bin" decide --db "$db" - || true
echo "一般職員は例外措置を申請できない（第119条: 情報セキュリティ責任者・情報システム管理者に限る）"
echo '{"subject":"000100","action":"exception","context":{"date":"令和8年4月1日"}}' |
  "$bin" decide --db "$db" --explain - | grep -E "^【(判断|理由)】"

echo
echo "指名（mamori import 指名）: CISO（副町長 000001）が CSIRT の職員を指名し、その日の CSIRT を答える"
designations="$db.designations.csv"
printf '指名ID,役割,職員,指名者,開始日,終了日,根拠条文\nD001,CSIRT,000030,000001,2026-04-01,,第18条第2項\nD002,CSIRT責任者,000031,000001,2026-04-01,,第18条第2項\n' >"$designations"
"$bin" import 指名 "$designations" --db "$db"
"$bin" who CSIRT --as-of 2026-04-01 --db "$db"
echo '{"subject":"000050","action":"audit_plan","context":{"date":"2026-04-01"}}' |
  "$bin" decide --db "$db" --explain - | grep -E "^【(承認|理由)】" | cut -c1-200
rm -f "$designations"

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

# The server (mamori serve) on the sample town, until Ctrl-C: the enforced
# values set as demo values by their owners, demo accounts with their first
# passwords, and a take-out case waiting for today's 税務課長.
# DEMO_SERVE=0 ends the demo here; DEMO_PORT picks the port (0: a free one).
if [ "${DEMO_SERVE:-1}" = 0 ]; then
  exit 0
fi
echo
echo "================================================================"
echo "サーバー（mamori serve）: 見本の町を http://127.0.0.1:${DEMO_PORT:-8080} で提供する（Ctrl-C で止まる）"
sdb=${DEMO_SERVE_DB:-build/demo-serve.db}
rm -f "$sdb" "$sdb-wal" "$sdb-shm" "$sdb.key"
"$bin" init --pack "$packs/yasuda" --db "$sdb" >/dev/null
"$bin" sample --demo-parameters --db "$sdb" >/dev/null
"$bin" param list --enforced --db "$sdb"
echo "デモ用のアカウント（仮のパスワード。最初のログインで POST /api/v1/password で変える）:"
echo "  000022 税務課長（今日の情報セキュリティ責任者）、000004 前の税務課長、000023 税務課の職員、000001 副町長（CISO）"
"$bin" account issue 000022 000004 000023 000001 --as 000021 --db "$sdb"
request="$sdb.take-out.json"
echo '{"action":"take_out","resource":"A0000022"}' >"$request"
"$bin" apply "$request" --as 000023 --db "$sdb"
rm -f "$request"
echo "試し方: curl -c jar -X POST http://127.0.0.1:${DEMO_PORT:-8080}/api/v1/login -d '{\"person\":\"000022\",\"password\":\"…\"}'"
echo "        文書: http://127.0.0.1:${DEMO_PORT:-8080}/api/v1/openapi.json（docs/api.md）"
exec "$bin" serve --db "$sdb" --listen "127.0.0.1:${DEMO_PORT:-8080}"
