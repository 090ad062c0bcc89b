//! The layer list (left panel): each overlay layer with its name, shown or hidden, its colour
//! and opacity, up, down and remove; a layer that could not be read shows why. It reads the
//! state and returns actions.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::action::{Action, LayerChange};
use crate::overlay::{LayerSettings, Overlay};

/// The layers as read: an overlay, or why it could not be read.
pub type ReadLayers = HashMap<PathBuf, Result<Arc<Overlay>, String>>;

/// The list, when there are layers.
pub fn layers_ui(ui: &mut Ui, layers: &[LayerSettings], read: &ReadLayers) -> Vec<Action> {
    let mut out = Vec::new();
    if layers.is_empty() {
        return out;
    }
    egui::CollapsingHeader::new(format!("Layers ({})", layers.len())).id_salt("layers").default_open(true).show(
        ui,
        |ui| {
            for (i, l) in layers.iter().enumerate() {
                let name =
                    l.path.file_name().map_or(l.path.display().to_string(), |n| n.to_string_lossy().into_owned());
                ui.horizontal(|ui| {
                    let mut s = l.clone();
                    let mut rgb = s.color;
                    if ui.color_edit_button_srgb(&mut rgb).on_hover_text(format!("Colour of {name}")).changed() {
                        s.color = rgb;
                    }
                    ui.checkbox(&mut s.visible, &name).on_hover_text(l.path.display().to_string());
                    if ui.small_button("↑").on_hover_text("Draw above the layer before").clicked() {
                        out.push(Action::Layer(i, LayerChange::Up));
                    }
                    if ui.small_button("↓").on_hover_text("Draw below the layer after").clicked() {
                        out.push(Action::Layer(i, LayerChange::Down));
                    }
                    if ui.small_button("Remove").on_hover_text(format!("Take {name} off the map")).clicked() {
                        out.push(Action::Layer(i, LayerChange::Remove));
                    }
                    if s != *l {
                        out.push(Action::Layer(i, LayerChange::Set(s)));
                    }
                });
                match read.get(&l.path) {
                    None => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.small("reading…");
                        });
                    }
                    Some(Err(e)) => {
                        ui.label(RichText::new(e).small().color(Color32::from_rgb(0xb0, 0x20, 0x20)));
                    }
                    Some(Ok(o)) => {
                        let mut s = l.clone();
                        let slider = egui::Slider::new(&mut s.opacity, 0.0..=1.0)
                            .text(format!("opacity of {name}"))
                            .show_value(false);
                        if ui.add(slider).changed() {
                            out.push(Action::Layer(i, LayerChange::Set(s)));
                        }
                        let time = match &o.time_columns {
                            Some((start, Some(end))) => {
                                format!(", dated by {start} and {end}: follows the time slider")
                            }
                            Some((start, None)) => format!(", dated by {start}: follows the time slider"),
                            None => String::new(),
                        };
                        ui.small(format!("{} features{time}", o.features));
                        if !o.problems.is_empty() {
                            ui.collapsing(format!("{} left out", o.problems.len()), |ui| {
                                for p in o.problems.iter().take(50) {
                                    ui.small(p);
                                }
                            });
                        }
                    }
                }
            }
        },
    );
    ui.separator();
    out
}
