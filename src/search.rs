//! What the site search knows about how readers type: the administrative
//! abbreviations they use instead of the words of a title. The table goes into
//! each edition's `data/search-index.json` (folded, like the search text);
//! `themes/default/static/js/search.js` expands a query word that is one of
//! them into its words, and does the rest (i/y spellings, codes without dots,
//! one-letter typos, extra words, ranking). `tests/suite/search.rs` runs that script
//! with node over the example's index.

use crate::model::SiteConfig;
use crate::text::fold;
use std::collections::BTreeMap;

/// Built-in abbreviations: the ones of Vietnamese administrative practice and
/// the English ones foreign investors use. `[search] abbreviations` in
/// site.toml adds to them (an entry of the same name replaces a built-in one).
/// A query word that is an abbreviation matches the abbreviation itself or any
/// of its expansions (as a phrase).
pub const BUILT_IN: &[(&str, &[&str])] = &[
    ("BCC", &["hợp đồng hợp tác kinh doanh", "business cooperation contract"]),
    ("BCNCKT", &["báo cáo nghiên cứu khả thi", "feasibility study"]),
    ("BQL", &["ban quản lý", "management board"]),
    ("CCN", &["cụm công nghiệp", "industrial cluster"]),
    ("CNHT", &["công nghiệp hỗ trợ", "supporting industry"]),
    ("CO", &["chứng nhận xuất xứ", "certificate of origin"]),
    ("CTĐT", &["chủ trương đầu tư", "investment policy"]),
    ("DN", &["doanh nghiệp", "enterprise"]),
    ("DNNVV", &["doanh nghiệp nhỏ và vừa", "small and medium"]),
    ("DVC", &["dịch vụ công", "public service"]),
    ("DVCTT", &["dịch vụ công trực tuyến", "online public service"]),
    ("EIA", &["environmental impact assessment", "đánh giá tác động môi trường"]),
    ("ERC", &["enterprise registration certificate", "giấy chứng nhận đăng ký doanh nghiệp"]),
    ("GCN", &["giấy chứng nhận", "certificate"]),
    ("GCNĐKĐT", &["giấy chứng nhận đăng ký đầu tư", "investment registration certificate"]),
    ("GCNĐKDN", &["giấy chứng nhận đăng ký doanh nghiệp", "enterprise registration certificate"]),
    ("GCNQSDĐ", &["giấy chứng nhận quyền sử dụng đất", "land use right certificate"]),
    ("GP", &["giấy phép", "permit"]),
    ("GPLĐ", &["giấy phép lao động", "work permit"]),
    ("GPMT", &["giấy phép môi trường", "environmental permit"]),
    ("GPXD", &["giấy phép xây dựng", "construction permit"]),
    ("GXN", &["giấy xác nhận", "certificate"]),
    ("HĐND", &["hội đồng nhân dân", "people's council"]),
    ("IRC", &["investment registration certificate", "giấy chứng nhận đăng ký đầu tư"]),
    ("KCN", &["khu công nghiệp", "industrial zone", "industrial park"]),
    ("KCNC", &["khu công nghệ cao", "high tech zone", "high tech park"]),
    ("KCX", &["khu chế xuất", "export processing zone"]),
    ("KHCN", &["khoa học công nghệ", "science and technology"]),
    ("KKT", &["khu kinh tế", "economic zone"]),
    ("LĐNN", &["lao động nước ngoài", "foreign worker"]),
    ("NĐT", &["nhà đầu tư", "investor"]),
    ("NĐTNN", &["nhà đầu tư nước ngoài", "foreign investor"]),
    ("NLĐ", &["người lao động", "worker"]),
    ("PCCC", &["phòng cháy chữa cháy", "fire safety", "fire prevention"]),
    ("QSDĐ", &["quyền sử dụng đất", "land use right"]),
    ("SME", &["small and medium", "doanh nghiệp nhỏ và vừa"]),
    ("TKCS", &["thiết kế cơ sở", "basic design"]),
    ("TTHC", &["thủ tục hành chính", "administrative procedure"]),
    ("UBND", &["ủy ban nhân dân", "people's committee"]),
    ("XNK", &["xuất nhập khẩu", "export and import"]),
    ("ĐKĐT", &["đăng ký đầu tư", "investment registration"]),
    ("ĐKDN", &["đăng ký doanh nghiệp", "enterprise registration"]),
    ("ĐKKD", &["đăng ký kinh doanh", "business registration"]),
    ("ĐTM", &["đánh giá tác động môi trường", "environmental impact assessment"]),
];

/// The abbreviation table of a site, folded as the search text is:
/// `gpxd → ["giay phep xay dung", "construction permit"]`.
pub fn abbreviations(config: &SiteConfig) -> BTreeMap<String, Vec<String>> {
    let mut table: BTreeMap<String, Vec<String>> =
        BUILT_IN.iter().map(|(k, v)| (fold(k), v.iter().map(|s| fold(s)).collect())).collect();
    for (k, v) in &config.abbreviations {
        table.insert(fold(k), v.iter().map(|s| fold(s)).collect());
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_abbreviations_are_single_words_with_expansions() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, v) in BUILT_IN {
            assert!(k.chars().all(char::is_alphanumeric), "{k}");
            assert!(seen.insert(fold(k)), "{k} twice");
            assert!(!v.is_empty() && v.iter().all(|s| !s.trim().is_empty()), "{k}: {v:?}");
        }
    }
}
