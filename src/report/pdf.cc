// The report as an A4 PDF: pango lays out the Japanese text (line breaking by
// the Unicode rules, the CJK font fontconfig finds), cairo writes the PDF.
// Laid out twice: the first pass only measures, so that every page can say
// "n / N"; both passes use the same font options, so they break alike.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>

#include "report/report.h"

namespace mamori::report {
namespace {

constexpr double kPageW = 595.28, kPageH = 841.89;  // A4 in points
constexpr double kMargin = 50, kFooter = 28, kPad = 3;
// IPAexGothic is what deps/debian-packages.txt installs (fonts-ipaexfont-gothic);
// the others are what a town's machine may have instead.
constexpr const char* kFamily = "IPAexGothic, IPAGothic, Noto Sans CJK JP, sans-serif";
constexpr const char* kMono = "DejaVu Sans Mono, monospace";  // fonts-dejavu-core

class Pages {
 public:
  // draw = false: measure only (on a scratch surface), counting pages.
  Pages(cairo_t* cr, bool draw, int total, std::string footer)
      : cr_(cr), draw_(draw), total_(total), footer_(std::move(footer)) {
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(Context(), fo);
    // Points are cairo's units on a PDF surface; pango's default of 96 dpi
    // would make every size a third larger than asked.
    pango_cairo_context_set_resolution(Context(), 72);
    cairo_font_options_destroy(fo);
    y_ = kMargin;
  }
  ~Pages() {
    if (layout_) g_object_unref(layout_);
  }
  int page() const { return page_; }
  double Bottom() const { return kPageH - kMargin - kFooter; }
  double Width() const { return kPageW - 2 * kMargin; }

  // The height `text` takes at `size` points in `width`.
  double Measure(const std::string& text, double size, bool bold, double width) {
    Set(text, size, bold, width);
    int w = 0, h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  void Text(const std::string& text, double x, double y, double size, bool bold, double width) {
    if (!draw_) return;
    Set(text, size, bold, width);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_);
  }
  // A block of the given height at the current line, on a new page if it does not fit.
  void Need(double h) {
    if (y_ + h > Bottom() && y_ > kMargin) Break();
  }
  void Break() {
    Foot();
    if (draw_) cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }
  void Finish() { Foot(); if (draw_) cairo_show_page(cr_); }
  double& y() { return y_; }

  void Paragraph(const std::string& text, double size, bool bold, double after) {
    const double h = Measure(text, size, bold, Width());
    Need(h);
    Text(text, kMargin, y_, size, bold, Width());
    y_ += h + after;
  }

  // A table: the header again on each page it continues onto.
  void Table(const registry::io::Table& t, std::vector<double> widths, double size) {
    if (t.header.empty()) return;
    if (widths.size() != t.header.size()) widths.assign(t.header.size(), 1.0);
    const double sum = std::accumulate(widths.begin(), widths.end(), 0.0);
    for (auto& w : widths) w = w / sum * Width();
    auto height = [&](const std::vector<std::string>& cells, bool bold) {
      double h = 0;
      for (std::size_t c = 0; c < widths.size(); ++c)
        h = std::max(h, Measure(c < cells.size() ? cells[c] : "", size, bold, widths[c] - 2 * kPad));
      return h + 2 * kPad;
    };
    auto row = [&](const std::vector<std::string>& cells, bool header, double h) {
      double x = kMargin;
      for (std::size_t c = 0; c < widths.size(); ++c) {
        if (draw_) {
          cairo_rectangle(cr_, x, y_, widths[c], h);
          if (header) {
            cairo_set_source_rgb(cr_, 0.90, 0.92, 0.95);
            cairo_fill_preserve(cr_);
          }
          cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
          cairo_set_line_width(cr_, 0.5);
          cairo_stroke(cr_);
          cairo_set_source_rgb(cr_, 0, 0, 0);
        }
        Text(c < cells.size() ? cells[c] : "", x + kPad, y_ + kPad, size, header, widths[c] - 2 * kPad);
        x += widths[c];
      }
      y_ += h;
    };
    const double head_h = height(t.header, true);
    Need(head_h + (t.rows.empty() ? 0 : height(t.rows[0], false)));
    row(t.header, true, head_h);
    for (const auto& r : t.rows) {
      const double h = height(r, false);
      if (y_ + h > Bottom()) {
        Break();
        row(t.header, true, head_h);
      }
      row(r, false, h);
    }
    y_ += 10;
  }

