//! A dataset kept in PostgreSQL with PostGIS, shared by a team: the schema ([`schema`]),
//! copying a folder in ([`push`]) and out ([`pull`]), reading it for the atlas
//! ([`read_records`]), saving an editing session's changes in one transaction with
//! optimistic locking on each row's `version` ([`save`]), and following other clients'
//! changes ([`follow`]). No UI here.
//!
//! Every query is parameterised; the only SQL built from text is from constant table and
//! column names.

mod follow;
pub mod schema;
mod target;

use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use serde::Deserialize;

pub use follow::{Followed, Follower, RemoteChange, Since, follow};
pub use target::{Target, TlsMode, is_url, redact};

use crate::dataset::FILES;
use schema::TABLES;

/// Why a database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL cannot be read.
    #[error("{0}")]
    Url(String),
    /// No connection could be made.
    #[error("cannot connect to {shown}: {}", describe(source))]
    Connect {
        /// The URL, without its password.
        shown: String,
        /// Why.
        source: postgres::Error,
    },
    /// The server went away (stopped, restarted, the network cut).
    #[error(
        "the connection to {shown} was lost ({}); nothing was saved: your edits are kept, and Crossings reconnects when the server is back",
        describe(source)
    )]
    Gone {
        /// The URL, without its password.
        shown: String,
        /// Why.
        source: postgres::Error,
    },
    /// The role may read but not change the atlas.
    #[error(
        "the role '{role}' may read this atlas but not change it ({what}); nothing was saved and your edits are kept. Ask the database's owner to grant it the editors' rights (README: Sharing an atlas)"
    )]
    ReadOnly {
        /// The role.
        role: String,
        /// What was refused.
        what: String,
    },
    /// The database has no Crossings schema, or a newer one.
    #[error("{0}")]
    Schema(String),
    /// A query failed.
    #[error("{what}: {}", describe(source))]
    Query {
        /// What was being done.
        what: String,
        /// Why.
        source: postgres::Error,
    },
    /// The data is not what Crossings can store or read.
    #[error("{0}")]
    Data(String),
}

impl DbError {
    /// True when the server could not be reached or went away: worth trying again later.
    pub fn is_gone(&self) -> bool {
        matches!(self, DbError::Connect { .. } | DbError::Gone { .. })
    }
}

/// A server error's message (and detail), or the client's.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_owned(),
        },
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

/// A query's error, as a [`DbError`]: lost connections and refused rights told apart.
fn query_error(target: &Target, what: &str, e: postgres::Error) -> DbError {
    if e.is_closed() || e.as_db_error().is_none() && is_io(&e) {
        return DbError::Gone { shown: target.shown().to_owned(), source: e };
    }
    if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
        || e.code() == Some(&postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION)
    {
        return DbError::ReadOnly { role: target.user().to_owned(), what: describe(&e) };
    }
    if let Some(code) = e.code()
        && code.code().starts_with("57P")
    {
        // admin_shutdown, crash_shutdown, cannot_connect_now.
        return DbError::Gone { shown: target.shown().to_owned(), source: e };
    }
    DbError::Query { what: what.to_owned(), source: e }
}

/// A `map_err` for a query: its error as a [`DbError`] saying what was being done.
fn failed(target: &Target, what: &str) -> impl FnOnce(postgres::Error) -> DbError + use<> {
    let (target, what) = (target.clone(), what.to_owned());
    move |e| query_error(&target, &what, e)
}

