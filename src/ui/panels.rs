//! The side panels: the place list with search and theme filters (left), and the selected
//! place or person (right). Each reads state and returns [`Action`]s.

use std::sync::Arc;

use egui::{RichText, Ui};

use crate::chronology::Match;
use crate::model::{Basis, Dataset, Event, EventIx, PersonIx, PlaceIx, Theme};
use crate::query::{self, Themes, Visibility};

use super::Action;
use super::style;

/// The id of the search box (Ctrl+F focuses it).
pub fn search_id() -> egui::Id {
    egui::Id::unique("place-search")
}

/// The left panel: search, theme filters (the legend), and the places that show.
#[allow(clippy::too_many_arguments)]
pub fn place_list_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    vis: &Visibility,
    vis_generation: u64,
    search: &str,
    themes: &Themes,
    selected: &[PlaceIx],
    list: &mut PlaceListCache,
) -> Vec<Action> {
    let mut out = Vec::new();
    let mut text = search.to_owned();
    let label = ui.label("Search places and people");
    let r = ui.add(
        egui::TextEdit::singleline(&mut text)
            .id(search_id())
            .hint_text("Yan'an, 延安, Yenan, quang ngai…")
            .desired_width(f32::INFINITY),
    );
    let r = r.labelled_by(label.id);
    if r.changed() {
        out.push(Action::Search(text.clone()));
    }
    // Enter in the search box opens the one hit, if there is one.
    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.add_space(4.0);
    ui.label(RichText::new("Themes").strong());
    for theme in Theme::ALL {
        let mut on = themes.on(theme);
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 6.0, style::theme_color(theme));
            if ui.checkbox(&mut on, theme.label()).changed() {
                let mut t = *themes;
                t.set(theme, on);
                out.push(Action::SetThemes(t));
            }
        });
    }
    let mut inferred = themes.inferred_places;
    if ui
        .checkbox(&mut inferred, "Show inferred locations")
        .on_hover_text(
            "Places the documents do not give, placed by the editors (their notes say why). Off, such events are listed but not mapped.",
        )
        .changed()
    {
        let mut t = *themes;
        t.inferred_places = inferred;
        out.push(Action::SetThemes(t));
    }
    ui.separator();
    let places = list.shown(dataset, vis, vis_generation, &text);
    let total = dataset.places.len();
    ui.horizontal(|ui| {
        ui.label(format!("{} of {total} places", places.len()));
        if ui.small_button("Select all shown").on_hover_text("Select every place the filters show now").clicked() {
            out.push(Action::SelectMany(places.to_vec()));
        }
    });
    // What the list's marks mean, where they appear.
    ui.label(RichText::new("italics: possibly in the window · ≈: approximate location").small().weak());
    // A search never answers "0 places" for a place that exists: say how many the filters hide.
    let hidden = list.hidden_matches();
    if hidden > 0 {
        ui.horizontal_wrapped(|ui| {
            let what = if vis.windowed { "outside these dates" } else { "hidden by the themes" };
            ui.label(RichText::new(format!("{hidden} more {what}")).italics());
            if vis.windowed
                && ui.small_button("Show all dates").on_hover_text("Turn the time filter off to see them").clicked()
            {
                out.push(Action::Time(crate::chronology::TimeCommand::ShowAll));
            }
        });
    }
    let people = list.people(dataset, &text);
    if enter {
        match (places.as_slice(), people.as_slice()) {
            ([one], []) => out.push(Action::SelectPlace(*one, true)),
            ([], [one]) => out.push(Action::SelectPerson(Some(*one))),
            _ => {}
        }
    }
    let folded = query::fold(text.trim());
    if !people.is_empty() {
        ui.label(RichText::new("People").strong());
        egui::ScrollArea::vertical().id_salt("people-list").max_height(160.0).show(ui, |ui| {
            for p in people.iter().copied() {
                let person = dataset.person(p);
                let native = person.names.iter().find(|n| n.text != person.name && !n.lang.starts_with("en"));
                let name = match native {
                    Some(n) => format!("{}  {}", person.display_name(), n.text),
                    None => person.display_name(),
                };
                ui.vertical(|ui| {
                    if ui.link(name).clicked() {
                        out.push(Action::SelectPerson(Some(p)));
                    }
                    // Enough to tell three Kobayashis apart: role, years, and why they matched.
                    let mut about = person.role.clone();
                    if let Some(years) = person_years(dataset, p) {
                        about = if about.is_empty() { years } else { format!("{about} · {years}") };
                    }
                    if let Some(form) = query::person_match(dataset, p, &folded).filter(|f| *f != person.name) {
                        about = format!("{about} · matched “{form}”");
                    }
                    if !about.is_empty() {
                        ui.label(RichText::new(about).small().weak());
                    }
                });
            }
        });
        ui.separator();
    }
    // Only the rows in view are laid out, so 100,000 places cost what 30 do.
    let row_height = ui.spacing().interact_size.y.max(18.0) + ui.spacing().item_spacing.y;
    let area = egui::ScrollArea::vertical().id_salt("place-list").auto_shrink([false, false]);
    area.show_rows(ui, row_height - ui.spacing().item_spacing.y, places.len(), |ui, range| {
        for p in &places[range] {
            let place = dataset.place(*p);
            let count = vis.counts[p.ix()];
            let is_sel = selected.contains(p);
            // One id per place, not per row on screen: the focus stays with its place as the
            // list scrolls.
            ui.push_id(("place-row", p.0), |ui| {
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter().circle_filled(rect.center(), 5.0, list.color(*p));
                    let mut rich = RichText::new(list.label(*p));
                    if vis.places[p.ix()] == Match::Possible {
                        rich = rich.italics();
                    }
                    let r = ui.add(egui::Button::selectable(is_sel, rich).truncate());
                    if r.clicked() {
                        let toggle = ui.input(|i| i.modifiers.command);
                        out.push(if toggle { Action::TogglePlace(*p) } else { Action::SelectPlace(*p, true) });
                    }
                    // Tab walks on into the rows below the view: each row scrolls into view
                    // as it takes the focus (only the rows in view exist).
                    if r.gained_focus() {
                        r.scroll_to_me(None);
                    }
                    ui.weak(count.to_string());
                    if !folded.is_empty()
                        && let Some(form) = query::place_match(dataset, *p, &folded)
                            .filter(|f| *f != place.name && Some(*f) != place.native_name())
                    {
                        ui.weak(format!("“{form}”")).on_hover_text("the name form the search matched");
                    }
                    if place.precision.is_approximate() {
                        ui.weak("≈").on_hover_text("approximate location");
                    }
                    if list.is_draft(*p) {
                        ui.colored_label(style::ERROR_TEXT, "draft")
                            .on_hover_text("This place or one of its events has a problem (edit mode lists them)");
                    }
                });
            });
        }
    });
    out
}

