//! Text measurement with the bundled font, shaped by rustybuzz: the same
//! shaper usvg uses when it draws the text, so a line measured to fit its
//! block also fits when drawn (no clipping, no overlap).

use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// The bundled faces a diagram uses (paths under the theme's `static/`).
pub const FONT_FILES: [&str; 3] =
    ["fonts/BeVietnamPro_400Regular.ttf", "fonts/BeVietnamPro_600SemiBold.ttf", "fonts/BeVietnamPro_700Bold.ttf"];
pub const FAMILY: &str = "Be Vietnam Pro";

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Weight {
    Regular = 0,
    SemiBold = 1,
    Bold = 2,
}

impl Weight {
    pub fn css(self) -> u16 {
        match self {
            Weight::Regular => 400,
            Weight::SemiBold => 600,
            Weight::Bold => 700,
        }
    }
}

pub struct Measurer<'a> {
    faces: Vec<rustybuzz::Face<'a>>,
    /// Advance of a string in em, one map per weight: titles repeat words a lot.
    cache: RefCell<[FxHashMap<String, f64>; 3]>,
}

impl<'a> Measurer<'a> {
    /// `fonts` are the bytes of `FONT_FILES`, in that order.
    pub fn new(fonts: [&'a [u8]; 3]) -> Result<Self, String> {
        let mut faces = Vec::new();
        for (bytes, name) in fonts.iter().zip(FONT_FILES) {
            faces.push(
                rustybuzz::Face::from_slice(bytes, 0).ok_or_else(|| format!("{name} is not a usable font file"))?,
            );
        }
        Ok(Measurer { faces, cache: RefCell::default() })
    }

    /// Advance width of `text` at font size `size` (same unit as the result).
    pub fn width(&self, weight: Weight, text: &str, size: f64) -> f64 {
        if let Some(w) = self.cache.borrow()[weight as usize].get(text) {
            return w * size;
        }
        let face = &self.faces[weight as usize];
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buf);
        let units: i64 = shaped.glyph_positions().iter().map(|p| p.x_advance as i64).sum();
        let em = units as f64 / face.units_per_em() as f64;
        self.cache.borrow_mut()[weight as usize].insert(text.to_string(), em);
        em * size
    }

    /// Greedy word wrap to `max_width`; a word longer than a line is split
    /// between characters. Never returns an empty list for non-empty text.
    pub fn wrap(&self, weight: Weight, text: &str, size: f64, max_width: f64) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        // A line's width is the sum of its words and spaces (shaped once per
        // word, cached): the font has no kerning pairs with the space, so
        // this equals shaping the whole line. A small margin absorbs rounding.
        let space = self.width(weight, " ", size);
        let limit = max_width * 0.995;
        let mut line_w = 0.0;
        for word in text.split_whitespace() {
            let word_w = self.width(weight, word, size);
            let candidate_w = if line.is_empty() { word_w } else { line_w + space + word_w };
            if candidate_w <= limit {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_w = candidate_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_w = word_w;
            if word_w <= limit {
                line = word.to_string();
            } else {
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(weight, &next, size) > limit {
                        lines.push(std::mem::take(&mut line));
                        next = c.to_string();
                    }
                    line = next;
                }
                line_w = self.width(weight, &line, size);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> [Vec<u8>; 3] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
        FONT_FILES.map(|f| std::fs::read(dir.join(f)).unwrap())
    }

    /// `wrap` adds word widths; that must agree with shaping the whole line.
    #[test]
    fn word_sums_match_whole_line_shaping() {
        let f = fonts();
        let m = Measurer::new([&f[0], &f[1], &f[2]]).unwrap();
        for text in [
            "Cấp Giấy chứng nhận đăng ký đầu tư",
            "Thẩm định thiết kế về phòng cháy chữa cháy",
            "Issuance of the Investment Registration Certificate",
            "Mức độ 3 hoặc 1.009664",
        ] {
            for w in [Weight::Regular, Weight::SemiBold, Weight::Bold] {
                let whole = m.width(w, text, 10.0);
                let sum: f64 = text.split(' ').map(|x| m.width(w, x, 10.0)).sum::<f64>()
                    + m.width(w, " ", 10.0) * (text.split(' ').count() - 1) as f64;
                assert!((whole - sum).abs() / whole < 0.002, "{text}: {whole} vs {sum}");
            }
        }
    }

    #[test]
    fn wrap_fits_and_keeps_every_word() {
        let f = fonts();
        let m = Measurer::new([&f[0], &f[1], &f[2]]).unwrap();
        let text =
            "Cấp giấy phép xây dựng mới công trình cấp đặc biệt, cấp I, cấp II Supercalifragilisticexpialidocious";
        let lines = m.wrap(Weight::Regular, text, 5.0, 40.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(m.width(Weight::Regular, l, 5.0) <= 40.0, "{l}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }
}