fn is_io(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// A connection, with the target it was made to (for messages).
pub struct Link {
    target: Target,
    client: postgres::Client,
}

impl Link {
    /// Connects and checks the schema is one this build reads.
    pub fn open(target: &Target) -> Result<Link, DbError> {
        let mut link = Link { target: target.clone(), client: target.connect()? };
        link.check_schema()?;
        Ok(link)
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The schema version, or an error saying what to do about it.
    fn check_schema(&mut self) -> Result<i32, DbError> {
        let shown = self.target.shown().to_owned();
        let has: bool = self
            .client
            .query_one("SELECT to_regclass('crossings_schema') IS NOT NULL", &[])
            .map_err(|e| query_error(&self.target, "reading the schema version", e))?
            .get(0);
        if !has {
            return Err(DbError::Schema(format!(
                "{shown} holds no Crossings atlas: create one with `crossings db init {shown}`"
            )));
        }
        let v: Option<i32> = self
            .client
            .query_one("SELECT max(version) FROM crossings_schema", &[])
            .map_err(|e| query_error(&self.target, "reading the schema version", e))?
            .get(0);
        let v = v.unwrap_or(0);
        if v > schema::latest() {
            return Err(DbError::Schema(format!(
                "{shown} has schema version {v}, made by a newer Crossings (this one knows up to {}): update Crossings",
                schema::latest()
            )));
        }
        if v < schema::latest() {
            return Err(DbError::Schema(format!(
                "{shown} has schema version {v}; this Crossings needs {}: run `crossings db init {shown}` to migrate it",
                schema::latest()
            )));
        }
        Ok(v)
    }

    /// True when this role may change the records (it can still read them when not).
    pub fn can_write(&mut self) -> bool {
        self.client
            .query_one(
                "SELECT has_table_privilege('events', 'UPDATE') AND has_table_privilege('places', 'UPDATE')",
                &[],
            )
            .map(|r| r.get::<_, bool>(0))
            .unwrap_or(false)
    }
}

/// Creates the schema in a database, or migrates it to this build's version. Returns the
/// migrations applied (none when it is up to date).
pub fn init(target: &Target) -> Result<Vec<(i32, &'static str)>, DbError> {
    let mut client = target.connect()?;
    let err = |what: &str| failed(target, what);
    let mut tx = client.transaction().map_err(err("starting the migration"))?;
    // Two `db init`s at once wait for each other.
    tx.execute("SELECT pg_advisory_xact_lock(4242001931)", &[]).map_err(err("locking for the migration"))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS crossings_schema (version int PRIMARY KEY, note text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)",
    )
    .map_err(err("creating crossings_schema"))?;
    let done: Option<i32> = tx
        .query_one("SELECT max(version) FROM crossings_schema", &[])
        .map_err(err("reading the schema version"))?
        .get(0);
    let done = done.unwrap_or(0);
    if done > schema::latest() {
        return Err(DbError::Schema(format!(
            "{} has schema version {done}, made by a newer Crossings: update Crossings",
            target.shown()
        )));
    }
    let mut applied = Vec::new();
    for &(version, note, sql) in schema::MIGRATIONS.iter().filter(|m| m.0 > done) {
        tx.batch_execute(sql).map_err(|e| {
            let hint = if e.code() == Some(&postgres::error::SqlState::UNDEFINED_FILE)
                || describe(&e).contains("postgis")
            {
                " (is PostGIS installed on the server? `CREATE EXTENSION postgis` needs it, and a role allowed to create it)"
            } else {
                ""
            };
            DbError::Schema(format!("migration {version} ({note}) failed: {}{hint}", describe(&e)))
        })?;
        tx.execute("INSERT INTO crossings_schema (version, note) VALUES ($1, $2)", &[&version, &note])
            .map_err(err("recording the migration"))?;
        applied.push((version, note));
    }
    tx.commit().map_err(err("committing the migration"))?;
    Ok(applied)
}

/// One record read from the database: id, compact text, version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The id.
    pub id: String,
    /// The record (compact JSON, fields in the order written).
    pub text: String,
    /// The row's version.
    pub version: i64,
}

/// Everything read from the database: each file's records sorted by id, the members of
/// `places.geojson` besides its features, and where to follow changes from.
#[derive(Clone, Debug, Default)]
pub struct Records {
    /// Per file, in [`FILES`] order.
    pub files: [Vec<Row>; 4],
    /// `places.geojson`'s other members (compact JSON object, `"features"` where they go).
    pub collection: Option<String>,
    /// Where to follow changes from: those committed after this snapshot.
    pub since: Since,
}

impl Records {
    /// The four files' texts as the loader reads them (one record per line), each labelled by
    /// the URL and the file.
    pub fn texts(&self, shown: &str) -> crate::dataset::Texts {
        Self::texts_of(self.files.iter().map(|rows| rows.as_slice()), self.collection.as_deref(), shown)
    }

    /// [`Records::texts`], each file's rows freed once its text is made (a large atlas is
    /// not held twice), and where to follow changes from.
    pub fn into_texts(self, shown: &str) -> (crate::dataset::Texts, Since) {
        let Records { files, collection, since } = self;
        let texts = Self::texts_of(files.into_iter(), collection.as_deref(), shown);
        (texts, since)
    }

