//! A position in the portal's JSON with its path (`data.executionMethods[2].submissionMethod`),
//! so every unexpected shape becomes a located `Problem`.

use super::dvc::Problem;
use serde_json::Value;

/// A position in the JSON with its path, for located problems.
pub(super) struct At<'a> {
    pub v: Option<&'a Value>,
    pub path: String,
}

impl<'a> At<'a> {
    pub fn key(&self, k: &str) -> At<'a> {
        At {
            v: self.v.and_then(|v| v.get(k)),
            path: if self.path.is_empty() { k.to_string() } else { format!("{}.{k}", self.path) },
        }
    }

    pub fn fail(&self, expected: &str) -> Problem {
        let found = match self.v {
            None => "nothing",
            Some(Value::Null) => "null",
            Some(Value::Bool(_)) => "a boolean",
            Some(Value::Number(_)) => "a number",
            Some(Value::String(_)) => "a text",
            Some(Value::Array(_)) => "a list",
            Some(Value::Object(_)) => "an object",
        };
        Problem::at(&self.path, format!("expected {expected}, found {found}"))
            .hint("the record does not have the shape of the portal's procedure JSON; download it again")
    }

    /// A text; missing or null is `None`.
    pub fn opt_str(&self) -> Result<Option<&'a str>, Problem> {
        match self.v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.fail("a text")),
        }
    }

    /// A flag; missing or null is false.
    pub fn flag(&self) -> Result<bool, Problem> {
        match self.v {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.fail("true or false")),
        }
    }

    pub fn opt_int(&self) -> Result<Option<i64>, Problem> {
        match self.v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| self.fail("a whole number")),
            Some(_) => Err(self.fail("a whole number")),
        }
    }

    /// A number of copies: a whole number ≥ 0.
    pub fn count(&self) -> Result<Option<i64>, Problem> {
        match self.opt_int()? {
            Some(n) if n < 0 => Err(self.fail("a number of copies (0 or more)")),
            n => Ok(n),
        }
    }

    /// The items of a list; missing or null is empty.
    pub fn list(&self) -> Result<Vec<At<'a>>, Problem> {
        match self.v {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| At { v: Some(v), path: format!("{}[{i}]", self.path) })
                .collect()),
            Some(_) => Err(self.fail("a list")),
        }
    }
}
