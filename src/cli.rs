//! The command line: parsed once by clap into ready-to-use values, then run.
//!
//! `crossings` opens the window; `crossings validate` checks a dataset; `crossings export`
//! writes GeoJSON or Linked Places with the same filter as the time slider.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::chronology::{TimeFilter, TimeWindow};
use crate::dataset::{self, Loaded};
use crate::export::{self, ExportRequest, Format};

/// The version and the commit the binary was built from: `0.1.0 (commit 5da2b50c1e2f)`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("CROSSINGS_COMMIT"), ")");

/// Crossings: an offline atlas of the Japanese who crossed the lines, 1931-1958.
#[derive(Debug, Parser)]
#[command(name = "crossings", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// Dataset folder (sources.json, places.geojson, people.json, events.json), or a
    /// PostgreSQL database made by `crossings db init` (postgres://USER@HOST:PORT/DB).
    /// Default: the bundled dataset.
    #[arg(long, global = true, value_name = "DIR|URL")]
    pub data: Option<PathBuf>,

    /// What to do (default: open the atlas window).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a dataset and report every problem as FILE:LINE:COL: RECORD-ID: message.
    /// Warnings (an open or unknown date with no outer bound) do not fail it unless --strict.
    Validate(ValidateArgs),
    /// Export places (all, or --place ...) as GeoJSON or Linked Places.
    Export(ExportArgs),
    /// Turn a spreadsheet or GIS file (CSV, TSV, XLSX, XLS, ODS, GeoJSON, GeoPackage, KML)
    /// into a dataset folder; prints the column mapping used and every row it could not use.
    Import(ImportArgs),
    /// Rewrite a dataset folder in the canonical format (records sorted by id, two-space
    /// indentation), as the app saves it; with --check, only say which files are not in it.
    Fmt(FmtArgs),
    /// Draw the map as a picture: PNG, SVG (layers, for Inkscape or Illustrator) or PDF.
    Render(RenderArgs),
    /// Draw the years as an animation: GIF, MP4 (through ffmpeg) or a folder of PNG frames.
    Animate(AnimateArgs),
    /// Share an atlas through PostgreSQL with PostGIS: create the schema, copy a folder in
    /// or out.
    #[command(subcommand)]
    Db(DbCommand),
    /// Write a synthetic dataset (for benchmarks and scale tests).
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// Write the manual page (roff) to standard output, for packagers.
    #[command(hide = true)]
    Manpage,
    /// Write the application's icon as PNG to standard output, for packagers.
    #[command(hide = true)]
    Icon {
        /// Width and height in pixels.
        #[arg(long, default_value_t = 256)]
        size: u32,
    },
    /// Write shell completions to standard output, for packagers.
    #[command(hide = true)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `crossings manpage`: the manual page, from the same definition as `--help`.