    fn texts_of<R: std::borrow::Borrow<[Row]>>(
        files_rows: impl Iterator<Item = R>,
        collection: Option<&str>,
        shown: &str,
    ) -> crate::dataset::Texts {
        let mut files: [Option<(String, String)>; 4] = Default::default();
        for ((slot, rows), name) in files.iter_mut().zip(files_rows).zip(FILES) {
            let rows: &[Row] = rows.borrow();
            let mut text = String::with_capacity(rows.iter().map(|r| r.text.len() + 2).sum::<usize>() + 64);
            let records = |text: &mut String| {
                text.push('[');
                for (i, r) in rows.iter().enumerate() {
                    text.push_str(if i == 0 { "\n" } else { ",\n" });
                    text.push_str(&r.text);
                }
                text.push_str("\n]");
            };
            if name == "places.geojson" {
                let members = collection.unwrap_or(r#"{"type":"FeatureCollection","features":null}"#);
                let (head, tail) = split_members(members);
                text.push_str(head);
                records(&mut text);
                text.push_str(tail);
            } else {
                records(&mut text);
            }
            *slot = Some((format!("{shown} {name}"), text));
        }
        crate::dataset::Texts { files, problems: Vec::new() }
    }

    /// The four files in the canonical format (`crossings fmt`'s), by name.
    pub fn canonical(&self, shown: &str) -> Result<Vec<(&'static str, Vec<u8>)>, DbError> {
        let texts = self.texts(shown);
        let mut out = Vec::new();
        for (file, name) in texts.files.iter().zip(FILES) {
            let (label, text) = file.as_ref().ok_or_else(|| DbError::Data(format!("{name} missing")))?;
            let text = crate::dataset::fmt::canonical(name, text, label).map_err(|e| DbError::Data(e.to_string()))?;
            out.push((name, text));
        }
        Ok(out)
    }

    /// How many records in all.
    pub fn count(&self) -> usize {
        self.files.iter().map(Vec::len).sum()
    }
}

/// The collection's members split where the features go: `{"type":"FeatureCollection","features":`
/// and `}`.
fn split_members(members: &str) -> (&str, &str) {
    const AT: &str = "\"features\":null";
    match members.find(AT) {
        Some(i) => (&members[..i + AT.len() - 4], &members[i + AT.len()..]),
        None => ("{\"type\":\"FeatureCollection\",\"features\":", "}"),
    }
}

/// Reads every record, with progress in rows (`progress` gets the rows read and the rows in
/// all). One snapshot: the four tables agree with each other.
pub fn read_records(link: &mut Link, progress: &dyn Fn(u64, u64)) -> Result<Records, DbError> {
    let target = link.target.clone();
    let err = |what: &str| failed(&target, what);
    let mut tx = link
        .client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(err("starting to read"))?;
    let xmin: String = tx
        .query_one("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", &[])
        .map_err(err("reading the snapshot"))?
        .get(0);
    let seen: Vec<i64> = tx
        .query("SELECT id FROM audit WHERE txid >= $1::text::xid8", &[&xmin])
        .map_err(err("reading the audit"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let since = Since { xmin, seen };
    let collection: Option<String> = tx
        .query_opt("SELECT members FROM crossings_collection WHERE file = 'places.geojson'", &[])
        .map_err(err("reading crossings_collection"))?
        .map(|r| r.get(0));
    // The planner's estimate, for the bar only (a push ends with ANALYZE): counting a
    // million rows would cost a fifth of a second.
    let rows: i64 = tx
        .query_one(
            "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class WHERE oid = ANY($1::text[]::regclass[])",
            &[&TABLES.map(|t| t.0).to_vec()],
        )
        .map_err(err("estimating the records"))?
        .get(0);
    let rows = rows.max(0) as u64;
    let mut out = Records { since, collection, ..Default::default() };
    let mut read = 0u64;
    for (slot, (table, _)) in out.files.iter_mut().zip(TABLES) {
        // In the table's order, sorted here: a third faster than the server's index scan.
        let sql = format!("COPY {table} (id, record, version) TO STDOUT (FORMAT binary)");
        let reader = tx.copy_out(sql.as_str()).map_err(err(&format!("reading {table}")))?;
        let what = format!("reading {table}");
        binary_rows(reader, 3, |fields| {
            let text = |i: usize| -> Result<String, DbError> {
                let bytes = fields[i].ok_or_else(|| DbError::Data(format!("{table}: a NULL where a value must be")))?;
                String::from_utf8(bytes.to_vec()).map_err(|_| DbError::Data(format!("{table}: text that is not UTF-8")))
            };
            let id = text(0)?;
            let record = text(1)?;
            let version = fields[2]
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(i64::from_be_bytes)
                .ok_or_else(|| DbError::Data(format!("{table}: record '{id}' has no version")))?;
            read += 1;
            if read.is_multiple_of(4096) {
                progress(read, rows.max(read));
            }
            slot.push(Row { id, text: record, version });
            Ok(())
        })
        .map_err(|e| match e {
            CopyError::Db(e) => e,
            CopyError::Io(e) => DbError::Data(format!("{what}: {e}")),
        })?;
    }
    for rows in &mut out.files {
        // By id, bytewise (the ids' collation is "C"), as a pull writes them.
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    }
    progress(read, read);
    tx.commit().map_err(err("finishing the read"))?;
    Ok(out)
}

enum CopyError {
    Db(DbError),
    Io(std::io::Error),
}

impl From<DbError> for CopyError {
    fn from(e: DbError) -> Self {
        CopyError::Db(e)
    }
}

/// Reads a binary COPY stream: the header, then each row's fields (`None`: NULL).
fn binary_rows(
    reader: impl Read,
    columns: usize,
    mut row: impl FnMut(&[Option<&[u8]>]) -> Result<(), DbError>,
) -> Result<(), CopyError> {
    let mut r = BufReader::with_capacity(1 << 20, reader);
    let mut header = [0u8; 19];
    r.read_exact(&mut header).map_err(CopyError::Io)?;
    if &header[..11] != b"PGCOPY\n\xff\r\n\0" {
        return Err(CopyError::Io(std::io::Error::other("not a binary COPY stream")));
    }
    let ext = u32::from_be_bytes([header[15], header[16], header[17], header[18]]) as usize;
    std::io::copy(&mut (&mut r).take(ext as u64), &mut std::io::sink()).map_err(CopyError::Io)?;
    let mut buf = Vec::new();
    let mut spans: Vec<Option<(usize, usize)>> = Vec::with_capacity(columns);
    loop {
        let mut n = [0u8; 2];
        r.read_exact(&mut n).map_err(CopyError::Io)?;
        let n = i16::from_be_bytes(n);
        if n == -1 {
            break;
        }
        if n as usize != columns {
            return Err(CopyError::Io(std::io::Error::other(format!("a row of {n} fields, not {columns}"))));
        }
        buf.clear();
        spans.clear();
        for _ in 0..columns {
            let mut len = [0u8; 4];
            r.read_exact(&mut len).map_err(CopyError::Io)?;
            let len = i32::from_be_bytes(len);
            if len < 0 {
                spans.push(None);
                continue;
            }
            let start = buf.len();
            buf.resize(start + len as usize, 0);
            r.read_exact(&mut buf[start..]).map_err(CopyError::Io)?;
            spans.push(Some((start, start + len as usize)));
        }
        let fields: Vec<Option<&[u8]>> = spans.iter().map(|s| s.map(|(a, b)| &buf[a..b])).collect();
        row(&fields)?;
    }
    // The rest of the stream (nothing, normally) is read up to its end, once: read again after
    // it, the client would take the server's next message for a row.
    std::io::copy(&mut r, &mut std::io::sink()).map_err(CopyError::Io)?;
    Ok(())
}

/// Reads a database as the loader reads a folder: for `--data URL`, `validate URL`,
/// `export --data URL`.
pub fn load(url: &str, options: &crate::dataset::LoadOptions<'_>) -> Result<crate::dataset::Loaded, DbError> {
    load_shared(&Target::parse(url)?, options).map(|(loaded, _)| loaded)
}

/// Reads a database as the loader reads a folder, with where to follow its changes from
/// ([`Records::since`]).
pub fn load_shared(
    target: &Target,
    options: &crate::dataset::LoadOptions<'_>,
) -> Result<(crate::dataset::Loaded, Since), DbError> {
    let mut link = Link::open(target)?;
    // Two steps on the window's bar: the rows read, then the records checked.
    let progress = options.progress;
    if let Some(p) = progress {
        p.in_steps(2);
    }
    let records = read_records(&mut link, &|read, rows| {
        if let Some(p) = progress {
            p.total.store(rows, std::sync::atomic::Ordering::Relaxed);
            p.set(read as usize);
        }
    })?;
    if let Some(p) = progress {
        p.next_step();
    }
    drop(link);
    let (texts, since) = records.into_texts(target.shown());
    let loaded = crate::dataset::load(crate::dataset::Input::Texts { label: target.shown(), texts: &texts }, options)
        .map_err(|e| DbError::Data(e.to_string()))?;
    Ok((loaded, since))
}

/// What a push did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Records written per file, in [`FILES`] order.
    pub counts: [usize; 4],
    /// Problems `validate` names in the folder (pushed all the same, as drafts).
    pub problems: usize,
}

/// Copies a dataset folder into a database made by [`init`], in one transaction. A database
/// that already holds records is refused unless `replace` (then its records are replaced,
/// and the audit says so).
pub fn push(dir: &Path, target: &Target, replace: bool) -> Result<Pushed, DbError> {
    let mut files: Vec<Vec<(String, String)>> = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| DbError::Data(format!("{}: {e}", path.display())))?;
        let mut records: Vec<(String, String)> =
            crate::dataset::fmt::records_by_id(&path.display().to_string(), name, &bytes)
                .map_err(DbError::Data)?
                .into_iter()
                .collect();
        records.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files.push(records);
    }
    let collection = {
        let path = dir.join("places.geojson");
        let text = std::fs::read_to_string(&path).map_err(|e| DbError::Data(format!("{}: {e}", path.display())))?;
        collection_members(&text).map_err(|e| DbError::Data(format!("{}: {e}", path.display())))?
    };
    let problems = crate::dataset::load(crate::dataset::Input::Folder(dir), &Default::default())
        .map_err(|e| DbError::Data(e.to_string()))?
        .problems
        .len();

