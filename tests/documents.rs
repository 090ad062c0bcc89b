//! The bundled data, checked against the five source documents in `shared/seeds/`.
//!
//! Every assertion below was written from the documents alone, as a historian reading them
//! would expect the atlas to behave, and not from `geodata/events.json`. Each one is preceded
//! by a comment citing the document (by its number: `000` … `004`) and the line(s) that
//! justify it. For a time window, a place must show when a document states something dated in
//! that window at that place, and must stay hidden when none of the five documents (counting
//! background facts, later memorials and research) gives anything there in that window.
//!
//! A place shows when ANY of its events falls in the window. Most "must show" checks use
//! [`Match::is_shown`], because approximate or open-ended dates may show as merely possible; a
//! few, where a document gives a precise date, insist on [`Match::Certain`].
//!
//! The documents:
//! - `000` Japanese soldiers in the Eighth Route Army.
//! - `001` Japanese in the Chinese resistance (Peace Village at Changde, then Zhenyuan).
//! - `002` Japanese POWs in Soviet captivity.
//! - `003` Japanese officers who helped the Viet Minh.
//! - `004` The end of the Kwantung Army.

use crossings::chronology::{Match, TimeFilter, TimeWindow};
use crossings::dataset;
use crossings::model::Dataset;
use crossings::query::{Themes, visibility};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The bundled dataset.
fn atlas() -> Dataset {
    dataset::load(dataset::Input::Bundled, &Default::default()).expect("the bundled data loads").dataset
}

/// How the place `id` shows in `window` (an EDTF text), all themes on, undated events hidden;
/// with a listing of every event at the place and how it matched, for failure messages.
fn look(d: &Dataset, window: &str, id: &str) -> (Match, String) {
    let w = TimeWindow::parse(window).unwrap_or_else(|e| panic!("window {window:?} does not parse: {e}"));
    let vis = visibility(d, &TimeFilter::window(w), &Themes::default());
    let ix = d.place_by_id(id).unwrap_or_else(|| panic!("place {id:?} is not in geodata/places.geojson"));
    let listing: Vec<String> = d.place_events[ix.ix()]
        .iter()
        .map(|e| {
            let event = &d.events[e.ix()];
            format!("  {} [{}] -> {:?}", event.id, event.date, vis.events[e.ix()])
        })
        .collect();
    let listing = if listing.is_empty() { "  (no events at this place)".to_string() } else { listing.join("\n") };
    (vis.places[ix.ix()], listing)
}

/// The place must show in the window (certain or possible).
fn assert_shows(d: &Dataset, window: &str, id: &str, why: &str) {
    let (m, listing) = look(d, window, id);
    assert!(
        m.is_shown(),
        "window {window}: place {id} should SHOW but is {m:?}.\n  because {why}\nevents at {id}:\n{listing}"
    );
}

/// The place must show as certain in the window: a document states a precise date there.
fn assert_certain(d: &Dataset, window: &str, id: &str, why: &str) {
    let (m, listing) = look(d, window, id);
    assert_eq!(
        m,
        Match::Certain,
        "window {window}: place {id} should show as CERTAIN but is {m:?}.\n  because {why}\nevents at {id}:\n{listing}"
    );
}

/// The place must be hidden in the window: the documents give nothing there then.
fn assert_hidden(d: &Dataset, window: &str, id: &str, why: &str) {
    let (m, listing) = look(d, window, id);
    assert_eq!(
        m,
        Match::Hidden,
        "window {window}: place {id} should be HIDDEN but is {m:?}.\n  because {why}\nevents at {id}:\n{listing}"
    );
}

