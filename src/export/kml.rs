//! KML for Google Earth: a folder per place holding a placemark per shown event, each with
//! its own `TimeSpan`, so Earth's time slider shows a place only when something happened
//! there. Undated events go in a folder that starts hidden: shown at every time, they would
//! claim what no source says.

use std::io::Write;

use super::rows::EventRow;
use super::view::ExportView;

fn esc(text: &str) -> String {
    super::xml_escape(text, true)
}

fn placemark(w: &mut dyn Write, row: &EventRow<'_>, with_time: bool) -> std::io::Result<()> {
    writeln!(w, "      <Placemark id=\"{}\">", esc(row.event_id))?;
    writeln!(w, "        <name>{}</name>", esc(row.title))?;
    let mut description = format!("{}: {}", row.date_text, row.summary);
    if !row.people.is_empty() {
        description.push_str(&format!("\nPeople: {}", row.people));
    }
    description.push_str(&format!("\nSources: {}", row.sources));
    writeln!(w, "        <description>{}</description>", esc(&description))?;
    if with_time {
        w.write_all(b"        <TimeSpan>")?;
        if let Some(s) = &row.start {
            write!(w, "<begin>{s}</begin>")?;
        }
        if let Some(e) = &row.end {
            write!(w, "<end>{e}</end>")?;
        }
        w.write_all(b"</TimeSpan>\n")?;
    }
    writeln!(w, "        <styleUrl>#{}</styleUrl>", row.theme)?;
    w.write_all(b"        <ExtendedData>\n")?;
    for (k, v) in [
        ("event_id", Some(row.event_id.to_owned())),
        ("date", row.date.clone()),
        ("certainty", Some(row.certainty.to_owned())),
        ("theme", Some(row.theme.to_owned())),
        ("place_id", Some(row.place_id.to_owned())),
        ("precision", Some(row.precision.to_owned())),
    ] {
        if let Some(v) = v {
            writeln!(w, "          <Data name=\"{k}\"><value>{}</value></Data>", esc(&v))?;
        }
    }
    w.write_all(b"        </ExtendedData>\n")?;
    writeln!(w, "        <Point><coordinates>{},{}</coordinates></Point>", row.longitude, row.latitude)?;
    w.write_all(b"      </Placemark>\n")
}

/// Writes the view as a KML document.
pub fn write(w: &mut dyn Write, view: &ExportView<'_>) -> std::io::Result<()> {
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    )?;
    writeln!(w, "  <name>Crossings</name>\n  <description>{}</description>", esc(super::GENERATOR))?;
    for theme in crate::model::Theme::ALL {
        let [r, g, b, _] = crate::palette::theme_color(theme).0;
        // KML colours are aabbggrr.
        writeln!(
            w,
            "  <Style id=\"{}\"><IconStyle><color>ff{b:02x}{g:02x}{r:02x}</color></IconStyle></Style>",
            theme.as_str()
        )?;
    }
    let mut undated = Vec::new();
    for place in &view.places {
        let rows: Vec<EventRow<'_>> = place.events.iter().map(|e| EventRow::new(view.dataset, place, e)).collect();
        let (dated, rest): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.start.is_some() || r.end.is_some());
        undated.extend(rest);
        if dated.is_empty() {
            continue;
        }
        writeln!(w, "  <Folder>\n    <name>{}</name>", esc(&place.place.label()))?;
        for row in &dated {
            placemark(w, row, true)?;
        }
        w.write_all(b"  </Folder>\n")?;
    }
    if !undated.is_empty() {
        w.write_all(b"  <Folder>\n    <name>Undated events</name>\n    <visibility>0</visibility>\n")?;
        for row in &undated {
            placemark(w, row, false)?;
        }
        w.write_all(b"  </Folder>\n")?;
    }
    w.write_all(b"</Document>\n</kml>\n")
}
