//! Product images as uploaded: the type is read from the bytes (never the
//! name or the browser's word), and the size and dimensions are bounded. A
//! stored image is named by its SHA-256, so its address never changes what
//! it shows and can be cached for a year.

use sha2::{Digest, Sha256};

/// The largest image accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The longest side accepted, and the shortest.
pub const MAX_SIDE: usize = 4000;
pub const MIN_SIDE: usize = 100;

/// An image that may be stored: its file name and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// `<sha256>.<png|jpg|webp>`.
    pub file_name: String,
    pub content_type: &'static str,
}

/// Checks uploaded bytes; the sentence the owner reads when they are refused.
pub fn check(bytes: &[u8]) -> Result<Checked, String> {
    if bytes.is_empty() {
        return Err("Choose an image file to upload.".to_owned());
    }
    if bytes.len() > MAX_BYTES {
        return Err("The image is larger than 5 MB. Save it smaller and try again.".to_owned());
    }
    let (extension, content_type) = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => ("png", "image/png"),
        Ok(imagesize::ImageType::Jpeg) => ("jpg", "image/jpeg"),
        Ok(imagesize::ImageType::Webp) => ("webp", "image/webp"),
        _ => return Err(
            "That file is not a PNG, JPEG or WebP image (its contents say so, whatever its name)."
                .to_owned(),
        ),
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|_| "That image is damaged: its size cannot be read.".to_owned())?;
    if size.width > MAX_SIDE || size.height > MAX_SIDE {
        return Err(format!(
            "The image is {}×{} pixels; at most {MAX_SIDE} on each side, please.",
            size.width, size.height
        ));
    }
    if size.width < MIN_SIDE || size.height < MIN_SIDE {
        return Err(format!(
            "The image is {}×{} pixels; at least {MIN_SIDE} on each side, please.",
            size.width, size.height
        ));
    }
    Ok(Checked {
        file_name: format!("{}.{extension}", hex::encode(Sha256::digest(bytes))),
        content_type,
    })
}

/// The content type of a stored image's file name, when it is one of ours.
pub fn stored_type(file_name: &str) -> Option<&'static str> {
    let (stem, extension) = file_name.split_once('.')?;
    if stem.len() != 64 || !stem.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match extension {
        "png" => Some("image/png"),
        "jpg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 120×100 PNG's first bytes: the signature and the IHDR chunk.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn the_type_comes_from_the_bytes_and_the_size_is_bounded() {
        let checked = check(&png_header(120, 100)).unwrap_or_else(|why| panic!("{why}"));
        assert!(checked.file_name.ends_with(".png"));
        assert_eq!(stored_type(&checked.file_name), Some("image/png"));
        let refused = |bytes: &[u8]| check(bytes).err().unwrap_or_default();
        assert!(refused(b"<svg onload=alert(1)>").contains("not a PNG"));
        assert!(refused(b"GIF89a\x01\x00\x01\x00").contains("not a PNG"));
        assert!(refused(&png_header(5000, 100)).contains("at most 4000"));
        assert!(refused(&png_header(20, 20)).contains("at least 100"));
        assert!(refused(b"").contains("Choose"));
        assert_eq!(stored_type("../../etc/passwd.png"), None);
        assert_eq!(stored_type("x.svg"), None);
    }
}