pub fn manpage(out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let page = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
    page.render(out).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// `crossings icon --size N`: the icon as PNG.
pub fn icon(size: u32, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let bytes = crate::icon::png(size.clamp(8, 1024)).map_err(|e| CliError::Stdout(std::io::Error::other(e)))?;
    out.write_all(&bytes).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// `crossings completions SHELL`: completions for bash, zsh, fish, PowerShell or elvish.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    use clap_complete::Generator;
    let mut command = <Cli as clap::CommandFactory>::command().bin_name("crossings");
    command.build();
    // try_generate: a closed pipe is an error to report, not a panic.
    shell.try_generate(&command, out).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// `crossings validate` options.
#[derive(Debug, Default, Args)]
pub struct ValidateArgs {
    /// Fail on warnings too (exit status 1).
    #[arg(long)]
    pub strict: bool,
}

/// `crossings db` commands. The password comes from the URL, PGPASSWORD or ~/.pgpass.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the Crossings schema in a database (PostGIS must be installed on the server),
    /// or migrate an older one to this version.
    Init {
        /// postgres://USER@HOST:PORT/DB
        url: String,
    },
    /// Copy a dataset folder into a database made by `db init`, in one transaction.
    Push {
        /// The dataset folder.
        dir: PathBuf,
        /// postgres://USER@HOST:PORT/DB
        url: String,
        /// Replace the atlas the database holds (refused otherwise).
        #[arg(long)]
        replace: bool,
    },
    /// Copy a database's atlas into a new or empty folder, in the canonical format.
    Pull {
        /// postgres://USER@HOST:PORT/DB
        url: String,
        /// The folder to write (it must hold no dataset files).
        dir: PathBuf,
    },
}

/// `crossings db ...`.
pub fn db(command: &DbCommand, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    use crate::db::{self, Target};
    match command {
        DbCommand::Init { url } => {
            let target = Target::parse(url)?;
            let applied = db::init(&target)?;
            if applied.is_empty() {
                let _ =
                    writeln!(out, "{}: the schema is up to date (version {})", target.shown(), db::schema::latest());
            }
            for (v, note) in applied {
                let _ = writeln!(out, "{}: migration {v} applied ({note})", target.shown());
            }
        }
        DbCommand::Push { dir, url, replace } => {
            let target = Target::parse(url)?;
            let pushed = db::push(dir, &target, *replace)?;
            let [s, p, pe, e] = pushed.counts;
            let _ = writeln!(
                out,
                "{}: pushed {p} places, {pe} people, {e} events and {s} sources from {}",
                target.shown(),
                dir.display()
            );
            if pushed.problems > 0 {
                let _ = writeln!(
                    out,
                    "note: `crossings validate --data {}` names {} problems; the records were pushed as they are",
                    dir.display(),
                    pushed.problems
                );
            }
        }
        DbCommand::Pull { url, dir } => {
            let target = Target::parse(url)?;
            let [s, p, pe, e] = db::pull(&target, dir)?;
            let _ = writeln!(
                out,
                "{}: pulled {p} places, {pe} people, {e} events and {s} sources into {}",
                target.shown(),
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `crossings fmt` options.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Change nothing: list the files not in the canonical format, and fail (exit status 1)
    /// if there are any.
    #[arg(long)]
    pub check: bool,
}

/// `crossings generate` options.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of places.
    #[arg(long, default_value_t = 1000)]
    pub places: usize,
    /// Number of events.
    #[arg(long, default_value_t = 10_000)]
    pub events: usize,
    /// Number of people.
    #[arg(long, default_value_t = 1000)]
    pub people: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1931)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// A time window on the command line (`export` and `render`), filtered exactly as the time
/// slider filters.
#[derive(Debug, Default, Args)]
pub struct WindowArgs {
    /// Start of the time window (EDTF or plain date: 1939, 1945-08, 1945-08-09).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// End of the time window (inclusive: --to 1945 runs to 31 December 1945).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Also take undated events while a window is set.
    #[arg(long)]
    pub include_undated: bool,
}

impl WindowArgs {
    /// The window (none without --from and --to) and the filter it makes.
    pub fn filter(&self) -> Result<(Option<TimeWindow>, TimeFilter), CliError> {
        let window = match (&self.from, &self.to) {
            (None, None) => None,
            (from, to) => Some(TimeWindow::from_to(from.as_deref(), to.as_deref())?),
        };
        Ok((window, TimeFilter { window, include_undated: window.is_none() || self.include_undated }))
    }
}

/// `crossings export` options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A place id to export (repeatable). Default: every place.
    #[arg(long = "place", value_name = "ID")]
    pub places: Vec<String>,
    /// The time window.
    #[command(flatten)]
    pub window: WindowArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Geojson)]
    pub format: Format,
    /// Linked Places only: the base of permanent ids, such as `https://example.org/atlas/`
    /// (places become BASE/place/ID). Default: urn:crossings: ids, which are not permanent.
    #[arg(long, value_name = "URI")]
    pub base_uri: Option<String>,
    /// Output file, or - for standard output (not for gpkg).
    #[arg(long, short, value_name = "PATH", default_value = "-")]
    pub output: String,
}

/// `crossings import` options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The sheet (XLSX, XLS, ODS) or layer (GeoPackage) to read (default: the first; the
    /// first point layer of a GeoPackage).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// A mapping file saved before (by --save-mapping or the app) saying which column holds
    /// what. Default: guess from the headers and values, and print the guess.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Save the mapping used, to repeat the import with --mapping.
    #[arg(long, value_name = "FILE")]
    pub save_mapping: Option<PathBuf>,
    /// The dataset folder to write (new or empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Then read the folder back as `validate` does and print what it finds. The import
    /// writes only what the loader accepts, and says every change on its row, so this is a
    /// second look (one to three seconds per million events).
    #[arg(long)]
    pub validate: bool,
}

