//! The timeline along the bottom: a histogram of events per month or year, year ticks, the
//! window with two handles, play/pause, and a field to type a date. It reads the
//! [`TimeControl`] and returns [`TimeCommand`]s; it never changes the time itself.

use egui::{Align2, Color32, CursorIcon, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use crate::chronology::{Day, Histogram, TimeCommand, TimeControl, TimeMode, TimeWindow};

use super::style;

/// How far (in points) from a handle the pointer still grabs it.
const HANDLE_REACH: f32 = 9.0;

/// What a press on the track grabs.
fn hit(x: f32, window: Option<(f32, f32)>, resizable: bool) -> Option<Grab> {
    let (x0, x1) = window?;
    if resizable {
        let (to_start, to_end) = ((x - x0).abs(), (x - x1).abs());
        // Handles sit just outside the window; a narrow window gives each the side nearer it.
        if to_start <= HANDLE_REACH || to_end <= HANDLE_REACH {
            return Some(if to_start < to_end || (to_start == to_end && x <= x0) { Grab::Start } else { Grab::End });
        }
    }
    (x > x0 && x < x1).then_some(Grab::Body(0))
}

/// The text of a histogram bar's tooltip: whole counts, and how they are counted.
pub fn bar_tooltip(label: &str, certain: u32, possible: u32) -> String {
    let total = certain + possible;
    let events = if total == 1 { "event" } else { "events" };
    format!(
        "{label}: {total} {events} ({certain} certain, {possible} possible)\n\
         Each bar counts every event that may fall in it: one that lasted a year stands in each of its twelve months. \
         Possible (pale): only the uncertain part of its date reaches here."
    )
}

/// The visible stretch of the timeline, in month indices (runtime view state).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimelineView {
    /// First visible month.
    pub first: i32,
    /// Last visible month.
    pub last: i32,
}

impl TimelineView {
    /// Scrolls (widening only when it must) so the months `start..=end` are in view, with a
    /// month to spare on each side.
    pub fn show(&mut self, start: i32, end: i32) {
        let (a, b) = (start - 1, end + 1);
        let span = self.last - self.first;
        if b - a > span {
            self.first = a;
            self.last = b;
        } else if a < self.first {
            self.first = a;
            self.last = a + span;
        } else if b > self.last {
            self.last = b;
            self.first = b - span;
        }
    }

    /// Clamps the view inside the data bounds, at least a year wide.
    pub fn clamp(&mut self, bounds: (i32, i32)) {
        let span = (self.last - self.first).clamp(12, bounds.1 - bounds.0 + 24);
        self.first = self.first.clamp(bounds.0 - 12, bounds.1 + 12 - span);
        self.last = self.first + span;
    }
}

/// "March 1939".
pub fn month_label(index: i32) -> String {
    let (y, m, _) = Day::from_month_index(index).to_ymd();
    format!("{} {y}", crate::chronology::day::MONTH_NAMES[(m - 1) as usize])
}

