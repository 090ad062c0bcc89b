//! Where a database is and how to reach it: a `postgres://` URL read as libpq reads it, the
//! password from the URL, `PGPASSWORD` or the password file (`~/.pgpass`, or `PGPASSFILE`),
//! and TLS when the server offers it (`sslmode=prefer`, libpq's default).
//!
//! The URL a user sees, in titles, messages and the saved view, is [`Target::shown`]: the
//! password is never in it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use super::DbError;

/// How to use TLS, as libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Never.
    Disable,
    /// When the server offers it (the default). As libpq, the certificate is not checked.
    Prefer,
    /// Always; the certificate is not checked (libpq's `require`).
    Require,
    /// Always, with the server's certificate checked against the system's roots (or
    /// `sslrootcert`); `verify-ca` and `verify-full` both check the host name too.
    Verify,
}

/// A database to open: connection settings, and the URL shown for it.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    tls: TlsMode,
    root_cert: Option<PathBuf>,
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Target").field("shown", &self.shown).field("tls", &self.tls).finish()
    }
}

/// True when `text` is a database URL rather than a folder's path.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl Target {
    /// Reads a `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]` URL. Without a password
    /// in it, `PGPASSWORD` is used, then the password file (`PGPASSFILE` or `~/.pgpass`).
    /// Without a user, `PGUSER` or the login name; without a host, the local socket.
    pub fn parse(url: &str) -> Result<Target, DbError> {
        if !is_url(url) {
            return Err(DbError::Url(format!("'{}' is not a postgres:// URL", redact(url))));
        }
        // sslmode and sslrootcert are taken out here: the client library knows only some of
        // libpq's modes.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut tls = TlsMode::Prefer;
        let mut root_cert = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "sslmode" => {
                    tls = match v {
                        "disable" => TlsMode::Disable,
                        "allow" | "prefer" => TlsMode::Prefer,
                        "require" => TlsMode::Require,
                        "verify-ca" | "verify-full" => TlsMode::Verify,
                        other => {
                            return Err(DbError::Url(format!(
                                "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                            )));
                        }
                    }
                }
                "sslrootcert" => root_cert = Some(PathBuf::from(percent_decode(v))),
                _ => rest.push(pair),
            }
        }
        let cleaned = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
        let mut config =
            postgres::Config::from_str(&cleaned).map_err(|e| DbError::Url(format!("{}: {e}", redact(url))))?;
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .or_else(|_| std::env::var("USERNAME"))
                .map_err(|_| DbError::Url(format!("{}: no user named, and no PGUSER or USER set", redact(url))))?;
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            // libpq's default on Debian and most Unix systems, then TCP on this machine.
            #[cfg(unix)]
            if Path::new("/var/run/postgresql").is_dir() {
                config.host_path("/var/run/postgresql");
            }
            if config.get_hosts().is_empty() {
                config.host("localhost");
            }
        }
        if config.get_dbname().is_none() {
            let user = config.get_user().unwrap_or_default().to_owned();
            config.dbname(&user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("crossings");
        }
        if config.get_password().is_none() {
            if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
                config.password(p.as_encoded_bytes());
            } else if let Some(p) = pgpass_password(&config) {
                config.password(p);
            }
        }
        config.ssl_mode(match tls {
            TlsMode::Disable => postgres::config::SslMode::Disable,
            TlsMode::Prefer => postgres::config::SslMode::Prefer,
            TlsMode::Require | TlsMode::Verify => postgres::config::SslMode::Require,
        });
        let shown = shown_url(&config, tls);
        Ok(Target { config, tls, root_cert, shown })
    }

    /// The same target with this password (typed in the window; an empty one changes
    /// nothing). It lives in memory only, as a password from the URL does.
    pub fn with_password(mut self, password: &str) -> Target {
        if !password.is_empty() {
            self.config.password(password);
        }
        self
    }

    /// The URL without its password: what titles, messages and the saved view show.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The role this target logs in as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// Opens a connection.
    pub fn connect(&self) -> Result<postgres::Client, DbError> {
        let gone = |e: postgres::Error| DbError::Connect { shown: self.shown.clone(), source: e };
        match self.tls {
            TlsMode::Disable => self.config.connect(postgres::NoTls).map_err(gone),
            TlsMode::Prefer | TlsMode::Require => {
                let config = rustls::ClientConfig::builder_with_provider(provider())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| DbError::Url(format!("TLS: {e}")))?
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(Unchecked(provider())))
                    .with_no_client_auth();
                self.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(config)).map_err(gone)
            }
            TlsMode::Verify => {
                let mut roots = rustls::RootCertStore::empty();
                match &self.root_cert {
                    Some(path) => {
                        let pem = std::fs::read(path)
                            .map_err(|e| DbError::Url(format!("sslrootcert {}: {e}", path.display())))?;
                        for cert in pem_certificates(&pem) {
                            roots
                                .add(cert)
                                .map_err(|e| DbError::Url(format!("sslrootcert {}: {e}", path.display())))?;
                        }
                    }
                    None => {
                        for cert in rustls_native_certs::load_native_certs().certs {
                            _ = roots.add(cert);
                        }
                    }
                }
                let config = rustls::ClientConfig::builder_with_provider(provider())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| DbError::Url(format!("TLS: {e}")))?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                self.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(config)).map_err(gone)
            }
        }
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates of a PEM file (`-----BEGIN CERTIFICATE-----` blocks, base64 inside).
fn pem_certificates(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem).filter_map(Result::ok).collect()
}