/// At least one of the places must show in the window (the document's wording allows more than
/// one of the atlas's places, e.g. "Japan" or the port of arrival).
fn assert_any_shows(d: &Dataset, window: &str, ids: &[&str], why: &str) {
    let found: Vec<(&str, Match, String)> = ids
        .iter()
        .map(|id| {
            let (m, listing) = look(d, window, id);
            (*id, m, listing)
        })
        .collect();
    let detail: Vec<String> = found.iter().map(|(id, m, l)| format!("{id}: {m:?}\n{l}")).collect();
    assert!(
        found.iter().any(|(_, m, _)| m.is_shown()),
        "window {window}: one of {ids:?} should SHOW, none does.\n  because {why}\n{}",
        detail.join("\n")
    );
}

/// At least one of the places must show as certain in the window.
fn assert_any_certain(d: &Dataset, window: &str, ids: &[&str], why: &str) {
    let found: Vec<(&str, Match, String)> = ids
        .iter()
        .map(|id| {
            let (m, listing) = look(d, window, id);
            (*id, m, listing)
        })
        .collect();
    let detail: Vec<String> = found.iter().map(|(id, m, l)| format!("{id}: {m:?}\n{l}")).collect();
    assert!(
        found.iter().any(|(_, m, _)| *m == Match::Certain),
        "window {window}: one of {ids:?} should show as CERTAIN, none does.\n  because {why}\n{}",
        detail.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// 000: Japanese soldiers in the Eighth Route Army
// ---------------------------------------------------------------------------------------------

#[test]
fn the_first_japanese_volunteers_stand_up_at_the_forward_headquarters_on_2_january_1939() {
    let d = atlas();
    // 000:2 "on January 2, 1939, at a New Year's gathering of the Eighth Route Army's forward
    // headquarters in Shanxi province": a precise day at a named place.
    assert_certain(&d, "1939-01-02", "eighth-route-army-forward-hq", "000:2 New Year's gathering, 2 January 1939");
    // 000:2-3 the same gathering, seen in a month window.
    assert_shows(
        &d,
        "1939-01",
        "eighth-route-army-forward-hq",
        "000:2-3 Maeda, Kobayashi and Okada enlist, January 1939",
    );
    // 000:9 the Eighth Route Army's prisoner policy dates from 1937; nothing in any document is
    // at its forward headquarters before the war.
    assert_hidden(&d, "1931/1936", "eighth-route-army-forward-hq", "000:9 the army's story starts in 1937");
    // 000:25-26, 001:33-38 after the war the volunteers are in Japan, Tokyo, Beijing, Fengzhen,
    // Tianjin; no document places anything at the wartime forward headquarters.
    assert_hidden(
        &d,
        "1950/1990",
        "eighth-route-army-forward-hq",
        "000:25-26 / 001:33-38 post-war lives are elsewhere",
    );
}

#[test]
fn the_battles_that_took_few_prisoners_are_pingxingguan_in_1937_and_taierzhuang_in_1938() {
    let d = atlas();
    // 000:5 "the 1937 Pingxingguan ambush yielded none".
    assert_shows(&d, "1937", "pingxingguan", "000:5 the 1937 Pingxingguan ambush");
    // 000:5 "The 1938 Taierzhuang victory netted only 700 captives".
    assert_shows(&d, "1938", "taierzhuang", "000:5 the 1938 Taierzhuang victory");
    // 000:5 Pingxingguan is named only for the 1937 ambush.
    assert_hidden(&d, "1938/1990", "pingxingguan", "000:5 only the 1937 ambush is there");
    // 000:5 Taierzhuang is named only for the 1938 battle.
    assert_hidden(&d, "1931/1937", "taierzhuang", "000:5 only the 1938 battle is there");
    // 000:5 same line: nothing at Taierzhuang after 1938.
    assert_hidden(&d, "1939/1990", "taierzhuang", "000:5 only the 1938 battle is there");
}

#[test]
fn maeda_is_captured_at_a_hebei_station_in_1938() {
    let d = atlas();
    // 000:6 Maeda was "captured while working at a Hebei train station in 1938".
    assert_shows(&d, "1938", "hebei", "000:6 Maeda captured at a Hebei station, 1938");
    // 000:6 Hebei appears only for that capture; nothing there before the war (001:17 war from 7 July 1937).
    assert_hidden(&d, "1931/1936", "hebei", "000:6 only Maeda's 1938 capture is in Hebei");
}

#[test]
fn the_last_veteran_is_honoured_in_beijing_in_2015() {
    let d = atlas();
    // 000:26 "In 2015, 96-year-old Kobayashi Kancho attended Beijing's WWII victory parade".
    assert_shows(&d, "2015", "beijing", "000:26 Kobayashi Kancho at the Beijing victory parade, 2015");
    // 001:46 "In September 2015 ... Kobayashi Kancho ... received a medal in Beijing."
    assert_shows(&d, "2015-09", "beijing", "001:46 medal in Beijing, September 2015");
}

// ---------------------------------------------------------------------------------------------
// 001: Japanese in the Chinese resistance
// ---------------------------------------------------------------------------------------------

#[test]
fn peace_village_is_at_changde_in_1938_and_zhenyuan_later() {
    let d = atlas();
    // 001:21 "In February 1938, the Nationalist government established a POW camp in Changde,
    // Hunan named 'Peace Village'": a stated month at a named place.
    assert_certain(&d, "1938-02", "changde", "001:21 Peace Village opened at Changde in February 1938");
    // 001:21 the camp did not exist before February 1938, and no document has anything else at Changde.
    assert_hidden(&d, "1937", "changde", "001:21 camp founded February 1938");
    // 001:21 the camp left Changde in March 1939; no document has anything later at Changde.
    assert_hidden(&d, "1940/1990", "changde", "001:21 camp moved away to Zhenyuan in March 1939");
    // 001:21 "relocated to Zhenyuan County, Guizhou Province, in March 1939".
    assert_certain(&d, "1939-03", "zhenyuan", "001:21 Peace Village moved to Zhenyuan in March 1939");
    // 001:21 so a 1939 window shows Zhenyuan.
    assert_shows(&d, "1939", "zhenyuan", "001:21 Peace Village at Zhenyuan from March 1939");
    // 001:21 in 1938 the camp was still at Changde: Zhenyuan hidden.
    assert_hidden(&d, "1938", "zhenyuan", "001:21 the camp only reached Zhenyuan in March 1939");
    // 001:21 before the camp was founded, nothing at Zhenyuan.
    assert_hidden(&d, "1931/1937", "zhenyuan", "001:21 the camp was founded in 1938 and moved in 1939");
    // 001:21 January and February 1939: still at Changde, the move is dated March 1939.
    assert_hidden(&d, "1939-01/1939-02", "zhenyuan", "001:21 the move is dated March 1939");
}

#[test]
fn the_japanese_communists_reach_chongqing_in_1938_and_yanan_in_1940() {
    let d = atlas();
    // 001:23 "Kaji Wataru ... would join the Chinese Nationalists in Chongqing in 1938."
    assert_shows(&d, "1938", "chongqing", "001:23 Kaji Wataru joins the Nationalists in Chongqing, 1938");
    // 001:19 "Nosaka Sanzo's arrival in Yanan in 1940"; 001:23 "join the Chinese Communists in Yenan in 1940".
    assert_shows(&d, "1940", "yanan", "001:19,23 Nosaka arrives in Yan'an, 1940");
    // 001:17,19,23 nothing at Yan'an is dated before the war broke out in 1937.
    assert_hidden(&d, "1931/1936", "yanan", "001:19,23 Yan'an only from the war on");
    // 001:17,23 nothing at Chongqing before the war either.
    assert_hidden(&d, "1931/1936", "chongqing", "001:23 Chongqing only from 1938");
}

#[test]
fn manchuria_is_invaded_in_1931_and_nosaka_speaks_to_the_comintern_in_1933() {
    let d = atlas();
    // 001:7,9 "the Japanese Invasion of Manchuria in 1931".
    assert_shows(&d, "1931", "manchuria", "001:7 invasion of Manchuria, 1931");
    // 001:11 "In 1933 ... Nosaka Sanzo ... in a speech at the 13th Plenum of the Executive Committee
    // of the Communist International" (the Comintern sat in Moscow; the document does not say so).
    assert_shows(&d, "1933", "moscow", "001:11 Nosaka's speech to the 13th ECCI Plenum, 1933");
}

#[test]
fn the_volunteers_who_stayed_in_china_lived_there_after_the_war() {
    let d = atlas();
    // 001:34 Kiyoshi Kobayashi "chose to stay in China ... dying in Tianjin in 1994".
    assert_shows(&d, "1994", "tianjin", "001:34 Kiyoshi Kobayashi dies in Tianjin, 1994");
    // 001:34 Tianjin is named only for his post-war life and death; nothing there in the war years.
    assert_hidden(&d, "1931/1944", "tianjin", "001:34 Tianjin only after the war");
    // 001:34 Kobayashi Kancho "stayed in China ... and later the People's Hospital in Fengzhen":
    // post-war, so nothing at Fengzhen during or before the war.
    assert_hidden(&d, "1931/1944", "fengzhen", "001:34 Fengzhen hospital work is after the war");
}

#[test]
fn those_who_went_home_reach_japan_in_1951_1955_and_1958() {
    let d = atlas();
    // 001:40 "In 1951, Nosaka Sanzo would be one of the victims of ... Post-War Red Purge in Japan";
    // 003:21 "beginning in 1951 these soldiers began to be repatriated".
    assert_any_shows(
        &d,
        "1951",
        &["japan", "tokyo", "maizuru"],
        "001:40 Red Purge in Japan; 003:21 repatriation from 1951",
    );
    // 001:38 "Kancho Kobayashi who returned to Japan in 1955".
    assert_any_shows(&d, "1955", &["japan", "maizuru", "tokyo"], "001:38 Kobayashi Kancho returns to Japan, 1955");
    // 001:36 "Mitsushige Maeda returned to Japan in 1958".
    assert_any_shows(&d, "1958", &["japan", "maizuru", "tokyo"], "001:36 Maeda returns to Japan, 1958");
}

#[test]
fn the_legacy_sites_and_research_show_only_after_the_war() {
    let d = atlas();
    // 000:22 Miyagawa died in a 1945 ambush; 001:44 his tombstone in the East China Martyr's
    // cemetery can only come after: nothing there during the war.
    assert_hidden(
        &d,
        "1937/1944",
        "east-china-martyrs-cemetery",
        "000:22 / 001:44 the grave follows his death in 1945",
    );
    // 001:50 the statues at Jianchuan Museum are a legacy; no wartime event is there.
    assert_hidden(&d, "1931/1945", "jianchuan-museum", "001:50 statues are a later memorial");
    // 001:50 Chengdu is named only for the sculptor's academy; nothing there in the war.
    assert_hidden(&d, "1931/1945", "chengdu", "001:50 Chengdu only as the sculptor's academy");
    // 001:56 "In 2004, the history research office of the Hubei Provincial Committee ... set up a research team".
    assert_shows(&d, "2004", "hubei", "001:56 Hubei research team, 2004");
    // 001:56 Hubei is named only for that research; nothing there in the war.
    assert_hidden(&d, "1931/1945", "hubei", "001:56 Hubei only for the 2004 research");
}

// ---------------------------------------------------------------------------------------------
// 002: Japanese POWs in Soviet captivity
// ---------------------------------------------------------------------------------------------

#[test]
fn the_soviet_offensive_of_august_1945_sweeps_manchuria_sakhalin_and_the_kuriles() {
    let d = atlas();
    // 002:9 "the lightning advance of the Red Army launched on August 9"; 002:11 "steamrolled into Manchuria".
    assert_shows(&d, "1945-08-09", "manchuria", "002:9,11 August Storm launched into Manchuria on 9 August 1945");
    // 002:11 "amphibious operations on southern Sakhalin Island"; 002:13 "in the weeks after August 9".
    assert_shows(&d, "1945-08/1945-09", "sakhalin", "002:11,13 Soviet landings on southern Sakhalin, August 1945");
    // 002:11 "... and on the Kurile Islands"; 002:13 "in the weeks after August 9".
    assert_shows(&d, "1945-08/1945-09", "kurile-islands", "002:11,13 Soviet landings on the Kuriles, August 1945");
    // 002:11 Sakhalin appears only for the 1945 operations.
    assert_hidden(&d, "1931/1944", "sakhalin", "002:11 Sakhalin only in the 1945 offensive");
    // 002:11 the Kuriles appear only for the 1945 operations.
    assert_hidden(&d, "1931/1944", "kurile-islands", "002:11 Kuriles only in the 1945 offensive");
}

#[test]
fn nomonhan_shows_in_1939_and_not_after() {
    let d = atlas();
    // 002:17 "culminating in the 1939 Nomonhan Incident".
    assert_shows(&d, "1939", "nomonhan", "002:17 the 1939 Nomonhan Incident");
    // 002:17 Nomonhan is named only for that incident.
    assert_hidden(&d, "1940/1990", "nomonhan", "002:17 only the 1939 incident is there");
}

#[test]
fn the_prisoners_are_held_in_siberia_from_1945_into_the_1950s() {
    let d = atlas();
    // 004:43 "the Soviets hauled the rest back to Siberia" (594,000 by October 1945); 002:15.
    assert_shows(&d, "1945", "siberia", "004:43 / 002:15 the prisoners are taken to Siberia in 1945");
    // 002:19 "Starting in late 1946 the USSR began to repatriate the POWs, freeing 625,000 in the following year".
    assert_shows(&d, "1947", "siberia", "002:19 625,000 freed from the camps in 1947");
    // 002:19 "in the spring of 1949 ... just 95,000 Japanese prisoners remained in Siberia".
    assert_shows(&d, "1949", "siberia", "002:19 95,000 still in Siberia, spring 1949");
    // 002:23 Yoshiro Ishihara "was not released from a Siberian camp until 1953".
    assert_shows(&d, "1953", "siberia", "002:23 Ishihara released from a Siberian camp, 1953");
    // 002:17 (the Siberian intervention of the Russian Civil War is before 1931) and 004:37,43:
    // the documents put nothing in Siberia between 1931 and the 1945 surrender.
    assert_hidden(&d, "1931/1944", "siberia", "002:17 / 004:43 Siberia is a place of captivity only from 1945");
}

#[test]
fn the_repatriation_ships_land_at_maizuru() {
    let d = atlas();
    // 002:5 "Japanese soldiers returned from a Soviet POW camp in Siberia. Maizuru, Japan, 1946."
    assert_shows(&d, "1946", "maizuru", "002:5 returnees from Siberia at Maizuru, 1946");
    // 002:5, 004:49,53 repatriation through Maizuru, 1946 to 1956.
    assert_shows(&d, "1946/1956", "maizuru", "002:5 / 004:49,53 Maizuru, port of repatriation");
    // 004:53 "some 660,000 Japanese POWs and civilians were sent back home ... in the late 1940s and early 1950s".
    assert_shows(&d, "1947/1953", "maizuru", "004:53 Maizuru in the late 1940s and early 1950s");
    // 004:49 "31 December 1956 ... arriving at Maizuru port in Japan": a precise day.
    assert_certain(&d, "1956-12", "maizuru", "004:49 returnees reach Maizuru on 31 December 1956");
    // 002:5, 004:49,53 Maizuru is named only as the port of return after the war.
    assert_hidden(&d, "1931/1944", "maizuru", "002:5 / 004:53 Maizuru only as the post-war repatriation port");
    // 004:53 the Maizuru Repatriation Memorial Museum commemorates the post-war returns: nothing
    // there before the war ended.
    assert_hidden(&d, "1931/1944", "maizuru-repatriation-museum", "004:53 the museum remembers post-war repatriation");
}

#[test]
fn the_remains_come_home_to_chidorigafuchi_in_may_2016() {
    let d = atlas();
    // 002:27,29 "In May 2016 ... remains of 2,337 Japanese service members were brought to the
    // Chidorigafuchi National Cemetery in Tokyo": a stated month at a named place.
    assert_certain(&d, "2016-05", "chidorigafuchi", "002:27,29 remains brought to Chidorigafuchi, May 2016");
    // 002:27,29 the cemetery is named only for that 2016 event.
    assert_hidden(&d, "1931/1958", "chidorigafuchi", "002:27 Chidorigafuchi only for the 2016 reburial");
}

// ---------------------------------------------------------------------------------------------
// 003: Japanese officers who helped the Viet Minh
// ---------------------------------------------------------------------------------------------

#[test]
fn the_quang_ngai_academy_comes_after_the_1945_surrender() {
    let d = atlas();
    // 003:17,19 the officers stayed "Immediately after the Armistice ended the Pacific War" and
    // taught "most notably at the Quảng Ngãi Military Academy": nothing there in 1939.
    assert_hidden(&d, "1939", "quang-ngai", "003:17,19 the academy follows the 1945 armistice");
    // 003:17,19 nor in 1941.
    assert_hidden(&d, "1941", "quang-ngai", "003:17,19 the academy follows the 1945 armistice");
    // 003:17 nor in the months of 1945 before the surrender.
    assert_hidden(&d, "1945-01/1945-07", "quang-ngai", "003:17 the academy follows the August 1945 armistice");
    // 003:14 Tanimoto was "an instructor at the Quảng Ngãi Military Academy until 1954"; 003:9,12-15.
    assert_shows(&d, "1946/1954", "quang-ngai", "003:9,12-15 Japanese instructors at Quảng Ngãi, up to 1954");
    // 003:14,21 the last instructor left in 1954 and repatriation began in 1951: nothing there later.
    assert_hidden(&d, "1960/1990", "quang-ngai", "003:14 instructors only until 1954");
}

#[test]
fn ishii_founds_the_tuy_hoa_academy_before_his_death_in_1950() {
    let d = atlas();
    // 003:9 Ishii "headed the Quảng Ngãi Military Academy for a while before founding the Tuy Hòa
    // Military Academy, and was killed by a land mine in 1950".
    assert_shows(&d, "1946/1950", "tuy-hoa", "003:9 Ishii founds the Tuy Hòa academy before 1950");
    // 003:9,17 the academy comes after the armistice; nothing at Tuy Hòa before.
    assert_hidden(&d, "1931/1944", "tuy-hoa", "003:9,17 Tuy Hòa academy is post-war");
}

#[test]
fn japanese_officers_fight_and_die_in_vietnam_in_1946() {
    let d = atlas();
    // 003:8 Mukaiyama "killed in combat in 1946"; 003:11 Igawa "killed in action against the French in 1946".
    assert_any_shows(
        &d,
        "1946",
        &["vietnam", "quang-ngai", "tuy-hoa"],
        "003:8,11 Mukaiyama and Igawa killed in Vietnam, 1946",
    );
    // 003:17 "some tens of thousands of Japanese veterans remained in Vietnam" after the armistice;
    // the documents say nothing of Vietnam in the 1930s.
    assert_hidden(&d, "1931/1939", "vietnam", "003:17 Vietnam only from the 1945 armistice");
    // 003:14 Tanimoto was "originally supposed to remain behind in Indonesia" at the war's end;
    // nothing in Indonesia in the 1930s.
    assert_hidden(&d, "1931/1940", "indonesia", "003:14 Indonesia only at the war's end");
}

// ---------------------------------------------------------------------------------------------
// 004: The end of the Kwantung Army
// ---------------------------------------------------------------------------------------------

#[test]
fn port_arthur_is_on_the_map_for_the_russo_japanese_war_and_the_baiyu_tower() {
    let d = atlas();
    // 004:33 "The Japanese Army used 203 Meter Hill in late 1904 to destroy the besieged Imperial
    // Russian Navy's Pacific Squadron".
    assert_any_shows(
        &d,
        "1904",
        &["hill-203", "port-arthur"],
        "004:33 siege of Port Arthur, 203 Meter Hill, late 1904",
    );
    // 004:33 "The Baiyu Tower, constructed by the Japanese in the 1930s to commemorate 1904-1905 war dead".
    assert_any_shows(
        &d,
        "1930/1939",
        &["port-arthur", "hill-203"],
        "004:33 Baiyu Tower built at Port Arthur in the 1930s",
    );
    // 004:7 the Kwantung Army was "Formed in 1906 in the aftermath of the Russo-Japanese War".
    assert_any_shows(&d, "1906", &["port-arthur", "dairen", "manchuria"], "004:7 Kwantung Army formed 1906");
}

#[test]
fn the_kwantung_army_surrenders_in_manchuria_in_august_1945() {
    let d = atlas();
    // 004:13 "Soviet Motorcyclist column ... in Manchuria, August 1945"; 004:17 on 16 August Yamada
    // orders the Kwantung Army to lay down its arms "at the feet of the invading Soviets in Manchuria".
    assert_shows(&d, "1945-08-16", "manchuria", "004:17 Yamada's surrender order in Manchuria, 16 August 1945");
    // 004:19 Hata "met with Soviet Field Marshal Aleksandr Vasilevsky in Harbin on the 19th" (of August 1945).
    assert_certain(&d, "1945-08-19", "harbin", "004:19 Hata meets Vasilevsky in Harbin, 19 August 1945");
    // 004:33 "Soviet Naval Infantry raising their flag on the famous 203 Meter Hill in Port Arthur ... 22 August 1945".
    assert_any_certain(
        &d,
        "1945-08-22",
        &["hill-203", "port-arthur"],
        "004:33 Soviet flag on 203 Meter Hill, 22 August 1945",
    );
    // 004:23 "Red paratroopers hit the silk into Heijō ... Pyongyang ... on 24 August".
    assert_certain(&d, "1945-08", "pyongyang", "004:23 Soviet paratroopers land at Pyongyang, 24 August 1945");
    // 004:23 "the same week as the Soviet Pacific Fleet arrived in Wonsan".
    assert_shows(&d, "1945-08", "wonsan", "004:23 Soviet Pacific Fleet at Wonsan, the week of 24 August 1945");
    // 004:23 Wonsan is named only for the fleet's arrival in 1945.
    assert_hidden(&d, "1931/1944", "wonsan", "004:23 Wonsan only in August 1945");
}

#[test]
fn the_surrender_spreads_to_tokyo_bay_nanking_and_peking() {
    let d = atlas();
    // 004:25 "a full week after the instruments of surrender were signed in Tokyo Bay" (9 September
    // less a week: 2 September 1945).
    assert_shows(&d, "1945-09", "tokyo-bay", "004:25 surrender signed in Tokyo Bay, early September 1945");
    // 004:25 Tokyo Bay is named only for the signing.
    assert_hidden(&d, "1931/1944", "tokyo-bay", "004:25 Tokyo Bay only for the 1945 signing");
    // 004:25 same line: nothing after the signing either.
    assert_hidden(&d, "1946/1990", "tokyo-bay", "004:25 Tokyo Bay only for the 1945 signing");
    // 004:25 "On 9 September ... 100,000 Japanese troops in Nanking laid down their arms": a precise day.
    assert_certain(&d, "1945-09", "nanjing", "004:25 surrender at Nanking, 9 September 1945");
    // 004:25 Nanking is named only for that surrender.
    assert_hidden(&d, "1931/1944", "nanjing", "004:25 Nanking only for the 1945 surrender");
    // 004:27 "Japanese surrender in Peking (Beijing), China to combined U.S./British/KMT forces, October 1945".
    assert_shows(&d, "1945-10", "beijing", "004:27 surrender in Peking, October 1945");
}

#[test]
fn soviet_garrisons_hold_the_manchurian_hubs_until_1955() {
    let d = atlas();
    // 004:29 "keep troops in the Manchurian hubs of Mukden, Harbin, Dairen, and Port Arthur ... until 1955".
    for id in ["mukden", "harbin", "dairen", "port-arthur"] {
        assert_shows(&d, "1950", id, "004:29 Soviet troops in the Manchurian hubs until 1955");
    }
    // 004:29 the same garrisons, in their last year.
    assert_shows(&d, "1955", "port-arthur", "004:29 Soviet troops at Port Arthur until 1955");
    // 004:31 "PPS-43 armed Soviet tankers in Mukden, 1946."
    assert_shows(&d, "1946", "mukden", "004:31 Soviet tankers in Mukden, 1946");
    // 004:29,31 Mukden appears only for the post-war Soviet presence: nothing there in January 1945.
    assert_hidden(&d, "1945-01", "mukden", "004:29,31 Mukden only for the Soviet garrison from August 1945");
    // 004:29,31 nor in the years before (the documents do not place the 1931 invasion at Mukden).
    assert_hidden(&d, "1936/1944", "mukden", "004:29,31 Mukden only for the Soviet garrison");
    // 004:29 after the Soviets left in 1955, no document has anything at these hubs.
    for id in ["mukden", "dairen", "port-arthur"] {
        assert_hidden(&d, "1960/1990", id, "004:29 garrisons end 1955; nothing later there");
    }
}

#[test]
fn hata_was_at_versailles_in_1919_and_his_aizu_roots_are_undated() {
    let d = atlas();
    // 004:21 Hata was "a member of the Japanese delegation to the Versailles Peace Treaty negotiations ... in 1919".
    assert_certain(&d, "1919", "versailles", "004:21 Hata at Versailles, 1919");
    // 004:21 Versailles is named only for 1919.
    assert_hidden(&d, "1920/1990", "versailles", "004:21 Versailles only in 1919");
    // 004:19 Hata is the "son of a samurai of the Aizu domain": no date, so Aizu shows in no window.
    assert_hidden(&d, "1900/1990", "aizu", "004:19 Aizu is named without any date");
}

/// Document 003: Ishii "headed the Quảng Ngãi Military Academy for a while before founding the
/// Tuy Hòa Military Academy, and was killed by a land mine in 1950". The dates do not order the
/// two academies (both only "between August 1945 and 1950"); the data's `after` does, so his
/// events and his journey run Quảng Ngãi, Tuy Hòa, death.
#[test]
fn ishii_heads_quang_ngai_then_founds_tuy_hoa_then_dies() {
    let d = atlas();
    let ishii = d.person_by_id("ishii-takuo").expect("Ishii");
    let order: Vec<&str> = d.person_events[ishii.ix()].iter().map(|e| d.events[e.ix()].id.as_str()).collect();
    let at = |id: &str| order.iter().position(|x| *x == id).unwrap_or_else(|| panic!("{id} not among {order:?}"));
    assert!(
        at("undated-ishii-takuo-heads-quang-ngai-academy") < at("undated-ishii-takuo-founds-tuy-hoa-academy"),
        "{order:?}"
    );
    assert!(at("undated-ishii-takuo-founds-tuy-hoa-academy") < at("1950-ishii-takuo-killed"), "{order:?}");
    let vis = visibility(&d, &TimeFilter::all(), &Themes::default());
    let stops: Vec<(f64, f64)> =
        crossings::scene::journey(&d, &vis, Some(ishii)).iter().map(|s| (s.lon_lat.lon, s.lon_lat.lat)).collect();
    let place = |id: &str| {
        let p = d.place(d.place_by_id(id).expect(id)).lon_lat;
        (p.lon, p.lat)
    };
    assert_eq!(stops, vec![place("quang-ngai"), place("tuy-hoa")], "the arrow runs Quảng Ngãi → Tuy Hòa");
}
