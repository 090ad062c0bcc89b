//! Well-known binary geometries, as GeoPackages store them after their `GP` header: points,
//! lines, polygons, their multi forms and collections, with Z and M dropped.

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

/// The most coordinates one geometry may hold (a corrupt count must not allocate wildly).
const MAX_COORDS: usize = 50_000_000;

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("the geometry ends early")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self, le: bool) -> Result<u32, String> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| "short")?;
        Ok(if le { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }
    fn f64(&mut self, le: bool) -> Result<f64, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "short")?;
        Ok(if le { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) })
    }
}

/// The WKB after a GeoPackage geometry header, or `None` for an empty geometry.
pub fn gpkg_geometry(blob: &[u8]) -> Result<Option<Geometry<f64>>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no 'GP' header)".into());
    }
    let flags = blob[3];
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(format!("unknown envelope kind {other}")),
    };
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let start = 8 + envelope;
    let wkb = blob.get(start..).ok_or("the geometry ends early")?;
    read(wkb).map(Some)
}

/// Reads one WKB geometry.
pub fn read(bytes: &[u8]) -> Result<Geometry<f64>, String> {
    let mut c = Cursor { bytes, at: 0 };
    let mut budget = MAX_COORDS;
    geometry(&mut c, &mut budget, 0)
}

fn geometry(c: &mut Cursor<'_>, budget: &mut usize, depth: u32) -> Result<Geometry<f64>, String> {
    if depth > 32 {
        return Err("geometry collections nested too deep".into());
    }
    let le = match c.take(1)?[0] {
        0 => false,
        1 => true,
        b => return Err(format!("bad byte order {b}")),
    };
    let raw = c.u32(le)?;
    // ISO (1000s for Z, 2000s for M, 3000s for ZM) and EWKB (high flag bits) both.
    let ewkb_z = raw & 0x8000_0000 != 0;
    let ewkb_m = raw & 0x4000_0000 != 0;
    if raw & 0x2000_0000 != 0 {
        c.take(4)?; // EWKB SRID
    }
    let base = raw & 0x0FFF_FFFF;
    let (kind, iso_dims) = (base % 1000, base / 1000);
    let dims = 2
        + usize::from(ewkb_z)
        + usize::from(ewkb_m)
        + match iso_dims {
            0 => 0,
            1 | 2 => 1,
            3 => 2,
            _ => return Err(format!("unknown geometry type {raw}")),
        };
    let coord = |c: &mut Cursor<'_>| -> Result<Coord<f64>, String> {
        let x = c.f64(le)?;
        let y = c.f64(le)?;
        for _ in 2..dims {
            c.f64(le)?;
        }
        Ok(Coord { x, y })
    };
    let count = |c: &mut Cursor<'_>, budget: &mut usize| -> Result<usize, String> {
        let n = c.u32(le)? as usize;
        if n > *budget || n > c.bytes.len() {
            return Err(format!("a count of {n} is more than the geometry can hold"));
        }
        *budget -= n;
        Ok(n)
    };
    let line = |c: &mut Cursor<'_>, budget: &mut usize| -> Result<LineString<f64>, String> {
        let n = count(c, budget)?;
        (0..n).map(|_| coord(c)).collect::<Result<Vec<_>, _>>().map(LineString::new)
    };
    Ok(match kind {
        1 => Geometry::Point(Point(coord(c)?)),
        2 => Geometry::LineString(line(c, budget)?),
        3 => {
            let n = count(c, budget)?;
            let mut rings: Vec<LineString<f64>> = (0..n).map(|_| line(c, budget)).collect::<Result<_, _>>()?;
            if rings.is_empty() {
                return Ok(Geometry::Polygon(Polygon::new(LineString::new(vec![]), vec![])));
            }
            let outer = rings.remove(0);
            Geometry::Polygon(Polygon::new(outer, rings))
        }
        4..=7 => {
            let n = count(c, budget)?;
            let parts: Vec<Geometry<f64>> = (0..n).map(|_| geometry(c, budget, depth + 1)).collect::<Result<_, _>>()?;
            match kind {
                4 => Geometry::MultiPoint(MultiPoint(
                    parts.into_iter().filter_map(|g| Point::try_from(g).ok()).collect(),
                )),
                5 => Geometry::MultiLineString(MultiLineString(
                    parts.into_iter().filter_map(|g| LineString::try_from(g).ok()).collect(),
                )),
                6 => Geometry::MultiPolygon(MultiPolygon(
                    parts.into_iter().filter_map(|g| Polygon::try_from(g).ok()).collect(),
                )),
                _ => Geometry::GeometryCollection(GeometryCollection(parts)),
            }
        }
        other => {
            return Err(format!(
                "geometry type {other} is not read (points, lines, polygons and their collections are)"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_little_endian_point_and_a_big_endian_polygon_read() {
        let mut p = vec![1u8];
        p.extend(1u32.to_le_bytes());
        p.extend(126.63f64.to_le_bytes());
        p.extend(45.75f64.to_le_bytes());
        assert_eq!(read(&p).unwrap(), Geometry::Point(Point::new(126.63, 45.75)));

        let mut g = vec![0u8];
        g.extend(3u32.to_be_bytes());
        g.extend(1u32.to_be_bytes());
        g.extend(4u32.to_be_bytes());
        for (x, y) in [(0.0f64, 0.0f64), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)] {
            g.extend(x.to_be_bytes());
            g.extend(y.to_be_bytes());
        }
        let Geometry::Polygon(poly) = read(&g).unwrap() else { panic!("not a polygon") };
        assert_eq!(poly.exterior().0.len(), 4);
    }

    #[test]
    fn a_lying_count_is_refused_not_allocated() {
        let mut g = vec![1u8];
        g.extend(2u32.to_le_bytes());
        g.extend(u32::MAX.to_le_bytes());
        assert!(read(&g).unwrap_err().contains("more than the geometry can hold"));
    }
}
