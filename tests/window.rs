//! The real binary in a real window under Xvfb, driven by xdotool, judged from screenshots.
//! Needs xvfb, xdotool and ImageMagick (.ci/run installs them); skips locally without them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Session {
    display: String,
    /// The app's stdout and stderr, one file per session: the tests run at once.
    log: PathBuf,
    xvfb: Child,
    app: Option<Child>,
    _home: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(app) = &mut self.app {
            let _ = app.kill();
            let _ = app.wait();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

fn x(display: &str, program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program).args(args).env("DISPLAY", display).output().expect(program)
}

fn start() -> Session {
    start_with_state(None)
}

/// Starts the app, with a saved state (the JSON the app keeps between runs) when given.
fn start_with_state(state: Option<&str>) -> Session {
    start_with(state, &[])
}

/// Starts the app with these arguments (and a saved state when given).
fn start_with(state: Option<&str>, args: &[&std::ffi::OsStr]) -> Session {
    // A display number unlikely to clash with other tests or a desktop, and one per session:
    // the tests of this file run at once in one process. One another server holds (a lock file
    // or a socket, even a stale one) is skipped.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = loop {
        let n = 90 + (std::process::id() % 100) * 4 + NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let held =
            Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists();
        if !held {
            break n;
        }
    };
    let display = format!(":{n}");
    // -noreset: by default Xvfb resets when its last client leaves, and a client connecting
    // during the reset is refused. The readiness probe below is such a last client, and the app
    // connecting just after it failed with "Failed to open connection to X server" in CI.
    let xvfb = Command::new("Xvfb")
        .args([display.as_str(), "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb");
    let started = Instant::now();
    while !x(&display, "xdpyinfo", &[]).status.success() {
        assert!(started.elapsed() < Duration::from_secs(20), "Xvfb did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let home = tempfile::tempdir().unwrap();
    let runtime = home.path().join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    if let Some(state) = state {
        let dir = home.path().join("data/crossings");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("crossings-state.json"), state).unwrap();
    }
    let log_path = common::artifacts().join(format!("window-test-{n}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let app = common::crossings()
        .args(args)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start crossings");
    Session { display, log: log_path, xvfb, app: Some(app), _home: home }
}

fn wait_for_window(s: &mut Session) -> String {
    let started = Instant::now();
    loop {
        let out = x(&s.display, "xdotool", &["search", "--name", "Crossings"]);
        let id = String::from_utf8_lossy(&out.stdout).lines().next().map(str::to_owned);
        if let Some(id) = id {
            return id;
        }
        if let Some(status) = s.app.as_mut().and_then(|a| a.try_wait().ok().flatten()) {
            let log = std::fs::read_to_string(&s.log).unwrap_or_default();
            panic!("crossings exited with {status} before showing a window:\n{log}");
        }
        assert!(started.elapsed() < Duration::from_secs(90), "no window after 90 s");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Takes a screenshot of the whole screen as PNG, and returns its RGB pixels.
fn screenshot(s: &Session, name: &str) -> (PathBuf, Vec<[u8; 3]>) {
    let png = common::artifacts().join(format!("{name}.png"));
    let out = x(&s.display, "import", &["-window", "root", png.to_str().unwrap()]);
    assert!(out.status.success(), "import failed: {}", String::from_utf8_lossy(&out.stderr));
    println!("screenshot: {}", png.display());
    (png.clone(), pixels(&png))
}

fn pixels(png: &Path) -> Vec<[u8; 3]> {
    let out = Command::new("convert").arg(png).args(["-depth", "8", "rgb:-"]).output().expect("convert");
    assert!(out.status.success());
    out.stdout.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()
}

fn count_near(pixels: &[[u8; 3]], color: [u8; 3], tolerance: i32) -> usize {
    pixels.iter().filter(|p| (0..3).all(|i| (i32::from(p[i]) - i32::from(color[i])).abs() <= tolerance)).count()
}

/// The screen's height in pixels.
fn screen_height(s: &Session) -> usize {
    let out = x(&s.display, "xdpyinfo", &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("dimensions:"))
        .and_then(|d| d.split_whitespace().next())
        .and_then(|d| d.split('x').nth(1))
        .and_then(|h| h.parse().ok())
        .unwrap_or(1)
}

fn settle() {
    std::thread::sleep(Duration::from_millis(2500));
}

#[test]
fn the_real_window_draws_a_map_with_land_sea_and_markers_and_reacts_to_input() {
    if !common::require_tools(&["Xvfb", "xdotool", "import", "convert", "xdpyinfo"]) {
        return;
    }
    let mut s = start();
    let id = wait_for_window(&mut s);
    x(&s.display, "xdotool", &["windowmove", &id, "0", "0"]);
    x(&s.display, "xdotool", &["windowsize", &id, "1400", "900"]);
    settle();
    // The first frames on a cold machine (lavapipe compiling its shaders) can be late: looked at
    // again for up to 10 s more before the counts below are judged.
    let counts = |shot: &[[u8; 3]]| {
        let sea = count_near(shot, [0xb8, 0xd3, 0xe6], 6);
        let land = count_near(shot, [0xf1, 0xec, 0xdf], 6);
        let markers = count_near(shot, [0xd5, 0x5e, 0x00], 30) + count_near(shot, [0xcc, 0x79, 0xa7], 30);
        (sea, land, markers)
    };
    let (_, mut before) = screenshot(&s, "window-start");
    for _ in 0..10 {
        let (sea, land, markers) = counts(&before);
        if sea > before.len() / 50 && land > before.len() / 50 && markers > 50 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
        before = screenshot(&s, "window-start").1;
    }
    let (sea, land, markers) = counts(&before);
    let total = before.len();
    assert!(sea > total / 50, "too little sea: {sea} of {total} pixels");
    assert!(land > total / 50, "too little land: {land} of {total} pixels");
    assert!(markers > 50, "no theme-coloured markers: {markers}");

    // Resized to 1280×720 and back: the first frames fill the window, with no black gap beside
    // the left panel (Xvfb's root is black where nothing is drawn). Looked at every 300 ms for
    // at most 1.5 s: a loaded machine (the other real-window test runs beside this one) can be
    // slow to draw one frame, but the gap must not stay.
    for (w, h) in [(1280usize, 720usize), (1400, 900)] {
        x(&s.display, "xdotool", &["windowsize", &id, &w.to_string(), &h.to_string()]);
        let mut black = usize::MAX;
        for attempt in 0..5 {
            std::thread::sleep(Duration::from_millis(300));
            let (_, shot) = screenshot(&s, &format!("window-resized-{w}x{h}-{attempt}"));
            let width = (shot.len() / screen_height(&s)).max(1);
            black = shot.iter().enumerate().filter(|(i, p)| i % width < w && i / width < h && **p == [0, 0, 0]).count();
            if black < w * h / 100 {
                break;
            }
        }
        assert!(black < w * h / 100, "{black} black pixels in the {w}x{h} window 1.5 s after the resize");
    }
    settle();

    // Zoom in on the map with a double-click at its centre: the picture changes.
    x(&s.display, "xdotool", &["windowfocus", "--sync", &id]);
    x(&s.display, "xdotool", &["mousemove", "--sync", "700", "420", "click", "--repeat", "2", "--delay", "80", "1"]);
    settle();
    let (_, zoomed) = screenshot(&s, "window-after-click");
    let changed = before.iter().zip(&zoomed).filter(|(a, b)| a != b).count();
    assert!(changed > total / 20, "a double-click on the map changed only {changed} pixels");
    assert!(s.app.as_mut().unwrap().try_wait().unwrap().is_none(), "the app died");

    // Drag across the timeline histogram (the bottom panel): a window appears, places dim.
    let handle = [200, 140, 0];
    assert!(count_near(&zoomed, handle, 4) < 20, "no time window before the drag");
    let pause = || std::thread::sleep(Duration::from_millis(120));
    x(&s.display, "xdotool", &["mousemove", "--sync", "500", "835"]);
    pause();
    x(&s.display, "xdotool", &["mousedown", "1"]);
    pause();
    for step in 1..=8 {
        let xpos = (500 + step * 30).to_string();
        x(&s.display, "xdotool", &["mousemove", "--sync", &xpos, "835"]);
        pause();
    }
    x(&s.display, "xdotool", &["mouseup", "1"]);
    settle();
    let (_, dragged) = screenshot(&s, "window-after-timeline-drag");
    let changed = zoomed.iter().zip(&dragged).filter(|(a, b)| a != b).count();
    assert!(changed > 2000, "dragging the timeline changed only {changed} pixels");
    let handles = count_near(&dragged, handle, 4);
    assert!(handles > 100, "the dragged time window is not drawn ({handles} handle pixels)");
    assert!(s.app.as_mut().unwrap().try_wait().unwrap().is_none(), "the app died");
}

/// The left and right x of the time window's handles on a screenshot (the handle colour in the
/// timeline band), or `None`.
fn handle_span(pixels: &[[u8; 3]], width: usize, band: std::ops::Range<usize>) -> Option<(usize, usize)> {
    let mut xs = band
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let p = pixels[y * width + x];
            (0..3).all(|i| (i32::from(p[i]) - [200, 140, 0][i]).abs() <= 4)
        })
        .map(|(x, _)| x);
    let first = xs.next()?;
    let (lo, hi) = xs.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)));
    Some((lo, hi))
}