/// The years of a person's events: "1938–1958", "1945", or none when no event has a known year.
fn person_years(dataset: &Dataset, person: PersonIx) -> Option<String> {
    let year = |d: crate::chronology::Day| (!d.is_open()).then(|| d.month_index().div_euclid(12));
    let spans = dataset.person_events[person.ix()].iter().filter_map(|e| dataset.event(*e).date.date_span());
    let (mut first, mut last) = (None::<i32>, None::<i32>);
    for s in spans {
        let (a, b) = s.known().unwrap_or((s.earliest, s.latest));
        if let Some(y) = year(a) {
            first = Some(first.map_or(y, |f| f.min(y)));
        }
        if let Some(y) = year(b) {
            last = Some(last.map_or(y, |l| l.max(y)));
        }
    }
    match (first, last) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}–{b}")),
        (Some(y), _) | (None, Some(y)) => Some(y.to_string()),
        (None, None) => None,
    }
}

/// The place list's per-dataset data (sorted order, labels, search keys) and its last result.
///
/// Which places show is kept as a bitmap in list order, so a moved time window updates only
/// the places it changed ([`PlaceListCache::follow`]) and the list is read off the bitmap.
#[derive(Debug, Default)]
pub struct PlaceListCache {
    sorted: Vec<PlaceIx>,
    /// Per place: its position in `sorted`.
    rank: Vec<u32>,
    labels: Vec<String>,
    colors: Vec<egui::Color32>,
    keys: Vec<String>,
    /// By list position: the place matches the search in `matches_for`.
    matches: Vec<u64>,
    matches_for: Option<String>,
    /// By list position: the place shows in the visibility of generation `shown_for`.
    shown: Vec<u64>,
    shown_for: Option<u64>,
    last: Option<(u64, String, Arc<Vec<PlaceIx>>)>,
    /// Places matching the last search that the filters hide.
    hidden_matches: usize,
    people: Option<(String, Arc<Vec<PersonIx>>)>,
    /// In edit mode: the places that are drafts (their record or one of their events has a
    /// problem), sorted.
    drafts: Vec<PlaceIx>,
}