 private:
  PangoContext* Context() {
    if (!layout_) layout_ = pango_cairo_create_layout(cr_);
    return pango_layout_get_context(layout_);
  }
  // A SHA-256 in hex (the ledger's root, the pack's hash) is set in a
  // monospace font: it keeps to one line, and an auditor compares it
  // character by character with the head they hold.
  static bool IsHash(const std::string& t) {
    return t.size() == 64 && std::all_of(t.begin(), t.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  }
  void Set(const std::string& text, double size, bool bold, double width) {
    Context();
    PangoFontDescription* fd = pango_font_description_from_string(IsHash(text) ? kMono : kFamily);
    pango_font_description_set_size(fd, static_cast<int>(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout_, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(layout_, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout_, text.c_str(), static_cast<int>(text.size()));
  }
  void Foot() {
    const double y = kPageH - kMargin - kFooter + 12;
    Text(footer_, kMargin, y, 7.5, false, Width() - 60);
    const std::string n = std::to_string(page_ + 1) + " / " + std::to_string(total_);
    Text(n, kPageW - kMargin - 55, y, 7.5, false, 55);
  }

  cairo_t* cr_;
  bool draw_;
  int total_;
  std::string footer_;
  PangoLayout* layout_ = nullptr;
  int page_ = 0;
  double y_ = 0;
};

// The whole document, once: returns the pages it took.
int Lay(cairo_t* cr, bool draw, int total, const Document& doc) {
  Pages p(cr, draw, total, doc.footer);
  p.y() = kMargin + 120;
  p.Paragraph(doc.title, 20, true, 10);
  p.Paragraph(doc.subtitle, 12, false, 30);
  registry::io::Table cover;
  cover.header = {"項目", "内容"};
  for (const auto& [k, v] : doc.cover) cover.rows.push_back({k, v});
  p.Table(cover, {1.0, 4.0}, 9);
  for (const auto& s : doc.sections) {
    p.Break();
    p.Paragraph(s.title, 14, true, 8);
    for (const auto& para : s.paragraphs) p.Paragraph(para, 10, false, 6);
    if (!s.table.header.empty()) {
      if (s.table.rows.empty()) p.Paragraph("（該当なし）", 10, false, 6);
      else p.Table(s.table, s.widths, 8);
    }
    for (const auto& x : s.more) {
      p.Paragraph(x.caption, 11, true, 4);
      if (x.table.rows.empty()) p.Paragraph("（該当なし）", 10, false, 6);
      else p.Table(x.table, x.widths, 8);
    }
  }
  p.Finish();
  return p.page() + 1;
}

[[noreturn]] void Fail(const std::string& path, const std::string& why) {
  throw store::Error("E-REP-002", "PDF「" + path + "」を作れません: " + why + "。書き込める場所か、ディスクの空きを確かめてください。");
}

}  // namespace

void WritePdf(const Document& doc, const std::string& path) {
  int pages = 0;
  {
    cairo_surface_t* scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t* cr = cairo_create(scratch);
    pages = Lay(cr, false, 0, doc);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
  }
  cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), kPageW, kPageH);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface));
    cairo_surface_destroy(surface);
    Fail(path, why);
  }
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mamori");
  cairo_t* cr = cairo_create(surface);
  Lay(cr, true, pages, doc);
  const cairo_status_t st = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t fin = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS) Fail(path, cairo_status_to_string(st));
  if (fin != CAIRO_STATUS_SUCCESS) Fail(path, cairo_status_to_string(fin));
}

void WriteXlsx(const Document& doc, const std::string& path) {
  std::vector<registry::io::Sheet> sheets;
  registry::io::Sheet cover;
  cover.name = "表紙";
  cover.table.header = {"項目", "内容"};
  cover.table.rows.push_back({"表題", doc.title});
  cover.table.rows.push_back({"", doc.subtitle});
  for (const auto& [k, v] : doc.cover) cover.table.rows.push_back({k, v});
  for (const auto& s : doc.sections)
    for (const auto& para : s.paragraphs) cover.table.rows.push_back({s.title, para});
  sheets.push_back(std::move(cover));
  for (const auto& s : doc.sections) {
    if (s.table.header.empty()) continue;
    registry::io::Sheet sh;
    // Excel's sheet names: 31 characters, none of []:*?/\ — the titles are short and plain.
    sh.name = s.title;
    sh.table = s.table;
    sheets.push_back(std::move(sh));
    for (const auto& x : s.more) {
      registry::io::Sheet more;
      more.name = x.caption;
      more.table = x.table;
      sheets.push_back(std::move(more));
    }
  }
  registry::io::WriteXlsxBook(path, sheets);
}

}  // namespace mamori::report
