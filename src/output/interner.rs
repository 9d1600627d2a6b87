//! Link strings of the internal link check, stored once.

/// Link strings stored once, referred to by index.
#[derive(Default)]
pub(super) struct Interner {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub(super) fn intern_all(&mut self, items: Vec<&str>) -> Vec<u32> {
        items
            .into_iter()
            .map(|s| {
                let s: std::borrow::Cow<str> = if s.contains('&') { s.replace("&amp;", "&").into() } else { s.into() };
                if let Some(&id) = self.ids.get(&*s) {
                    return id;
                }
                let id = self.strings.len() as u32;
                self.strings.push(s.as_ref().into());
                self.ids.insert(s.as_ref().into(), id);
                id
            })
            .collect()
    }

    pub(super) fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}