fn set_bit(bits: &mut [u64], i: usize, on: bool) {
    let (w, b) = (i / 64, i % 64);
    if on {
        bits[w] |= 1 << b;
    } else {
        bits[w] &= !(1 << b);
    }
}

impl PlaceListCache {
    /// Prepares a dataset's list: names folded once, order sorted once.
    pub fn new(dataset: &Dataset) -> PlaceListCache {
        let keys: Vec<String> = (0..dataset.places.len() as u32).map(|i| Self::key(dataset, PlaceIx(i))).collect();
        let mut sorted: Vec<PlaceIx> = (0..dataset.places.len() as u32).map(PlaceIx).collect();
        sorted.sort_by_cached_key(|p| query::fold(&dataset.place(*p).name));
        let mut rank = vec![0; sorted.len()];
        for (i, p) in sorted.iter().enumerate() {
            rank[p.ix()] = i as u32;
        }
        let labels = (0..dataset.places.len() as u32)
            .map(|i| {
                let p = PlaceIx(i);
                let place = dataset.place(p);
                match place.native_name() {
                    Some(n) => format!("{}  {n}", place.display_name()),
                    None => place.display_name(),
                }
            })
            .collect();
        let colors =
            (0..dataset.places.len() as u32).map(|i| style::theme_color(dataset.place_theme(PlaceIx(i)))).collect();
        let words = sorted.len().div_ceil(64);
        PlaceListCache {
            sorted,
            rank,
            labels,
            colors,
            keys,
            matches: vec![0; words],
            shown: vec![0; words],
            ..PlaceListCache::default()
        }
    }

    /// Follows an edit of these places: their labels, search keys and colours; a new place
    /// or a new name (which moves it in the sorted list) builds the list again.
    pub fn update(&mut self, dataset: &Dataset, places: &[PlaceIx]) {
        let resorted = places.iter().any(|p| {
            p.ix() >= self.rank.len()
                || self.keys[p.ix()].split('\n').next() != Some(query::fold(&dataset.place(*p).name).as_str())
        });
        if resorted {
            *self = PlaceListCache::new(dataset);
            return;
        }
        let fresh = |p: PlaceIx| {
            let place = dataset.place(p);
            let label = match place.native_name() {
                Some(n) => format!("{}  {n}", place.display_name()),
                None => place.display_name(),
            };
            (label, style::theme_color(dataset.place_theme(p)))
        };
        for &p in places {
            let (label, color) = fresh(p);
            self.labels[p.ix()] = label;
            self.colors[p.ix()] = color;
            self.keys[p.ix()] = Self::key(dataset, p);
        }
        // What was found and shown is found again on next use.
        self.matches_for = None;
        self.shown_for = None;
        self.last = None;
        self.people = None;
    }

    /// A place's search key: its name, other names, aliases and id, folded.
    fn key(dataset: &Dataset, p: PlaceIx) -> String {
        let p = dataset.place(p);
        let mut k = query::fold(&p.name);
        for n in
            p.names.iter().map(|n| n.text.as_str()).chain(p.aliases.iter().map(String::as_str)).chain([p.id.as_str()])
        {
            k.push('\n');
            k.push_str(&query::fold(n));
        }
        k
    }

    /// Marks these places as drafts in the list (edit mode), or none.
    pub fn set_drafts(&mut self, mut places: Vec<PlaceIx>) {
        places.sort_unstable();
        places.dedup();
        self.drafts = places;
    }

    /// True when the place is marked as a draft.
    pub fn is_draft(&self, p: PlaceIx) -> bool {
        self.drafts.binary_search(&p).is_ok()
    }

    /// "Yan'an  延安".
    pub fn label(&self, p: PlaceIx) -> &str {
        self.labels.get(p.ix()).map_or("", String::as_str)
    }

    /// The place's theme colour.
    pub fn color(&self, p: PlaceIx) -> egui::Color32 {
        self.colors.get(p.ix()).copied().unwrap_or(egui::Color32::GRAY)
    }

    /// Follows a visibility moved from generation `from` to `to` by
    /// [`Visibility::shift_window`], updating only the places it changed. If the list was not
    /// following `from`, it rebuilds on its next use instead.
    pub fn follow(&mut self, vis: &Visibility, changed: &[PlaceIx], from: u64, to: u64) {
        if self.shown_for != Some(from) {
            return;
        }
        for p in changed {
            if let Some(r) = self.rank.get(p.ix()) {
                set_bit(&mut self.shown, *r as usize, vis.places[p.ix()].is_shown());
            }
        }
        self.shown_for = Some(to);
    }

