//! The crate's layout holds: the domain modules never import the UI toolkit, and the modules
//! import each other without cycles (at the top level, and among the window's modules).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The code of a file without comment lines (docs name other modules freely).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `.rs` file under a path (or the file itself).
fn files(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out
}

/// The names that follow `prefix` in the code (`crate::dataset::load` gives `dataset`).
fn referenced(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| text[i + prefix.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .filter(|s: &String| !s.is_empty())
        .collect()
}

/// A cycle in the graph, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            return Some(path[at..].to_vec());
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// The modules under `dir` (files and folders), each with the sibling modules it names.
fn graph(dir: &Path, prefix: &str) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|m| !["lib", "main", "mod"].contains(&m.as_str()))
        .collect();
    modules
        .iter()
        .map(|m| {
            let path = if dir.join(m).is_dir() { dir.join(m) } else { dir.join(format!("{m}.rs")) };
            let names: BTreeSet<String> = files(&path)
                .iter()
                .flat_map(|f| referenced(&code(f), prefix))
                .filter(|n| n != m && modules.contains(n))
                .collect();
            (m.clone(), names)
        })
        .collect()
}

#[test]
fn the_domain_modules_never_import_the_window_toolkit() {
    let src = common::root().join("src");
    let domain = [
        "model",
        "chronology",
        "dataset",
        "edit",
        "export",
        "import",
        "overlay",
        "basemap",
        "scene",
        "picture",
        "palette.rs",
        "query.rs",
        "geometry.rs",
        "generate.rs",
        "icon.rs",
    ];
    for module in domain {
        for f in files(&src.join(module)) {
            let text = code(&f);
            for toolkit in ["egui", "walkers", "rfd", "eframe", "crate::ui"] {
                assert!(!text.contains(toolkit), "{} uses {toolkit}", f.display());
            }
        }
    }
}

#[test]
fn the_modules_import_each_other_without_cycles() {
    let src = common::root().join("src");
    let top = graph(&src, "crate::");
    assert!(top.get("dataset").is_some_and(|d| d.contains("basemap")), "the scan sees imports: {top:?}");
    assert_eq!(cycle(&top), None, "top-level modules: {top:?}");
    let ui = graph(&src.join("ui"), "super::");
    assert!(ui.get("map").is_some_and(|d| d.contains("view")), "the scan sees imports: {ui:?}");
    assert_eq!(cycle(&ui), None, "the window's modules: {ui:?}");
    // The checker itself finds a cycle when there is one.
    let mut with_cycle = ui.clone();
    with_cycle.entry("view".to_owned()).or_default().insert("map".to_owned());
    assert!(cycle(&with_cycle).is_some());
}
