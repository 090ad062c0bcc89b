//! Following other clients' changes: a thread with its own connection LISTENs on `crossings`
//! (the triggers NOTIFY once per transaction) and, on each notification, reads which records
//! the transactions committed since it last looked changed (by `audit.txid`, from the
//! snapshot's oldest running transaction, so a transaction that commits late is not missed),
//! then those records as they are now. When the server goes away it says so, tries again
//! every second, and catches up on what it missed when the server is back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::Target;
use super::schema::TABLES;

/// A record as another client left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteChange {
    /// The file: `places.geojson`, ...
    pub file: &'static str,
    /// The id.
    pub id: String,
    /// The record now (`None`: deleted), with its version and who wrote it last.
    pub now: Option<(String, i64, String)>,
}

/// What the follower reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Followed {
    /// Records changed (or made, or deleted) by a committed transaction.
    Changes(Vec<RemoteChange>),
    /// The whole atlas was replaced (a push): load it again.
    Replaced,
    /// The connection is lost (why); the follower keeps trying.
    Lost(String),
    /// The connection is back (what was missed follows as changes).
    Back,
    /// Listening for the first time (what was committed since the load follows as changes).
    Ready,
}

/// Where following starts: the oldest transaction still running when the atlas was read
/// (everything committed from it on may be new), and the changes among those already seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Since {
    /// `pg_snapshot_xmin` of the snapshot, as text (an `xid8`).
    pub xmin: String,
    /// Audit rows of transactions from `xmin` on that the snapshot saw already.
    pub seen: Vec<i64>,
}

/// A running follower; stops when dropped.
pub struct Follower {
    rx: Receiver<Followed>,
    stop: Arc<AtomicBool>,
}

impl Follower {
    /// What it has reported since last asked, oldest first.
    pub fn drain(&self) -> Vec<Followed> {
        self.rx.try_iter().collect()
    }

    /// Waits up to `timeout` for the next report.
    pub fn wait(&self, timeout: Duration) -> Option<Followed> {
        self.rx.recv_timeout(timeout).ok()
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts following a database from `since` (the snapshot [`super::Records::since`] a load
/// read). `wake` is called after each report (the window asks for a repaint).
pub fn follow(target: Target, since: Since, wake: Box<dyn Fn() + Send>) -> Follower {
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let spawned = std::thread::Builder::new()
        .name("crossings-db-follow".into())
        .spawn(move || run(&target, since, &tx, &*wake, &stopping));
    if let Err(e) = spawned {
        // No thread: the atlas still works, it just does not follow.
        eprintln!("crossings: cannot follow the database's changes: {e}");
    }
    Follower { rx, stop }
}

fn run(target: &Target, mut since: Since, tx: &Sender<Followed>, wake: &dyn Fn(), stop: &AtomicBool) {
    let mut lost = false;
    let mut listened = false;
    let send = |f: Followed| {
        let ok = tx.send(f).is_ok();
        wake();
        ok
    };
    while !stop.load(Ordering::Relaxed) {
        let mut client = match target.connect() {
            Ok(c) => c,
            Err(e) => {
                if !lost {
                    lost = true;
                    if !send(Followed::Lost(e.to_string())) {
                        return;
                    }
                }
                pause(stop, Duration::from_secs(1));
                continue;
            }
        };
        if let Err(e) = client.batch_execute("LISTEN crossings") {
            if !lost {
                lost = true;
                send(Followed::Lost(super::describe(&e)));
            }
            pause(stop, Duration::from_secs(1));
            continue;
        }
        let first = !std::mem::replace(&mut listened, true);
        let said = if std::mem::take(&mut lost) { Followed::Back } else { Followed::Ready };
        if (first || said == Followed::Back) && !send(said) {
            return;
        }
        // What was missed while not listening (or before the first LISTEN).
        let mut due = true;
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            if due {
                due = false;
                match poll(&mut client, &mut since) {
                    Ok(reports) => {
                        for r in reports {
                            if !send(r) {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        lost = true;
                        send(Followed::Lost(super::describe(&e)));
                        break;
                    }
                }
            }
            let next = {
                let mut notes = client.notifications();
                let mut it = notes.timeout_iter(Duration::from_millis(300));
                it.next()
            };
            match next {
                Ok(Some(_)) => due = true,
                Ok(None) => {}
                Err(e) => {
                    lost = true;
                    send(Followed::Lost(super::describe(&e)));
                    break;
                }
            }
            if client.is_closed() {
                lost = true;
                send(Followed::Lost("the server closed the connection".into()));
                break;
            }
        }
    }
}

fn pause(stop: &AtomicBool, d: Duration) {
    let step = Duration::from_millis(100);
    let mut waited = Duration::ZERO;
    while waited < d && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        waited += step;
    }
}

/// The records changed by transactions that committed since `since`, as they are now; moves
/// `since` on.
fn poll(client: &mut postgres::Client, since: &mut Since) -> Result<Vec<Followed>, postgres::Error> {
    let mut tx = client.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).start()?;
    let next: String = tx.query_one("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", &[])?.get(0);
    // Every audit row from the old xmin on: those seen before are left out, and the ones from
    // the new xmin on are remembered as seen (the next window is within this one).
    let all = tx.query(
        "SELECT id, txid >= $3::text::xid8, table_name, record_id FROM audit WHERE txid >= $1::text::xid8 AND table_name = ANY($2)",
        &[&since.xmin, &TABLES.iter().map(|t| t.0).collect::<Vec<_>>(), &next],
    )?;
    let seen: std::collections::HashSet<i64> = since.seen.iter().copied().collect();
    let rows: Vec<&postgres::Row> = all.iter().filter(|r| !seen.contains(&r.get::<_, i64>(0))).collect();
    let mut out = Vec::new();
    if rows.iter().any(|r| r.get::<_, Option<String>>(3).is_none()) {
        out.push(Followed::Replaced);
    } else {
        let mut changes = Vec::new();
        for (table, file) in TABLES {
            let mut ids: Vec<String> = rows
                .iter()
                .filter(|r| r.get::<_, &str>(2) == table)
                .filter_map(|r| r.get::<_, Option<String>>(3))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                continue;
            }
            let found = tx.query(
                format!("SELECT id, record::text, version, updated_by FROM {table} WHERE id = ANY($1)").as_str(),
                &[&ids],
            )?;
            for id in ids {
                let now = found
                    .iter()
                    .find(|r| r.get::<_, &str>(0) == id)
                    .map(|r| (r.get::<_, String>(1), r.get::<_, i64>(2), r.get::<_, String>(3)));
                changes.push(RemoteChange { file, id, now });
            }
        }
        if !changes.is_empty() {
            out.push(Followed::Changes(changes));
        }
    }
    tx.commit()?;
    *since = Since { xmin: next, seen: all.iter().filter(|r| r.get::<_, bool>(1)).map(|r| r.get(0)).collect() };
    Ok(out)
}
