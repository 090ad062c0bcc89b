#!/usr/bin/env python3
"""Convert the world-atlas 2.0.2 TopoJSON (Natural Earth 4.1.0) into the small
RFC 7946 GeoJSON basemap files used by Crossings.

Usage (from the repository root):

    pip install shapely          # shapely >= 2.1 from PyPI (pulls in numpy)
    python3 assets/basemap/convert.py /work/shared/basemap/world-atlas-2.0.2

The first argument is the directory holding land-*.json and countries-*.json
from the world-atlas npm package.  An optional second argument is the output
directory (default: the directory of this script).  --simplify-10m DEG
applies a topology-preserving simplification (e.g. 0.005) to the two 10m
outputs; it is off by default because the unsimplified total is ~3.0 MB.

Requirements: Python 3.11 and shapely >= 2.1 (`pip install shapely`, from
PyPI).  shapely is used for antimeridian cutting, bbox clipping, snapping to
the rounding grid (set_precision) and, for 10m, simplification.

What it does
------------
* Decodes the TopoJSON: quantized, delta-encoded arcs with a transform; an arc
  index i < 0 means arc ~i reversed; arcs of a ring are concatenated dropping
  the first point of every arc after the first.
* world-atlas polygons are *spherical* (they were "geostitched": Russia/
  Chukotka, Fiji and Antarctica cross the antimeridian as one ring, and
  Antarctica's ring encircles the south pole).  Every ring is therefore
  unwrapped to continuous longitudes, pole-encircling rings are closed along
  lat +-90, and the result is cut back into [-180, 180] (RFC 7946 s3.1.9).
* Writes (all coordinates lon,lat WGS84 degrees):
    land-110m.geojson       world land, 2 decimals
    land-50m.geojson        land clipped to BBOX, 2 decimals
    land-10m.geojson        land clipped to BBOX, 3 decimals (optionally
                            simplified, see --simplify-10m)
    borders-110m.geojson    internal land borders (TopoJSON mesh a != b), world
    borders-50m.geojson     same, clipped to BBOX, 2 decimals
    borders-10m.geojson     same, clipped to BBOX, 3 decimals
    countries-50m.geojson   unclipped country MultiPolygons ({"name"} only)
                            for every country intersecting BBOX, 2 decimals
    countries-110m.geojson  every country of the world, 1 decimal (checks
                            places outside BBOX)
* Polygons are snapped to the decimal grid with shapely.set_precision (keeps
  them valid), then re-checked in plain Python on the exact written numbers:
  no repeated consecutive points, rings closed, >= 4 points, non-zero area,
  exterior rings counter-clockwise and holes clockwise.
"""

import json
import os
import sys

import shapely
from shapely.geometry import MultiLineString, Polygon, box
from shapely.ops import linemerge

BBOX = (60.0, -12.0, 180.0, 78.0)  # lon_min, lat_min, lon_max, lat_max
SIMPLIFY_10M = 0.0                 # degrees; 0 = off (--simplify-10m 0.005
                                   # brings the total from ~3.0 to ~2.1 MB)

# --------------------------------------------------------------------------
# TopoJSON decoding


