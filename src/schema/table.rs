//! `format_table!`: one table of the content format, written once, becomes both the
//! `&[Key]` table (the checks, `onestop new`, the docs test) and the `Raw*` struct serde
//! reads the table into — so the two cannot disagree (issue 14).
//!
//! ```ignore
//! format_table! {
//!     /// Keys of a legal text.
//!     pub const LEGAL_KEYS: pub(crate) struct RawLegal {
//!         number: opt String, Ty::Str, "Number and symbol.";
//!         title: req String, Ty::Str, "Title of the legal document.";
//!         url: opt Spanned<String>, Ty::Str, "Link to the text (http or https).";
//!     }
//! }
//! ```
//!
//! Each key is `name: presence RustType, ty, "doc";`. The presence decides both the
//! table's `required` and the field's type, so a key the checks require is never one serde
//! may miss, nor the reverse: `req` gives the field `RustType`, `opt` gives
//! `Option<RustType>`, and `default` gives `RustType` filled with its default when the key is
//! absent (lists). `ty` is a `Ty`, or `table` / `tables` for a table or an array of tables,
//! whose keys are then those of the field's own struct (`Ty::Table(<RustType as Keyed>::KEYS)`),
//! so the nesting is described once too. The table keeps the keys' order, which `onestop new`
//! and the docs follow.

/// A struct serde reads one table of the content format into, with the keys that table may
/// have: `load` checks a file against `KEYS` before deserializing it. A list of tables, or a
/// table with its span, has the keys of its table.
pub trait Keyed {
    const KEYS: &'static [super::Key];
}

impl<T: Keyed> Keyed for Vec<T> {
    const KEYS: &'static [super::Key] = T::KEYS;
}

impl<T: Keyed> Keyed for toml::Spanned<T> {
    const KEYS: &'static [super::Key] = T::KEYS;
}

