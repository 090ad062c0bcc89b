//! Records the git commit the binary is built from, for `crossings --version`.
//!
//! From `git rev-parse` in a checkout; from `CROSSINGS_COMMIT` where there is no checkout (a
//! source tarball built by a packager); `unknown` otherwise.

use std::process::Command;

fn main() {
    let from_git = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let commit = from_git.or_else(|| std::env::var("CROSSINGS_COMMIT").ok()).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CROSSINGS_COMMIT={commit}");
    // The .exe carries the icon and a version resource (Explorer's Properties, the task bar).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut resource = winresource::WindowsResource::new();
        resource.set_icon("assets/windows/crossings.ico");
        resource.set("ProductName", "Crossings");
        resource.set("FileDescription", "Crossings, an offline atlas of those who crossed the lines, 1931-1958");
        resource.set("LegalCopyright", "MIT OR Apache-2.0");
        if let Err(e) = resource.compile() {
            println!("cargo:warning=no Windows resource (icon, version): {e}");
        }
    }
    println!("cargo:rerun-if-env-changed=CROSSINGS_COMMIT");
    // A new commit or a checkout moves HEAD or the ref it names.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