class Topology:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            topo = json.load(f)
        if topo.get("type") != "Topology":
            raise ValueError(f"{path}: not a TopoJSON Topology")
        self.objects = topo["objects"]
        tr = topo.get("transform")
        self.arcs = []
        for arc in topo["arcs"]:
            if tr:
                (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
                x = y = 0
                pts = []
                for p in arc:
                    x += p[0]
                    y += p[1]
                    pts.append((x * sx + tx, y * sy + ty))
            else:
                pts = [(p[0], p[1]) for p in arc]
            self.arcs.append(pts)

    def arc(self, i):
        return self.arcs[i] if i >= 0 else self.arcs[~i][::-1]

    def ring(self, arc_ids):
        out = []
        for i in arc_ids:
            pts = self.arc(i)
            out.extend(pts if not out else pts[1:])
        return out

    def polygons(self, geom):
        """Return list of polygons, each a list of rings (lists of (x, y))."""
        t = geom.get("type")
        if t == "Polygon":
            polys = [geom["arcs"]]
        elif t == "MultiPolygon":
            polys = geom["arcs"]
        else:
            return []
        return [[self.ring(r) for r in p] for p in polys]


# --------------------------------------------------------------------------
# Spherical -> planar (antimeridian cut)


def unwrap(ring):
    """Make longitudes continuous (|dlon| <= 180 between neighbours).

    Returns (points, net) where net is the total longitude change around the
    closed ring (0 for ordinary rings, +-360 for rings around a pole).
    """
    out = [ring[0]]
    off = 0.0
    for x, y in ring[1:]:
        px = out[-1][0]
        xx = x + off
        while xx - px > 180:
            xx -= 360
            off -= 360
        while xx - px < -180:
            xx += 360
            off += 360
        out.append((xx, y))
    net = round(out[-1][0] - out[0][0])
    return out, net


def planar_ring(ring):
    pts, net = unwrap(ring)
    if net != 0:  # encircles a pole: close the ring along the pole
        pole = -90.0 if sum(p[1] for p in pts) < 0 else 90.0
        pts = pts + [(pts[-1][0], pole), (pts[0][0], pole), pts[0]]
    return pts


def polygonal_parts(g):
    if g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g]
    if g.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for p in g.geoms:
            out.extend(polygonal_parts(p))
        return out
    return []


def make_valid(g):
    if g.is_valid:
        return g
    return shapely.make_valid(g, method="structure", keep_collapsed=False)


def cut_antimeridian(g):
    """Cut a planar geometry with longitudes possibly outside [-180, 180]."""
    xmin, _, xmax, _ = g.bounds
    if xmin >= -180 and xmax <= 180:
        return polygonal_parts(g)
    out = []
    for k in (-720, -360, 0, 360, 720):
        window = box(-180 + k, -90, 180 + k, 90)
        if not g.intersects(window):
            continue
        piece = g.intersection(window)
        if k:
            piece = shapely.transform(piece, lambda c, k=k: c - [k, 0])
        out.extend(polygonal_parts(piece))
    return out


def to_shapely_polygons(topo_polys):
    """TopoJSON polygons (list of ring lists) -> list of valid planar Polygons."""
    result = []
    for rings in topo_polys:
        rings = [r for r in rings if len(r) >= 4]
        if not rings:
            continue
        shell = Polygon(planar_ring(rings[0]))
        holes = []
        for r in rings[1:]:
            h = planar_ring(r)
            hp = make_valid(Polygon(h))
            if hp.is_empty:
                continue
            rp = hp.representative_point()
            for k in (0, 360, -360, 720, -720):
                if shell.contains(shapely.transform(rp, lambda c, k=k: c + [k, 0])):
                    holes.append([(x + k, y) for x, y in h])
                    break
            else:
                holes.append(h)
        poly = make_valid(Polygon(shell.exterior.coords, holes))
        result.extend(cut_antimeridian(poly))
    return result


def split_line_at_antimeridian(pts):
    """Split a lon/lat polyline wherever it jumps across the antimeridian."""
    lines, cur = [], [pts[0]]
    for p in pts[1:]:
        if abs(p[0] - cur[-1][0]) > 180:
            # interpolate the crossing latitude
            (x0, y0), (x1, y1) = cur[-1], p
            edge = 180.0 if x0 > 0 else -180.0
            x1u = x1 + 360 if x0 > 0 else x1 - 360
            t = (edge - x0) / (x1u - x0) if x1u != x0 else 0
            yc = y0 + t * (y1 - y0)
            cur.append((edge, yc))
            lines.append(cur)
            cur = [(-edge, yc), p]
        else:
            cur.append(p)
    lines.append(cur)
    return [l for l in lines if len(l) >= 2]


# --------------------------------------------------------------------------
# Rounding / ring hygiene on the exact written numbers


def rnum(v, nd):
    v = round(v, nd)
    if v == 0:
        return 0
    if v == int(v):
        return int(v)
    return v


