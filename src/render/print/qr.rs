//! QR codes for print products, as SVG that typst embeds (`/qr.svg`).

use crate::cache::{Cache, KeyBuilder};
use crate::memo::Memo;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};

/// An SVG QR code for `url` (error correction M: survives a smudged
/// leaflet), with the standard quiet zone so phone cameras find it.
pub fn svg(url: &str) -> Result<Vec<u8>, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code for {url}: {e}"))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(image.into_bytes())
}

/// QR codes made by earlier builds of this process (`serve`, in a memo slot): a code is the
/// same in every build, and choosing one's mask was half of a title edit's rebuild at 1,000
/// records (one code per embed card and edition). One entry per address the session has seen.
#[derive(Default)]
struct Made(Mutex<FxHashMap<String, Arc<[u8]>>>);

/// `svg(url)`, remembered in `memo` when there is one, and kept in `cache` (so `serve`
/// starts with the codes `build` made: 4,000 at 1,000 records took seconds).
pub fn svg_remembered(url: &str, memo: Option<&Memo>, cache: &Cache) -> Result<Arc<[u8]>, String> {
    let made = memo.map(Memo::slot::<Made>);
    if let Some(code) = made.as_ref().and_then(|m| m.0.lock().unwrap_or_else(|e| e.into_inner()).get(url).cloned()) {
        return Ok(code);
    }
    let key = KeyBuilder::new(QR_VERSION).add_str(url).finish();
    let code: Arc<[u8]> = match cache.get_uncounted(QR_KIND, &key) {
        Some(bytes) => bytes.into(),
        None => {
            let bytes = svg(url)?;
            cache.put(QR_KIND, &key, &bytes);
            bytes.into()
        }
    };
    if let Some(m) = made {
        m.0.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_string(), code.clone());
    }
    Ok(code)
}

/// The QR codes' cache kind; bump the version when `svg` draws them differently.
const QR_KIND: &str = "qr";
const QR_VERSION: &str = "qr-v1";

#[cfg(test)]
mod tests {
    #[test]
    fn is_an_svg_and_deterministic() {
        let a = super::svg("https://dichvucong.hanam.gov.vn/").unwrap();
        assert!(String::from_utf8_lossy(&a).contains("<svg"));
        assert_eq!(a, super::svg("https://dichvucong.hanam.gov.vn/").unwrap());
    }

    #[test]
    fn a_remembered_code_is_made_once_and_is_the_same_code() {
        let memo = crate::memo::Memo::new();
        let dir = tempfile::tempdir().unwrap();
        let cache = crate::cache::Cache::open(dir.path());
        let url = "https://thutuc.example.gov.vn/thu-tuc/a/";
        let first = super::svg_remembered(url, Some(&memo), &cache).unwrap();
        let again = super::svg_remembered(url, Some(&memo), &cache).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again), "the second is the remembered one");
        assert_eq!(&first[..], &super::svg(url).unwrap()[..]);
        let other = super::svg_remembered("https://thutuc.example.gov.vn/thu-tuc/b/", Some(&memo), &cache).unwrap();
        assert_ne!(first, other);
        // Another process (no memo) finds it in the cache; the counts of products stay as they were.
        let key = crate::cache::KeyBuilder::new(super::QR_VERSION).add_str(url).finish();
        let path = dir.path().join(crate::cache::DIR).join(super::QR_KIND).join(key.as_str());
        std::fs::write(&path, b"<svg>from the cache</svg>").unwrap();
        assert_eq!(&super::svg_remembered(url, None, &cache).unwrap()[..], b"<svg>from the cache</svg>");
        assert_eq!((cache.hits(), cache.misses()), (0, 0));
        let none = crate::cache::Cache::disabled();
        assert_eq!(&super::svg_remembered(url, None, &none).unwrap()[..], &first[..]);
    }
}
