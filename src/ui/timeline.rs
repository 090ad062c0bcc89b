//! The timeline along the bottom: a histogram of events per month or year, year ticks, the
//! window with two handles, play/pause, and a field to type a date. It reads the
//! [`TimeControl`] and returns [`TimeCommand`]s; it never changes the time itself.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use crate::chronology::{Day, Histogram, TimeCommand, TimeControl, TimeMode, TimeWindow};

/// The visible stretch of the timeline, in month indices (runtime view state).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimelineView {
    /// First visible month.
    pub first: i32,
    /// Last visible month.
    pub last: i32,
}

impl TimelineView {
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
    Body(i32),
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
    shown_events: usize,
) -> Vec<TimeCommand> {
    let mut out = Vec::new();
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
        let mut undated = control.include_undated;
        if ui.checkbox(&mut undated, "Include undated").changed() {
            out.push(TimeCommand::IncludeUndated(undated));
        }
        ui.separator();
        let label = ui.label("Go to date").id;
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut field.text)
                    .hint_text("1945-08 or 1939/1941")
                    .desired_width(130.0)
                    .id_salt("date-field"),
            )
            .labelled_by(label);
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match TimeWindow::parse(&field.text) {
                Ok(w) => {
                    field.error = None;
                    out.push(TimeCommand::SetDays(w.start, w.end));
                }
                Err(e) => field.error = Some(e.to_string()),
            }
        }
        if let Some(err) = &field.error {
            ui.colored_label(Color32::from_rgb(180, 30, 30), err);
        }
        ui.separator();
        ui.strong(describe(control));
        ui.label(format!("· {shown_events} events"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Whole span").on_hover_text("Zoom the timeline out to all the data").clicked() {
                *view = TimelineView { first: bounds.0, last: bounds.1 };
            }
        });
    });

    let height = 74.0;
    let (rect, response) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Timeline"));
    view.clamp(bounds);
    let view_first = view.first;
    let months = (view.last - view.first + 1) as f32;
    let x_of = |m: f32| rect.left() + (m - view_first as f32) / months * rect.width();
    let m_of = |x: f32| view_first as f32 + (x - rect.left()) / rect.width() * months;
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(248));

    // Histogram: per month when months are wide enough, else per year.
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
    let bins: Vec<(i32, i32, f32)> = if per_month {
        (view.first..=view.last).map(|m| (m, m, hist.total(m, m) as f32)).collect()
    } else {
        let y0 = view.first.div_euclid(12);
        let y1 = view.last.div_euclid(12);
        (y0..=y1).map(|y| (y * 12, y * 12 + 11, hist.total(y * 12, y * 12 + 11) as f32)).collect()
    };
    let max = bins.iter().map(|b| b.2).fold(0.0, f32::max).max(1e-6);
    for (a, b, w) in &bins {
        if *w <= 0.0 {
            continue;
        }
        let h = (w / max).sqrt() * bar_area.height();
        let x0 = x_of(*a as f32) + 0.5;
        let x1 = (x_of(*b as f32 + 1.0) - 0.5).max(x0 + 1.0);
        let color = if in_window(*a, *b) { Color32::from_rgb(0x3b, 0x6e, 0x9e) } else { Color32::from_gray(190) };
        painter.rect_filled(
            Rect::from_min_max(Pos2::new(x0, bar_area.bottom() - h), Pos2::new(x1, bar_area.bottom())),
            0.0,
            color,
        );
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
                Stroke::new(1.0, Color32::from_gray(90)),
            );
            painter.text(
                Pos2::new(x + 2.0, rect.bottom() - 1.0),
                Align2::LEFT_BOTTOM,
                year.to_string(),
                font.clone(),
                Color32::from_gray(60),
            );
        }
        year += step;
    }

    // The window and its handles.
    let (ws, we) = match control.mode {
        TimeMode::All => (None, None),
        TimeMode::Single => (Some(control.start), Some(control.start)),
        TimeMode::Window => (Some(control.start), Some(control.end)),
    };
    if let (Some(s), Some(e)) = (ws, we) {
        let x0 = x_of(s as f32);
        let x1 = x_of(e as f32 + 1.0);
        let win = Rect::from_min_max(Pos2::new(x0, rect.top()), Pos2::new(x1.max(x0 + 2.0), rect.bottom() - 16.0));
        painter.rect_filled(win, 0.0, Color32::from_rgba_unmultiplied(255, 196, 0, 50));
        painter.rect_stroke(win, 0.0, Stroke::new(1.5, Color32::from_rgb(200, 140, 0)), egui::StrokeKind::Inside);
        for x in [x0, x1] {
            let handle = Rect::from_center_size(Pos2::new(x, win.center().y), Vec2::new(7.0, 26.0));
            painter.rect_filled(handle, 2.0, Color32::from_rgb(200, 140, 0));
        }
    }

    // Interaction: grab a handle, the window, or click to place it.
    let grab_id = response.id.with("grab");
    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
    {
        let grab = match (ws, we) {
            (Some(s), Some(e)) if control.mode == TimeMode::Window => {
                let (xs, xe) = (x_of(s as f32), x_of(e as f32 + 1.0));
                if (p.x - xs).abs() <= 6.0 {
                    Some(Grab::Start)
                } else if (p.x - xe).abs() <= 6.0 {
                    Some(Grab::End)
                } else if p.x > xs && p.x < xe {
                    Some(Grab::Body(m_of(p.x).floor() as i32 - s))
                } else {
                    None
                }
            }
            (Some(s), _) => Some(Grab::Body(m_of(p.x).floor() as i32 - s)),
            _ => None,
        };
        ui.data_mut(|d| d.insert_temp(grab_id, grab));
    }
    if response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        let m = m_of(p.x).floor() as i32;
        let grab: Option<Grab> = ui.data(|d| d.get_temp(grab_id)).flatten();
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
            None => {
                // Brush a new window from where the drag began.
                let origin = response.interact_pointer_pos().and_then(|_| ui.input(|i| i.pointer.press_origin()));
                if let Some(o) = origin {
                    out.push(TimeCommand::SetWindow(m_of(o.x).floor() as i32, m));
                }
            }
        }
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
        if let Some(p) = response.hover_pos() {
            let m = m_of(p.x).floor() as i32;
            response.clone().on_hover_text_at_pointer(format!("{}: {:.1} events", month_label(m), hist.total(m, m)));
        }
    }
    view.clamp(bounds);

    // Accessible sliders for the window (keyboard and screen readers).
    ui.horizontal(|ui| {
        let mut start = control.start;
        let mut end = control.end;
        let fmt = |v: f64, _: std::ops::RangeInclusive<usize>| month_label(v as i32);
        // Each label reads before its slider ("From [——] October 1944"), not after its value.
        let from = ui.label("From").id;
        let s = ui
            .add(egui::Slider::new(&mut start, bounds.0..=bounds.1).custom_formatter(fmt).step_by(1.0))
            .labelled_by(from);
        if s.changed() {
            if control.mode == TimeMode::Single {
                out.push(TimeCommand::SetSingle(start));
            } else {
                out.push(TimeCommand::SetWindow(start, end.max(start)));
            }
        }
        if control.mode != TimeMode::Single {
            let to = ui.label("To").id;
            let e = ui
                .add(egui::Slider::new(&mut end, bounds.0..=bounds.1).custom_formatter(fmt).step_by(1.0))
                .labelled_by(to);
            if e.changed() {
                out.push(TimeCommand::SetWindow(start.min(end), end));
            }
        }
    });
    out
}
