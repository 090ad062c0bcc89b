#!/usr/bin/env python3
"""Sanity checks for the GeoJSON written by convert.py (needs shapely).

    python3 assets/basemap/check.py [BASEMAP_DIR]
"""
import json
import math
import os
import sys

import shapely
from shapely.geometry import Point, box, shape

D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
BBOX = (60.0, -12.0, 180.0, 78.0)
FILES = ["land-110m", "land-50m", "land-10m", "borders-110m", "borders-50m",
         "borders-10m", "countries-50m"]
problems = []


def ring_area2(r):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:]))


def check_ring(name, r, ccw):
    if len(r) < 4:
        problems.append(f"{name}: ring with {len(r)} points")
    if r[0] != r[-1]:
        problems.append(f"{name}: ring not closed")
    if any(a == b for a, b in zip(r, r[1:])):
        problems.append(f"{name}: repeated consecutive point")
    a = ring_area2(r)
    if a == 0:
        problems.append(f"{name}: zero-area ring")
    elif (a > 0) != ccw:
        problems.append(f"{name}: wrong winding ({'exterior' if ccw else 'hole'})")


def check_coords(name, pts, clipped):
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if abs(x1 - x0) > 180 and not (y0 == y1 and abs(y0) == 90):  # pole edge ok
            problems.append(f"{name}: segment jumps the antimeridian")
            break
    for x, y in pts:
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            problems.append(f"{name}: coordinate out of range {x},{y}")
            break
        if clipped and not (BBOX[0] <= x <= BBOX[2] and BBOX[1] <= y <= BBOX[3]):
            problems.append(f"{name}: coordinate outside bbox {x},{y}")
            break


data = {}
print(f"{'file':22s} {'bytes':>10s} {'feats':>6s} {'points':>8s}  geometry types")
total = 0
for f in FILES:
    path = os.path.join(D, f + ".geojson")
    with open(path, encoding="utf-8") as fh:
        fc = json.load(fh)
    assert fc["type"] == "FeatureCollection"
    data[f] = fc
    clipped = f in ("land-50m", "land-10m", "borders-50m", "borders-10m")
    npts, types, invalid = 0, {}, 0
    for i, ft in enumerate(fc["features"]):
        assert ft["type"] == "Feature" and isinstance(ft["properties"], dict)
        g = ft["geometry"]
        types[g["type"]] = types.get(g["type"], 0) + 1
        tag = f"{f}#{i}"
        if g["type"] in ("Polygon", "MultiPolygon"):
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            for p in polys:
                for k, r in enumerate(p):
                    check_ring(tag, r, ccw=(k == 0))
                    check_coords(tag, r, clipped)
                    npts += len(r)
            if not shape(g).is_valid:
                invalid += 1
                problems.append(f"{tag}: shapely invalid: {shapely.is_valid_reason(shape(g))}")
        else:
            lines = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
            for l in lines:
                if len(l) < 2 or any(a == b for a, b in zip(l, l[1:])):
                    problems.append(f"{tag}: degenerate line / repeated point")
                check_coords(tag, l, clipped)
                npts += len(l)
    if f.startswith("countries"):
        for ft in fc["features"]:
            assert list(ft["properties"]) == ["name"], ft["properties"]
    size = os.path.getsize(path)
    total += size
    print(f"{f:22s} {size:>10,d} {len(fc['features']):>6d} {npts:>8d}  {types}"
          + (f"  INVALID={invalid}" if invalid else ""))
print(f"{'total':22s} {total:>10,d}")


def geoms(f):
    return [shape(ft["geometry"]) for ft in data[f]["features"]]


def km_to(geom_list, lon, lat):
    """Distance (km) from a point to the nearest geometry, local equirectangular."""
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    pt = Point(lon, lat)
    win = box(lon - 2, lat - 2, lon + 2, lat + 2)
    best = math.inf
    for g in geom_list:
        if not g.intersects(win):
            continue
        if g.contains(pt):
            return 0.0
        gl = shapely.transform(g.intersection(win), lambda c: (c - [lon, lat]) * [kx, ky])
        best = min(best, gl.distance(Point(0, 0)))
    return best


def country_of(lon, lat):
    pt = Point(lon, lat)
    hits = [ft["properties"]["name"] for ft, g in zip(data["countries-50m"]["features"],
                                                      geoms("countries-50m")) if g.covers(pt)]
    return hits


land10 = geoms("land-10m")
land50 = geoms("land-50m")
land110 = geoms("land-110m")
print("\nplace                      lon      lat   km to land 10m/50m/110m  countries-50m")
places = [
    ("Harbin", 126.63, 45.75, "China"),
    ("Maizuru", 135.33, 35.47, "Japan"),
    ("Yan'an", 109.49, 36.59, "China"),
    ("Quang Ngai", 108.80, 15.12, "Vietnam"),
    ("Yuzhno-Sakhalinsk", 142.73, 46.96, "Russia"),
    ("Kurilsk (Iturup)", 147.88, 45.23, "Russia"),
    ("Nakhodka", 132.87, 42.82, "Russia"),
    ("Irkutsk", 104.28, 52.29, "Russia"),
    ("Simferopol (Crimea)", 34.10, 44.95, None),
]
for name, lon, lat, want in places:
    d = [km_to(g, lon, lat) for g in (land10, land50, land110)]
    c = country_of(lon, lat)
    flag = ""
    if want and want not in c:
        flag = "  <-- expected " + want
    if name in ("Harbin", "Maizuru", "Yan'an") and d[0] > 10:
        problems.append(f"{name} is {d[0]:.1f} km from land-10m")
    if name == "Harbin" and "China" not in c:
        problems.append("Harbin not in China in countries-50m")
    ds = "/".join("inf" if x == math.inf else f"{x:.1f}" for x in d)
    print(f"{name:22s} {lon:8.2f} {lat:8.2f}   {ds:>22s}   {c}{flag}")

# borders must be internal: vertices should mostly lie strictly inside land
for f, lf in (("borders-50m", land50), ("borders-10m", land10)):
    tree = shapely.STRtree(lf)
    inside = near_coast = 0
    for g in geoms(f):
        for x, y in shapely.get_coordinates(g):
            p = Point(x, y)
            idx = tree.query(p.buffer(0.05))
            if any(lf[i].contains(p) and lf[i].exterior.distance(p) > 0.05 for i in idx):
                inside += 1
            else:
                near_coast += 1
    print(f"{f}: {inside} border vertices >0.05 deg inside land, {near_coast} near coast/bbox/lakes")

names = {(ft["properties"]["a"], ft["properties"]["b"]) for ft in data["borders-50m"]["features"]}
for pair in [("China", "Russia"), ("China", "North Korea"), ("China", "Mongolia"),
             ("China", "Vietnam"), ("Mongolia", "Russia"), ("North Korea", "South Korea")]:
    print(f"borders-50m has {pair}: {pair in names}")
print("countries-50m:", ", ".join(ft["properties"]["name"] for ft in data["countries-50m"]["features"]))
a50 = sum(g.area for g in land50)
a10 = sum(g.area for g in land10)
a110 = sum(g.intersection(box(*BBOX)).area for g in land110)
print(f"land area in bbox (deg^2): 110m {a110:.1f}  50m {a50:.1f}  10m {a10:.1f}")

print("\nPROBLEMS:" if problems else "\nno problems found")
for p in problems[:50]:
    print("  ", p)
sys.exit(1 if problems else 0)
