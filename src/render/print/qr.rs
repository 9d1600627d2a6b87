//! QR codes for print products, as SVG that typst embeds (`/qr.svg`).

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

/// `svg(url)`, remembered in `memo` when there is one.
pub fn svg_remembered(url: &str, memo: Option<&Memo>) -> Result<Arc<[u8]>, String> {
    let Some(memo) = memo else { return svg(url).map(Arc::from) };
    let made = memo.slot::<Made>();
    if let Some(code) = made.0.lock().unwrap_or_else(|e| e.into_inner()).get(url) {
        return Ok(code.clone());
    }
    let code: Arc<[u8]> = svg(url)?.into();
    made.0.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_string(), code.clone());
    Ok(code)
}

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
        let url = "https://thutuc.example.gov.vn/thu-tuc/a/";
        let first = super::svg_remembered(url, Some(&memo)).unwrap();
        let again = super::svg_remembered(url, Some(&memo)).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again), "the second is the stored one");
        assert_eq!(&first[..], &super::svg(url).unwrap()[..]);
        let other = super::svg_remembered("https://thutuc.example.gov.vn/thu-tuc/b/", Some(&memo)).unwrap();
        assert_ne!(first, other);
        assert_eq!(&super::svg_remembered(url, None).unwrap()[..], &first[..]);
    }
}
