//! Synthetic datasets in the bundled format, for benchmarks and scale tests
//! (`crossings generate --places N --events M --people K --out DIR`).
//!
//! Places cluster around real hubs of the story (Manchuria, north China, Siberian camp regions,
//! Japan's ports, Vietnam); dates cover every EDTF form the loader accepts; names come in
//! several scripts. Output is deterministic for a seed and written one record per line, so
//! problem locations stay meaningful even in huge files.

use std::io::Write;
use std::path::Path;

use serde_json::json;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Number of places.
    pub places: usize,
    /// Number of events.
    pub events: usize,
    /// Number of people.
    pub people: usize,
    /// Random seed.
    pub seed: u64,
}

/// Cluster centres `[lon, lat, spread in degrees]`, with country.
const HUBS: [([f64; 3], &str); 10] = [
    ([126.6, 45.8, 2.5], "China"),   // Harbin, Manchuria
    ([123.4, 41.8, 1.5], "China"),   // Mukden
    ([113.0, 36.5, 2.0], "China"),   // Taihang, Shanxi
    ([109.5, 36.6, 1.0], "China"),   // Yan'an
    ([104.3, 52.3, 6.0], "Russia"),  // Irkutsk, Siberia
    ([132.0, 43.5, 2.0], "Russia"),  // Primorye
    ([87.0, 55.0, 5.0], "Russia"),   // Kuzbass camps
    ([135.4, 35.5, 1.2], "Japan"),   // Maizuru
    ([139.7, 35.7, 1.0], "Japan"),   // Tokyo
    ([108.8, 15.1, 0.8], "Vietnam"), // Quảng Ngãi
];

const SYLLABLES: [&str; 12] = ["ka", "shi", "mo", "ta", "ri", "no", "ha", "ya", "to", "ku", "sa", "mi"];
const HAN: [char; 12] = ['山', '河', '城', '村', '港', '平', '和', '東', '北', '南', '新', '安'];
const CYRILLIC: [&str; 8] = ["Ново", "Бел", "Крас", "Усть", "ово", "ск", "ка", "ин"];
const THEMES: [&str; 6] = ["eighth-route-army", "nationalist-pow", "soviet", "repatriation", "viet-minh", "context"];

/// A tiny deterministic generator (SplitMix64): enough for synthetic data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        // Box-Muller.
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn name(rng: &mut Rng, parts: usize) -> String {
    let mut s: String = (0..parts).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

/// A date, and for an open side its outer bound (ten years on), so generated data validates
/// with no warning: `(date, not_before, not_after)`.
fn date(rng: &mut Rng) -> (serde_json::Value, Option<String>, Option<String>) {
    // Mostly 1937-1958, some outliers, every EDTF form.
    let year = if rng.below(10) == 0 { 1904 + rng.below(115) as i32 } else { 1937 + rng.below(22) as i32 };
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let q = ["", "", "", "~", "?", "%"][rng.below(6)];
    let text = match rng.below(12) {
        0..=3 => format!("{year}-{month:02}-{day:02}"),
        4..=6 => format!("{year}-{month:02}{q}"),
        7 => format!("{year}{q}"),
        8 => format!("{year}/{}", year + 1 + rng.below(4) as i32),
        9 => return (json!(format!("{year}-{month:02}/..")), None, Some((year + 10).to_string())),
        10 => return (json!(format!("../{year}-{month:02}")), Some((year - 10).to_string()), None),
        _ => {
            if rng.below(3) == 0 {
                return (serde_json::Value::Null, None, None);
            }
            format!("{}X", year / 10)
        }
    };
    (json!(text), None, None)
}

fn write_lines(
    path: &Path,
    open: &str,
    records: impl Iterator<Item = serde_json::Value>,
    close: &str,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    w.write_all(open.as_bytes())?;
    let mut first = true;
    for r in records {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut w, &r)?;
    }
    w.write_all(close.as_bytes())?;
    w.flush()
}

/// Writes a synthetic dataset into `dir` (created if needed).
pub fn generate(spec: Spec, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(spec.seed);
    let sources = (0..5).map(|i| json!({ "id": format!("src-{i}"), "title": format!("Synthetic source {i}"), "file": format!("synthetic-{i}.txt") }));
    write_lines(&dir.join("sources.json"), "[\n", sources, "\n]\n")?;

    let places = (0..spec.places).map(|i| {
        let (hub, country) = HUBS[rng.below(HUBS.len())];
        let lon = (hub[0] + rng.normal() * hub[2] * 0.35).clamp(-180.0, 180.0);
        let lat = (hub[1] + rng.normal() * hub[2] * 0.25).clamp(-85.0, 85.0);
        let han: String = (0..2).map(|_| HAN[rng.below(HAN.len())]).collect();
        let native = match country {
            "Russia" => json!({ "text": format!("{}{}", CYRILLIC[rng.below(4)], CYRILLIC[4 + rng.below(4)]), "lang": "ru" }),
            "Vietnam" => json!({ "text": format!("Làng {}", name(&mut rng, 2)), "lang": "vi" }),
            "Japan" => json!({ "text": han, "lang": "ja" }),
            _ => json!({ "text": han, "lang": "zh-Hans" }),
        };
        let precision = ["exact", "city", "city", "region", "inferred"][rng.below(5)];
        json!({
            "type": "Feature",
            "id": format!("p{i}"),
            "geometry": { "type": "Point", "coordinates": [(lon * 1e5).round() / 1e5, (lat * 1e5).round() / 1e5] },
            "properties": { "name": format!("{} {i}", name(&mut rng, 2)), "names": [native], "aliases": [name(&mut rng, 3)], "precision": precision, "category": "camp", "sources": ["src-0"] }
        })
    });
    write_lines(&dir.join("places.geojson"), "{\"type\": \"FeatureCollection\", \"features\": [\n", places, "\n]}\n")?;

    let people = (0..spec.people).map(|i| {
        let tie = if spec.places > 0 { vec![json!({ "place": format!("p{}", rng.below(spec.places)), "basis": "inferred" })] } else { Vec::new() };
        json!({ "id": format!("h{i}"), "name": format!("{} {}", name(&mut rng, 2), name(&mut rng, 2)), "role": "Prisoner", "biography": "Synthetic person.", "places": tie, "sources": ["src-1"] })
    });
    write_lines(&dir.join("people.json"), "[\n", people, "\n]\n")?;

    let events = (0..spec.events).map(|i| {
        let place = if spec.places > 0 && rng.below(20) != 0 {
            json!(format!("p{}", rng.below(spec.places)))
        } else {
            serde_json::Value::Null
        };
        let who: Vec<String> = if spec.people > 0 {
            (0..rng.below(3)).map(|_| format!("h{}", rng.below(spec.people))).collect()
        } else {
            Vec::new()
        };
        let mut who = who;
        who.sort();
        who.dedup();
        let (date, not_before, not_after) = date(&mut rng);
        let mut event = json!({
            "id": format!("e{i}"),
            "date": date,
            "place": place,
            "people": who,
            "title": format!("Event {i}"),
            "summary": "Synthetic event for benchmarks.",
            "category": THEMES[rng.below(THEMES.len())],
            "sources": [format!("src-{}", rng.below(5))]
        });
        if not_before.is_some() || not_after.is_some() {
            event["not_before"] = json!(not_before);
            event["not_after"] = json!(not_after);
            event["bounds_basis"] = json!("inferred");
        }
        event
    });
    write_lines(&dir.join("events.json"), "[\n", events, "\n]\n")
}