fn title(s: &Session, id: &str) -> String {
    String::from_utf8_lossy(&x(&s.display, "xdotool", &["getwindowname", id]).stdout).trim().to_owned()
}

/// Presses at `from`, moves in steps to `to`, releases: as a hand drags.
fn drag(s: &Session, from: (i32, i32), to: (i32, i32)) {
    let pause = || std::thread::sleep(Duration::from_millis(120));
    x(&s.display, "xdotool", &["mousemove", "--sync", &from.0.to_string(), &from.1.to_string()]);
    pause();
    x(&s.display, "xdotool", &["mousedown", "1"]);
    pause();
    for step in 1..=10 {
        let px = from.0 + (to.0 - from.0) * step / 10;
        let py = from.1 + (to.1 - from.1) * step / 10;
        x(&s.display, "xdotool", &["mousemove", "--sync", &px.to_string(), &py.to_string()]);
        pause();
    }
    x(&s.display, "xdotool", &["mouseup", "1"]);
    std::thread::sleep(Duration::from_millis(800));
}

#[test]
fn dragging_each_handle_the_body_and_empty_track_in_the_real_window_gives_the_months_dragged_to() {
    if !common::require_tools(&["Xvfb", "xdotool", "import", "convert", "xdpyinfo"]) {
        return;
    }
    // The app opens on a saved state: a window from January 1939 to December 1949, long enough
    // to read the timeline's scale off the screen precisely.
    let (jan_1939, dec_1949) = (1939 * 12, 1949 * 12 + 11); // month indices, as the state keeps them
    let state = format!(
        r#"{{"time": {{"mode": "Window", "start": {jan_1939}, "end": {dec_1949}, "include_undated": false, "speed": 6.0}}}}"#
    );
    let mut s = start_with_state(Some(&state));
    let id = wait_for_window(&mut s);
    x(&s.display, "xdotool", &["windowmove", &id, "0", "0"]);
    x(&s.display, "xdotool", &["windowsize", &id, "1400", "900"]);
    settle();
    x(&s.display, "xdotool", &["windowfocus", "--sync", &id]);
    assert!(title(&s, &id).ends_with("January 1939 – December 1949"), "{}", title(&s, &id));

    // Where the handles are, read off the screen: the timeline band is near the bottom.
    let (_, shot) = screenshot(&s, "window-handles-1939-1949");
    let width = 1600;
    let (lo, hi) = handle_span(&shot, width, 800..870).expect("the window's handles are drawn");
    // Handles are 7 points wide and stand just outside the window's edges.
    let x0 = lo as f32 + 7.0;
    let per_month = (hi as f32 - 6.5 - x0) / 132.0;
    assert!(per_month > 3.0, "{per_month} px per month");
    let y = 835;
    let edge = |months_after_jan_1939: i32| (x0 + months_after_jan_1939 as f32 * per_month).round() as i32;

    // The right handle, from the end of 1949 to the end of March 1943 (51 months after January 1939).
    drag(&s, (hi as i32 - 3, y), (edge(51), y));
    settle();
    assert!(title(&s, &id).ends_with("January 1939 – March 1943"), "after the right handle: {}", title(&s, &id));

    // The left handle, from January 1939 back into August 1938 (the middle of its month).
    let (_, shot) = screenshot(&s, "window-handles-1939-1943");
    let (lo, _) = handle_span(&shot, width, 800..870).expect("handles");
    let mid = |months: i32| (x0 + (months as f32 + 0.5) * per_month).round() as i32;
    drag(&s, (lo as i32 + 3, y), (mid(-5), y));
    settle();
    assert!(title(&s, &id).ends_with("August 1938 – March 1943"), "after the left handle: {}", title(&s, &id));

    // The body, by twelve months: its length stays.
    drag(&s, (mid(20), y), (mid(32), y));
    settle();
    assert!(title(&s, &id).ends_with("August 1939 – March 1944"), "after moving the body: {}", title(&s, &id));

    // Empty track after the window: a new window from where the drag began.
    drag(&s, (mid(80), y), (mid(86), y));
    settle();
    assert!(title(&s, &id).ends_with("September 1945 – March 1946"), "after brushing: {}", title(&s, &id));
    screenshot(&s, "window-handles-after");
    assert!(s.app.as_mut().unwrap().try_wait().unwrap().is_none(), "the app died");
}

