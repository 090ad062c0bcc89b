//! The application's icon, drawn at any size: a sea-blue disc with land, a journey's path and
//! a marker. The window uses it, and the packages' icon files are made from it
//! (`crossings icon --size N`), so they never differ.

/// The icon as RGBA pixels, `size` × `size`, row by row.
pub fn rgba(size: u32) -> Vec<u8> {
    let s = size as f32 / 64.0;
    let mut rgba = vec![0u8; (size * size * 4) as usize];
    for y in 0..size {
        for x in 0..size {
            // Coordinates of the 64-pixel design, sampled at each pixel's centre.
            let (fx, fy) = ((x as f32 + 0.5) / s - 32.0, (y as f32 + 0.5) / s - 32.0);
            let r = (fx * fx + fy * fy).sqrt();
            let px: [u8; 4] = if r < 30.0 {
                let on_path = ((fx + fy) / std::f32::consts::SQRT_2).abs() < 3.0;
                let marker = ((fx - 9.0).powi(2) + (fy + 9.0).powi(2)).sqrt() < 8.0;
                if marker {
                    [0xd5, 0x5e, 0x00, 255]
                } else if on_path {
                    [0x5a, 0x2d, 0x82, 255]
                } else if fy > 4.0 - fx * 0.3 {
                    [0xf1, 0xec, 0xdf, 255]
                } else {
                    [0xb8, 0xd3, 0xe6, 255]
                }
            } else {
                [0, 0, 0, 0]
            };
            let i = ((y * size + x) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&px);
        }
    }
    rgba
}

/// The icon as a PNG file.
///
/// # Errors
/// Only if the PNG encoder fails (it writes to memory).
pub fn png(size: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size, size);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgba(size))?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_scales_and_decodes_as_png() {
        for size in [16, 48, 256] {
            let bytes = png(size).unwrap_or_default();
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
            let reader = decoder.read_info().expect("a PNG");
            assert_eq!((reader.info().width, reader.info().height), (size, size));
        }
        // The corners are clear, the centre is painted, the marker is orange.
        let px = rgba(64);
        assert_eq!(px[3], 0);
        assert_eq!(px[(32 * 64 + 32) * 4 + 3], 255);
        let marker = ((23 * 64 + 41) * 4) as usize;
        assert_eq!(&px[marker..marker + 3], &[0xd5, 0x5e, 0x00]);
    }
}