/// What a picture shows and how it looks (shared by `render` and `animate`).
#[derive(Debug, Args)]
pub struct PictureArgs {
    /// A place to highlight (repeatable); without --bbox the view fits them.
    #[arg(long = "place", value_name = "ID")]
    pub places: Vec<String>,
    /// A person whose journey is drawn (in an animation, as far as each frame's date).
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// The area to show: west,south,east,north in degrees (default: fit the places shown).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Width in pixels (default: 1920 for render, 1280 for animate).
    #[arg(long, value_name = "PX")]
    pub width: Option<u32>,
    /// Height in pixels (default: 1080 for render, 720 for animate).
    #[arg(long, value_name = "PX")]
    pub height: Option<u32>,
    /// A paper size instead of pixels (with --dpi and --portrait).
    #[arg(long, value_enum, conflicts_with_all = ["width", "height"])]
    pub paper: Option<crate::picture::Paper>,
    /// Dots per inch for --paper.
    #[arg(long, default_value_t = 300.0, requires = "paper")]
    pub dpi: f32,
    /// Portrait paper (default landscape).
    #[arg(long, requires = "paper")]
    pub portrait: bool,
    /// A title, top left.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// No date stamp.
    #[arg(long)]
    pub no_stamp: bool,
    /// No legend.
    #[arg(long)]
    pub no_legend: bool,
    /// No scale bar.
    #[arg(long)]
    pub no_scale_bar: bool,
    /// No "Made with Natural Earth" credit.
    #[arg(long)]
    pub no_attribution: bool,
    /// A caption under the map listing the sources of the places shown.
    #[arg(long)]
    pub sources: bool,
    /// A layer of lines or polygons drawn under the markers (GeoJSON, GeoPackage, KML or
    /// Shapefile; repeatable, the first on top). Dated features follow the time window.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
}

impl PictureArgs {
    fn page(&self, default: [u32; 2]) -> crate::picture::Page {
        match self.paper {
            Some(p) => crate::picture::Page::paper(p, !self.portrait, self.dpi),
            None => crate::picture::Page::pixels(self.width.unwrap_or(default[0]), self.height.unwrap_or(default[1])),
        }
    }

    fn decorations(&self) -> crate::picture::Decorations {
        crate::picture::Decorations {
            title: self.title.clone(),
            stamp: None,
            legend: !self.no_legend,
            scale_bar: !self.no_scale_bar,
            attribution: !self.no_attribution,
            sources: self.sources,
        }
    }

    fn area(&self) -> Result<crate::picture::Area, CliError> {
        Ok(match &self.bbox {
            Some(b) => crate::picture::Area::Box(crate::picture::parse_bbox(b)?),
            None => crate::picture::Area::Fit,
        })
    }

    /// The --layer files read, coloured in turn.
    fn overlays(&self, err: &mut dyn Write) -> Result<Vec<crate::overlay::StyledOverlay>, CliError> {
        let mut out = Vec::new();
        for (i, path) in self.layers.iter().enumerate() {
            let overlay = crate::overlay::read_layer(path, &Default::default())?;
            for p in overlay.problems.iter().take(20) {
                let _ = writeln!(err, "warning: {p}");
            }
            let color = crate::overlay::LAYER_COLORS[i % crate::overlay::LAYER_COLORS.len()];
            let settings = crate::overlay::LayerSettings { path: path.clone(), color, ..Default::default() };
            out.push(crate::overlay::StyledOverlay { overlay: std::sync::Arc::new(overlay), settings });
        }
        Ok(out)
    }

    fn ids(&self, loaded: &Loaded) -> Result<(Vec<crate::model::PlaceIx>, Option<crate::model::PersonIx>), CliError> {
        let mut places = Vec::new();
        for id in &self.places {
            places.push(loaded.dataset.place_by_id(id).ok_or_else(|| CliError::UnknownPlace(id.clone()))?);
        }
        let person = match &self.person {
            Some(id) => Some(loaded.dataset.person_by_id(id).ok_or_else(|| CliError::UnknownPerson(id.clone()))?),
            None => None,
        };
        Ok((places, person))
    }
}

