#!/usr/bin/env python3
"""Writes country-codes.tsv: each Natural Earth country name of world-atlas 2.0.2 with its
ISO 3166-1 alpha-2 code, from the numeric code world-atlas gives each country (its `id`) and
Debian's iso-codes table (numeric to alpha-2). Linked Places exports read it (`ccodes`).

Usage: python3 assets/basemap/codes.py ../shared/basemap/world-atlas-2.0.2 \
           /usr/share/iso-codes/json/iso_3166-1.json
"""
import json
import sys

atlas, iso_path = sys.argv[1], sys.argv[2]
alpha2 = {c["numeric"]: c["alpha_2"] for c in json.load(open(iso_path))["3166-1"]}
names = {}
for level in ["110m", "50m", "10m"]:
    topo = json.load(open(f"{atlas}/countries-{level}.json"))
    for g in topo["objects"]["countries"]["geometries"]:
        code = alpha2.get(g.get("id"))
        if code:
            names.setdefault(g["properties"]["name"], code)
with open("assets/basemap/country-codes.tsv", "w") as out:
    out.write("# Natural Earth name\tISO 3166-1 alpha-2 (made by codes.py)\n")
    for name in sorted(names):
        out.write(f"{name}\t{names[name]}\n")
