//! Text measurement with the bundled font, shaped by rustybuzz: the same
//! shaper usvg uses when it draws the text, so a line measured to fit its
//! block also fits when drawn (no clipping, no overlap).

use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// The bundled faces a diagram uses (paths under the theme's `static/`).
pub const FONT_FILES: [&str; 3] = ["fonts/BeVietnamPro_400Regular.ttf", "fonts/BeVietnamPro_600SemiBold.ttf", "fonts/BeVietnamPro_700Bold.ttf"];
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
    /// Advance of a string in em, per weight: titles repeat words a lot.
    cache: RefCell<FxHashMap<(Weight, String), f64>>,
}

impl<'a> Measurer<'a> {
    /// `fonts` are the bytes of `FONT_FILES`, in that order.
    pub fn new(fonts: [&'a [u8]; 3]) -> Result<Self, String> {
        let mut faces = Vec::new();
        for (bytes, name) in fonts.iter().zip(FONT_FILES) {
            faces.push(rustybuzz::Face::from_slice(bytes, 0).ok_or_else(|| format!("{name} is not a usable font file"))?);
        }
        Ok(Measurer { faces, cache: RefCell::default() })
    }

    /// Advance width of `text` at font size `size` (same unit as the result).
    pub fn width(&self, weight: Weight, text: &str, size: f64) -> f64 {
        if let Some(w) = self.cache.borrow().get(&(weight, text.to_string())) {
            return w * size;
        }
        let face = &self.faces[weight as usize];
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buf);
        let units: i64 = shaped.glyph_positions().iter().map(|p| p.x_advance as i64).sum();
        let em = units as f64 / face.units_per_em() as f64;
        self.cache.borrow_mut().insert((weight, text.to_string()), em);
        em * size
    }

    /// Greedy word wrap to `max_width`; a word longer than a line is split
    /// between characters. Never returns an empty list for non-empty text.
    pub fn wrap(&self, weight: Weight, text: &str, size: f64, max_width: f64) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if self.width(weight, &candidate, size) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if self.width(weight, word, size) <= max_width {
                line = word.to_string();
            } else {
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(weight, &next, size) > max_width {
                        lines.push(std::mem::take(&mut line));
                        next = c.to_string();
                    }
                    line = next;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}