/// libpq's `sslmode=prefer` and `require`: the connection is encrypted, the certificate not
/// checked (a server's self-signed certificate is the common case). Signatures are still
/// verified, so the handshake is a real one.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `postgres://user@host:port/db` from the settings: never the password.
fn shown_url(config: &postgres::Config, tls: TlsMode) -> String {
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let mode = match tls {
        TlsMode::Disable => "?sslmode=disable",
        TlsMode::Prefer => "",
        TlsMode::Require => "?sslmode=require",
        TlsMode::Verify => "?sslmode=verify-full",
    };
    match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => format!("postgres://{user}@{h}:{port}/{db}{mode}"),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => {
            let sep = if mode.is_empty() { "?" } else { "&" };
            format!("postgres://{user}@/{db}{mode}{sep}host={}&port={port}", p.display())
        }
        None => format!("postgres://{user}@/{db}{mode}"),
    }
}

/// A URL as typed, with any password taken out (for a message about a URL that cannot be read).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|p| !p.starts_with("password=")).collect();
            if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password for these settings from the password file, as libpq reads it: `PGPASSFILE`
/// or `~/.pgpass`, lines `host:port:database:user:password` with `*` for any and `\` escaping
/// `:` and `\`; the first line that matches wins. On Unix a file others can read is ignored,
/// as libpq does, with a warning.
fn pgpass_password(config: &postgres::Config) -> Option<Vec<u8>> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
    let text = std::fs::read_to_string(&path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!(
                "crossings: WARNING: password file {} has group or world access; permissions should be u=rw (0600) or less, so it is not used",
                path.display()
            );
            return None;
        }
    }
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        // libpq matches a socket connection as "localhost".
        _ => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let want =
        [host.as_str(), port.as_str(), config.get_dbname().unwrap_or_default(), config.get_user().unwrap_or_default()];
    pgpass_lookup(&text, want).map(String::into_bytes)
}

/// The password of the first line of a password file matching `[host, port, db, user]`.
fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::with_capacity(5);
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() == 5 && fields[..4].iter().zip(want).all(|(f, w)| f == "*" || f == w) {
            return fields.pop();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        assert_eq!(redact("postgres://ann:s3cret@db.example:5433/atlas"), "postgres://ann@db.example:5433/atlas");
        assert_eq!(redact("postgres://db/atlas?password=x&sslmode=require"), "postgres://db/atlas?sslmode=require");
        let t = Target::parse("postgres://ann:s3cret@db.example:5433/atlas?sslmode=require").unwrap();
        assert_eq!(t.shown(), "postgres://ann@db.example:5433/atlas?sslmode=require");
        assert!(!format!("{t:?}").contains("s3cret"));
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let text = "# comment\nother:5432:*:ann:nope\ndb.example:*:atlas:ann:pa\\:ss\\\\word\n*:*:*:*:fallback\n";
        assert_eq!(pgpass_lookup(text, ["db.example", "5433", "atlas", "ann"]).as_deref(), Some("pa:ss\\word"));
        assert_eq!(pgpass_lookup(text, ["elsewhere", "5432", "x", "bob"]).as_deref(), Some("fallback"));
        assert_eq!(pgpass_lookup("a:1:b:c:d\n", ["a", "2", "b", "c"]), None);
    }

    #[test]
    fn libpq_ssl_modes_are_understood_and_others_refused() {
        assert_eq!(Target::parse("postgres://a@h/d?sslmode=verify-full").unwrap().tls, TlsMode::Verify);
        assert_eq!(Target::parse("postgres://a@h/d").unwrap().tls, TlsMode::Prefer);
        let e = Target::parse("postgres://a:pw@h/d?sslmode=sometimes").unwrap_err().to_string();
        assert!(e.contains("sslmode=sometimes"), "{e}");
        assert!(Target::parse("/home/ann/atlas").is_err());
    }
}
