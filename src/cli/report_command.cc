// `mamori report`: the committee's annual report as PDF or Excel.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "compliance/compliance.h"
#include "output/output.h"
#include "registry/binding.h"
#include "registry/io/table_io.h"
#include "report/report.h"

namespace mamori::cli {

void AddReportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "情報セキュリティ委員会の年次報告（務め・研修・自己点検・監査・インシデント・例外措置・点検）を PDF か xlsx で");
  static std::string db = DefaultDb(), fy_text, format = "pdf", out, unit, as_of;
  static bool force = false;
  cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
  cmd->add_option("--format,-f", format, "pdf | xlsx")->check(CLI::IsMember({"pdf", "xlsx"}));
  cmd->add_option("--out,-o", out, "書き出すファイル")->required();
  cmd->add_option("--unit", unit, "1つの課の報告（組織コードか名称）");
  cmd->add_option("--as-of", as_of, "在任者と状態を見る日（既定: 今日。年度の外なら年度の末日・初日）");
  cmd->add_flag("--force", force, "既にあるファイルを置き換える");
  cmd->add_option("--db", db, "データベースのファイル");
  cmd->callback([] {
    Guard([] {
      const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
      report::Options o;
      o.fy = fy.year;
      o.unit = unit;
      if (!as_of.empty()) {
        auto d = registry::io::ParseDate(as_of);
        if (!d) throw store::Error("E-COMP-005", "--as-of の日付「" + as_of + "」を読めません（例: 2026-04-01、令和8年4月1日）。");
        o.as_of = o.now = *d;
      } else {
        o.now = store::NowJst().substr(0, 10);
        o.as_of = fy.Contains(o.now) ? o.now : o.now > fy.end ? fy.end : fy.start;
      }
      // The output is refused before anything is read if it would overwrite
      // the store or its key, or an existing file without --force.
      output::AtomicFile file(out, output::Options{force, output::StoreFiles(db)});
      auto b = registry::Open(db);
      const report::Document doc = report::AnnualReport(*b.store, *b.ledger, b.pack, o);
      if (format == "pdf") report::WritePdf(doc, file.temp_path());
      else report::WriteXlsx(doc, file.temp_path());
      file.Commit();
      std::cerr << doc.title << " を " << out << " に書き出しました。\n";
    });
  });
}

}  // namespace mamori::cli
