//! What the user asks for: every panel, the timeline and the map return [`Action`]s, and the
//! app applies them after the frame is drawn. A leaf among the window's modules.

use crate::chronology::TimeCommand;
use crate::geometry::{Bbox, Mercator};
use crate::model::{PersonIx, PlaceIx};
use crate::query::Themes;

/// Something the user asked for, applied after the frame is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Select one place (and centre the map on it when `true`).
    SelectPlace(PlaceIx, bool),
    /// Add a place to the selection or remove it.
    TogglePlace(PlaceIx),
    /// Replace the selection with these places (a box, or "select all shown").
    SelectMany(Vec<PlaceIx>),
    /// Clear the selection and the person.
    ClearSelection,
    /// Show a person (or go back).
    SelectPerson(Option<PersonIx>),
    /// New search text.
    Search(String),
    /// New theme filter.
    SetThemes(Themes),
    /// A time command.
    Time(TimeCommand),
    /// Fit the map to the places that show.
    FitAll,
    /// Zoom in (+1) or out (-1).
    Zoom(i32),
    /// Zoom to a box (a cluster clicked): at least one level in.
    ZoomTo(Bbox<Mercator>),
    /// Move the map by this many points (right, down), as the arrow keys do.
    Pan(f32, f32),
    /// A click on the map, on a place's marker or on nothing (`toggle`: with Ctrl/Cmd held).
    ClickMap {
        /// The place clicked, if any.
        place: Option<PlaceIx>,
        /// Add to or remove from the selection instead of replacing it.
        toggle: bool,
    },
    /// A double click on the map: it zooms (walkers does that), and what its first click
    /// selected is undone.
    DoubleClickMap,
    /// Text size one step larger (+1), smaller (-1), or back to normal (0).
    TextSize(i32),
    /// Show or fold the legend.
    ShowLegend(bool),
    /// Show or hide the problems window.
    ShowProblems(bool),
    /// Choose a dataset folder to open.
    OpenDataset,
    /// Export the selection (or all shown places when nothing is selected), in the format
    /// last chosen.
    Export,
    /// Export in this format (File > Export selected as).
    ExportAs(crate::export::Format),
    /// Choose a spreadsheet or GIS file to import.
    Import,
    /// Choose a file of lines or polygons to add as a layer.
    AddLayer,
    /// Add this file as a layer.
    AddLayerFile(std::path::PathBuf),
    /// Change the layer at this place in the list.
    Layer(usize, LayerChange),
    /// Import this file (typed where no file dialog could be shown).
    ImportFile(std::path::PathBuf),
    /// Use this saved mapping in the import dialog (typed where no file dialog could be shown).
    LoadMappingFile(std::path::PathBuf),
    /// Open the picture export dialog (an image, or an animation).
    ExportPicture(super::pictures::Kind),
    /// Export to this file (typed where no file dialog could be shown).
    ExportTo(std::path::PathBuf),
    /// Open this dataset folder (typed where no file dialog could be shown).
    OpenFolder(std::path::PathBuf),
    /// Close the path field without doing anything.
    ClosePathPrompt,
    /// Ask for a shared database's address (File > Open database…).
    OpenDatabase,
    /// Open the database the address field names (with the password typed, if any).
    ConnectDatabase,
    /// Close the database's address field without doing anything.
    CloseDatabasePrompt,
    /// Edit mode on or off (the toolbar's Edit, the E key).
    ToggleEdit,
    /// Something done in edit mode.
    Edit(super::edit::EditOp),
    /// Copy the bundled dataset into this folder and edit the copy.
    CopyBundledTo(std::path::PathBuf),
    /// Restore the unsaved edits a journal holds (`true`), or set them aside (`false`).
    Restore(bool),
    /// Answer to "quit with unsaved changes?".
    Quit(QuitChoice),
    /// Save the edited dataset into this folder (after a conflict).
    SaveCopyTo(std::path::PathBuf),
    /// Close the conflict window: reload the folder from disk (`true`) or keep editing.
    CloseConflicts(bool),
    /// Settle the records changed both here and on disk.
    Settle(Settle),
}

/// How records changed both here and on disk are settled (the conflict window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Write this session's version of the n-th record over the one on disk at the next save.
    KeepMine(usize),
    /// Take the version on disk for the n-th record (an edit, undoable).
    TakeTheirs(usize),
    /// Save everything else now, merged with the changes on disk; the records in conflict
    /// stay unsaved.
    SaveRest,
}

/// What to do with unsaved edits when the window is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuitChoice {
    /// Save, then quit.
    Save,
    /// Quit; the edits are set aside (the journal is kept beside as `.old`).
    Discard,
    /// Stay.
    Cancel,
}

/// A change to one layer of the layer list.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerChange {
    /// New settings (shown, colour, opacity).
    Set(crate::overlay::LayerSettings),
    /// One place up the list (drawn above the one before).
    Up,
    /// One place down.
    Down,
    /// Off the list.
    Remove,
}
