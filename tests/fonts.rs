//! Every character of the bundled data renders from the bundled font, with no system fonts.

mod common;

#[test]
fn the_bundled_font_has_a_glyph_for_every_character_in_geodata() {
    let face = ttf_parser::Face::parse(crossings::ui::fonts::BUNDLED_FONT, 0).expect("the bundled font parses");
    let mut missing = std::collections::BTreeSet::new();
    for file in crossings::dataset::FILES {
        let text = std::fs::read_to_string(common::root().join("geodata").join(file)).unwrap();
        for c in text.chars().filter(|c| !c.is_ascii() && !c.is_control()) {
            if face.glyph_index(c).is_none() {
                missing.insert(c);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "glyphs missing from the bundled font (run python3 assets/fonts/subset.py): {missing:?}"
    );
}

#[test]
fn the_font_covers_every_script_the_atlas_names_places_in() {
    let face = ttf_parser::Face::parse(crossings::ui::fonts::BUNDLED_FONT, 0).unwrap();
    for c in ['延', '舞', '鶴', 'ả', 'ã', 'Ư', 'ơ', 'đ', 'Х', 'б', 'ア', 'の'] {
        assert!(face.glyph_index(c).is_some(), "{c}");
    }
}

#[test]
fn the_bundled_font_covers_every_non_ascii_character_the_interface_writes() {
    let face = ttf_parser::Face::parse(crossings::ui::fonts::BUNDLED_FONT, 0).unwrap();
    let mut missing = std::collections::BTreeSet::new();
    // Every file under src/ui, its folders included (src/ui/app/).
    let mut files = Vec::new();
    let mut dirs = vec![common::root().join("src/ui")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { dirs.push(path) } else { files.push(path) }
        }
    }
    assert!(files.iter().any(|f| f.ends_with("app/editing.rs")), "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for c in line.chars().filter(|c| !c.is_ascii()) {
                if face.glyph_index(c).is_none() {
                    missing.insert(c);
                }
            }
        }
    }
    assert!(missing.is_empty(), "interface characters without a glyph: {missing:?}");
}

/// A character the bundled font lacks (a user's Greek, Hangul or rare Han) is drawn from the
/// first system font that has it, as the window does, not as a missing-glyph box. Needs a
/// system font with Greek (DejaVu, which .ci/run installs).
#[test]
fn pictures_draw_a_character_the_bundled_font_lacks_from_a_system_font() {
    let font = crossings::picture::text::font().expect("the bundled font parses");
    assert!(!font.covers("θ"), "the bundled font has no Greek: the test needs a character it lacks");
    let db = crossings::picture::text::system_fonts();
    let greek = db.faces().any(|f| {
        db.with_face_data(f.id, |data, i| ttf_parser::Face::parse(data, i).ok().and_then(|f| f.glyph_index('θ')))
            .flatten()
            .is_some()
    });
    if !greek {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!in_ci, "CI must have a system font with Greek (fonts-dejavu-core; .ci/run installs it)");
        eprintln!("skipping: no system font with Greek");
        return;
    }
    let missing_box = font.outline("\u{10FFFD}", 12.0, 0.0, 0.0);
    let theta = font.outline("θ", 12.0, 0.0, 0.0);
    assert!(!theta.is_empty() && theta != missing_box, "θ is drawn, not as the missing-glyph box");
    assert!(font.width("θθ", 12.0) > 0.0);
}