    /// The places that show and match the search, sorted by name (memoized).
    pub fn shown(
        &mut self,
        dataset: &Dataset,
        vis: &Visibility,
        vis_generation: u64,
        search: &str,
    ) -> Arc<Vec<PlaceIx>> {
        if self.rank.len() != dataset.places.len() {
            *self = PlaceListCache::new(dataset);
        }
        if let Some((g, s, list)) = &self.last
            && *g == vis_generation
            && s == search
        {
            return list.clone();
        }
        if self.shown_for != Some(vis_generation) {
            for (i, p) in self.sorted.iter().enumerate() {
                set_bit(&mut self.shown, i, vis.places[p.ix()].is_shown());
            }
            self.shown_for = Some(vis_generation);
        }
        if self.matches_for.as_deref() != Some(search) {
            let folded = query::fold(search.trim());
            for (i, p) in self.sorted.iter().enumerate() {
                set_bit(&mut self.matches, i, folded.is_empty() || self.keys[p.ix()].contains(&folded));
            }
            self.matches_for = Some(search.to_owned());
        }
        let mut list = Vec::new();
        self.hidden_matches = 0;
        let searching = !search.trim().is_empty();
        for (w, (shown, matches)) in self.shown.iter().zip(&self.matches).enumerate() {
            if searching {
                self.hidden_matches += (!shown & matches).count_ones() as usize;
            }
            let mut bits = shown & matches;
            while bits != 0 {
                list.push(self.sorted[w * 64 + bits.trailing_zeros() as usize]);
                bits &= bits - 1;
            }
        }
        let list = Arc::new(list);
        self.last = Some((vis_generation, search.to_owned(), list.clone()));
        list
    }

    /// How many places match the last search but are hidden by the time window or themes.
    pub fn hidden_matches(&self) -> usize {
        self.hidden_matches
    }

    /// The people whose names match the search (at most 200; memoized).
    pub fn people(&mut self, dataset: &Dataset, search: &str) -> Arc<Vec<PersonIx>> {
        if let Some((s, list)) = &self.people
            && s == search
        {
            return list.clone();
        }
        let folded = query::fold(search.trim());
        let list: Vec<PersonIx> = if folded.is_empty() {
            Vec::new()
        } else {
            (0..dataset.people.len() as u32)
                .map(PersonIx)
                .filter(|p| query::person_matches(dataset, *p, &folded))
                .take(200)
                .collect()
        };
        let list = Arc::new(list);
        self.people = Some((search.to_owned(), list.clone()));
        list
    }
}

fn basis_mark(ui: &mut Ui, basis: Basis, what: &str) {
    if basis == Basis::Inferred {
        ui.label(RichText::new("inferred").small().color(style::INFERRED_TEXT))
            .on_hover_text(format!("The {what} is the dataset's inference, not stated in a source"));
    }
}

/// One event, as the place and person panels show it.
fn event_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    e: &Event,
    (m, windowed): (Match, bool),
    out: &mut Vec<Action>,
    show_place: bool,
) {
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            let date = e.describe_date();
            let date_text = if e.date.is_undated() {
                RichText::new("undated").italics().color(style::INFERRED_TEXT)
            } else if e.date.is_approximate() {
                RichText::new(date).italics()
            } else {
                RichText::new(date)
            };
            ui.label(date_text.strong());
            basis_mark(ui, e.date_basis, "date");
            if windowed && m == Match::Possible && !e.date.is_undated() {
                ui.weak("(possibly in this window)").on_hover_text(
                    "Only the uncertain part of this date reaches the window: an approximate date, or an open or unknown end up to its outer bound.",
                );
            }
            let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 8.0), egui::Sense::hover());
            ui.painter().circle_filled(r.center(), 4.0, style::theme_color(e.category));
        });
        ui.label(RichText::new(&e.title).strong());
        if show_place {
            if let Some(p) = e.place {
                ui.horizontal(|ui| {
                    ui.weak("at");
                    if ui.link(dataset.place(p).display_name()).clicked() {
                        out.push(Action::SelectPlace(p, true));
                    }
                    basis_mark(ui, e.place_basis, "place");
                });
            } else {
                ui.weak("place not given in the sources");
            }
        } else if e.place_basis == Basis::Inferred {
            ui.horizontal(|ui| basis_mark(ui, e.place_basis, "place"));
        }
        ui.label(&e.summary);
        for f in &e.figures {
            ui.label(format!("• {}: {}", f.label, f.value));
        }
        if !e.people.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.weak("People:");
                for p in &e.people {
                    if ui.link(dataset.person(*p).display_name()).clicked() {
                        out.push(Action::SelectPerson(Some(*p)));
                    }
                }
            });
        }
        let cited: Vec<String> = e.according_to(&dataset.sources).map(crate::model::Authority::cited_as).collect();
        if !cited.is_empty() {
            ui.label(RichText::new(format!("According to {}", cited.join("; "))).italics())
                .on_hover_text("Cited by the source document; not a participant.");
        }
        if let Some(n) = &e.note {
            ui.label(RichText::new(format!("Note: {n}")).small().italics());
        }
        for s in &e.sources {
            let src = &dataset.sources[s.ix()];
            source_ui(ui, src, "Source: ");
        }
    });
}

