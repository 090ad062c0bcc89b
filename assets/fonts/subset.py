#!/usr/bin/env python3
"""Makes assets/fonts/CrossingsSans-Subset.otf: the glyphs of Noto Sans CJK SC that the bundled
data and the interface need, plus whole blocks for Vietnamese, Cyrillic and kana.

Needs Debian's fonts-noto-cjk and PyPI's fonttools:
    apt-get install fonts-noto-cjk && pip install fonttools
    python3 assets/fonts/subset.py
Run it again after adding names in new characters to geodata/ (a test fails until you do).
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = 2  # Noto Sans CJK SC
OUT = ROOT / "assets/fonts/CrossingsSans-Subset.otf"

chars = set()
for path in list((ROOT / "geodata").glob("*.json")) + list((ROOT / "geodata").glob("*.geojson")) + list((ROOT / "src").rglob("*.rs")):
    chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7E)
ranges = [
    (0x20, 0x7E), (0xA0, 0x24F),  # Latin-1, Latin Extended-A and -B
    (0x300, 0x36F),  # combining marks
    (0x400, 0x4FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # punctuation
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF),  # arrows, maths, shapes
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0xFF00, 0xFFEF),  # full-width forms
]
for a, b in ranges:
    chars.update(chr(c) for c in range(a, b + 1))
unicodes = ",".join(f"U+{ord(c):04X}" for c in sorted(chars))
subprocess.run(
    [sys.executable, "-m", "fontTools.subset", SOURCE, f"--font-number={FACE}", f"--unicodes={unicodes}",
     "--layout-features=*", "--no-hinting", "--desubroutinize", f"--output-file={OUT}"],
    check=True,
)
print(f"{OUT}: {OUT.stat().st_size} bytes, {len(chars)} characters requested")
