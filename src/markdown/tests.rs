use super::*;

fn md(s: &str) -> (Parsed, Vec<LinkError>) {
    parse(s, &MarkdownOptions { allow_html: false, base_path: "/tthc/", heading_ids: true })
}

fn html(s: &str) -> String {
    md(s).0.doc.html("")
}

#[test]
fn escapes_raw_html_by_default() {
    let h = html("a <script>alert(1)</script> b\n\n<div class=\"x\">\n\nc");
    assert!(!h.contains("<script>") && !h.contains("<div"), "{h}");
    assert_eq!(h, "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>\n&lt;div class=&quot;x&quot;&gt;\n<p>c</p>\n");
    let (r, _) = md("a <b>b</b>");
    let Block::Paragraph(p) = &r.doc.blocks[0] else { panic!("{:?}", r.doc) };
    assert_eq!(p[1], Inline::HtmlAsText("<b>".into()));
    assert_eq!(r.plain, "a b", "raw HTML is not text to search");
}

#[test]
fn raw_html_stays_when_the_site_allows_it() {
    let opts = MarkdownOptions { allow_html: true, base_path: "/", heading_ids: false };
    let (r, _) = parse("a <b>b</b>\n\n<div class=\"x\">\n\nc", &opts);
    assert_eq!(r.doc.html(""), "<p>a <b>b</b></p>\n<div class=\"x\">\n<p>c</p>\n");
    assert_eq!(r.doc.blocks[1], Block::Html("<div class=\"x\">\n".into()));
}

#[test]
fn refuses_javascript_links() {
    let (r, errs) = md("[x](javascript:alert(1)) [y](https://a.vn) [z](mailto:a@b.vn)");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].url, "javascript:alert(1)");
    assert_eq!(errs[0].offset, 0);
    assert!(!r.doc.html("").contains("javascript"));
    let (_, errs) = md("[d](data:text/html,x) [f](file:///etc/passwd) [p](//evil.com)");
    assert_eq!(errs.len(), 3);
}

#[test]
fn site_links_follow_the_base_path_and_the_edition() {
    let text = "[a](/thu-tuc/) [b](/gioi-thieu/#muc) [c](/data/procedures.json) [d](/static/x.pdf) [e](/en/thu-tuc/) \
                [f](https://x.vn/thu-tuc/) [g](/) [h](x/) [i](#top) ![j](/static/j.png) <a@b.vn>";
    let (r, errs) = md(text);
    assert!(errs.is_empty());
    let hrefs = |h: &str| h.split("href=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect::<Vec<_>>();
    let vi = r.doc.html("");
    assert_eq!(
        hrefs(&vi),
        [
            "/tthc/thu-tuc/",
            "/tthc/gioi-thieu/#muc",
            "/tthc/data/procedures.json",
            "/tthc/static/x.pdf",
            "/tthc/en/thu-tuc/",
            "https://x.vn/thu-tuc/",
            "/tthc/",
            "x/",
            "#top",
            "mailto:a@b.vn"
        ]
    );
    let en = r.doc.html("en/");
    assert_eq!(
        hrefs(&en),
        [
            "/tthc/en/thu-tuc/",
            "/tthc/en/gioi-thieu/#muc",
            "/tthc/data/procedures.json",
            "/tthc/static/x.pdf",
            "/tthc/en/thu-tuc/",
            "https://x.vn/thu-tuc/",
            "/tthc/en/",
            "x/",
            "#top",
            "mailto:a@b.vn"
        ]
    );
    assert!(en.contains("src=\"/tthc/static/j.png\""), "images are shared: {en}");
    assert_eq!(check_url(" /thu-tuc/ ", "/tthc/").as_deref(), Some("/tthc/thu-tuc/"));
}

#[test]
fn headings_get_ids_and_shift_down() {
    let (r, _) = md("# Bước một\n\ntext *em*\n\n## Đăng ký *tài khoản*\n");
    let top2 = html("## A\n\n### B\n");
    assert!(top2.contains("<h2 id=\"a\">A</h2>") && top2.contains("<h3 id=\"b\">B</h3>"), "{top2}");
    let h = r.doc.html("");
    assert!(h.contains("<h2 id=\"buoc-mot\">Bước một</h2>"), "{h}");
    assert!(h.contains("<h3 id=\"dang-ky-tai-khoan\">Đăng ký <em>tài khoản</em></h3>"), "{h}");
    assert_eq!(r.toc.len(), 2);
    assert!(r.plain.contains("Bước một"));
    let records = MarkdownOptions { allow_html: false, base_path: "/", heading_ids: false };
    assert_eq!(parse("## A\n", &records).0.doc.html(""), "<h2>A</h2>\n", "records keep their levels, no ids");
}

#[test]
fn nesting_is_bounded() {
    let list = |n: usize| (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>();
    assert_eq!(md(&list(MAX_BLOCK_NESTING)).0.too_deep, None);
    let deep = list(MAX_BLOCK_NESTING + 1);
    let (r, _) = md(&deep);
    let at = r.too_deep.expect("17 levels are refused");
    assert_eq!(deep[..at].matches('\n').count(), MAX_BLOCK_NESTING, "points at the 17th level's line");
    let quotes = format!("{} x\n", ">".repeat(100_000));
    let (r, _) = md(&quotes);
    assert!(r.too_deep.is_some());
    fn depth(blocks: &[Block]) -> usize {
        let inner = |b: &Block| match b {
            Block::Quote(b) => depth(b),
            Block::List { items, .. } => items.iter().map(|i| depth(i)).max().unwrap_or(0),
            _ => 0,
        };
        1 + blocks.iter().map(inner).max().unwrap_or(0)
    }
    assert!(depth(&r.doc.blocks) <= MAX_BLOCK_NESTING + 1, "the tree leaves out what is too deep");
    assert_eq!(md("> a\n> - *b* **c** [d](/x/)\n").0.too_deep, None);
}

#[test]
fn tight_and_loose_lists() {
    let (r, _) = md("- a\n  - b\n\n3. c\n\n   d\n");
    let Block::List { start: None, items } = &r.doc.blocks[0] else { panic!("{:?}", r.doc) };
    assert_eq!(items[0][0], Block::Plain(vec![Inline::Text("a".into())]));
    assert!(matches!(items[0][1], Block::List { .. }));
    let Block::List { start: Some(3), items } = &r.doc.blocks[1] else { panic!("{:?}", r.doc) };
    assert!(matches!(items[0][..], [Block::Paragraph(_), Block::Paragraph(_)]));
    assert_eq!(
        r.doc.html(""),
        "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n<ol start=\"3\">\n<li>\n<p>c</p>\n<p>d</p>\n</li>\n</ol>\n"
    );
}

#[test]
fn tables_render() {
    let h = html("| a | b |\n|---|--:|\n| 1 | 2 |\n");
    assert_eq!(
        h,
        "<table><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead><tbody>\n\
         <tr><td>1</td><td style=\"text-align: right\">2</td></tr>\n</tbody></table>\n"
    );
}

#[test]
fn serializes_as_the_default_editions_html() {
    let (r, _) = md("[a](/thu-tuc/) & b");
    assert_eq!(serde_json::to_string(&r.doc).unwrap(), "\"<p><a href=\\\"/tthc/thu-tuc/\\\">a</a> &amp; b</p>\\n\"");
}