/// `crossings render` options.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The time window.
    #[command(flatten)]
    pub window: WindowArgs,
    /// What the picture shows and how it looks.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// The format (default: from the output's extension; PNG for standard output).
    #[arg(long, value_enum)]
    pub format: Option<PictureFormatArg>,
    /// Output file (.png, .svg, .pdf), or - for PNG or SVG on standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: String,
}

/// `--format` of `crossings render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PictureFormatArg {
    /// PNG.
    Png,
    /// SVG.
    Svg,
    /// PDF.
    Pdf,
}

/// `crossings animate` options.
#[derive(Debug, Args)]
pub struct AnimateArgs {
    /// The first frame (a year or a month: 1937, 1937-07).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The last frame.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// A month or a year per frame.
    #[arg(long, value_enum, default_value_t = crate::picture::Step::Month)]
    pub step: crate::picture::Step,
    /// How many steps each frame's time window spans.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub window: u32,
    /// Frames per second.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub fps: u32,
    /// What the frames show and how they look.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// Output: FILE.gif, FILE.mp4 (needs ffmpeg) or DIR/ for numbered PNG frames.
    #[arg(long, short, value_name = "PATH")]
    pub output: String,
}

/// Errors that stop a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `crossings fmt` could not format the folder (nothing was written).
    #[error("{0} (nothing was written)")]
    Fmt(String),
    /// The dataset folder could not be read.
    #[error(transparent)]
    Load(#[from] dataset::LoadError),
    /// A bad --from/--to.
    #[error("bad time window: {0}")]
    Window(#[from] crate::chronology::DateError),
    /// A --base-uri that is not an http(s) address.
    #[error("--base-uri '{0}' is not an http or https address with a host name (such as https://example.org/atlas/)")]
    BaseUri(String),
    /// A GeoPackage asked for on standard output.
    #[error("a GeoPackage is a database file; give --output FILE.gpkg")]
    GpkgToStdout,
    /// A --place that does not exist.
    #[error("unknown place '{0}' (crossings validate lists the dataset)")]
    UnknownPlace(String),
    /// A --person that does not exist.
    #[error("unknown person '{0}' (crossings validate lists the dataset)")]
    UnknownPerson(String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] export::WriteError),
    /// A picture could not be made.
    #[error(transparent)]
    Picture(#[from] crate::picture::PictureError),
    /// An import could not read its file.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// A mapping file could not be read.
    #[error("{path}: {message}")]
    MappingFile {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The dataset folder could not be written.
    #[error(transparent)]
    Folder(#[from] crate::dataset::write::FolderError),
    /// Generating failed.
    #[error("cannot write the dataset: {0}")]
    Generate(std::io::Error),
    /// Standard output failed.
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// A database could not be used.
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// Loads the dataset named on the command line: the bundled one, a folder or a database.
pub fn load(cli: &Cli) -> Result<Loaded, CliError> {
    load_data(cli.data.as_deref())
}

/// Loads the bundled dataset (`None`), a folder, or a database (a `postgres://` URL).
pub fn load_data(data: Option<&std::path::Path>) -> Result<Loaded, CliError> {
    if let Some(url) = database_url(data) {
        return Ok(crate::db::load(url, &dataset::LoadOptions::default())?);
    }
    Ok(dataset::load(dataset::Input::folder_or_bundled(data), &dataset::LoadOptions::default())?)
}

/// `--data` when it names a database (a `postgres://` URL) rather than a folder.
fn database_url(data: Option<&std::path::Path>) -> Option<&str> {
    data.and_then(|d| d.to_str()).filter(|d| crate::db::is_url(d))
}

/// Checks the bundled dataset (`None`), a folder, or a database as [`load_data`] loads it,
/// without building the dataset's indexes.
pub fn check_data(data: Option<&std::path::Path>) -> Result<dataset::Checked, CliError> {
    if let Some(url) = database_url(data) {
        return Ok(crate::db::load(url, &dataset::LoadOptions::default())?.into());
    }
    Ok(dataset::check(dataset::Input::folder_or_bundled(data), &dataset::LoadOptions::default())?)
}

/// `crossings validate`: prints every problem and a summary; exit status 1 when there is an
/// error, or with `--strict` a warning.
pub fn validate(cli: &Cli, args: &ValidateArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let loaded = check_data(cli.data.as_deref())?;
    for p in &loaded.problems {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(out, "{}", loaded.summary());
    let warnings = loaded.problems.iter().filter(|p| p.is_warning()).count();
    let errors = loaded.problems.len() - warnings;
    // A million records take longer to free than the OS takes to reclaim them at exit.
    std::mem::forget(loaded);
    let plural = crate::counted;
    match (errors, warnings) {
        (0, 0) => {}
        (e, 0) => _ = writeln!(out, "{}", plural(e, "problem")),
        (0, w) => _ = writeln!(out, "{}", plural(w, "warning")),
        (e, w) => _ = writeln!(out, "{}, {}", plural(e, "problem"), plural(w, "warning")),
    }
    if errors > 0 || (args.strict && warnings > 0) { Ok(ExitCode::from(1)) } else { Ok(ExitCode::SUCCESS) }
}

/// Turns export options into a request against a loaded dataset.
pub fn export_request(loaded: &Loaded, args: &ExportArgs) -> Result<ExportRequest, CliError> {
    let (_, time) = args.window.filter()?;
    let places = if args.places.is_empty() {
        None
    } else {
        let mut list = Vec::new();
        for id in &args.places {
            list.push(loaded.dataset.place_by_id(id).ok_or_else(|| CliError::UnknownPlace(id.clone()))?);
        }
        Some(list)
    };
    let base_uri = match &args.base_uri {
        None => None,
        Some(b)
            if crate::model::is_web_link(b)
                && b.split("://").nth(1).is_some_and(|h| h.split('/').next().is_some_and(|h| h.contains('.'))) =>
        {
            Some(if b.ends_with('/') || b.ends_with('#') { b.clone() } else { format!("{b}/") })
        }
        Some(b) => return Err(CliError::BaseUri(b.clone())),
    };
    Ok(ExportRequest { places, time, themes: Default::default(), format: args.format, base_uri })
}

/// `crossings export`.
pub fn export(cli: &Cli, args: &ExportArgs, err: &mut dyn Write) -> Result<ExitCode, CliError> {
    let loaded = load(cli)?;
    if !loaded.problems.is_empty() {
        let _ = writeln!(
            err,
            "warning: {} has {} problem(s); exporting what is valid (run crossings validate to list them)",
            loaded.label,
            loaded.problems.len()
        );
    }
    let request = export_request(&loaded, args)?;
    if args.output == "-" && !args.format.streams() {
        return Err(CliError::GpkgToStdout);
    }
    if args.output == "-" {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
        export::export_to(&mut w, &loaded.dataset, &request).map_err(CliError::Stdout)?;
        w.flush().map_err(CliError::Stdout)?;
    } else {
        let counts = export::export_file(std::path::Path::new(&args.output), &loaded.dataset, &request)?;
        let _ = writeln!(err, "wrote {} places ({} events) to {}", counts.places, counts.events, args.output);
    }
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}

/// `crossings import FILE --out DIR`: reads the file, prints how it was read and the mapping,
/// writes the folder, and lists every row not used (or used in part); with `--validate`, reads
/// the folder back as `validate` does. Exit status 1 when a row or cell could not be used.
pub fn import(args: &ImportArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    use crate::import::{ImportOptions, Mapping};
    let mapping = match &args.mapping {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::MappingFile { path: shown.clone(), message: e.to_string() })?;
            Some(Mapping::from_json(&text).map_err(|message| CliError::MappingFile { path: shown, message })?)
        }
        None => None,
    };
    let options = ImportOptions { sheet: args.sheet.clone(), mapping, ..Default::default() };
    let imported = crate::import::import(&args.file, &options)?;
    let _ = writeln!(out, "{}", imported.info);
    if !imported.info.other_sheets.is_empty() {
        let _ =
            writeln!(out, "  (also in the file: {}; choose one with --sheet)", imported.info.other_sheets.join(", "));
    }
    let how = if imported.guessed { "mapping guessed from the headers and values" } else { "mapping from --mapping" };
    let _ = write!(out, "{how}:\n{}", imported.mapping.describe());
    for d in &imported.defaults {
        let _ = writeln!(out, "note: {d}");
    }
    if let Some(path) = &args.save_mapping {
        export::write_atomic(path, imported.mapping.to_json().as_bytes())?;
        let _ = writeln!(out, "saved the mapping to {}", path.display());
    }
    crate::import::write_dataset(&args.out, &imported)?;
    if !imported.readings.is_empty() {
        let _ = writeln!(out, "dates read (as written -> as stored):");
        for (text, reading, rows) in imported.readings.iter().take(30) {
            let _ = writeln!(out, "  {text} -> {reading} ({})", crate::counted(*rows, "row"));
        }
        if imported.readings.len() > 30 {
            let _ = writeln!(out, "  ... and {} more forms", imported.readings.len() - 30);
        }
    }
    for p in &imported.problems {
        let _ = writeln!(out, "{p}");
    }
    if imported.problems_dropped > 0 {
        let _ = writeln!(out, "... and {} more problems", imported.problems_dropped);
    }
    let _ = writeln!(out, "{}", imported.summary());
    let _ = writeln!(out, "wrote {}", args.out.display());
    let errors = imported.error_count();
    // The records are on disk: free them before the folder is read back, so the two are
    // never in memory at once.
    drop(imported);
    let mut invalid = 0;
    if args.validate {
        // Read back as `validate` reads it: what it says is what the app will say.
        let loaded = dataset::check(dataset::Input::Folder(&args.out), &dataset::LoadOptions::default())?;
        let (warnings, faults): (Vec<_>, Vec<_>) = loaded.problems.iter().partition(|p| p.is_warning());
        for p in faults.iter().chain(warnings.iter().take(20)) {
            let _ = writeln!(out, "{p}");
        }
        let _ = writeln!(
            out,
            "validate: {}, {} ({})",
            crate::counted(faults.len(), "problem"),
            crate::counted(warnings.len(), "warning"),
            loaded.summary()
        );
        invalid = faults.len();
        // As in `validate`: the process is about to exit, which frees a million records faster.
        std::mem::forget(loaded);
    }
    if errors > 0 {
        let _ = writeln!(
            out,
            "{}: the rows above were not used, or only in part",
            crate::counted(errors, "row or cell problem")
        );
    }
    Ok(if errors > 0 || invalid > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `crossings fmt`: the folder given with `--data` (the bundled dataset is built in, so
/// there is nothing to format without one).
pub fn fmt(cli: &Cli, args: &FmtArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let Some(dir) = &cli.data else {
        return Err(CliError::Fmt("give the folder to format with --data DIR".to_owned()));
    };
    if dir.to_str().is_some_and(crate::db::is_url) {
        return Err(CliError::Fmt(
            "a database keeps its records in the canonical form already; `crossings db pull URL DIR` writes them as a formatted folder".to_owned(),
        ));
    }
    let files = crate::dataset::fmt::format_folder(dir, args.check).map_err(|e| CliError::Fmt(e.to_string()))?;
    let changed: Vec<&str> = files.iter().filter(|f| f.changed).map(|f| f.name).collect();
    for name in &changed {
        let path = dir.join(name);
        let _ = writeln!(out, "{}{}", if args.check { "not formatted: " } else { "formatted " }, path.display());
    }
    if changed.is_empty() {
        let _ = writeln!(out, "{}: all {} files are in the canonical format", dir.display(), files.len());
    }
    Ok(if args.check && !changed.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `crossings generate`.
pub fn generate(args: &GenerateArgs, err: &mut dyn Write) -> Result<ExitCode, CliError> {
    let spec = crate::generate::Spec { places: args.places, events: args.events, people: args.people, seed: args.seed };
    crate::generate::generate(spec, &args.out).map_err(CliError::Generate)?;
    let _ = writeln!(
        err,
        "wrote {} places, {} people, {} events to {}",
        args.places,
        args.people,
        args.events,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `crossings render`: one picture of the map.
pub fn render(cli: &Cli, args: &RenderArgs, err: &mut dyn Write) -> Result<ExitCode, CliError> {
    use crate::picture::{Format as Pic, PictureError, Renderer, Request};
    // The format and size first: a bad one is refused before anything is loaded.
    let format = match (args.format, args.output.as_str()) {
        (Some(PictureFormatArg::Png), _) => Pic::Png,
        (Some(PictureFormatArg::Svg), _) => Pic::Svg,
        (Some(PictureFormatArg::Pdf), _) => Pic::Pdf,
        (None, "-") => Pic::Png,
        (None, path) => Pic::from_path(std::path::Path::new(path))?,
    };
    if args.output == "-" && format == Pic::Pdf {
        return Err(PictureError::UnknownExtension { path: "-".into(), known: "png or svg on standard output" }.into());
    }
    let page = args.picture.page([1920, 1080]);
    page.check()?;
    let area = args.picture.area()?;
    let loaded = load(cli)?;
    let (selected, person) = args.picture.ids(&loaded)?;
    let (window, time) = args.window.filter()?;
    let vis = crate::query::visibility(&loaded.dataset, &time, &crate::query::Themes::default());
    let mut decorations = args.picture.decorations();
    if !args.picture.no_stamp {
        decorations.stamp = window.or_else(|| crate::picture::dataset_years(&loaded.dataset)).map(|w| w.describe());
    }
    let mut renderer = Renderer::new(&loaded.dataset)?;
    renderer.set_overlays(args.picture.overlays(err)?);
    let req = Request {
        vis: &vis,
        selected: &selected,
        person,
        journey_until: None,
        area,
        page,
        decorations: &decorations,
        window,
    };
    renderer.check_not_empty(&req, window)?;
    let path = (args.output != "-").then(|| std::path::Path::new(&args.output));
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let bytes = crate::picture::write_picture(&mut renderer, &req, format, path, &mut lock)?;
    lock.flush().map_err(CliError::Stdout)?;
    if let Some(p) = path {
        let [w, h] = page.pixel_size();
        let shown = vis.shown_places().count();
        let _ = writeln!(
            err,
            "wrote {} ({w} × {h} px, {shown} places, {bytes} bytes) to {}",
            format.extension().to_uppercase(),
            p.display()
        );
    }
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}

/// `crossings animate`: the years as GIF, MP4 or PNG frames.
pub fn animate(cli: &Cli, args: &AnimateArgs, err: &mut dyn Write) -> Result<ExitCode, CliError> {
    use crate::picture::{Animation, AnimationFormat};
    let format = AnimationFormat::from_path(&args.output)?;
    let page = args.picture.page([1280, 720]);
    page.check()?;
    let area = args.picture.area()?;
    let from = crate::chronology::FuzzyDate::parse(&args.from)?.earliest;
    let to = crate::chronology::FuzzyDate::parse(&args.to)?.earliest;
    if to < from {
        return Err(CliError::Window(crate::chronology::DateError::EndBeforeStart {
            text: format!("{}/{}", args.from, args.to),
        }));
    }
    let loaded = load(cli)?;
    let (selected, person) = args.picture.ids(&loaded)?;
    let mut decorations = args.picture.decorations();
    decorations.stamp = (!args.picture.no_stamp).then(String::new);
    let anim = Animation {
        from,
        to,
        step: args.step,
        window: args.window,
        fps: args.fps,
        page,
        decorations,
        selected,
        person,
        area,
        themes: crate::query::Themes::default(),
        overlays: args.picture.overlays(err)?,
    };
    let total = anim.windows().len();
    let _ = writeln!(err, "drawing {total} frames…");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let out = std::path::Path::new(args.output.trim_end_matches(['/', std::path::MAIN_SEPARATOR]));
    let out = if out.as_os_str().is_empty() { std::path::Path::new(&args.output) } else { out };
    let written = crate::picture::animate(&loaded.dataset, &anim, format, out, &|_, _| {}, &cancel)?;
    let [w, h] = page.pixel_size();
    let _ = writeln!(
        err,
        "wrote {} frames ({w} × {h} px, {} fps, {}, {} bytes) to {}",
        written.frames, args.fps, written.encoder, written.bytes, args.output
    );
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}