def ring_area2(ring):
    """Twice the signed planar area (positive = counter-clockwise)."""
    s = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        s += x0 * y1 - x1 * y0
    return s


def clean_ring(coords, nd, ccw):
    out = []
    for x, y in coords:
        p = [rnum(x, nd), rnum(y, nd)]
        if out and out[-1] == p:
            continue                      # repeated consecutive point
        if len(out) >= 2 and out[-2] == p:
            out.pop()                     # spike A,B,A -> A
            continue
        out.append(p)
    # same two rules across the closing point
    while len(out) >= 3:
        if out[0] == out[-1]:
            out.pop()
        elif out[-2] == out[0]:
            out.pop()
        elif out[1] == out[-1]:
            out.pop(0)
        else:
            break
    if len(out) < 3:
        return None
    out.append(list(out[0]))              # close the ring
    a2 = ring_area2(out)
    if a2 == 0:
        return None
    if (a2 > 0) != ccw:
        out.reverse()
    return out


def clean_polygon(poly, nd):
    ext = clean_ring(poly.exterior.coords, nd, ccw=True)
    if ext is None:
        return None
    rings = [ext]
    for hole in poly.interiors:
        h = clean_ring(hole.coords, nd, ccw=False)
        if h is not None:
            rings.append(h)
    return rings


def snap_polygons(polys, nd, simplify=0.0):
    """set_precision + orient + exact-number hygiene -> list of ring lists."""
    grid = 10.0 ** -nd
    out = []
    for p in polys:
        g = p
        if simplify:
            g = g.simplify(simplify, preserve_topology=True)
        g = shapely.set_precision(g, grid)
        for q in polygonal_parts(g):
            rings = clean_polygon(q, nd)
            if rings is not None:
                out.append(rings)
    return out


def clean_line(coords, nd):
    out = []
    for x, y in coords:
        p = [rnum(x, nd), rnum(y, nd)]
        if not out or p != out[-1]:
            out.append(p)
    return out if len(out) >= 2 else None


# --------------------------------------------------------------------------
# Output


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def write_fc(path, features):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(dumps(ft) for ft in features))
        f.write("\n]}\n")
    return os.path.getsize(path)


def feature(geometry, properties=None):
    return {"type": "Feature", "properties": properties or {},
            "geometry": geometry}


# --------------------------------------------------------------------------
# Products


def land(in_dir, res, clip, nd, simplify=0.0):
    topo = Topology(os.path.join(in_dir, f"land-{res}.json"))
    polys = []
    for g in topo.objects["land"]["geometries"]:
        polys.extend(to_shapely_polygons(topo.polygons(g)))
    if clip:
        b = box(*BBOX)
        clipped = []
        for p in polys:
            if p.intersects(b):
                clipped.extend(polygonal_parts(p.intersection(b)))
        polys = clipped
    rings_list = snap_polygons(polys, nd, simplify)
    # biggest first (nice for renderers that draw in order)
    rings_list.sort(key=lambda r: -abs(ring_area2(r[0])))
    return [feature({"type": "Polygon", "coordinates": r}) for r in rings_list]


