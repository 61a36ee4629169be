//! Text read eight bytes at a time, as Go quoting and the JSON encoder of
//! capstan-helm scan it for the bytes they must escape, and decimal digits
//! written without `fmt`.

/// 0x01 in every byte of a word.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// All bits but the high one in every byte of a word.
pub const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// The high bit of every byte of a word.
pub const HIGHS: u64 = 0x8080_8080_8080_8080;
/// A space in every byte of a word.
const SPACES: u64 = ONES * 0x20;

/// The little-endian word of the (up to) eight bytes of `bytes` from `i`
/// on, and how many of its bytes are text; past the end of the text the
/// word holds spaces, which no scan flags. `None` at the end.
#[inline]
pub fn word_at(bytes: &[u8], i: usize) -> Option<(u64, usize)> {
    let rest = bytes.get(i..).unwrap_or_default();
    if rest.is_empty() {
        return None;
    }
    Some(match (rest.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(word), _) => (u64::from_le_bytes(*word), 8),
        // The last 1 to 7 bytes of a longer text: the final word, shifted
        // past the bytes already read.
        (None, Some(last)) => {
            let n = rest.len();
            (
                u64::from_le_bytes(*last) >> (8 * (8 - n)) | SPACES << (8 * n),
                n,
            )
        }
        (None, None) => (load_tail(rest), rest.len()),
    })
}

/// The 0 to 7 bytes of `rest` as a little-endian word padded with spaces
/// (all spaces when `rest` is empty).
#[inline]
pub fn load_tail(rest: &[u8]) -> u64 {
    load_short(rest) | SPACES.checked_shl(8 * rest.len() as u32).unwrap_or(0)
}

/// The 0 to 7 bytes of `rest` as a little-endian word padded with zeros,
/// read without a copy loop: two overlapping loads.
#[inline]
pub fn load_short(rest: &[u8]) -> u64 {
    let n = rest.len();
    match (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        (Some(lo), Some(hi)) => {
            u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*hi)) << (8 * (n - 4))
        }
        // One to three bytes: the first, middle and last (some the same).
        _ => match (rest.first(), rest.get(n / 2), rest.last()) {
            (Some(&a), Some(&b), Some(&c)) => {
                u64::from(a) | u64::from(b) << (8 * (n / 2)) | u64::from(c) << (8 * (n - 1))
            }
            _ => 0,
        },
    }
}

/// The decimal digits of `n`, written at the end of `buf`.
pub fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_cover_every_byte_once_padded_with_spaces() {
        let text = b"0123456789abcdefXYZ";
        for len in 0..=text.len() {
            let bytes = &text[..len];
            let mut i = 0;
            let mut seen = Vec::new();
            while let Some((word, n)) = word_at(bytes, i) {
                let le = word.to_le_bytes();
                seen.extend_from_slice(&le[..n]);
                assert!(le[n..].iter().all(|&b| b == b' '), "{len} {i}");
                i += n;
            }
            assert_eq!(seen, bytes);
        }
    }

    #[test]
    fn tails_are_padded_with_spaces() {
        let text = b"abcdefg";
        for len in 0..text.len() {
            let mut want = [b' '; 8];
            want[..len].copy_from_slice(&text[..len]);
            assert_eq!(load_tail(&text[..len]).to_le_bytes(), want, "{len}");
        }
    }

    #[test]
    fn decimals() {
        let mut buf = [0u8; 20];
        for n in [0, 7, 10, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
        }
    }
}
