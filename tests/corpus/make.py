#!/usr/bin/env python3
"""Writes the malformed-dataset corpus: each folder is tests/fixtures/minimal with one thing
broken. `expected.txt` in each holds the exact problems `crossings validate` must report
(paths relative to the folder). Run from the repository root:

    python3 tests/corpus/make.py && for d in tests/corpus/*/; do \
      cargo run -q -- validate --data "$d" | sed "s|$d||" | grep -v ': [0-9]* places, ' | grep -v ' problems\\?$' > "$d/expected.txt"; done

then read every expected.txt before committing: the messages are the specification.
"""
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests/fixtures/minimal"
OUT = ROOT / "tests/corpus"


def load(name):
    return (MINIMAL / name).read_text(encoding="utf-8")


def case(name, **files):
    d = OUT / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for f in ["sources.json", "places.geojson", "people.json", "events.json"]:
        content = files.get(f.replace(".", "_"), load(f))
        if content is None:
            continue
        if isinstance(content, bytes):
            (d / f).write_bytes(content)
        else:
            (d / f).write_text(content, encoding="utf-8")


def edit(name, f, fn):
    data = json.loads(load(f))
    fn(data)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


P, E, H, S = "places.geojson", "events.json", "people.json", "sources.json"

case("truncated-places", places_geojson=load(P)[: len(load(P)) // 2])
case("truncated-events", events_json=load(E)[:300])
case("empty-events-file", events_json="")
case("invalid-utf8", events_json=load(E).encode().replace(b"Surrender", b"Surr\xffnder"))
case("lone-surrogate-escape", events_json=load(E).replace("A test event.", "A test \\ud800 event."))
case("wrong-type-longitude", places_geojson=load(P).replace("[126.63, 45.75]", '["126.63", 45.75]'))
case("wrong-type-people-object", people_json='{"id": "a-soldier"}\n')
case("wrong-type-date-number", events_json=load(E).replace('"date": "1945-08-19"', '"date": 1945'))
case("missing-title", events_json=edit("", E, lambda d: d[0].pop("title")))
case("missing-precision", places_geojson=edit("", P, lambda d: d["features"][0]["properties"].pop("precision")))
case("missing-feature-id", places_geojson=edit("", P, lambda d: d["features"][1].pop("id")))
case("nan-coordinate", places_geojson=load(P).replace("[126.63, 45.75]", "[NaN, 45.75]"))
case("infinite-coordinate", places_geojson=load(P).replace("[126.63, 45.75]", "[1e400, 45.75]"))
case("latitude-out-of-range", places_geojson=load(P).replace("[126.63, 45.75]", "[126.63, 95.0]"))
case("longitude-out-of-range", places_geojson=load(P).replace("[126.63, 45.75]", "[-200.0, 45.75]"))
case("swapped-coordinates", places_geojson=load(P).replace("[126.63, 45.75]", "[45.75, 126.63]"))
case("point-in-the-sea", places_geojson=load(P).replace("[135.3333, 35.4667]", "[150.0, 30.0]"))
case("impossible-day", events_json=load(E).replace('"1945-08-19"', '"1945-02-30"'))
case("five-digit-year", events_json=load(E).replace('"1945-08-19"', '"99999"'))
case("month-thirteen", events_json=load(E).replace('"1945-08-19"', '"1945-13"'))
case("date-in-words", events_json=load(E).replace('"1945-08-19"', '"19 August 1945"'))
case("interval-backwards", events_json=load(E).replace('"1945-08-19"', '"1956/1945"'))
case("dangling-place", events_json=load(E).replace('"place": "harbin"', '"place": "atlantis"'))
case("dangling-person", events_json=load(E).replace('"people": ["a-soldier"],\n    "title": "Surrender', '"people": ["a-soldier", "nobody"],\n    "title": "Surrender'))
case("dangling-source", events_json=load(E).replace('"sources": ["src-a"]\n  },\n  {\n    "id": "1956', '"sources": ["src-z"]\n  },\n  {\n    "id": "1956'))
case("dangling-tie", people_json=edit("", H, lambda d: d[0].__setitem__("places", [{"place": "atlantis"}])))
case("duplicate-place-id", places_geojson=load(P).replace('"id": "maizuru"', '"id": "harbin"'))
case("duplicate-event-id", events_json=load(E).replace('"id": "1956-12-return"', '"id": "1945-08-19-surrender"'))
case("duplicate-person-id", people_json=edit("", H, lambda d: d.append(dict(d[0]))))
case("bad-id", events_json=load(E).replace('"id": "1956-12-return"', '"id": "Return/../../etc"'))
case("numeric-feature-id", places_geojson=load(P).replace('"id": "maizuru"', '"id": 7'))
case("bad-language-tag", places_geojson=load(P).replace('"lang": "ja"', '"lang": "japanese!"'))
case("empty-name", people_json=load(H).replace('"name": "A Soldier"', '"name": ""'))
case("figure-high-below-low", events_json=load(E).replace('"low": 1000, "high": 1000', '"low": 1000, "high": 10'))
case("unknown-field", events_json=load(E).replace('"summary": "Undated."', '"sumary": "Undated."'))
case("not-a-feature-collection", places_geojson='{"type": "Feature", "features": []}\n')
case("line-instead-of-point", places_geojson=load(P).replace('"type": "Point", "coordinates": [126.63, 45.75]', '"type": "LineString", "coordinates": [[126.63, 45.75], [127, 46]]'))
case("one-coordinate", places_geojson=load(P).replace("[126.63, 45.75]", "[126.63]"))
case("deeply-nested", events_json=load(E).rstrip().rstrip("]") + ",\n  " + "[" * 300 + "]" * 300 + "\n]\n")
case("no-sources-file", sources_json=None)
case("empty-folder", sources_json=None, places_geojson=None, people_json=None, events_json=None)
print("corpus written:", len([d for d in OUT.iterdir() if d.is_dir()]), "datasets")
case("deeply-nested-coordinates", places_geojson=load(P).replace("[126.63, 45.75]", "[" + "[" * 5000 + "]" * 5000 + ", 45.75]"))
print("corpus now:", len([d for d in OUT.iterdir() if d.is_dir()]), "datasets")
