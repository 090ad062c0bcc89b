//! Splitting a JSON array into its records, fast.
//!
//! Each record is parsed (and so fully checked) on its own later, so finding where records
//! begin and end needs no full parse: only strings, brackets and the commas between records.
//! Inside a string, `memchr` jumps to the next quote or backslash, which is where most of a
//! file's bytes are. On a million events this takes a fifth of the time serde_json takes to
//! find the same records.
//!
//! Anything unexpected between records (a missing comma, a truncated file, text after the
//! array) returns `None`, and the caller falls back to serde_json, whose error names the
//! place. A record that is not valid JSON inside is reported by its own parse, and the other
//! records still load.

/// The records of a JSON array: the first `limit` (as slices of `text`) and how many there
/// are; `None` when `text` is not a well-formed array of values.
pub(super) fn split_array(text: &str, limit: usize) -> Option<(Vec<&str>, usize)> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    let mut records = Vec::new();
    let mut total = 0;
    if bytes.get(at) == Some(&b']') {
        return (skip_space(bytes, at + 1) == bytes.len()).then_some((records, 0));
    }
    loop {
        let end = value_end(bytes, at)?;
        if records.len() < limit {
            // Both ends lie on ASCII bytes, so on character boundaries.
            records.push(text.get(at..end)?);
        }
        total += 1;
        at = skip_space(bytes, end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b']') => return (skip_space(bytes, at + 1) == bytes.len()).then_some((records, total)),
            _ => return None,
        }
    }
}

/// JSON's whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_space(b)) {
        at += 1;
    }
    at
}

/// The end (exclusive) of the value starting at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            while let Some(&b) = bytes.get(at) {
                match b {
                    b'"' => {
                        at = string_end(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            None
        }
        b'"' => string_end(bytes, start),
        _ => {
            // A number, true, false or null: checked here, as a record's own parse would
            // report a misspelt `tru` as "not an object" rather than as what it is.
            let mut at = start;
            while bytes.get(at).is_some_and(|&b| !matches!(b, b',' | b']') && !is_space(b)) {
                at += 1;
            }
            let scalar = std::str::from_utf8(&bytes[start..at]).ok()?;
            serde_json::from_str::<serde::de::IgnoredAny>(scalar).ok()?;
            Some(at)
        }
    }
}

/// The end (exclusive) of the string whose opening quote is at `open`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut at = open + 1;
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if bytes[found] == b'"' {
            return Some(found + 1);
        }
        // Whatever follows a backslash is part of the string.
        at = found + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::value::RawValue;

    /// serde_json's split of the same text.
    fn by_serde(text: &str) -> Option<Vec<&str>> {
        serde_json::from_str::<Vec<&RawValue>>(text).ok().map(|v| v.into_iter().map(RawValue::get).collect())
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            (-1e9f64..1e9).prop_map(serde_json::Value::from),
            // Quotes, backslashes, brackets and non-ASCII inside strings.
            "[a-z\"\\\\\\[\\]{},: é漢\u{1F600}\n]{0,8}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-z\"{]{1,3}", inner, 0..3)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, rng_seed: proptest::test_runner::RngSeed::Fixed(3), ..ProptestConfig::default() })]
        /// On valid arrays, written compactly or pretty, the records are exactly serde's.
        #[test]
        fn finds_the_records_serde_finds(values in proptest::collection::vec(json(), 0..6), pretty in any::<bool>()) {
            let array = serde_json::Value::Array(values.clone());
            let text = if pretty { serde_json::to_string_pretty(&array) } else { serde_json::to_string(&array) }.unwrap();
            let (records, total) = split_array(&text, usize::MAX).expect("a valid array splits");
            prop_assert_eq!(total, values.len());
            prop_assert_eq!(Some(records), by_serde(&text));
        }

        /// On any text: when it splits, either serde agrees, or serde rejects the file for a
        /// record that is itself invalid (and is reported on its own by its parse).
        #[test]
        fn never_accepts_what_lies_between_records_wrongly(text in "[\\[\\]{}\",:0-9a-z\\\\ \n]{0,24}") {
            if let Some((records, total)) = split_array(&text, usize::MAX) {
                prop_assert_eq!(records.len(), total);
                match by_serde(&text) {
                    Some(theirs) => prop_assert_eq!(records, theirs),
                    None => prop_assert!(
                        records.iter().any(|r| serde_json::from_str::<serde::de::IgnoredAny>(r).is_err()),
                        "{:?} split into valid records {:?} but serde rejects it", text, records
                    ),
                }
            }
        }

        /// Text that is a valid array always splits (the fallback is only for broken files).
        #[test]
        fn every_valid_array_of_short_text_splits(text in "[\\[\\]{}\",:0-9a-z \n]{0,24}") {
            if by_serde(&text).is_some() {
                prop_assert!(split_array(&text, usize::MAX).is_some(), "{:?}", text);
            }
        }
    }

    #[test]
    fn keeps_the_first_records_up_to_the_limit_and_counts_all() {
        let (records, total) = split_array(r#" [ {"a": "]"}, [1, 2] , "x\"y" ,null ] "#, 2).unwrap();
        assert_eq!(records, [r#"{"a": "]"}"#, "[1, 2]"]);
        assert_eq!(total, 4);
    }

    #[test]
    fn broken_arrays_are_left_to_serde() {
        for text in ["", "{}", "[", "[{}", "[{} {}]", "[{},]", "[{}] x", r#"[{"a": "b]"#, "[tru]", "[1 2]", "[,]"] {
            assert_eq!(split_array(text, usize::MAX), None, "{text}");
        }
    }
}
