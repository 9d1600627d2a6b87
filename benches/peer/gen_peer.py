#!/usr/bin/env python3
"""Generate a peer site for benchmarks: N Markdown pages plus one list page.

Usage: python3 benches/peer/gen_peer.py N DIR

The same content is laid out for Hugo (hugo.toml, layouts/) and for Zola
(config.toml, templates/), so either tool builds DIR as it is:

    hugo --quiet --source DIR --destination OUT
    zola --root DIR build --output-dir OUT

Each page is procedure-like: TOML front matter (title, code, field), about 600
words in five sections, a 6-row table, a 5-item list and 6 links to other
pages of the site. The list page (/procedures/) has every page in a table,
the shape of onestop's catalogue. Everything is deterministic (a fixed seed),
so two runs make the same bytes; no taxonomy pages, no feeds (onestop's peer
figures in /work/shared/reference/performance-anchors.md are without taxonomy).
"""

import argparse
import random
import shutil
import sys
from pathlib import Path

WORDS = (
    "hồ sơ thủ tục đăng ký đầu tư doanh nghiệp giấy chứng nhận cơ quan tiếp nhận trả kết quả "
    "trực tuyến bưu chính nộp lệ phí thời hạn ngày làm việc văn bản đề nghị bản sao chứng thực "
    "quyết định chủ trương dự án khu công nghiệp ban quản lý tỉnh nhà đầu tư điều chỉnh thẩm định "
    "môi trường xây dựng phòng cháy chữa cháy lao động người nước ngoài cấp giấy phép báo cáo "
    "the of and to a in for is on that by with as application certificate authority investor"
).split()

FIELDS = ["dau-tu", "doanh-nghiep", "xay-dung", "moi-truong", "lao-dong", "phong-chay"]

HUGO_CONFIG = """baseURL = "https://example.gov.vn/"
languageCode = "vi"
title = "Peer benchmark"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">{{ site.Title }}</a> · <a href="/procedures/">Danh mục</a></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>
"""

HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="meta">Mã: {{ .Params.code }} · Lĩnh vực: {{ .Params.field }}</p>
{{ .Content }}</article>{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<table><thead><tr><th>Mã</th><th>Tên</th><th>Lĩnh vực</th></tr></thead><tbody>
{{ range .Pages.ByParam "code" }}<tr><td>{{ .Params.code }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.field }}</td></tr>
{{ end }}</tbody></table>{{ end }}
"""

HUGO_HOME = """{{ define "main" }}<h1>{{ site.Title }}</h1><p><a href="/procedures/">Danh mục thủ tục</a></p>{{ end }}
"""

ZOLA_CONFIG = """base_url = "https://example.gov.vn"
title = "Peer benchmark"
default_language = "vi"
compile_sass = false
build_search_index = false
generate_feeds = false
[markdown]
highlight_code = false
"""

ZOLA_BASE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">{{ config.title }}</a> · <a href="/procedures/">Danh mục</a></header>
<main>{% block main %}{% endblock %}</main><footer>{{ config.title }}</footer></body></html>
"""

ZOLA_PAGE = """{% extends "base.html" %}{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}
{% block main %}<article><h1>{{ page.title }}</h1>
<p class="meta">Mã: {{ page.extra.code }} · Lĩnh vực: {{ page.extra.field }}</p>
{{ page.content | safe }}</article>{% endblock %}
"""

ZOLA_SECTION = """{% extends "base.html" %}{% block title %}{{ section.title }} · {{ config.title }}{% endblock %}
{% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
<table><thead><tr><th>Mã</th><th>Tên</th><th>Lĩnh vực</th></tr></thead><tbody>
{% for p in section.pages %}<tr><td>{{ p.extra.code }}</td><td><a href="{{ p.permalink }}">{{ p.title }}</a></td><td>{{ p.extra.field }}</td></tr>
{% endfor %}</tbody></table>{% endblock %}
"""

ZOLA_INDEX = """{% extends "base.html" %}{% block main %}<h1>{{ config.title }}</h1><p><a href="/procedures/">Danh mục thủ tục</a></p>{% endblock %}
"""


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng, words):
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 18)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out), count


def page(i, n, rng):
    code = f"9.{i:06d}"
    field = FIELDS[i % len(FIELDS)]
    title = sentence(rng, rng.randint(6, 12)).rstrip(".")
    title = title.replace('"', "")
    # Zola reads `extra`, Hugo `params`; both accept the other table and ignore it.
    front = (
        "+++\n"
        f'title = "{title}"\n'
        f'slug = "p-{i:06d}"\n'
        f"weight = {i + 1}\n"
        "[extra]\n"
        f'code = "{code}"\n'
        f'field = "{field}"\n'
        "[params]\n"
        f'code = "{code}"\n'
        f'field = "{field}"\n'
        "+++\n\n"
    )
    body, words = [], 0
    for heading in ["Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Cơ quan thực hiện", "Căn cứ pháp lý"]:
        body.append(f"## {heading}\n")
        text, w = paragraph(rng, 80)
        body.append(text + "\n")
        words += w
    body.append("| Kênh | Thời hạn | Phí | Ghi chú |\n|---|---|---|---|")
    for r in range(6):
        body.append(f"| {rng.choice(['Trực tiếp', 'Trực tuyến', 'Bưu chính'])} | {rng.randint(1, 45)} ngày | "
                    f"{rng.randint(0, 20) * 50000:,} đồng | {sentence(rng, 4)} |")
    body.append("")
    for r in range(5):
        body.append(f"- {sentence(rng, rng.randint(5, 10))}")
    body.append("")
    links = []
    for r in range(6):
        j = rng.randrange(n)
        links.append(f"[thủ tục {j + 1}](/procedures/p-{j:06d}/)")
    body.append("Xem thêm: " + ", ".join(links) + ".\n")
    return front + "\n".join(body) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    if args.n < 1:
        sys.exit("gen_peer: N must be at least 1")
    if args.out.exists():
        shutil.rmtree(args.out)
    rng = random.Random(13)
    d = args.out
    (d / "content/procedures").mkdir(parents=True)
    (d / "layouts/_default").mkdir(parents=True)
    (d / "templates").mkdir(parents=True)
    (d / "hugo.toml").write_text(HUGO_CONFIG)
    (d / "layouts/_default/baseof.html").write_text(HUGO_BASEOF)
    (d / "layouts/_default/single.html").write_text(HUGO_SINGLE)
    (d / "layouts/_default/list.html").write_text(HUGO_LIST)
    (d / "layouts/index.html").write_text(HUGO_HOME)
    (d / "config.toml").write_text(ZOLA_CONFIG)
    (d / "templates/base.html").write_text(ZOLA_BASE)
    (d / "templates/page.html").write_text(ZOLA_PAGE)
    (d / "templates/section.html").write_text(ZOLA_SECTION)
    (d / "templates/index.html").write_text(ZOLA_INDEX)
    (d / "content/_index.md").write_text('+++\ntitle = "Peer benchmark"\n+++\n')
    (d / "content/procedures/_index.md").write_text(
        '+++\ntitle = "Danh mục thủ tục"\nsort_by = "weight"\n+++\n\nMọi thủ tục, một dòng mỗi thủ tục.\n'
    )
    total = 0
    for i in range(args.n):
        text = page(i, args.n, rng)
        total += len(text.split())
        (d / f"content/procedures/p-{i:06d}.md").write_text(text)
    print(f"gen_peer: {args.n} pages (+ list page), {total / args.n:.0f} words per page on average, in {d}")


if __name__ == "__main__":
    main()