/// Words for the current filter: "All dates", "March 1939", "March 1939 – August 1945".
pub fn describe(control: &TimeControl) -> String {
    match control.mode {
        TimeMode::All => "All dates".to_owned(),
        TimeMode::Single => month_label(control.start),
        TimeMode::Window if control.start == control.end => month_label(control.start),
        TimeMode::Window => format!("{} – {}", month_label(control.start), month_label(control.end)),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Grab {
    Start,
    End,
    /// The window's body, grabbed this many months after its start.
    Body(i32),
    /// Empty track: a new window from this month.
    Brush(i32),
}

/// Text typed into the date field, with its last error.
#[derive(Clone, Debug, Default)]
pub struct DateField {
    /// What the user typed.
    pub text: String,
    /// Why the last entry was refused.
    pub error: Option<String>,
}

/// Draws the timeline and returns what the user asked for.
pub fn timeline_ui(
    ui: &mut Ui,
    control: &TimeControl,
    hist: &Histogram,
    bounds: (i32, i32),
    view: &mut TimelineView,
    field: &mut DateField,
    (shown_events, certain_events): (usize, usize),
) -> Vec<TimeCommand> {
    let mut out = Vec::new();
    let mut refused = false;
    ui.horizontal(|ui| {
        let play = if control.playing { "‖ Pause" } else { "▶ Play" };
        if ui.button(play).on_hover_text("Animate the window through time").clicked() {
            out.push(TimeCommand::TogglePlay);
        }
        let mut speed = control.speed;
        if ui
            .add(egui::Slider::new(&mut speed, 0.5..=48.0).logarithmic(true).text("months/s"))
            .on_hover_text("Playback speed")
            .changed()
        {
            out.push(TimeCommand::SetSpeed(speed));
        }
        ui.separator();
        if ui.selectable_label(control.mode == TimeMode::All, "Show all").on_hover_text("No time filter").clicked() {
            out.push(TimeCommand::ShowAll);
        }
        if ui.selectable_label(control.mode == TimeMode::Window, "Window").clicked() {
            out.push(TimeCommand::SetWindow(control.start, control.end.max(control.start + 11)));
        }
        if ui.selectable_label(control.mode == TimeMode::Single, "Single month").clicked() {
            out.push(TimeCommand::SetSingle(control.start));
        }
        let mut undated = control.include_undated || control.mode == TimeMode::All;
        let all = control.mode == TimeMode::All;
        if ui
            .add_enabled(!all, egui::Checkbox::new(&mut undated, "Include undated"))
            .on_disabled_hover_text("Show all shows undated events too; pick Window or Single month to filter")
            .changed()
        {
            out.push(TimeCommand::IncludeUndated(undated));
        }
        ui.separator();
        let label = ui.label("Go to date").id;
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut field.text)
                    .hint_text("Aug 1945, 1939-41")
                    .desired_width(130.0)
                    .id_salt("date-field"),
            )
            .labelled_by(label);
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match crate::chronology::typed::parse_typed(&field.text) {
                Ok(d) => {
                    field.error = None;
                    out.push(TimeCommand::SetDays(d.earliest, d.latest));
                }
                Err(e) => {
                    field.error = Some(e.to_string());
                    refused = true;
                }
            }
        }
        if let Some(err) = &field.error {
            ui.colored_label(style::ERROR_TEXT, "?").on_hover_text(err.as_str());
            ui.colored_label(style::ERROR_TEXT, err.as_str());
        }
        ui.separator();
        ui.strong(describe(control));
        let possible = shown_events - certain_events.min(shown_events);
        if possible > 0 && control.mode != TimeMode::All {
            ui.label(format!("· {shown_events} events, {possible} of them possible"))
                .on_hover_text("Possible: only the uncertain part of their dates reaches this window");
        } else {
            ui.label(format!("· {shown_events} events"));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // A toggle: on, the chart shows all the data; off again, the view it had before.
            let whole = view.first <= bounds.0 && view.last >= bounds.1;
            let before_id = egui::Id::unique("timeline-view-before-whole");
            if ui
                .selectable_label(whole, "Whole span")
                .on_hover_text(if whole { "Back to the view before" } else { "Zoom the timeline out to all the data" })
                .clicked()
            {
                if whole {
                    let before: Option<TimelineView> = ui.data(|d| d.get_temp(before_id));
                    *view = before
                        .unwrap_or(TimelineView { first: bounds.0.max(1937 * 12), last: bounds.1.min(1958 * 12 + 11) });
                } else {
                    ui.data_mut(|d| d.insert_temp(before_id, *view));
                    *view = TimelineView { first: bounds.0, last: bounds.1 };
                }
            }
        });
    });

    // When the window changed (Home, End, a typed date, playback), the chart scrolls so the
    // window is in view: it always shows where the keys went.
    let last_id = egui::Id::unique("timeline-last-window");
    let now = (control.mode, control.start, control.end);
    let last: Option<(TimeMode, i32, i32)> = ui.data(|d| d.get_temp(last_id));
    if last != Some(now) {
        ui.data_mut(|d| d.insert_temp(last_id, now));
        if control.mode != TimeMode::All && last.is_some() {
            view.show(control.start, control.end);
        }
    }
    let height = 74.0;
    let (rect, response) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Timeline"));
    view.clamp(bounds);
    let view_first = view.first;
    let months = (view.last - view.first + 1) as f32;
    let x_of = |m: f32| rect.left() + (m - view_first as f32) / months * rect.width();
    let m_of = |x: f32| view_first as f32 + (x - rect.left()) / rect.width() * months;
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, style::TRACK);

    // Histogram: per month when months are wide enough, else per year. Each bar stacks the
    // certain events (dark) under the possible ones (pale).
    let per_month = rect.width() / months >= 3.0;
    let bar_area = Rect::from_min_max(rect.min + Vec2::new(0.0, 4.0), Pos2::new(rect.right(), rect.bottom() - 18.0));
    let filter = control.filter();
    let in_window = |a: i32, b: i32| match control.mode {
        TimeMode::All => true,
        _ => {
            let w = filter.window.unwrap_or(TimeWindow { start: Day::MIN, end: Day::MAX });
            w.overlaps(Day::from_month_index(a), Day::from_month_index(b + 1).prev())
        }
    };
    let bins: Vec<(i32, i32, u32, u32)> = if per_month {
        (view.first..=view.last)
            .map(|m| {
                let (c, p) = hist.month(m);
                (m, m, c, p)
            })
            .collect()
    } else {
        let y0 = view.first.div_euclid(12);
        let y1 = view.last.div_euclid(12);
        (y0..=y1)
            .map(|y| {
                let (c, p) = hist.year(y);
                (y * 12, y * 12 + 11, c, p)
            })
            .collect()
    };
    let max = bins.iter().map(|b| b.2 + b.3).max().unwrap_or(0).max(1) as f32;
    for (a, b, certain, possible) in &bins {
        let total = certain + possible;
        if total == 0 {
            continue;
        }
        let h = (total as f32 / max).sqrt() * bar_area.height();
        let h_certain = h * *certain as f32 / total as f32;
        let x0 = x_of(*a as f32) + 0.5;
        let x1 = (x_of(*b as f32 + 1.0) - 0.5).max(x0 + 1.0);
        let inside = in_window(*a, *b);
        // Certain: a solid bar. Possible: stacked on top, barely filled with only its top edge
        // drawn, so long uncertain spans read as a faint outline, not as a floor.
        let [dark, pale, edge] = if inside { style::BAR_IN } else { style::BAR_OUT };
        let bottom = bar_area.bottom();
        if *possible > 0 {
            let top = bottom - h;
            painter.rect_filled(Rect::from_min_max(Pos2::new(x0, top), Pos2::new(x1, bottom - h_certain)), 0.0, pale);
            painter.line_segment([Pos2::new(x0, top), Pos2::new(x1, top)], Stroke::new(1.0, edge));
        }
        painter.rect_filled(Rect::from_min_max(Pos2::new(x0, bottom - h_certain), Pos2::new(x1, bottom)), 0.0, dark);
    }

    // Year ticks and labels.
    let px_per_year = rect.width() / months * 12.0;
    let step = [1, 2, 5, 10, 20, 50].into_iter().find(|s| *s as f32 * px_per_year >= 42.0).unwrap_or(100);
    let font = FontId::proportional(11.0);
    let mut year = view.first.div_euclid(12);
    year -= year.rem_euclid(step);
    while year * 12 <= view.last {
        let x = x_of((year * 12) as f32);
        if x >= rect.left() {
            painter.line_segment(
                [Pos2::new(x, rect.bottom() - 18.0), Pos2::new(x, rect.bottom() - 12.0)],
                Stroke::new(1.0, style::TICK),
            );
            painter.text(
                Pos2::new(x + 2.0, rect.bottom() - 1.0),
                Align2::LEFT_BOTTOM,
                year.to_string(),
                font.clone(),
                style::FAINT_TEXT,
            );
        }
        year += step;
    }

    // The window and its handles. The handles stand just outside the window's edges, so even
    // a one-month window leaves its bar in view.
    let (ws, we) = match control.mode {
        TimeMode::All => (None, None),
        TimeMode::Single => (Some(control.start), Some(control.start)),
        TimeMode::Window => (Some(control.start), Some(control.end)),
    };
    let window_x = ws.zip(we).map(|(s, e)| (x_of(s as f32), x_of(e as f32 + 1.0)));
    let resizable = control.mode == TimeMode::Window;
    if let Some((x0, x1)) = window_x {
        let win = Rect::from_min_max(Pos2::new(x0, rect.top()), Pos2::new(x1.max(x0 + 2.0), rect.bottom() - 16.0));
        painter.rect_filled(win, 0.0, style::WINDOW_FILL);
        painter.rect_stroke(win, 0.0, Stroke::new(1.5, style::WINDOW_EDGE), egui::StrokeKind::Inside);
        if resizable {
            let y = win.center().y;
            let start = Rect::from_min_max(Pos2::new(x0 - 7.0, y - 13.0), Pos2::new(x0, y + 13.0));
            let end = Rect::from_min_max(Pos2::new(x1, y - 13.0), Pos2::new(x1 + 7.0, y + 13.0));
            for handle in [start, end] {
                painter.rect_filled(handle, 2.0, style::WINDOW_EDGE);
                painter.line_segment(
                    [handle.center_top() + Vec2::new(0.0, 7.0), handle.center_bottom() - Vec2::new(0.0, 7.0)],
                    Stroke::new(1.0, Color32::WHITE),
                );
            }
        }
    }

    // Interaction: a handle resizes the window, the window's body moves it, a drag on empty
    // track brushes a new window, a click moves the window there. What a drag grabs is decided
    // where the button went down (the pointer has moved on by the time egui calls it a drag).
    let grab_id = response.id.with("grab");
    if response.drag_started() {
        let origin = ui.input(|i| i.pointer.press_origin()).or(response.interact_pointer_pos());
        let grab = origin.and_then(|p| match hit(p.x, window_x, resizable) {
            Some(Grab::Body(_)) => ws.map(|s| Grab::Body(m_of(p.x).floor() as i32 - s)),
            None => Some(Grab::Brush(m_of(p.x).floor() as i32)),
            other => other,
        });
        ui.data_mut(|d| d.insert_temp(grab_id, grab));
    }
    let grab: Option<Grab> = ui.data(|d| d.get_temp(grab_id)).flatten();
    if let Some(p) = response.hover_pos() {
        let icon = match (response.dragged().then_some(grab).flatten(), hit(p.x, window_x, resizable)) {
            (Some(Grab::Start | Grab::End), _) | (None, Some(Grab::Start | Grab::End)) => CursorIcon::ResizeHorizontal,
            (Some(Grab::Body(_)), _) => CursorIcon::Grabbing,
            (None, Some(Grab::Body(_))) => CursorIcon::Grab,
            (Some(Grab::Brush(_)), _) | (None, None | Some(Grab::Brush(_))) => CursorIcon::Crosshair,
        };
        ui.ctx().set_cursor_icon(icon);
    }
    // The frame the button comes up in counts too: on a slow machine the last move and the
    // release arrive together, and the window must end where the pointer did.
    if (response.dragged() || response.drag_stopped())
        && let Some(p) = response.interact_pointer_pos()
    {
        let m = m_of(p.x).floor() as i32;
        match grab {
            Some(Grab::Start) => out.push(TimeCommand::SetWindow(m.min(control.end), control.end)),
            Some(Grab::End) => {
                out.push(TimeCommand::SetWindow(control.start, (m_of(p.x).round() as i32 - 1).max(control.start)))
            }
            Some(Grab::Body(offset)) => {
                let delta = m - offset - control.start;
                if delta != 0 {
                    out.push(TimeCommand::Step(delta));
                }
            }
            // Brush a new window from where the drag began.
            Some(Grab::Brush(from)) => out.push(TimeCommand::SetWindow(from, m)),
            None => {}
        }
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<Option<Grab>>(grab_id));
    }
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let m = m_of(p.x).floor() as i32;
        match control.mode {
            TimeMode::Single => out.push(TimeCommand::SetSingle(m)),
            TimeMode::All => out.push(TimeCommand::SetWindow(m - 6, m + 5)),
            TimeMode::Window => {
                let half = (control.end - control.start) / 2;
                out.push(TimeCommand::Step(m - half - control.start));
            }
        }
    }
    if response.hovered() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        let pointer_m = response.hover_pos().map_or((view.first + view.last) as f32 / 2.0, |p| m_of(p.x));
        let factor = if (zoom - 1.0).abs() > 1e-3 { 1.0 / zoom } else { (-scroll.y / 200.0).exp() };
        if (factor - 1.0).abs() > 1e-3 {
            let first = pointer_m - (pointer_m - view.first as f32) * factor;
            let last = pointer_m + (view.last as f32 - pointer_m) * factor;
            *view = TimelineView { first: first.floor() as i32, last: last.ceil() as i32 };
        }
        if scroll.x.abs() > 0.5 {
            let shift = (-scroll.x / rect.width() * months).round() as i32;
            view.first += shift;
            view.last += shift;
        }
        if let Some(p) = response.hover_pos()
            && !response.dragged()
        {
            let m = m_of(p.x).floor() as i32;
            let text = if per_month {
                let (c, q) = hist.month(m);
                bar_tooltip(&month_label(m), c, q)
            } else {
                let y = m.div_euclid(12);
                let (c, q) = hist.year(y);
                bar_tooltip(&y.to_string(), c, q)
            };
            response.clone().on_hover_text_at_pointer(text);
        }
    }
    view.clamp(bounds);

    // Accessible sliders for the window (keyboard and screen readers).
    ui.horizontal(|ui| {
        let mut start = control.start;
        let mut end = control.end;
        let fmt = |v: f64, _: std::ops::RangeInclusive<usize>| month_label(v as i32);
        // Each label reads before its slider ("From [——] October 1944"), not after its value.
        let active = control.mode != TimeMode::All;
        let why = "Show all has no window: pick Window or Single month to filter by date";
        let from = ui.add_enabled(active, egui::Label::new("From")).id;
        let s = ui
            .add_enabled(active, egui::Slider::new(&mut start, bounds.0..=bounds.1).custom_formatter(fmt).step_by(1.0))
            .on_disabled_hover_text(why)
            .labelled_by(from);
        if s.changed() {
            if control.mode == TimeMode::Single {
                out.push(TimeCommand::SetSingle(start));
            } else {
                out.push(TimeCommand::SetWindow(start, end.max(start)));
            }
        }
        if control.mode != TimeMode::Single {
            let to = ui.add_enabled(active, egui::Label::new("To")).id;
            let e = ui
                .add_enabled(
                    active,
                    egui::Slider::new(&mut end, bounds.0..=bounds.1).custom_formatter(fmt).step_by(1.0),
                )
                .on_disabled_hover_text(why)
                .labelled_by(to);
            if e.changed() {
                out.push(TimeCommand::SetWindow(start.min(end), end));
            }
        }
    });
    // An error stays until the next thing the user does with the time succeeds.
    if !out.is_empty() && !refused {
        field.error = None;
    }
    out
}
