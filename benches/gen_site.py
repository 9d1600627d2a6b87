#!/usr/bin/env python3
"""Generate a synthetic onestop site with N procedure records, for benchmarks.

Usage:
    benches/gen_site.py N OUT_DIR [--source SITE_DIR]

OUT_DIR is created (it must not exist, or must be empty). It receives a copy
of SITE_DIR/site.toml (default: the repository root), SITE_DIR/content/pages/
and, under content/procedures/<stage>/, N records made by cycling through the
real records in SITE_DIR/content/procedures/**/*.toml (sorted by path).

Record k (0-based) is a copy of real record j = k mod M (M real records) in
"round" r = k div M, edited as text so that formatting, comments and
Markdown stay as in the original:

  * code  -> "9.NNNNNN" with NNNNNN = k (unique; the real codes are never used)
  * file name / slug -> <original-slug>-<r> for r > 0; round 0 keeps the
    original slug, so links in content/pages/ to /thu-tuc/<slug>/ still resolve
  * title, title_en -> the original plus " (bản r+1)" / " (copy r+1)" for r > 0,
    so that list pages and the search index do not hold N identical titles
  * after, related, alternative_to -> each code is mapped to the synthetic copy
    of the same real record in the same round (so the journey graph of every
    round is the real one, acyclic); a reference whose copy does not exist
    (the last, partial round) is dropped.

Every generated file is parsed back with tomllib and compared with what was
intended, so a change in the example's formatting fails loudly instead of
producing a site that benchmarks something else.
"""

import argparse
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

REF_KEYS = ("alternative_to", "after", "related")
MAX_N = 1_000_000  # codes are 9.NNNNNN


def load_originals(src: Path):
    files = sorted((src / "content" / "procedures").rglob("*.toml"))
    files = [f for f in files if not f.name.startswith((".", "_"))]
    if not files:
        sys.exit(f"gen_site: no records under {src}/content/procedures")
    originals = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        originals.append({"path": f, "slug": f.stem, "text": text, "data": data})
    return originals


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def replace_key(text: str, key: str, new_value: str, path: Path) -> str:
    """Replaces the first top-level `key = <string or array>` (value only)."""
    # Top-level keys come before any table header, so the first match at the
    # start of a line is the top-level one (legal_basis also has `title`).
    pat = re.compile(r'(?m)^(' + re.escape(key) + r'[ \t]*=[ \t]*)("(?:[^"\\\n]|\\.)*"|\[[^\]]*\])')
    new, n = pat.subn(lambda m: m.group(1) + new_value, text, count=1)
    if n != 1:
        raise SystemExit(f"gen_site: {path}: cannot find top-level `{key} = ...`")
    return new


def make_record(orig, k, r, code_index, M, n_total):
    text = orig["text"]
    data = orig["data"]
    path = orig["path"]
    code = f"9.{k:06d}"
    expect = {"code": code}
    text = replace_key(text, "code", toml_str(code), path)
    if r > 0:
        for key, suffix in (("title", f" (bản {r + 1})"), ("title_en", f" (copy {r + 1})")):
            if key in data:
                value = data[key].strip() + suffix
                text = replace_key(text, key, toml_str(value), path)
                expect[key] = value
    for key in REF_KEYS:
        if key not in data:
            continue
        mapped = []
        for c in data[key]:
            j = code_index.get(c.strip())
            if j is None:
                continue  # dangling in the example itself; not our business
            kk = r * M + j
            if kk < n_total and kk != k:
                mapped.append(f"9.{kk:06d}")
        text = replace_key(text, key, "[" + ", ".join(toml_str(c) for c in mapped) + "]", path)
        expect[key] = mapped
    check = tomllib.loads(text)
    for key, value in expect.items():
        got = check.get(key)
        if isinstance(got, str):
            got = got.strip()
        if got != value:
            raise SystemExit(f"gen_site: {path}: rewriting `{key}` gave {got!r}, wanted {value!r}")
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of procedure records to generate")
    ap.add_argument("out", type=Path, help="new site folder to create")
    default_src = Path(__file__).resolve().parent.parent
    ap.add_argument("--source", type=Path, default=default_src, help=f"site to copy from (default {default_src})")
    args = ap.parse_args()
    n, out, src = args.n, args.out, args.source
    if not 1 <= n < MAX_N:
        sys.exit(f"gen_site: N must be between 1 and {MAX_N - 1}")
    if out.exists() and any(out.iterdir()):
        sys.exit(f"gen_site: {out} exists and is not empty")

    originals = load_originals(src)
    M = len(originals)
    code_index = {}
    for j, o in enumerate(originals):
        code_index.setdefault(o["data"]["code"].strip(), j)

    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "site.toml", out / "site.toml")
    if (src / "content" / "pages").is_dir():
        shutil.copytree(src / "content" / "pages", out / "content" / "pages")
    proc = out / "content" / "procedures"
    made_dirs = set()
    total_bytes = 0
    for k in range(n):
        r, j = divmod(k, M)
        o = originals[j]
        text = make_record(o, k, r, code_index, M, n)
        stage = o["data"].get("stage", "misc")
        d = proc / stage
        if d not in made_dirs:
            d.mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        data = text.encode("utf-8")
        slug = o["slug"] if r == 0 else f"{o['slug']}-{r}"
        (d / f"{slug}.toml").write_bytes(data)
        total_bytes += len(data)
    print(f"gen_site: {n} records ({M} originals x {(n + M - 1) // M} rounds), {total_bytes / 1e6:.1f} MB of TOML in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
