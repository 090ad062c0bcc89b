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
    for entry in std::fs::read_dir(common::root().join("src/ui")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
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