def borders(in_dir, res, clip, nd, simplify=0.0):
    """TopoJSON mesh(countries, (a, b) => a !== b), grouped by country pair."""
    topo = Topology(os.path.join(in_dir, f"countries-{res}.json"))
    geoms = topo.objects["countries"]["geometries"]
    users = {}
    for gi, g in enumerate(geoms):
        t = g.get("type")
        polys = [g["arcs"]] if t == "Polygon" else g["arcs"] if t == "MultiPolygon" else []
        for rings in polys:
            for ring in rings:
                for i in ring:
                    users.setdefault(i if i >= 0 else ~i, set()).add(gi)
    by_pair = {}
    for a, gs in users.items():
        if len(gs) < 2:
            continue
        names = tuple(sorted(geoms[g].get("properties", {}).get("name", "?") for g in gs))
        by_pair.setdefault(names, []).append(a)
    b = box(*BBOX)
    feats = []
    for names, arc_ids in sorted(by_pair.items()):
        parts = []
        for a in arc_ids:
            parts.extend(split_line_at_antimeridian(topo.arcs[a]))
        g = linemerge(MultiLineString(parts))
        if clip:
            if not g.intersects(b):
                continue
            g = g.intersection(b)
        if simplify:
            g = g.simplify(simplify, preserve_topology=True)
        lines = []
        stack = [g]
        while stack:
            h = stack.pop()
            if h.is_empty:
                continue
            if h.geom_type == "LineString":
                lines.append(h)
            elif hasattr(h, "geoms"):
                stack.extend(h.geoms)
        if len(lines) > 1:
            merged = linemerge(lines)
            lines = [merged] if merged.geom_type == "LineString" else list(merged.geoms)
        coords = [c for c in (clean_line(l.coords, nd) for l in lines) if c]
        if not coords:
            continue
        coords.sort(key=lambda c: (c[0][0], c[0][1]))
        props = {"a": names[0], "b": names[-1]}
        if len(names) > 2:
            props["others"] = list(names[1:-1])
        if len(coords) == 1:
            geom = {"type": "LineString", "coordinates": coords[0]}
        else:
            geom = {"type": "MultiLineString", "coordinates": coords}
        feats.append(feature(geom, props))
    return feats


def countries(in_dir, res, nd, world=False):
    """Country polygons ({"name"} only): those touching BBOX, or all of them when world."""
    topo = Topology(os.path.join(in_dir, f"countries-{res}.json"))
    b = box(*BBOX)
    feats = []
    for g in topo.objects["countries"]["geometries"]:
        name = g.get("properties", {}).get("name")
        polys = to_shapely_polygons(topo.polygons(g))
        if not polys or (not world and not any(p.intersects(b) for p in polys)):
            continue
        rings_list = snap_polygons(polys, nd)
        if not rings_list:
            continue
        feats.append(feature({"type": "MultiPolygon", "coordinates": rings_list},
                             {"name": name}))
    feats.sort(key=lambda f: f["properties"]["name"])
    return feats


def count_points(feats):
    n = 0
    for f in feats:
        g = f["geometry"]
        c = g["coordinates"]
        if g["type"] == "LineString":
            n += len(c)
        elif g["type"] in ("MultiLineString", "Polygon"):
            n += sum(len(r) for r in c)
        elif g["type"] == "MultiPolygon":
            n += sum(len(r) for p in c for r in p)
    return n


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("in_dir", help="world-atlas directory (land-*.json, countries-*.json)")
    ap.add_argument("out_dir", nargs="?",
                    default=os.path.dirname(os.path.abspath(__file__)),
                    help="output directory (default: this script's directory)")
    ap.add_argument("--simplify-10m", type=float, default=SIMPLIFY_10M, metavar="DEG",
                    help="topology-preserving simplification tolerance for the "
                         "10m files, in degrees (default %(default)s = off)")
    args = ap.parse_args(argv[1:])
    in_dir, out_dir, simp = args.in_dir, args.out_dir, args.simplify_10m
    os.makedirs(out_dir, exist_ok=True)
    jobs = [
        ("land-110m.geojson", lambda: land(in_dir, "110m", False, 2)),
        ("land-50m.geojson", lambda: land(in_dir, "50m", True, 2)),
        ("land-10m.geojson", lambda: land(in_dir, "10m", True, 3, simp)),
        ("borders-110m.geojson", lambda: borders(in_dir, "110m", False, 2)),
        ("borders-50m.geojson", lambda: borders(in_dir, "50m", True, 2)),
        ("borders-10m.geojson", lambda: borders(in_dir, "10m", True, 3, simp)),
        ("countries-50m.geojson", lambda: countries(in_dir, "50m", 2)),
        ("countries-110m.geojson", lambda: countries(in_dir, "110m", 1, world=True)),
    ]
    total = 0
    for name, fn in jobs:
        feats = fn()
        size = write_fc(os.path.join(out_dir, name), feats)
        total += size
        print(f"{name:24s} {size:>10,d} bytes  {len(feats):>5d} features "
              f"{count_points(feats):>8d} points")
    print(f"{'total':24s} {total:>10,d} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