/// Waits (up to 20 s) for the window's title to contain `text`, and returns it.
fn wait_for_title(s: &Session, id: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        let t = title(s, id);
        if t.contains(text) || started.elapsed() > Duration::from_secs(20) {
            return t;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The real binary, editing a folder, killed with SIGKILL after an edit: nothing is written to
/// the folder, and the next start on it offers the edit from the journal the window kept in
/// the user's data folder.
#[test]
fn the_real_window_killed_with_kill_9_while_editing_offers_its_edit_at_the_next_start() {
    if !common::require_tools(&["Xvfb", "xdotool", "import", "convert", "xdpyinfo"]) {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    for name in crossings::dataset::FILES {
        std::fs::copy(common::root().join("geodata").join(name), data.path().join(name)).unwrap();
    }
    let original: Vec<Vec<u8>> =
        crossings::dataset::FILES.iter().map(|n| std::fs::read(data.path().join(n)).unwrap()).collect();
    let mut s = start_with(None, &["--data".as_ref(), data.path().as_os_str()]);
    let id = wait_for_window(&mut s);
    x(&s.display, "xdotool", &["windowmove", &id, "0", "0"]);
    x(&s.display, "xdotool", &["windowsize", &id, "1400", "900"]);
    settle();
    x(&s.display, "xdotool", &["windowfocus", "--sync", &id]);
    x(&s.display, "xdotool", &["key", "e"]);
    let t = wait_for_title(&s, &id, "(editing)");
    assert!(t.contains("(editing)"), "E did not turn edit mode on: {t}");
    settle();
    screenshot(&s, "window-editing");
    // Add place (the first tool of the edit panel), then a click on the map.
    x(&s.display, "xdotool", &["mousemove", "--sync", "1084", "60", "click", "1"]);
    std::thread::sleep(Duration::from_millis(600));
    x(&s.display, "xdotool", &["mousemove", "--sync", "700", "450", "click", "1"]);
    let t = wait_for_title(&s, &id, "unsaved changes");
    screenshot(&s, "window-edited");
    assert!(t.contains("unsaved changes"), "no edit was made: {t}");
    // SIGKILL: no destructor, no save, no goodbye.
    let mut app = s.app.take().unwrap();
    app.kill().unwrap();
    app.wait().unwrap();
    let now: Vec<Vec<u8>> =
        crossings::dataset::FILES.iter().map(|n| std::fs::read(data.path().join(n)).unwrap()).collect();
    assert!(now == original, "the folder was written");

    // The next start on that folder, with the same data folder: the edit is offered.
    let journals = s._home.path().join("data/crossings/journals");
    let journal = crossings::edit::journal_path(&journals, data.path());
    let (_, steps, _) = crossings::edit::read_journal(&journal).expect("the window kept a journal");
    assert_eq!(steps.len(), 1, "{steps:?}");
    let loaded = common::load_dir(data.path()).unwrap();
    let mut app = crossings::ui::CrossingsApp::with_state(loaded, Default::default());
    app.set_journal_dir(Some(journals));
    app.set_folder(Some(data.path().to_owned()));
    let mut h = common::app_harness(app, [1400.0, 900.0]);
    h.run();
    use egui_kittest::kittest::Queryable;
    h.get_by_label("Restore the edits").click();
    h.run();
    assert!(h.state().unsaved());
    assert!(h.state().dataset().place_by_id("new-place").is_some(), "the place added before the kill is back");
}
