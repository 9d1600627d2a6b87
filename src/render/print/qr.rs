//! QR codes for print products, as SVG that typst embeds (`/qr.svg`).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

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

#[cfg(test)]
mod tests {
    #[test]
    fn is_an_svg_and_deterministic() {
        let a = super::svg("https://dichvucong.hanam.gov.vn/").unwrap();
        assert!(String::from_utf8_lossy(&a).contains("<svg"));
        assert_eq!(a, super::svg("https://dichvucong.hanam.gov.vn/").unwrap());
    }
}