/// The right panel for a place.
pub fn place_ui(ui: &mut Ui, dataset: &Dataset, vis: &Visibility, place: PlaceIx) -> Vec<Action> {
    let mut out = Vec::new();
    let p = dataset.place(place);
    ui.heading(p.display_name());
    egui::Grid::new("names").num_columns(2).striped(true).show(ui, |ui| {
        for n in &p.names {
            ui.weak(&n.lang);
            ui.label(&n.text);
            ui.end_row();
        }
        if !p.aliases.is_empty() {
            ui.weak("in sources");
            ui.label(p.aliases.join(", "));
            ui.end_row();
        }
    });
    let ns = if p.lon_lat.lat >= 0.0 { "N" } else { "S" };
    let ew = if p.lon_lat.lon >= 0.0 { "E" } else { "W" };
    ui.label(format!(
        "{:.3}° {ns}, {:.3}° {ew} · {} · {}{}",
        p.lon_lat.lat.abs(),
        p.lon_lat.lon.abs(),
        p.category.as_str(),
        match p.precision {
            crate::model::LocationPrecision::Exact => "exact location",
            crate::model::LocationPrecision::City => "city-level location",
            crate::model::LocationPrecision::Region => "approximate (region)",
            crate::model::LocationPrecision::Inferred => "inferred location",
            crate::model::LocationPrecision::Country => "stands for the whole country, not a city",
        },
        p.country.as_deref().map(|c| format!(" · {c}")).unwrap_or_default()
    ));
    if let Some(n) = &p.note {
        ui.label(RichText::new(n).small().italics());
    }
    ui.separator();
    let all = &dataset.place_events[place.ix()];
    let shown: Vec<EventIx> = query::place_events_shown(dataset, vis, place).collect();
    ui.label(RichText::new(format!("Events ({} shown of {})", shown.len(), all.len())).strong());
    egui::ScrollArea::vertical().id_salt("place-detail").auto_shrink([false, false]).show(ui, |ui| {
        for e in &shown {
            event_ui(ui, dataset, dataset.event(*e), (vis.events[e.ix()], vis.windowed), &mut out, false);
        }
        if shown.len() < all.len() {
            ui.weak(format!("{} more outside the time window or themes", all.len() - shown.len()));
        }
        let people = &dataset.place_people[place.ix()];
        if !people.is_empty() {
            ui.separator();
            ui.label(RichText::new("People").strong());
            ui.horizontal_wrapped(|ui| {
                for person in people {
                    if ui.button(dataset.person(*person).display_name()).clicked() {
                        out.push(Action::SelectPerson(Some(*person)));
                    }
                }
            });
        }
    });
    out
}

