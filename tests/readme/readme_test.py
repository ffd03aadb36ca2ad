#!/usr/bin/env python3
"""README.md held to the program it describes. Three checks, each a CTest test:

examples  Installs the build into a temporary prefix (`cmake --install BUILD
          --prefix TMP`, as `make install` does), checks what was installed, then
          runs every command line of every ```sh block of README.md, the Japanese
          half and the English half each in a fresh empty folder, in order, with
          PATH=TMP/bin:$PATH and MAMORI_PACKS=TMP/share/mamori/packs. In a command,
          `/usr/local` (the default PREFIX the README assumes) stands for TMP.
          Each command must exit 0, or the status its trailing comment ends with
          (`# … 終了コード 2` in Japanese, `# … exit status 2` in English,
          optionally in parentheses). Lines that need root or the source tree
          (SKIPPED) are not run; any other `make` line fails the check, as does
          `build/mamori`. The files the examples read are made by earlier
          examples (an export before an import), so there is no fixture.
codes     Every code the source can emit ([EWI]-[A-Z]+-[0-9]{3} in src/, scripts/
          and the Makefile) is in the Japanese error-code table and in the
          English one. A row names single codes (`E-REG-001`), lists
          (`E-REG-020 / 021`) or ranges (`E-DEC-001〜010`); a range covers only
          the codes that the document it names (`docs/….md`) lists one by one.
          A code listed singly must exist in the source.
halves    The English half matches the Japanese one: the same sections (each
          Japanese `##` is an English `###`), the same ```sh blocks with the same
          commands and expected statuses, the same rows in the error-code table.

usage: readme_test.py examples|codes|halves --source DIR [--build DIR --cmake CMAKE]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Lines the examples check does not run: they need root, the network or the
# source tree, and the test itself stands for them (it installs the build).
SKIPPED = ("make demo", "make test", "make install")

DEFAULT_PREFIX = "/usr/local"
ENGLISH_ANCHOR = '<a id="english"></a>'
CODE = re.compile(r"\b[EWI]-[A-Z]+-[0-9]{3}\b")
STATUS = re.compile(r"(?:終了コード|exit status) ?(\d+)[）)]?\s*$")
JA_TABLE_HEADER = "| コード | 意味 |"
EN_TABLE_HEADER = "| code | meaning |"

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def halves(readme):
    if readme.count(ENGLISH_ANCHOR) != 1:
        sys.exit("README.md must hold the English anchor " + ENGLISH_ANCHOR + " exactly once")
    ja, en = readme.split(ENGLISH_ANCHOR)
    return {"Japanese": ja, "English": en}


def sh_blocks(text):
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


def comment_start(line):
    """Index of the `#` that starts a shell comment outside quotes, or -1."""
    quote, i = None, 0
    while i < len(line):
        c = line[i]
        if c == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return -1


def commands(block):
    """The command lines of a ```sh block: (text to run, command without comment, expected status).

    A line ending in a backslash continues on the next; whole-line comments
    and blank lines are not commands."""
    out, pending = [], ""
    for raw in block.split("\n"):
        if pending:
            pending += "\n" + raw
        elif not raw.strip() or raw.lstrip().startswith("#"):
            continue
        else:
            pending = raw
        if pending.endswith("\\"):
            continue
        text, pending = pending, ""
        last = text.split("\n")[-1]
        at = comment_start(last)
        comment = last[at:] if at >= 0 else ""
        bare = text if at < 0 else text[: len(text) - len(last) + at]
        bare = " ".join(bare.replace("\\\n", " ").split())
        m = STATUS.search(comment)
        out.append((text, bare, int(m.group(1)) if m else 0))
    if pending:
        fail("a ```sh block ends in a continuation line: " + pending)
    return out


def skipped(bare):
    return any(bare == s or bare.startswith(s + " ") for s in SKIPPED)


# ---------------------------------------------------------------- examples


def check_install(prefix):
    installed = set()
    for root, _, files in os.walk(prefix):
        for f in files:
            installed.add(os.path.relpath(os.path.join(root, f), prefix))
    bins = sorted(p for p in installed if p.startswith("bin/"))
    if bins != ["bin/mamori"]:
        fail("bin/ must hold only mamori (no test, bench or fuzz binary), found: " + ", ".join(bins))
    for pack in ("hanamaki", "hokkaido", "kohoku", "okitama", "yasuda"):
        for f in ("pack.toml", "regulation.txt", "review.toml"):
            if "share/mamori/packs/%s/%s" % (pack, f) not in installed:
                fail("pack file not installed: share/mamori/packs/%s/%s" % (pack, f))
    docs = sorted(p for p in installed if p.startswith("share/doc/mamori/"))
    for f in ["README.md"] + sorted(os.listdir(os.path.join(args.source, "docs"))):
        if f.endswith(".md") and "share/doc/mamori/" + f not in docs:
            fail("doc not installed: share/doc/mamori/" + f)
    others = sorted(p for p in installed if not p.startswith(("bin/", "share/mamori/packs/", "share/doc/mamori/")))
    if others:
        fail("installed outside bin/, share/mamori/packs/ and share/doc/mamori/: " + ", ".join(others))