    let mut link = Link::open(target)?;
    let err = |what: &str| failed(target, what);
    let mut tx = link.client.transaction().map_err(err("starting the push"))?;
    let held: i64 = tx
        .query_one(
            "SELECT (SELECT count(*) FROM places) + (SELECT count(*) FROM events) + (SELECT count(*) FROM people) + (SELECT count(*) FROM sources)",
            &[],
        )
        .map_err(err("counting the records there"))?
        .get(0);
    if held > 0 && !replace {
        return Err(DbError::Data(format!(
            "{} already holds an atlas ({held} records): nothing was pushed. `crossings db push --replace` replaces it (the audit keeps what it held)",
            target.shown()
        )));
    }
    tx.batch_execute("SET LOCAL crossings.bulk = 'on'").map_err(err("starting the push"))?;
    if held > 0 {
        tx.batch_execute(
            "TRUNCATE places, events, people, sources, event_people, event_sources, place_sources, person_sources, person_places",
        )
        .map_err(err("emptying the tables"))?;
    }
    tx.execute(
        "INSERT INTO crossings_collection (file, members) VALUES ('places.geojson', $1) ON CONFLICT (file) DO UPDATE SET members = EXCLUDED.members",
        &[&collection],
    )
    .map_err(err("writing crossings_collection"))?;
    let mut counts = [0usize; 4];
    for (i, ((table, name), records)) in TABLES.iter().zip(&files).enumerate() {
        copy_in(&mut tx, table, name, records).map_err(|e| match e {
            CopyError::Db(e) => e,
            CopyError::Io(e) => DbError::Data(format!("writing {table}: {e}")),
        })?;
        counts[i] = records.len();
        let note = format!("{} records pushed from {}", records.len(), dir.display());
        tx.execute(
            "INSERT INTO audit (table_name, operation, note) VALUES ($1, $2, $3)",
            &[table, &if held > 0 { "PUSH REPLACE" } else { "PUSH" }, &note],
        )
        .map_err(err("writing the audit"))?;
    }
    // Fresh statistics for the planner (QGIS's queries, and the estimate a load's bar uses).
    tx.batch_execute("ANALYZE places, events, people, sources").map_err(err("analysing the tables"))?;
    tx.commit().map_err(err("committing the push"))?;
    Ok(Pushed { counts, problems })
}

