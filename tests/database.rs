//! A team's atlas in PostgreSQL/PostGIS, against a real server: each test starts (or shares)
//! a throwaway cluster (initdb in a temporary folder, a free local port, run as `nobody` when
//! the tests run as root) and makes its own database. Without PostgreSQL's binaries the tests
//! skip with a message; under CI=true they fail instead (.ci/run installs PostgreSQL 15 and
//! PostGIS 3 from Debian).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crossings::db::{self, Followed, Target};
use crossings::edit::{Change, Edit, Kind, Saved, Session};
use egui_kittest::kittest::Queryable;

const PASSWORD: &str = "pw-of-the-test's owner";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// PostgreSQL's programs: CROSSINGS_PG_BIN, or the newest /usr/lib/postgresql/*/bin.
fn pg_bin() -> Option<PathBuf> {
    if let Some(b) = std::env::var_os("CROSSINGS_PG_BIN") {
        return Some(PathBuf::from(b));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

/// A throwaway cluster; stopped (immediately) when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_root: bool,
    ssl: bool,
}

impl Cluster {
    /// Starts one, or `None` to skip (no PostgreSQL here, outside CI).
    fn start() -> Option<Cluster> {
        let Some(bin) = pg_bin() else {
            if in_ci() {
                panic!("CI must have PostgreSQL (initdb in /usr/lib/postgresql/*/bin; .ci/run installs it)");
            }
            eprintln!(
                "skipped: no PostgreSQL server programs here (apt install postgresql-15 postgresql-15-postgis-3)"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let as_root = unsafe_is_root();
        let data = dir.path().join("data");
        std::fs::write(dir.path().join("pw"), PASSWORD).unwrap();
        // openssl comes with PostgreSQL's Debian packages (ssl-cert); without it, no TLS test.
        let ssl = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2"])
            .arg("-keyout")
            .arg(dir.path().join("server.key"))
            .arg("-out")
            .arg(dir.path().join("server.crt"))
            .output()
            .is_ok_and(|o| o.status.success());
        if as_root {
            chown_nobody(dir.path());
        }
        let mut c = Cluster { dir, bin, port: 0, as_root, ssl };
        let out = c
            .run("initdb")
            .args(["-U", "crossings", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
            .arg("--pwfile")
            .arg(c.dir.path().join("pw"))
            .arg("-D")
            .arg(&data)
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        c.port = free_port();
        c.start_server();
        c.watch();
        Some(c)
    }

    /// The shared cluster lives in a static, never dropped: a watchdog stops it and removes
    /// its folder when this test process ends, however it ends.
    fn watch(&self) {
        let stop = self.run("pg_ctl");
        let mut words: Vec<String> = vec![stop.get_program().to_string_lossy().into_owned()];
        words.extend(stop.get_args().map(|a| a.to_string_lossy().into_owned()));
        let quote = |w: &str| format!("'{}'", w.replace('\'', "'\\''"));
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {cmd} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            cmd = words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" "),
            data = quote(&self.dir.path().join("data").display().to_string()),
            dir = quote(&self.dir.path().display().to_string()),
        );
        let _ = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }

    fn run(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn start_server(&self) {
        let mut opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        if self.ssl {
            opts.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
                self.dir.path().display()
            ));
        }
        let out = self
            .run("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "-o", &opts, "start"])
            .output()
            .unwrap();
        let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        assert!(out.status.success(), "pg_ctl start: {}\n{log}", String::from_utf8_lossy(&out.stderr));
    }

    fn stop_server(&self) {
        let out = self
            .run("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-w", "-m", "fast", "stop"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A URL of a database of this cluster, as `role` (password in the URL).
    fn url_as(&self, role: &str, password: &str, db: &str) -> String {
        let enc = |s: &str| s.replace('%', "%25").replace(' ', "%20").replace('\'', "%27");
        format!("postgres://{role}:{}@127.0.0.1:{}/{db}", enc(password), self.port)
    }

    /// A new database, with the Crossings schema; its URL as the owner.
    fn new_db(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("atlas_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        self.sql("postgres", &format!("CREATE DATABASE {name}"));
        let url = self.url_as("crossings", PASSWORD, &name);
        let out = common::crossings().args(["db", "init", &url]).output().unwrap();
        assert!(out.status.success(), "db init: {}", String::from_utf8_lossy(&out.stderr));
        url
    }

    /// Runs SQL as the owner (through the library, not psql).
    fn sql(&self, db: &str, sql: &str) {
        let t = Target::parse(&self.url_as("crossings", PASSWORD, db)).unwrap();
        t.connect().unwrap().batch_execute(sql).unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ =
            self.run("pg_ctl").arg("-D").arg(self.dir.path().join("data")).args(["-m", "immediate", "stop"]).output();
    }
}

fn unsafe_is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn chown_nobody(dir: &Path) {
    let out = Command::new("chown").args(["-R", "nobody"]).arg(dir).output().unwrap();
    assert!(out.status.success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The cluster the tests of this binary share (each makes its own database).
fn shared() -> Option<&'static Mutex<Cluster>> {
    static CLUSTER: OnceLock<Option<Mutex<Cluster>>> = OnceLock::new();
    CLUSTER.get_or_init(|| Cluster::start().map(Mutex::new)).as_ref()
}

/// A new database in the shared cluster, or `None` to skip.
fn new_db() -> Option<String> {
    let c = shared()?;
    Some(c.lock().unwrap_or_else(|e| e.into_inner()).new_db())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["places.geojson", "events.json", "people.json", "sources.json"] {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

fn run_ok(args: &[&str]) -> String {
    let out = common::crossings().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "crossings {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same_folders(a: &Path, b: &Path) {
    for name in ["places.geojson", "events.json", "people.json", "sources.json"] {
        let (x, y) = (std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap());
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn a_pull_of_a_push_is_the_folder_formatted_and_validate_and_export_read_the_url() {
    let Some(url) = new_db() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("atlas");
    copy_dir(&common::root().join("geodata"), &dir);
    // Not canonical on purpose: a pull gives `crossings fmt` of it.
    let events = std::fs::read_to_string(dir.join("events.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&events).unwrap();
    std::fs::write(dir.join("events.json"), serde_json::to_string(&v).unwrap()).unwrap();
    let said = run_ok(&["db", "push", dir.to_str().unwrap(), &url]);
    assert!(said.contains("pushed"), "{said}");
    assert!(!said.contains(PASSWORD), "{said}");
    // A row rewritten in place (as an edit does) moves in the table: the pull's order is by
    // id all the same.
    let mut c = Target::parse(&url).unwrap().connect().unwrap();
    c.batch_execute("UPDATE events SET record = record WHERE id = (SELECT min(id) FROM events)").unwrap();
    c.batch_execute("UPDATE places SET record = record WHERE id = (SELECT min(id) FROM places)").unwrap();
    drop(c);
    let pulled = tmp.path().join("pulled");
    run_ok(&["db", "pull", &url, pulled.to_str().unwrap()]);
    run_ok(&["fmt", "--data", dir.to_str().unwrap()]);
    assert_same_folders(&dir, &pulled);

    // validate and export take the URL where they take a folder, and agree with the folder.
    let from_db = run_ok(&["validate", "--data", &url]);
    let from_dir = run_ok(&["validate", "--data", dir.to_str().unwrap()]);
    let summary = |s: &str| s.lines().last().unwrap().rsplit(": ").next().unwrap().to_owned();
    assert_eq!(summary(&from_db), summary(&from_dir), "{from_db}");
    assert_eq!(from_db.lines().count(), from_dir.lines().count(), "the same problems");
    let e1 = run_ok(&["export", "--data", &url, "--from", "1945-08", "--to", "1945-08"]);
    let e2 = run_ok(&["export", "--data", dir.to_str().unwrap(), "--from", "1945-08", "--to", "1945-08"]);
    assert_eq!(e1, e2);
    assert!(e1.contains("harbin"), "August 1945 shows Harbin");
    // The records in the same order as the folder's (by id), whatever the table's order.
    let whole = |data: &str| run_ok(&["export", "--data", data, "--format", "csv"]);
    assert!(whole(&url) == whole(dir.to_str().unwrap()), "the whole export, from the database and the folder");

    // A second push is refused (nothing replaced unasked); --replace replaces.
    let out = common::crossings().args(["db", "push", dir.to_str().unwrap(), &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds an atlas"));
    run_ok(&["db", "push", "--replace", dir.to_str().unwrap(), &url]);
    // A pull never writes over a dataset.
    let out = common::crossings().args(["db", "pull", &url, dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // init again: nothing to migrate.
    assert!(run_ok(&["db", "init", &url]).contains("up to date"));
}

#[test]
fn names_with_quotes_and_sql_in_them_round_trip_as_text() {
    let Some(url) = new_db() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("atlas");
    copy_dir(&common::root().join("geodata"), &dir);
    let nasty = "O'Brien \"the\" \\ '; DROP TABLE places; -- \t tab 会津 \u{1F5FA}";
    let path = dir.join("places.geojson");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["features"][0]["properties"]["name"] = nasty.into();
    v["features"][0]["properties"]["note"] = "line one\nline two\r\n'); DELETE FROM events; --".into();
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let people = dir.join("people.json");
    let mut p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&people).unwrap()).unwrap();
    p[0]["name"] = "Robert'); DROP TABLE people;--".into();
    std::fs::write(&people, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    run_ok(&["fmt", "--data", dir.to_str().unwrap()]);
    run_ok(&["db", "push", dir.to_str().unwrap(), &url]);
    let pulled = tmp.path().join("pulled");
    run_ok(&["db", "pull", &url, pulled.to_str().unwrap()]);
    assert_same_folders(&dir, &pulled);
    // The typed column holds the name as text, and every table is still there.
    let mut c = Target::parse(&url).unwrap().connect().unwrap();
    let got: String = c.query_one("SELECT name FROM places WHERE id = 'aizu'", &[]).unwrap().get(0);
    assert_eq!(got, nasty);
    let n: i64 = c.query_one("SELECT count(*) FROM events", &[]).unwrap().get(0);
    assert!(n > 100, "{n}");

    // Through an edit as well (parameterised UPDATE).
    let target = Target::parse(&url).unwrap();
    let mut s = Session::open_database(&target, None).unwrap();
    set_field(&mut s, Kind::Place, "harbin", "name", "Harbin'); DROP TABLE events; --");
    assert!(matches!(s.save().unwrap(), Saved::Written { .. }));
    let got: String = c.query_one("SELECT name FROM places WHERE id = 'harbin'", &[]).unwrap().get(0);
    assert_eq!(got, "Harbin'); DROP TABLE events; --");
    let n2: i64 = c.query_one("SELECT count(*) FROM events", &[]).unwrap().get(0);
    assert_eq!(n, n2);
}

#[test]
fn ogrinfo_reads_places_as_points_and_event_dates_as_date_columns() {
    if !common::require_tools(&["ogrinfo"]) {
        return;
    }
    let Some(url) = new_db() else { return };
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let port = url.split(':').nth(3).unwrap().split('/').next().unwrap().to_owned();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let pg = format!(
        "PG:host=127.0.0.1 port={port} dbname={db} user=crossings password='{}'",
        PASSWORD.replace('\'', "\\'")
    );
    let out = Command::new("ogrinfo").args(["-ro", "-so", &pg, "places"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let places = crossings::dataset::load(
        crossings::dataset::Input::Folder(&common::root().join("geodata")),
        &Default::default(),
    )
    .unwrap()
    .dataset;
    assert!(text.contains("Geometry: Point"), "{text}");
    assert!(text.contains(&format!("Feature Count: {}", places.places.len())), "{text}");
    assert!(text.contains("EPSG\",4326") || text.contains("EPSG:4326") || text.contains("4326"), "{text}");
    let out = Command::new("ogrinfo").args(["-ro", "-so", &pg, "events"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("earliest: Date"), "{text}");
    assert!(text.contains("latest: Date"), "{text}");
    assert!(text.contains(&format!("Feature Count: {}", places.events.len())), "{text}");

    // Plain SQL filters on the dates as Crossings' own filter does: events that may fall in
    // August 1945.
    let day = |y, m, d| crossings::chronology::Day::from_ymd(y, m, d).unwrap();
    let (from, to) = (day(1945, 8, 1), day(1945, 8, 31));
    let want = places.events.iter().filter(|e| e.date.span().is_some_and(|(a, b)| a <= to && b >= from)).count();
    let sql = "SELECT id FROM events WHERE date IS NOT NULL AND coalesce(earliest, '-infinity') <= '1945-08-31' AND coalesce(latest, 'infinity') >= '1945-08-01'";
    let out = Command::new("ogrinfo").args(["-ro", "-q", &pg, "-sql", sql]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let got = text.lines().filter(|l| l.trim_start().starts_with("OGRFeature")).count();
    assert!(want > 5, "{want}");
    assert_eq!(got, want, "{sql}");
}

/// An edit of one text field of a record, made in a session as the form makes it.
fn set_field(s: &mut Session, kind: Kind, id: &str, field: &str, value: &str) {
    let mut r = s.form_record(kind, id).unwrap();
    r.set_text(field, value);
    let before = s.record(kind.file(), id).map(str::to_owned);
    s.apply(Edit {
        label: format!("set {field} of {id}"),
        changes: vec![Change { file: kind.file().into(), id: id.into(), before, after: Some(r.to_text()) }],
    })
    .unwrap();
}

/// An edit of an event's title.
fn retitle(s: &mut Session, id: &str, title: &str) {
    set_field(s, Kind::Event, id, "title", title);
}

fn first_event(s: &Session) -> String {
    s.ids("events.json")[0].to_owned()
}

#[test]
fn two_clients_edit_one_event_one_wins_the_other_sees_both_and_keeps_its_draft() {
    let Some(url) = new_db() else { return };
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let target = Target::parse(&url).unwrap();
    let jdir = tempfile::tempdir().unwrap();
    let mut ann = Session::open_database(&target, None).unwrap();
    let mut ben = Session::open_database(&target, Some(&jdir.path().join("ben.journal"))).unwrap();
    let id = first_event(&ann);
    retitle(&mut ann, &id, "Ann's title");
    retitle(&mut ben, &id, "Ben's title");
    assert!(matches!(ann.save().unwrap(), Saved::Written { .. }));
    let Saved::Conflicts(c) = ben.save().unwrap() else { panic!("Ben's save must be refused") };
    assert_eq!(c.len(), 1);
    assert!(c[0].mine.as_deref().unwrap().contains("Ben's title"));
    assert!(c[0].theirs.as_deref().unwrap().contains("Ann's title"));
    // Nothing of Ben's was written; his edit is still his, unsaved and journaled.
    let mut client = target.connect().unwrap();
    let (title, version): (String, i64) = {
        let r = client.query_one("SELECT title, version FROM events WHERE id = $1", &[&id]).unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((title.as_str(), version), ("Ann's title", 2));
    assert!(ben.is_dirty());
    let (_, steps, _) = crossings::edit::read_journal(&jdir.path().join("ben.journal")).unwrap();
    assert_eq!(steps.len(), 1, "the draft is in Ben's journal");
    // Ben keeps his, knowingly: his save now goes through.
    ben.keep_mine("events.json", &id, c[0].theirs.clone());
    assert!(matches!(ben.save().unwrap(), Saved::Written { .. }));
    let r = client.query_one("SELECT title, version, updated_by FROM events WHERE id = $1", &[&id]).unwrap();
    assert_eq!(r.get::<_, String>(0), "Ben's title");
    assert_eq!(r.get::<_, i64>(1), 3);
    assert_eq!(r.get::<_, String>(2), "crossings");
    // The audit has both changes, who made them, and before and after.
    let rows = client
        .query("SELECT who, operation, before::text, after::text FROM audit WHERE record_id = $1 ORDER BY id", &[&id])
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get::<_, String>(1), "UPDATE");
    assert!(rows[0].get::<_, String>(3).contains("Ann's title"));
    assert!(rows[1].get::<_, String>(2).contains("Ann's title"));
    assert!(rows[1].get::<_, String>(3).contains("Ben's title"));
}

#[test]
fn a_client_sees_another_clients_change_through_notify_within_two_seconds() {
    let Some(url) = new_db() else { return };
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let target = Target::parse(&url).unwrap();
    let mut link = db::Link::open(&target).unwrap();
    let records = db::read_records(&mut link, &|_, _| {}).unwrap();
    let mut watcher = Session::from_records(&target, None, &records, None).unwrap();
    let woken = Arc::new(AtomicUsize::new(0));
    let w = woken.clone();
    let follower =
        db::follow(target.clone(), records.since.clone(), Box::new(move || _ = w.fetch_add(1, Ordering::Relaxed)));
    // Let it connect and LISTEN.
    assert_eq!(follower.wait(Duration::from_secs(20)), Some(Followed::Ready));
    let mut ann = Session::open_database(&target, None).unwrap();
    let id = first_event(&ann);
    retitle(&mut ann, &id, "Seen by everyone");
    let saved_at = Instant::now();
    ann.save().unwrap();
    let mut got = None;
    while saved_at.elapsed() < Duration::from_secs(2) {
        if let Some(Followed::Changes(c)) = follower.wait(Duration::from_millis(100)) {
            got = Some(c);
            break;
        }
    }
    let changes = got.expect("the change arrives within two seconds");
    assert!(woken.load(Ordering::Relaxed) > 0, "the window is woken");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].id, id);
    let (text, version, who) = changes[0].now.clone().unwrap();
    assert!(text.contains("Seen by everyone"));
    assert_eq!((version, who.as_str()), (2, "crossings"));
    // The watching session takes it in (it had no change of its own to that record).
    let (applied, held) = watcher.follow_remote(&changes);
    assert_eq!(applied.len(), 1);
    assert!(held.is_empty());
    assert!(watcher.record("events.json", &id).unwrap().contains("Seen by everyone"));
    assert!(!watcher.is_dirty(), "another's change is not an unsaved edit here");
    // Seen once, not again.
    assert!(watcher.follow_remote(&changes).0.is_empty());
}

#[test]
fn a_server_stopped_mid_session_keeps_the_edits_and_they_save_when_it_is_back() {
    // Its own cluster: stopping the shared one would stop the other tests.
    let Some(cluster) = Cluster::start() else { return };
    let url = cluster.new_db();
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let target = Target::parse(&url).unwrap();
    let mut link = db::Link::open(&target).unwrap();
    let since = db::read_records(&mut link, &|_, _| {}).unwrap().since;
    drop(link);
    let follower = db::follow(target.clone(), since, Box::new(|| {}));
    assert_eq!(follower.wait(Duration::from_secs(20)), Some(Followed::Ready));
    let mut s = Session::open_database(&target, None).unwrap();
    let id = first_event(&s);
    retitle(&mut s, &id, "Written after the outage");
    cluster.stop_server();
    let e = s.save().unwrap_err().to_string();
    assert!(e.contains("connection") && e.contains("your edits are kept"), "{e}");
    assert!(!e.contains(PASSWORD), "{e}");
    assert!(s.is_dirty(), "the edit is kept");
    // A second try while it is down says the same plainly.
    let e = s.save().unwrap_err().to_string();
    assert!(e.contains("cannot connect"), "{e}");
    let mut lost = false;
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until && !lost {
        lost = matches!(follower.wait(Duration::from_millis(200)), Some(Followed::Lost(_)));
    }
    assert!(lost, "the follower says the connection is lost");
    cluster.start_server();
    let mut back = false;
    let until = Instant::now() + Duration::from_secs(15);
    while Instant::now() < until && !back {
        back = matches!(follower.wait(Duration::from_millis(200)), Some(Followed::Back));
    }
    assert!(back, "the follower reconnects");
    assert!(matches!(s.save().unwrap(), Saved::Written { .. }));
    let mut c = target.connect().unwrap();
    let title: String = c.query_one("SELECT title FROM events WHERE id = $1", &[&id]).unwrap().get(0);
    assert_eq!(title, "Written after the outage");
}

#[test]
fn a_read_only_role_browses_and_is_told_plainly_when_it_tries_to_save() {
    let Some(cluster) = shared() else { return };
    let url = new_db().unwrap();
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let db = url.rsplit('/').next().unwrap().to_owned();
    let reader_url = {
        let c = cluster.lock().unwrap_or_else(|e| e.into_inner());
        c.sql(
            &db,
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN CREATE ROLE reader LOGIN PASSWORD 'read only'; END IF; END $$;
             GRANT USAGE ON SCHEMA public TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;",
        );
        c.url_as("reader", "read only", &db)
    };
    // Browsing works.
    let said = run_ok(&["validate", "--data", &reader_url]);
    assert!(said.contains("places"), "{said}");
    let target = Target::parse(&reader_url).unwrap();
    let mut link = db::Link::open(&target).unwrap();
    assert!(!link.can_write());
    let mut s = Session::open_database(&target, None).unwrap();
    let id = first_event(&s);
    retitle(&mut s, &id, "Not allowed");
    let e = s.save().unwrap_err().to_string();
    assert!(e.contains("the role 'reader' may read this atlas but not change it"), "{e}");
    assert!(s.is_dirty());
}

#[test]
fn the_password_comes_from_the_url_pgpassword_or_the_password_file_and_is_never_shown() {
    let Some(cluster) = shared() else { return };
    let url = new_db().unwrap();
    let (port, db) = {
        let c = cluster.lock().unwrap_or_else(|e| e.into_inner());
        (c.port, url.rsplit('/').next().unwrap().to_owned())
    };
    let bare = format!("postgres://crossings@127.0.0.1:{port}/{db}");
    let tmp = tempfile::tempdir().unwrap();
    let nofile = tmp.path().join("none");
    // None given: refused, and said so.
    let out = common::crossings()
        .args(["validate", "--data", &bare])
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", &nofile)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot connect to {bare}")), "{err}");
    // PGPASSWORD.
    let out = common::crossings()
        .args(["validate", "--data", &bare])
        .env("PGPASSWORD", PASSWORD)
        .env("PGPASSFILE", &nofile)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The password file, only when only its owner can read it.
    let pgpass = tmp.path().join("pgpass");
    std::fs::write(&pgpass, format!("127.0.0.1:{port}:{db}:crossings:{}\n", PASSWORD.replace(':', "\\:"))).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = || {
        common::crossings()
            .args(["validate", "--data", &bare])
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", &pgpass)
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("permissions should be u=rw (0600)"));
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A wrong password in the URL: the message names the URL without it.
    let wrong = format!("postgres://crossings:not-it@127.0.0.1:{port}/{db}");
    let out = common::crossings().args(["validate", "--data", &wrong]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password authentication failed") && !err.contains("not-it"), "{err}");
}

#[test]
fn tls_is_used_when_the_server_offers_it() {
    let Some(cluster) = shared() else { return };
    let url = new_db().unwrap();
    if !cluster.lock().unwrap_or_else(|e| e.into_inner()).ssl {
        assert!(!in_ci(), "CI has openssl (with PostgreSQL's packages)");
        eprintln!("skipped: no openssl to make the server's certificate");
        return;
    }
    let ssl_of = |url: &str| -> bool {
        let mut c = Target::parse(url).unwrap().connect().unwrap();
        c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0)
    };
    assert!(ssl_of(&url), "sslmode=prefer (the default) encrypts when the server offers it");
    assert!(ssl_of(&format!("{url}?sslmode=require")));
    assert!(!ssl_of(&format!("{url}?sslmode=disable")));
    // verify-full checks the certificate: a self-signed one is refused, plainly.
    let Err(e) = Target::parse(&format!("{url}?sslmode=verify-full")).unwrap().connect() else {
        panic!("a self-signed certificate must not pass verify-full")
    };
    let e = e.to_string();
    assert!(e.contains("cannot connect") && e.to_lowercase().contains("certificate"), "{e}");
}

#[test]
fn the_window_follows_another_clients_change_and_edits_the_database_itself() {
    let Some(url) = new_db() else { return };
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    let target = Target::parse(&url).unwrap();
    let (loaded, since) = db::load_shared(&target, &Default::default()).unwrap();
    let journals = tempfile::tempdir().unwrap();
    let mut app = crossings::ui::CrossingsApp::with_state(loaded, crossings::ui::AppState::default());
    app.set_journal_dir(Some(journals.path().to_owned()));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    let ctx = h.ctx.clone();
    h.state_mut().set_database(&ctx, target.clone(), since);
    h.run();
    // The window's follower is listening once this one is (both connect the same way).
    let probe = db::follow(target.clone(), db::Since::default(), Box::new(|| {}));
    assert_eq!(probe.wait(Duration::from_secs(20)), Some(Followed::Ready));
    drop(probe);
    std::thread::sleep(Duration::from_millis(300));
    // Another client renames Harbin and saves.
    let mut ann = Session::open_database(&target, None).unwrap();
    set_field(&mut ann, Kind::Place, "harbin", "name", "Harbin (renamed by Ann)");
    ann.save().unwrap();
    let name = |h: &egui_kittest::Harness<'_, crossings::ui::CrossingsApp>| {
        let d = h.state().dataset();
        d.place(d.place_by_id("harbin").unwrap()).name.clone()
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) && name(&h) != "Harbin (renamed by Ann)" {
        std::thread::sleep(Duration::from_millis(50));
        h.run();
    }
    assert_eq!(
        name(&h),
        "Harbin (renamed by Ann)",
        "shown without a reload (the two-second bound is the NOTIFY test's)"
    );
    // Edit mode edits the database itself: no copy into a folder is asked for.
    h.state_mut().edit_now().unwrap();
    assert!(h.state().editing());
}

/// Steps the window until `done` holds, for up to `secs` seconds (background jobs and the
/// follower answer meanwhile).
fn step_until(
    h: &mut egui_kittest::Harness<'_, crossings::ui::CrossingsApp>,
    secs: u64,
    done: impl Fn(&egui_kittest::Harness<'_, crossings::ui::CrossingsApp>) -> bool,
) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        h.run_steps(2);
        if done(h) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    false
}

/// Replaces the text of the field labelled `label`: select all, delete, type.
fn retype(h: &mut egui_kittest::Harness<'_, crossings::ui::CrossingsApp>, label: &str, text: &str) {
    h.get_by_label_contains(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label_contains(label).type_text(text);
    h.run();
}

#[test]
fn file_open_database_asks_for_the_password_reads_in_the_background_and_reads_again_after_a_deletion() {
    let Some(url) = new_db() else { return };
    run_ok(&["db", "push", common::root().join("geodata").to_str().unwrap(), &url]);
    // The address without its password: the password is typed in its own field.
    let bare = format!("postgres://crossings@{}", url.split_once('@').unwrap().1);
    assert!(!bare.contains("pw-of"), "{bare}");
    let journals = tempfile::tempdir().unwrap();
    let mut app = crossings::ui::CrossingsApp::with_state(common::bundled(), crossings::ui::AppState::default());
    app.set_journal_dir(Some(journals.path().to_owned()));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open database…").click_accesskit();
    h.run();
    retype(&mut h, "Address:", &bare);
    // A wrong password: said in the field's window; the atlas shown stays.
    retype(&mut h, "Password (", "not-the-password");
    h.get_by_label("Open").click_accesskit();
    assert!(
        step_until(&mut h, 20, |h| h.query_all_by_label_contains("password authentication failed").next().is_some()),
        "a wrong password is said where it was typed"
    );
    assert_eq!(h.state().dataset().places.len(), common::bundled().dataset.places.len());
    retype(&mut h, "Password (", PASSWORD);
    h.get_by_label("Open").click_accesskit();
    assert!(
        step_until(&mut h, 30, |h| h.state().status.as_ref().is_some_and(|s| s.text.starts_with("Opened"))),
        "the database opens: {:?}",
        h.state().status
    );
    assert!(h.query_by_label("Address:").is_none(), "the address field closes once the atlas is read");
    let shown = Target::parse(&bare).unwrap().shown().to_owned();
    assert!(h.state().status.as_ref().unwrap().text.contains(&shown), "{:?}", h.state().status);
    let saved = h.state().saved_state();
    assert_eq!(saved.recent_database.as_deref(), Some(shown.as_str()), "the address is remembered");
    let text = serde_json::to_string(&saved).unwrap();
    assert!(!text.contains(PASSWORD) && !text.contains("not-the-password"), "no password in the saved view: {text}");

    // Harbin selected; another client deletes Maizuru: not put in place, so read again.
    let harbin = h.state().dataset().place_by_id("harbin").unwrap();
    h.state_mut().apply(crossings::ui::Action::SelectPlace(harbin, false));
    h.run();
    let probe = db::follow(Target::parse(&url).unwrap(), db::Since::default(), Box::new(|| {}));
    assert_eq!(probe.wait(Duration::from_secs(20)), Some(Followed::Ready));
    drop(probe);
    std::thread::sleep(Duration::from_millis(300));
    assert!(h.state().dataset().place_by_id("maizuru").is_some());
    Target::parse(&url).unwrap().connect().unwrap().batch_execute("DELETE FROM places WHERE id = 'maizuru'").unwrap();
    assert!(
        step_until(&mut h, 20, |h| h.state().dataset().place_by_id("maizuru").is_none()),
        "the deletion is shown without opening the database again: {:?}",
        h.state().status
    );
    let status = h.state().status.clone().unwrap();
    assert!(status.text.contains("read again"), "{status:?}");
    let d = h.state().dataset();
    let selected: Vec<&str> = h.state().selection().iter().map(|p| d.place(*p).id.as_str()).collect();
    assert_eq!(selected, ["harbin"], "the selection is kept across the reading");
}

#[test]
fn edits_to_the_typed_columns_in_other_tools_reach_the_record_and_a_v1_database_migrates() {
    let Some(c) = shared() else { return };
    // A database made by the first schema only, as the previous Crossings made them.
    let url = {
        let c = c.lock().unwrap_or_else(|e| e.into_inner());
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("v1_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        c.sql("postgres", &format!("CREATE DATABASE {name}"));
        c.url_as("crossings", PASSWORD, &name)
    };
    let (_, _, v1) = db::schema::MIGRATIONS[0];
    let mut client = Target::parse(&url).unwrap().connect().unwrap();
    client.batch_execute(v1).unwrap();
    client
        .batch_execute(
            "CREATE TABLE crossings_schema (version int PRIMARY KEY, note text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user); INSERT INTO crossings_schema (version, note) VALUES (1, 'v1')",
        )
        .unwrap();
    let out = common::crossings().args(["validate", "--data", &url]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("to migrate it"), "{}", String::from_utf8_lossy(&out.stderr));
    let said = run_ok(&["db", "init", &url]);
    assert!(said.contains("migration 2 applied"), "{said}");
    let geodata = common::root().join("geodata");
    run_ok(&["db", "push", geodata.to_str().unwrap(), &url]);

    // As QGIS saves a point moved and a name typed: an UPDATE of the typed columns alone.
    client
        .batch_execute(
            "UPDATE places SET geom = ST_SetSRID(ST_MakePoint(127.25, 46.5), 4326), name = 'Harbin, moved in QGIS' WHERE id = 'harbin'",
        )
        .unwrap();
    client
        .batch_execute("UPDATE events SET title = 'Retitled in QGIS' WHERE id = (SELECT min(id) FROM events)")
        .unwrap();
    let loaded = db::load(&url, &Default::default()).unwrap();
    let d = &loaded.dataset;
    let harbin = d.place(d.place_by_id("harbin").unwrap());
    assert_eq!((harbin.name.as_str(), harbin.lon_lat.lon, harbin.lon_lat.lat), ("Harbin, moved in QGIS", 127.25, 46.5));
    assert!(d.events.iter().any(|e| e.title == "Retitled in QGIS"));
    // The record keeps its members in the order written.
    let tmp = tempfile::tempdir().unwrap();
    let pulled = tmp.path().join("pulled");
    run_ok(&["db", "pull", &url, pulled.to_str().unwrap()]);
    let text = std::fs::read_to_string(pulled.join("places.geojson")).unwrap();
    let at = text.find("\"id\": \"harbin\"").expect("harbin pulled");
    let feature = &text[text[..at].rfind("\"type\": \"Feature\"").unwrap()..];
    let order: Vec<usize> =
        ["\"id\": \"harbin\"", "\"geometry\"", "\"properties\"", "\"name\": \"Harbin, moved in QGIS\"", "\"country\""]
            .iter()
            .map(|k| feature.find(k).unwrap_or_else(|| panic!("{k} missing")))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "members in the order written: {order:?}");
    // The audit has the record before and after; the version moved on.
    let row = client
        .query_one(
            "SELECT who, before::text, after::text FROM audit WHERE record_id = 'harbin' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .unwrap();
    let (before, after): (String, String) = (row.get(1), row.get(2));
    assert!(before.contains("Harbin") && !before.contains("QGIS") && after.contains("moved in QGIS"));
    let version: i64 = client.query_one("SELECT version FROM places WHERE id = 'harbin'", &[]).unwrap().get(0);
    assert_eq!(version, 2);

    // Dates follow the record's EDTF: changing them alone is refused, plainly.
    let e = client.batch_execute("UPDATE events SET earliest = '1900-01-01' WHERE id = (SELECT min(id) FROM events)");
    let e = e.unwrap_err().as_db_error().map(|d| d.message().to_owned()).unwrap_or_default();
    assert!(e.contains("is changed in Crossings"), "{e}");
    // A point drawn in QGIS, with its columns alone, becomes a place.
    client
        .batch_execute(
            "INSERT INTO places (id, name, country, geom) VALUES ('drawn-in-qgis', 'Drawn in QGIS', 'China', ST_SetSRID(ST_MakePoint(120.5, 30.25), 4326))",
        )
        .unwrap();
    // Without a precision and a category it is a draft: named as a problem, the rest shown.
    // They are never made up; once typed in their columns, the place shows.
    let loaded = db::load(&url, &Default::default()).unwrap();
    let problems: Vec<String> =
        loaded.problems.iter().map(|p| p.to_string()).filter(|p| p.contains("drawn-in-qgis")).collect();
    assert!(problems.len() == 1 && problems[0].contains("missing field"), "{problems:?}");
    assert!(loaded.dataset.place_by_id("harbin").is_some());
    client.batch_execute("UPDATE places SET precision = 'city', category = 'city' WHERE id = 'drawn-in-qgis'").unwrap();
    let loaded = db::load(&url, &Default::default()).unwrap();
    let d = &loaded.dataset;
    let problems: Vec<String> =
        loaded.problems.iter().map(|p| p.to_string()).filter(|p| p.contains("drawn-in-qgis")).collect();
    let drawn = d
        .place(d.place_by_id("drawn-in-qgis").unwrap_or_else(|| panic!("the place drawn in QGIS loads: {problems:?}")));
    assert_eq!((drawn.name.as_str(), drawn.lon_lat.lon, drawn.lon_lat.lat), ("Drawn in QGIS", 120.5, 30.25));
}
