//! PNG encoding of a picture of the map: the app hands over the pixels of the rendered frame
//! (RGBA, 8 bits per channel) and the map's rectangle in pixels; this module crops and encodes.

/// Why a picture could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the picture is {got} bytes, expected {width}×{height}×4 = {expected}")]
    Size {
        width: usize,
        height: usize,
        got: usize,
        expected: usize,
    },
    #[error("the map area {x},{y} {w}×{h} is empty or outside the {width}×{height} frame")]
    Crop {
        x: usize,
        y: usize,
        w: usize,
        h: usize,
        width: usize,
        height: usize,
    },
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] ::png::EncodingError),
}

/// An RGBA picture (straight alpha, rows top to bottom).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rgba8Image {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Rgba8Image {
    /// Wraps `pixels`, checking the length.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Result<Self, PngError> {
        let expected = width.saturating_mul(height).saturating_mul(4);
        if pixels.len() != expected {
            return Err(PngError::Size {
                width,
                height,
                got: pixels.len(),
                expected,
            });
        }
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    /// The part at `x, y` of size `w × h`, clipped to the picture; an error if nothing is left.
    pub fn crop(&self, x: usize, y: usize, w: usize, h: usize) -> Result<Self, PngError> {
        let x1 = x.saturating_add(w).min(self.width);
        let y1 = y.saturating_add(h).min(self.height);
        if x >= x1 || y >= y1 {
            return Err(PngError::Crop {
                x,
                y,
                w,
                h,
                width: self.width,
                height: self.height,
            });
        }
        let cw = x1 - x;
        let mut pixels = Vec::with_capacity(cw * (y1 - y) * 4);
        for row in y..y1 {
            let start = (row * self.width + x) * 4;
            pixels.extend_from_slice(self.pixels.get(start..start + cw * 4).unwrap_or_default());
        }
        Self::new(cw, y1 - y, pixels)
    }

    /// The picture as a PNG file.
    pub fn to_png(&self) -> Result<Vec<u8>, PngError> {
        let mut bytes = Vec::new();
        let (w, h) = (
            u32::try_from(self.width).unwrap_or(u32::MAX),
            u32::try_from(self.height).unwrap_or(u32::MAX),
        );
        let mut encoder = ::png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(::png::ColorType::Rgba);
        encoder.set_depth(::png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn crops_and_round_trips() {
        let (w, h) = (8, 6);
        let pixels: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % w) as u8 * 30, (i / w) as u8 * 40, 7, 255])
            .collect();
        let image = Rgba8Image::new(w, h, pixels).unwrap();
        let part = image.crop(2, 1, 4, 3).unwrap();
        assert_eq!((part.width, part.height), (4, 3));
        assert_eq!(&part.pixels[..4], &[60, 40, 7, 255]);
        let (dw, dh, back) = decode(&part.to_png().unwrap());
        assert_eq!((dw, dh), (4, 3));
        assert_eq!(back, part.pixels);
        // Clipped at the edge, refused outside.
        assert_eq!(image.crop(6, 4, 10, 10).unwrap().width, 2);
        assert!(image.crop(8, 0, 1, 1).is_err());
        assert!(Rgba8Image::new(2, 2, vec![0; 15]).is_err());
    }
}
