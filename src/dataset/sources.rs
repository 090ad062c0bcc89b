//! `sources.json`: the documents, each with the authorities it cites.

use rustc_hash::FxHashMap;

use super::Meter;
use super::file::{FileCx, check_texts, parse_record, raw_array, register_id, valid_id};
use super::ids::IdIndex;
use super::problem::ProblemLog;
use super::records::RawSource;
use crate::model::{Source, SourceIx};

/// The sources read, and the indexes the other files' references are resolved against.
#[derive(Default)]
pub(super) struct SourcesRead {
    pub sources: Vec<Source>,
    pub index: IdIndex<SourceIx>,
    /// Authority ids to their source and position in its list.
    pub authorities: FxHashMap<String, (SourceIx, u32)>,
}

/// Reads and checks every source record of a file.
pub(super) fn read(cx: &FileCx<'_>, problems: &mut ProblemLog, meter: Meter<'_>) -> SourcesRead {
    let mut out = SourcesRead::default();
    let mut seen = FxHashMap::default();
    for raw in raw_array(cx, cx.text, problems) {
        meter.at(cx, raw);
        let Some(rec) = parse_record::<RawSource>(cx, raw, problems) else { continue };
        if !register_id(cx, raw, &rec.id, &mut seen, problems) {
            continue;
        }
        check_texts(cx, raw, &rec.id, &[("title", &rec.title), ("file", &rec.file)], problems);
        if let Some(url) = &rec.url
            && !crate::model::is_web_link(url)
        {
            problems.push(cx.problem(
                cx.field(raw, "url", None),
                Some(&rec.id),
                format!("url '{url}' is not an http or https address; it will not be opened"),
            ));
        }
        let ix = SourceIx(out.sources.len() as u32);
        let mut authorities = Vec::with_capacity(rec.authorities.len());
        for a in rec.authorities {
            let at = cx.field(raw, "authorities", Some(&a.id));
            if !valid_id(&a.id) {
                problems.push(cx.problem(
                    at,
                    Some(&rec.id),
                    format!("authority id '{}' is not lowercase a-z, 0-9 and -", a.id),
                ));
            } else if out.authorities.contains_key(a.id.as_str()) {
                problems.push(cx.problem(at, Some(&rec.id), format!("authority '{}' is listed twice", a.id)));
            } else {
                out.authorities.insert(a.id.clone(), (ix, authorities.len() as u32));
                authorities.push(a);
            }
        }
        out.index.insert(&rec.id, ix);
        out.sources.push(Source {
            id: rec.id,
            title: rec.title,
            file: rec.file,
            url: rec.url,
            note: rec.note,
            authorities,
        });
    }
    out
}