macro_rules! format_table {
    (
        $(#[$keys_attr:meta])*
        $keys_vis:vis const $keys:ident: $raw_vis:vis struct $raw:ident { $($body:tt)* }
    ) => {
        $crate::schema::format_table!(
            @key [$(#[$keys_attr])* $keys_vis const $keys: $raw_vis struct $raw] [] [] $($body)*
        );
    };
    // The presence: whether the key is required, the field's type, its serde attribute.
    (@key $head:tt $fields:tt $table:tt $name:ident: req $rust:ty, $($rest:tt)*) => {
        $crate::schema::format_table!(@ty $head $fields $table [$name true [$rust] [$rust] []] $($rest)*);
    };
    (@key $head:tt $fields:tt $table:tt $name:ident: opt $rust:ty, $($rest:tt)*) => {
        $crate::schema::format_table!(@ty $head $fields $table [$name false [$rust] [Option<$rust>] []] $($rest)*);
    };
    (@key $head:tt $fields:tt $table:tt $name:ident: default $rust:ty, $($rest:tt)*) => {
        $crate::schema::format_table!(
            @ty $head $fields $table [$name false [$rust] [$rust] [#[serde(default)]]] $($rest)*
        );
    };
    // The value's `Ty`: a nested table's keys are those of the field's struct.
    (@ty $head:tt $fields:tt $table:tt [$name:ident $required:literal [$rust:ty] $($key:tt)*]
        table, $doc:literal; $($rest:tt)*
    ) => {
        $crate::schema::format_table!(@push $head $fields $table
            [$name $required ($crate::schema::Ty::Table(<$rust as $crate::schema::Keyed>::KEYS)) $($key)*] $doc; $($rest)*
        );
    };
    (@ty $head:tt $fields:tt $table:tt [$name:ident $required:literal [$rust:ty] $($key:tt)*]
        tables, $doc:literal; $($rest:tt)*
    ) => {
        $crate::schema::format_table!(@push $head $fields $table
            [$name $required ($crate::schema::Ty::TableArray(<$rust as $crate::schema::Keyed>::KEYS)) $($key)*]
            $doc; $($rest)*
        );
    };
    (@ty $head:tt $fields:tt $table:tt [$name:ident $required:literal [$rust:ty] $($key:tt)*]
        $ty:expr, $doc:literal; $($rest:tt)*
    ) => {
        $crate::schema::format_table!(@push $head $fields $table [$name $required ($ty) $($key)*] $doc; $($rest)*);
    };
    (@push $head:tt [$($fields:tt)*] [$($table:tt)*]
        [$name:ident $required:literal ($ty:expr) [$field_ty:ty] [$($attr:tt)*]] $doc:literal; $($rest:tt)*
    ) => {
        $crate::schema::format_table!(@key $head
            [$($fields)* #[doc = $doc] $($attr)* pub(crate) $name: $field_ty,]
            [$($table)* $crate::schema::Key { name: stringify!($name), ty: $ty, required: $required, doc: $doc },]
            $($rest)*
        );
    };
    (@key [$(#[$keys_attr:meta])* $keys_vis:vis const $keys:ident: $raw_vis:vis struct $raw:ident]
        [$($fields:tt)*] [$($table:tt)*]
    ) => {
        #[derive(serde::Deserialize)]
        $raw_vis struct $raw { $($fields)* }

        $(#[$keys_attr])*
        $keys_vis const $keys: &[$crate::schema::Key] = &[$($table)*];

        impl $crate::schema::Keyed for $raw {
            const KEYS: &'static [$crate::schema::Key] = $keys;
        }
    };
}
pub(crate) use format_table;

#[cfg(test)]
mod tests {
    use crate::schema::{Key, Keyed, Ty};

    format_table! {
        const INNER_KEYS: struct Inner {
            n: req i64, Ty::Int, "A number.";
        }
    }
    format_table! {
        const OUTER_KEYS: struct Outer {
            name: req String, Ty::Str, "A name.";
            note: opt String, Ty::Markdown, "A note.";
            list: default Vec<String>, Ty::StrList, "A list.";
            one: opt Inner, table, "One inner table.";
            many: default Vec<Inner>, tables, "Inner tables.";
        }
    }

    fn names(keys: &[Key]) -> Vec<(&str, bool)> {
        keys.iter().map(|k| (k.name, k.required)).collect()
    }

    #[test]
    fn the_table_follows_the_fields_in_order() {
        let expected = [("name", true), ("note", false), ("list", false), ("one", false), ("many", false)];
        assert_eq!(names(OUTER_KEYS), expected);
        assert_eq!(names(Outer::KEYS), expected);
        assert_eq!(OUTER_KEYS[1].doc, "A note.");
        assert!(matches!(OUTER_KEYS[1].ty, Ty::Markdown));
        assert!(matches!(OUTER_KEYS[3].ty, Ty::Table(k) if names(k) == names(INNER_KEYS)));
        assert!(matches!(OUTER_KEYS[4].ty, Ty::TableArray(k) if names(k) == [("n", true)]));
    }

    #[test]
    fn the_struct_reads_what_the_table_allows() {
        let only_required: Outer = toml::from_str("name = \"a\"").unwrap();
        assert_eq!(only_required.name, "a");
        assert!(only_required.note.is_none() && only_required.one.is_none());
        assert!(only_required.list.is_empty() && only_required.many.is_empty());
        let full: Outer =
            toml::from_str("name = \"a\"\nnote = \"b\"\nlist = [\"c\"]\none = { n = 1 }\n[[many]]\nn = 2\n").unwrap();
        assert_eq!(full.note.as_deref(), Some("b"));
        assert_eq!(full.list, ["c"]);
        assert_eq!(full.one.map(|i| i.n), Some(1));
        assert_eq!(full.many.iter().map(|i| i.n).collect::<Vec<_>>(), [2]);
        assert!(toml::from_str::<Outer>("note = \"b\"").is_err(), "a required key is required by serde too");
    }
}