/// `places.geojson`'s members other than its features, in order, compact, with
/// `"features":null` where they go.
fn collection_members(text: &str) -> Result<String, String> {
    let members: indexmap::IndexMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(text).map_err(|e| format!("not a GeoJSON FeatureCollection: {e}"))?;
    let mut out = String::from("{");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).map_err(|e| e.to_string())?);
        out.push(':');
        if k == "features" {
            out.push_str("null");
        } else {
            out.push_str(&crate::dataset::fmt::compact(v.get()).map_err(|e| e.to_string())?);
        }
    }
    out.push('}');
    if !members.contains_key("features") {
        return Err("no \"features\" member".into());
    }
    Ok(out)
}

/// Writes one table's records, their typed columns and links with COPY (text format).
fn copy_in(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    name: &str,
    records: &[(String, String)],
) -> Result<(), CopyError> {
    let target_err = |e: postgres::Error| CopyError::Db(DbError::Query { what: format!("writing {table}"), source: e });
    let columns = Columns::names(name);
    let mut links: Vec<(&'static str, String)> = Vec::new();
    {
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let mut w = tx.copy_in(sql.as_str()).map_err(target_err)?;
        let mut line = String::new();
        for (id, text) in records {
            let cols = Columns::of(name, text);
            line.clear();
            cols.copy_line(&mut line, id, text);
            cols.link_lines(id, &mut links);
            w.write_all(line.as_bytes()).map_err(CopyError::Io)?;
        }
        w.finish().map_err(target_err)?;
    }
    for link_table in Columns::link_tables(name) {
        let sql = format!("COPY {link_table} FROM STDIN");
        let mut w = tx.copy_in(sql.as_str()).map_err(target_err)?;
        for (t, line) in &links {
            if t == link_table {
                w.write_all(line.as_bytes()).map_err(CopyError::Io)?;
            }
        }
        w.finish().map_err(target_err)?;
    }
    Ok(())
}

/// A record's typed columns, worked out from its text (what other tools read).
#[derive(Debug, Default)]
struct Columns {
    /// Column values after `id`, before `record`, in [`Columns::names`] order.
    values: Vec<Option<String>>,
    /// Links: (table, other id, extra).
    links: Vec<(&'static str, String, Option<String>)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlaceJson {
    geometry: Option<PointJson>,
    properties: PlaceProps,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PointJson {
    coordinates: Vec<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlaceProps {
    name: Option<String>,
    country: Option<String>,
    precision: Option<String>,
    category: Option<String>,
    sources: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventJson {
    place: Option<String>,
    date: Option<String>,
    not_before: Option<String>,
    not_after: Option<String>,
    title: Option<String>,
    category: Option<String>,
    people: Vec<String>,
    sources: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PersonJson {
    name: Option<String>,
    places: Vec<TieJson>,
    sources: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TieJson {
    place: Option<String>,
    basis: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SourceJson {
    title: Option<String>,
}

impl Columns {
    /// The columns a COPY or an INSERT writes, `id` first and `record` last.
    fn names(file: &str) -> &'static [&'static str] {
        match file {
            "places.geojson" => &["id", "name", "country", "precision", "category", "geom", "record"],
            "events.json" => &["id", "place_id", "date", "earliest", "latest", "title", "theme", "record"],
            "people.json" => &["id", "name", "record"],
            _ => &["id", "title", "record"],
        }
    }

    /// The link tables a file's records fill.
    fn link_tables(file: &str) -> &'static [&'static str] {
        match file {
            "places.geojson" => &["place_sources"],
            "events.json" => &["event_people", "event_sources"],
            "people.json" => &["person_places", "person_sources"],
            _ => &[],
        }
    }

    /// The owner column of a link table.
    fn link_owner(table: &str) -> &'static str {
        match table {
            "place_sources" => "place_id",
            "event_people" | "event_sources" => "event_id",
            _ => "person_id",
        }
    }

    /// A record's columns. A record whose fields are not of the expected types (a draft) gets
    /// NULLs: its text is kept whole all the same.
    fn of(file: &str, text: &str) -> Columns {
        let list = |table: &'static str, ids: Vec<String>| ids.into_iter().map(move |s| (table, s, None));
        match file {
            "places.geojson" => {
                let p: PlaceJson = serde_json::from_str(text).unwrap_or_default();
                let geom = p.geometry.and_then(|g| match g.coordinates[..] {
                    [lon, lat, ..] if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 => {
                        Some(format!("SRID=4326;POINT({lon} {lat})"))
                    }
                    _ => None,
                });
                let pr = p.properties;
                Columns {
                    values: vec![pr.name, pr.country, pr.precision, pr.category, geom],
                    links: list("place_sources", pr.sources).collect(),
                }
            }
            "events.json" => {
                let e: EventJson = serde_json::from_str(text).unwrap_or_default();
                let (earliest, latest) = event_dates(&e);
                Columns {
                    values: vec![e.place, e.date, earliest, latest, e.title, e.category],
                    links: list("event_people", e.people).chain(list("event_sources", e.sources)).collect(),
                }
            }
            "people.json" => {
                let p: PersonJson = serde_json::from_str(text).unwrap_or_default();
                let ties = p.places.into_iter().filter_map(|t| Some(("person_places", t.place?, t.basis)));
                Columns { values: vec![p.name], links: ties.chain(list("person_sources", p.sources)).collect() }
            }
            _ => {
                let s: SourceJson = serde_json::from_str(text).unwrap_or_default();
                Columns { values: vec![s.title], links: Vec::new() }
            }
        }
    }

    /// The record's line of a text-format COPY.
    fn copy_line(&self, out: &mut String, id: &str, text: &str) {
        copy_field(out, Some(id));
        for v in &self.values {
            out.push('\t');
            copy_field(out, v.as_deref());
        }
        out.push('\t');
        copy_field(out, Some(text));
        out.push('\n');
    }

    /// The record's link rows, as text-format COPY lines per table.
    fn link_lines(&self, id: &str, out: &mut Vec<(&'static str, String)>) {
        let mut position: HashMap<&str, i32> = HashMap::new();
        for (table, other, extra) in &self.links {
            let n = position.entry(table).or_insert(0);
            let mut line = String::new();
            copy_field(&mut line, Some(id));
            line.push('\t');
            line.push_str(&n.to_string());
            line.push('\t');
            copy_field(&mut line, Some(other));
            if *table == "person_places" {
                line.push('\t');
                copy_field(&mut line, extra.as_deref());
            }
            line.push('\n');
            out.push((table, line));
            *n += 1;
        }
    }
}

/// One field of a text-format COPY line, escaped (`\N` for NULL).
fn copy_field(out: &mut String, value: Option<&str>) {
    let Some(v) = value else {
        out.push_str("\\N");
        return;
    };
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// An event's earliest and latest days as ISO dates (`None`: an open end, undated, or a date
/// that cannot be read), with its outer bounds applied as the loader applies them.
fn event_dates(e: &EventJson) -> (Option<String>, Option<String>) {
    use crate::chronology::{Day, FuzzyDate};
    let Ok(date) = FuzzyDate::parse_optional(e.date.as_deref()) else { return (None, None) };
    let bound = |t: &Option<String>| t.as_deref().and_then(|t| FuzzyDate::parse(t).ok());
    let (nb, na) = (bound(&e.not_before), bound(&e.not_after));
    let date =
        if nb.is_some() || na.is_some() { date.with_bounds(nb.as_ref(), na.as_ref()).unwrap_or(date) } else { date };
    let Some((a, b)) = date.span() else { return (None, None) };
    let iso = |d: Day| {
        let (y, _, _) = d.to_ymd();
        (!d.is_open() && (1..=9999).contains(&y)).then(|| d.iso())
    };
    (iso(a), iso(b))
}

/// Copies a database's atlas into a folder that holds no dataset (made if missing), in the
/// canonical format: a pull of a push is `crossings fmt` of the folder pushed.
pub fn pull(target: &Target, dir: &Path) -> Result<[usize; 4], DbError> {
    if let Some(f) = FILES.iter().find(|f| dir.join(f).exists()) {
        return Err(DbError::Data(format!(
            "{} already holds {f}: pull into an empty or new folder (nothing was written)",
            dir.display()
        )));
    }
    let mut link = Link::open(target)?;
    let records = read_records(&mut link, &|_, _| {})?;
    let files = records.canonical(target.shown())?;
    std::fs::create_dir_all(dir).map_err(|e| DbError::Data(format!("{}: {e}", dir.display())))?;
    for (name, text) in &files {
        let path = dir.join(name);
        crate::dataset::write::replace_file(&path, text)
            .map_err(|e| DbError::Data(format!("{}: {e}", path.display())))?;
    }
    Ok([0, 1, 2, 3].map(|i| records.files[i].len()))
}

/// One record's change to save: its file, id, text before (`None`: new here) and after
/// (`None`: deleted here).
#[derive(Clone, Copy, Debug)]
pub struct ToSave<'a> {
    /// The file.
    pub file: &'a str,
    /// The id.
    pub id: &'a str,
    /// The record as this client read it.
    pub before: Option<&'a str>,
    /// The record as this client would write it.
    pub after: Option<&'a str>,
}

/// A record changed on the server since this client read it, that this client changed too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    /// The file.
    pub file: String,
    /// The id.
    pub id: String,
    /// The record on the server now (`None`: deleted there), and its version.
    pub theirs: Option<(String, i64)>,
}

/// What [`save`] did.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Records written, or found already as this client would write them: (file, id, version
    /// now; `None` when deleted).
    pub written: Vec<(String, String, Option<i64>)>,
    /// Records changed on the server meanwhile.
    pub collisions: Vec<Collision>,
    /// True when the transaction was committed.
    pub committed: bool,
}

/// Saves changes in one transaction, each row only if its `version` is still the one read
/// (`versions`, by file and id; absent for a record new here). With collisions, nothing is
/// committed unless `partial`, when the rest is.
pub fn save(
    link: &mut Link,
    changes: &[ToSave<'_>],
    versions: &HashMap<(String, String), i64>,
    partial: bool,
) -> Result<Outcome, DbError> {
    let target = link.target.clone();
    let err = |what: &str| failed(&target, what);
    let mut tx = link.client.transaction().map_err(err("starting the save"))?;
    let mut out = Outcome::default();
    for c in changes {
        let Some(&(table, _)) = TABLES.iter().find(|t| t.1 == c.file) else {
            return Err(DbError::Data(format!("{} is not a dataset file", c.file)));
        };
        let known = versions.get(&(c.file.to_owned(), c.id.to_owned())).copied();
        let what = || format!("saving {table} record '{}'", c.id);
        let done: Option<Option<i64>> = match (c.after, known) {
            (Some(after), Some(v)) => {
                let cols = Columns::of(c.file, after);
                let names = Columns::names(c.file);
                let sets: Vec<String> =
                    names[1..].iter().enumerate().map(|(i, n)| format!("{n} = {}", placeholder(n, i + 3))).collect();
                let sql =
                    format!("UPDATE {table} SET {} WHERE id = $1 AND version = $2 RETURNING version", sets.join(", "));
                let params = params(c.id, Some(v), &cols, after);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
                let row = tx.query_opt(sql.as_str(), &refs).map_err(err(&what()))?;
                row.map(|r| Some(r.get::<_, i64>(0)))
            }
            (Some(after), None) => {
                let cols = Columns::of(c.file, after);
                let names = Columns::names(c.file);
                let values: Vec<String> = names[1..].iter().enumerate().map(|(i, n)| placeholder(n, i + 2)).collect();
                let sql = format!(
                    "INSERT INTO {table} (id, {}) VALUES ($1, {}) ON CONFLICT (id) DO NOTHING RETURNING version",
                    names[1..].join(", "),
                    values.join(", ")
                );
                let params = params(c.id, None, &cols, after);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
                let row = tx.query_opt(sql.as_str(), &refs).map_err(err(&what()))?;
                row.map(|r| Some(r.get::<_, i64>(0)))
            }
            (None, Some(v)) => {
                let sql = format!("DELETE FROM {table} WHERE id = $1 AND version = $2");
                let n = tx.execute(sql.as_str(), &[&c.id, &v]).map_err(err(&what()))?;
                (n == 1).then_some(None)
            }
            // Made and deleted here, never saved: there is nothing to write, unless someone
            // else made a record with that id meanwhile (then it is theirs; left alone).
            (None, None) => Some(None),
        };
        match done {
            Some(version) => {
                write_links(&mut tx, c.file, c.id, c.after).map_err(err(&what()))?;
                out.written.push((c.file.to_owned(), c.id.to_owned(), version));
            }
            None => {
                let sql = format!("SELECT record::text, version FROM {table} WHERE id = $1");
                let theirs = tx
                    .query_opt(sql.as_str(), &[&c.id])
                    .map_err(err(&what()))?
                    .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)));
                // The same change made on both sides is no collision.
                match (&theirs, c.after) {
                    (Some((t, v)), Some(a)) if t == a => {
                        out.written.push((c.file.to_owned(), c.id.to_owned(), Some(*v)));
                    }
                    (None, None) => out.written.push((c.file.to_owned(), c.id.to_owned(), None)),
                    _ => out.collisions.push(Collision { file: c.file.to_owned(), id: c.id.to_owned(), theirs }),
                }
            }
        }
    }
    if !out.collisions.is_empty() && !partial {
        tx.rollback().map_err(err("undoing the save"))?;
        out.written.clear();
        return Ok(out);
    }
    tx.commit().map_err(err("committing the save"))?;
    out.committed = true;
    Ok(out)
}

/// `$n`, cast to the column's type.
fn placeholder(column: &str, n: usize) -> String {
    match column {
        // Sent as text, cast by the server (the client would otherwise want a Rust type of
        // the column's own).
        "geom" => format!("ST_GeomFromEWKT(${n}::text)"),
        "earliest" | "latest" => format!("${n}::text::date"),
        "record" => format!("${n}::text::json"),
        _ => format!("${n}"),
    }
}

/// The parameters of an UPDATE (id, version) or an INSERT (id), then the typed columns and the
/// record.
fn params(id: &str, version: Option<i64>, cols: &Columns, after: &str) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    let mut p: Vec<Box<dyn postgres::types::ToSql + Sync>> = vec![Box::new(id.to_owned())];
    if let Some(v) = version {
        p.push(Box::new(v));
    }
    for v in &cols.values {
        p.push(Box::new(v.clone()));
    }
    p.push(Box::new(after.to_owned()));
    p
}

/// Rewrites a record's rows in its link tables.
fn write_links(
    tx: &mut postgres::Transaction<'_>,
    file: &str,
    id: &str,
    after: Option<&str>,
) -> Result<(), postgres::Error> {
    let cols = after.map(|a| Columns::of(file, a)).unwrap_or_default();
    for table in Columns::link_tables(file) {
        let owner = Columns::link_owner(table);
        tx.execute(format!("DELETE FROM {table} WHERE {owner} = $1").as_str(), &[&id])?;
        let mut n = 0i32;
        for (t, other, extra) in &cols.links {
            if t != table {
                continue;
            }
            let other_col = match *table {
                "event_people" => "person_id",
                "person_places" => "place_id",
                _ => "source_id",
            };
            if *table == "person_places" {
                tx.execute(
                    format!("INSERT INTO {table} ({owner}, position, {other_col}, basis) VALUES ($1, $2, $3, $4)")
                        .as_str(),
                    &[&id, &n, other, extra],
                )?;
            } else {
                tx.execute(
                    format!("INSERT INTO {table} ({owner}, position, {other_col}) VALUES ($1, $2, $3)").as_str(),
                    &[&id, &n, other],
                )?;
            }
            n += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_escape_what_the_text_format_would_read_otherwise() {
        let mut s = String::new();
        copy_field(&mut s, Some("a\tb\\c\nd'; DROP TABLE x; --"));
        assert_eq!(s, "a\\tb\\\\c\\nd'; DROP TABLE x; --");
        s.clear();
        copy_field(&mut s, None);
        assert_eq!(s, "\\N");
    }

    #[test]
    fn the_collection_keeps_its_members_in_order_around_the_features() {
        let m =
            collection_members(r#"{"type":"FeatureCollection","name":"x y","features":[{"id":"a"}],"crs":{"k":1}}"#)
                .unwrap();
        assert_eq!(m, r#"{"type":"FeatureCollection","name":"x y","features":null,"crs":{"k":1}}"#);
        let (head, tail) = split_members(&m);
        assert_eq!(
            format!("{head}[]{tail}"),
            r#"{"type":"FeatureCollection","name":"x y","features":[],"crs":{"k":1}}"#
        );
    }

    #[test]
    fn an_events_dates_are_its_envelope_with_open_ends_null() {
        let e = |t: &str| event_dates(&serde_json::from_str(t).unwrap());
        assert_eq!(e(r#"{"date":"1945-08"}"#), (Some("1945-08-01".into()), Some("1945-08-31".into())));
        assert_eq!(e(r#"{"date":"1946/.."}"#), (Some("1946-01-01".into()), None));
        assert_eq!(e(r#"{"date":null}"#), (None, None));
        assert_eq!(
            e(r#"{"date":"/","not_before":"1904-09","not_after":"1904-12"}"#),
            (Some("1904-09-01".into()), Some("1904-12-31".into()))
        );
    }
}