def run_examples():
    readme = read(os.path.join(args.source, "README.md"))
    if "build/mamori" in "".join(sh_blocks(readme)):
        fail("README examples must call the installed `mamori`, not build/mamori")
    tmp = tempfile.mkdtemp(prefix="mamori_readme_")
    try:
        prefix = os.path.join(tmp, "prefix")
        r = subprocess.run([args.cmake, "--install", args.build, "--prefix", prefix], capture_output=True, text=True)
        if r.returncode != 0:
            fail("cmake --install failed:\n" + r.stdout + r.stderr)
            return
        check_install(prefix)
        env = dict(os.environ)
        env.pop("MAMORI_DB", None)
        env["PATH"] = os.path.join(prefix, "bin") + os.pathsep + env.get("PATH", "/usr/bin:/bin")
        env["MAMORI_PACKS"] = os.path.join(prefix, "share", "mamori", "packs")
        for half, text in halves(readme).items():
            work = os.path.join(tmp, "work-" + half)
            os.makedirs(work)
            ran = 0
            for block in sh_blocks(text):
                for run, bare, expected in commands(block):
                    if skipped(bare):
                        continue
                    if re.match(r"(sudo )?make\b", bare):
                        fail("%s: a make line the test does not know (add it to SKIPPED if it cannot run here): %s" % (half, bare))
                        continue
                    script = "set -o pipefail\n" + run.replace(DEFAULT_PREFIX, prefix)
                    try:
                        r = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                                           timeout=600)
                        status, out, err = r.returncode, r.stdout, r.stderr
                    except subprocess.TimeoutExpired:
                        status, out, err = "timeout", "", ""
                    ran += 1
                    if status != expected:
                        fail("%s half: `%s` exited %s, the README says %d\n--- stdout:\n%s--- stderr:\n%s"
                             % (half, bare, status, expected, out[-3000:], err[-3000:]))
                    else:
                        print("ok %s: %s%s" % (half, bare, "" if expected == 0 else "  (exit %d as documented)" % expected))
            if ran == 0:
                fail(half + " half: no command ran")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- codes


def source_codes():
    codes = {}
    paths = [os.path.join(args.source, "Makefile")]
    for top in ("src", "scripts", ".ci"):
        for root, _, files in os.walk(os.path.join(args.source, top)):
            paths += [os.path.join(root, f) for f in files]
    for path in paths:
        try:
            text = read(path)
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for c in CODE.findall(text):
            codes.setdefault(c, os.path.relpath(path, args.source))
    return codes


def table_rows(text, header):
    """The rows (first cell, rest) of the table under `header`."""
    lines = text.split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if l.strip().startswith(header))
    except StopIteration:
        fail("no table with header `%s`" % header)
        return []
    rows = []
    for l in lines[start + 2:]:
        if not l.startswith("|"):
            break
        cells = [c.strip() for c in l.strip().strip("|").split("|")]
        rows.append((cells[0], " | ".join(cells[1:])))
    return rows


def cell_codes(cell):
    """A row's first cell -> (single codes, ranges as (prefix, lo, hi)). None when unreadable."""
    singles, ranges = [], []
    prefix = None
    for part in re.split(r"\s*/\s*|\s*、\s*", cell.replace("`", "").strip()):
        m = re.fullmatch(r"(?:([EWI]-[A-Z]+)-)?([0-9]{3})(?:〜(?:([EWI]-[A-Z]+)-)?([0-9]{3}))?", part)
        if not m or not (m.group(1) or prefix):
            return None
        prefix = m.group(1) or prefix
        if m.group(4):
            if m.group(3) and m.group(3) != prefix:
                return None
            ranges.append((prefix, int(m.group(2)), int(m.group(4))))
        else:
            singles.append("%s-%s" % (prefix, m.group(2)))
    return singles, ranges