/// The right panel for a person: names, role, biography and journey.
pub fn person_ui(ui: &mut Ui, dataset: &Dataset, vis: &Visibility, person: PersonIx) -> Vec<Action> {
    let mut out = Vec::new();
    let p = dataset.person(person);
    if ui.button("← Back").clicked() {
        out.push(Action::SelectPerson(None));
    }
    ui.heading(p.display_name());
    for n in &p.names {
        ui.horizontal(|ui| {
            ui.weak(&n.lang);
            ui.label(&n.text);
        });
    }
    if !p.aliases.is_empty() {
        ui.label(format!("Also written: {}", p.aliases.join(", ")));
    }
    ui.label(RichText::new(&p.role).italics());
    ui.label(&p.biography);
    if let Some(n) = &p.note {
        ui.label(RichText::new(format!("Note: {n}")).small().italics());
    }
    for t in &p.places {
        ui.horizontal(|ui| {
            ui.weak("Tied to");
            if ui.link(dataset.place(t.place).display_name()).clicked() {
                out.push(Action::SelectPlace(t.place, true));
            }
            basis_mark(ui, t.basis, "tie");
        });
    }
    ui.separator();
    let events = &dataset.person_events[person.ix()];
    let shown: Vec<EventIx> = events.iter().copied().filter(|e| vis.events[e.ix()].is_shown()).collect();
    let noun = if events.len() == 1 { "event" } else { "events" };
    ui.label(RichText::new(format!("Journey ({} {noun} shown of {})", shown.len(), events.len())).strong());
    egui::ScrollArea::vertical().id_salt("person-detail").auto_shrink([false, false]).show(ui, |ui| {
        for e in &shown {
            event_ui(ui, dataset, dataset.event(*e), (vis.events[e.ix()], vis.windowed), &mut out, true);
        }
    });
    out
}

/// The right panel with nothing selected: what the atlas is, sources, credits. `name` is
/// the name of a user's own dataset (a folder, a database); `None` is the bundled atlas,
/// the only one whose story the window can tell.
pub fn overview_ui(ui: &mut Ui, dataset: &Dataset, problems: usize, name: Option<&str>) -> Vec<Action> {
    let mut out = Vec::new();
    match name {
        None => {
            ui.heading("Crossings");
            ui.label("Japanese soldiers and civilians who crossed the lines, 1931–1958: the Eighth Route Army, the \"Peace Village\" POW camp, the Kwantung Army's surrender and Siberian captivity, repatriation through Maizuru, and the officers who trained the Viet Minh.");
        }
        Some(name) => _ = ui.heading(name),
    }
    ui.label("Drag the timeline to watch places light up; click a place to read who was there and what happened.");
    ui.separator();
    let people = match dataset.people.len() {
        1 => "1 person".to_owned(),
        n => format!("{n} people"),
    };
    ui.label(format!(
        "{} · {people} · {} · {}",
        crate::counted(dataset.places.len(), "place"),
        crate::counted(dataset.events.len(), "event"),
        crate::counted(dataset.sources.len(), "source")
    ));
    if problems > 0 && ui.button(format!("⚠ {problems} data problems")).clicked() {
        out.push(Action::ShowProblems(true));
    }
    ui.label(RichText::new("Sources").strong());
    for s in &dataset.sources {
        source_ui(ui, s, "• ");
    }
    ui.separator();
    ui.label(RichText::new(crate::basemap::ATTRIBUTION).small());
    out
}

/// The selection: its count, each entry removable, and the export button.
pub fn selection_ui(ui: &mut Ui, dataset: &Dataset, selection: &[PlaceIx]) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} selected", selection.len())).strong());
        if ui.button("Export selected…").on_hover_text("Write the selection as GeoJSON (Ctrl+E)").clicked() {
            out.push(Action::Export);
        }
        if ui.small_button("Clear").on_hover_text("Clear the selection (Esc)").clicked() {
            out.push(Action::ClearSelection);
        }
    });
    if selection.len() > 1 {
        ui.horizontal_wrapped(|ui| {
            for s in selection {
                if ui
                    .small_button(format!("{} ×", dataset.place(*s).display_name()))
                    .on_hover_text("Remove from the selection")
                    .clicked()
                {
                    out.push(Action::TogglePlace(*s));
                }
            }
        });
    }
    ui.separator();
    out
}

/// A source: its title and file; a web link only for `http`/`https` addresses, opened in the
/// browser when clicked (anything else is shown as text and never opened).
fn source_ui(ui: &mut Ui, src: &crate::model::Source, prefix: &str) {
    ui.horizontal_wrapped(|ui| {
        // The title is what a reader recognises; the file name is for the curator, on hover.
        ui.label(RichText::new(format!("{prefix}{}", src.title)).small().weak())
            .on_hover_text(format!("file: {}", src.file));
        match (src.link(), &src.url) {
            (Some(url), _) => {
                ui.hyperlink_to(RichText::new("open online").small(), url);
            }
            (None, Some(other)) => {
                ui.label(RichText::new(format!("[not opened: {other}]")).small().weak());
            }
            (None, None) => {}
        }
    });
}
