#!/usr/bin/python3
"""Render a GeoJSON point layer to a PNG with QGIS headless and print timings.

QGIS side of the "100k points -> PNG" comparison with the Crossings renderer.

Usage:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 render_qgis.py PLACES.geojson OUT.png \
        [--width 1920] [--height 1080] [--repeat 5]

Needs Debian 12's QGIS bindings (python3-qgis, qgis-providers). Run it with the
system interpreter /usr/bin/python3: a pyenv/venv python does not see
/usr/lib/python3/dist-packages, where the `qgis` package lives.

Prints one JSON line on stdout:
    init_s      qgis imports + QgsApplication start-up (initQgis)
    load_s      open the OGR layer, count features, compute its extent
                (with --memory: plus copying the geometries into a memory layer)
    render_s    median wall time of QgsMapRendererParallelJob start()..waitForFinished()
    render_all_s  every repeat, in order (the first is a cold run)
    save_s      PNG encode + write of the last image (QImage.save)
    total_s     load_s + render_s + save_s (the end-to-end cost of one image,
                QGIS start-up excluded; init_s is reported separately)
    wall_s      whole script until exitQgis, all repeats included
    peak_rss_mb peak resident set size of the process (getrusage ru_maxrss)
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

# Must be set before Qt is loaded: no display on the benchmark machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T_START = time.perf_counter()

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsProject,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("geojson", help="GeoJSON FeatureCollection of points (EPSG:4326)")
    p.add_argument("png", help="output PNG path")
    p.add_argument("width", nargs="?", type=int, default=None)
    p.add_argument("height", nargs="?", type=int, default=None)
    p.add_argument("--width", dest="width_opt", type=int, default=None)
    p.add_argument("--height", dest="height_opt", type=int, default=None)
    p.add_argument("--repeat", type=int, default=1, help="render this many times (median reported)")
    p.add_argument("--size-mm", type=float, default=3.0, help="marker diameter in mm (default 3)")
    p.add_argument("--color", default="#d7301f", help="marker fill colour")
    p.add_argument("--background", default="#f2efe9", help="map background colour")
    p.add_argument("--no-antialias", action="store_true", help="disable antialiasing")
    p.add_argument(
        "--memory",
        action="store_true",
        help="copy the geometries into a QGIS memory layer after loading, so render_s "
        "measures drawing only (OGR's GeoJSON driver re-parses the file on every render)",
    )
    a = p.parse_args(argv)
    a.width = a.width_opt or a.width or 1920
    a.height = a.height_opt or a.height or 1080
    if a.repeat < 1:
        p.error("--repeat must be >= 1")
    return a


def peak_rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv):
    args = parse_args(argv)

    QgsApplication.setPrefixPath("/usr", True)
    qgs = QgsApplication([], False)
    qgs.initQgis()
    t_init = time.perf_counter()

    result = run(args)

    result["init_s"] = round(t_init - T_START, 4)
    result["wall_s"] = round(time.perf_counter() - T_START, 4)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result), flush=True)

    qgs.exitQgis()
    return 0


def to_memory_layer(src):
    """Geometry-only in-memory copy of `src` (same CRS)."""
    mem = QgsVectorLayer(f"Point?crs={src.crs().authid()}", "places", "memory")
    feats = []
    for f in src.getFeatures(QgsFeatureRequest().setNoAttributes()):
        nf = QgsFeature()
        nf.setGeometry(f.geometry())
        feats.append(nf)
    mem.dataProvider().addFeatures(feats)
    mem.updateExtents()
    return mem


def run(args):
    # --- load -------------------------------------------------------------
    t0 = time.perf_counter()
    layer = QgsVectorLayer(args.geojson, "places", "ogr")
    if not layer.isValid():
        raise SystemExit(f"error: could not open {args.geojson} as an OGR vector layer")
    if args.memory:
        layer = to_memory_layer(layer)
    n_features = layer.featureCount()
    src_extent = layer.extent()
    t_load = time.perf_counter() - t0

    # --- style: one circle marker, one colour, no outline -------------------
    symbol = QgsMarkerSymbol.createSimple(
        {
            "name": "circle",
            "size": str(args.size_mm),
            "size_unit": "MM",
            "color": args.color,
            "outline_style": "no",
        }
    )
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))

    # --- map settings -------------------------------------------------------
    dest_crs = QgsCoordinateReferenceSystem("EPSG:3857")
    xform = QgsCoordinateTransform(layer.crs(), dest_crs, QgsProject.instance())
    extent = xform.transformBoundingBox(src_extent)

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(dest_crs)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(args.width, args.height))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor(args.background))
    settings.setFlag(QgsMapSettings.Antialiasing, not args.no_antialias)

    # --- render -----------------------------------------------------------
    times = []
    image = None
    for _ in range(args.repeat):
        job = QgsMapRendererParallelJob(settings)
        t0 = time.perf_counter()
        job.start()
        job.waitForFinished()
        times.append(time.perf_counter() - t0)
        errors = job.errors()
        if errors:
            for e in errors:
                print(f"render error [{e.layerID}]: {e.message}", file=sys.stderr)
        image = job.renderedImage()

    t0 = time.perf_counter()
    if not image.save(args.png, "PNG"):
        raise SystemExit(f"error: could not write {args.png}")
    t_save = time.perf_counter() - t0

    render_median = statistics.median(times)
    return {
        "tool": "qgis",
        "input": args.geojson,
        "output": args.png,
        "features": n_features,
        "width": args.width,
        "height": args.height,
        "dpi": 96,
        "antialias": not args.no_antialias,
        "memory_layer": args.memory,
        "repeat": args.repeat,
        "load_s": round(t_load, 4),
        "render_s": round(render_median, 4),
        "render_all_s": [round(t, 4) for t in times],
        "save_s": round(t_save, 4),
        "total_s": round(t_load + render_median + t_save, 4),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