def covered(rows, where, emitted):
    """The codes the table covers; checks every row's form and documents."""
    codes = set()
    for first, meaning in rows:
        parsed = cell_codes(first)
        if parsed is None:
            fail("%s table: cannot read the codes of row `%s` (write E-X-001, E-X-001 / 002 or E-X-001〜009)" % (where, first))
            continue
        singles, ranges = parsed
        for c in singles:
            if c not in emitted:
                fail("%s table: %s is listed but nothing in src/, scripts/ or the Makefile emits it" % (where, c))
            codes.add(c)
        if ranges:
            docs = re.findall(r"docs/[\w.-]+\.md", meaning)
            if len(docs) != 1:
                fail("%s table: the range row `%s` must name the one document that lists its codes" % (where, first))
                continue
            listed = set(CODE.findall(read(os.path.join(args.source, docs[0]))))
            for prefix, lo, hi in ranges:
                for c in emitted:
                    p, n = c.rsplit("-", 1)
                    if p == prefix and lo <= int(n) <= hi:
                        if c in listed:
                            codes.add(c)
                        else:
                            fail("%s table: %s is in the range `%s`, but %s does not list it (list it there or singly here)"
                                 % (where, c, first, docs[0]))
    return codes


def run_codes():
    readme = read(os.path.join(args.source, "README.md"))
    emitted = source_codes()
    h = halves(readme)
    for where, text, header in (("Japanese", h["Japanese"], JA_TABLE_HEADER), ("English", h["English"], EN_TABLE_HEADER)):
        codes = covered(table_rows(text, header), where, emitted)
        for c in sorted(set(emitted) - codes):
            fail("%s table of README.md lacks %s (emitted in %s)" % (where, c, emitted[c]))
    if not failures:
        print("%d codes in the source, all in both tables" % len(emitted))


# ---------------------------------------------------------------- halves


def headings(text, shift):
    out = []
    for l in text.split("\n"):
        m = re.match(r"(#{2,6}) ", l)
        if m:
            out.append(len(m.group(1)) + shift)
    return out


def invocations(text):
    subs = set()
    for block in sh_blocks(text):
        for _, bare, _ in commands(block):
            for m in re.finditer(r"(?:^|[|;&]\s*)mamori((?: [a-z][a-z-]*){1,2})", bare):
                subs.add("mamori" + m.group(1))
    return subs


def run_halves():
    h = halves(read(os.path.join(args.source, "README.md")))
    ja, en = h["Japanese"], h["English"]
    ja_h, en_h = headings(ja, 1), headings(en, 0)
    # The English half opens with its own `## English`.
    if not en_h or en_h[0] != 2:
        fail("the English half must open with `## English`")
    elif ja_h != en_h[1:]:
        fail("the sections differ: Japanese levels %s (shifted by one), English %s" % (ja_h, en_h[1:]))
    jb, eb = sh_blocks(ja), sh_blocks(en)
    if len(jb) != len(eb):
        fail("the Japanese half has %d ```sh blocks, the English %d" % (len(jb), len(eb)))
    for i, (a, b) in enumerate(zip(jb, eb), 1):
        ca = [(bare, status) for _, bare, status in commands(a)]
        cb = [(bare, status) for _, bare, status in commands(b)]
        if ca != cb:
            for x, y in zip(ca + [None] * len(cb), cb + [None] * len(ca)):
                if x != y:
                    fail("```sh block %d differs: Japanese %s, English %s" % (i, x, y))
                    break
    ij, ie = invocations(ja), invocations(en)
    for s in sorted(ij ^ ie):
        fail("`%s` appears only in the %s half" % (s, "Japanese" if s in ij else "English"))
    rj = [c for c, _ in table_rows(ja, JA_TABLE_HEADER)]
    re_ = [c for c, _ in table_rows(en, EN_TABLE_HEADER)]
    if rj != re_:
        fail("the error-code tables differ: only Japanese %s, only English %s"
             % (sorted(set(rj) - set(re_)), sorted(set(re_) - set(rj))) if set(rj) != set(re_)
             else "the error-code tables list the same rows in different orders")
    if not failures:
        print("the halves match: %d sections, %d sh blocks, %d subcommands" % (len(ja_h), len(jb), len(ij)))


parser = argparse.ArgumentParser()
parser.add_argument("check", choices=("examples", "codes", "halves"))
parser.add_argument("--source", required=True)
parser.add_argument("--build")
parser.add_argument("--cmake", default="cmake")
args = parser.parse_args()
if args.check == "examples" and not args.build:
    sys.exit("examples needs --build")
{"examples": run_examples, "codes": run_codes, "halves": run_halves}[args.check]()
if failures:
    print("\n%d problem(s) in README.md" % len(failures), file=sys.stderr)
    sys.exit(1)
