//! Chart archives (`.tgz`): a gzip-compressed tar whose entries sit under one
//! top-level directory, read fully in memory and never unpacked to disk.
//!
//! Helm's rules (`pkg/chart/loader/archive`): the first path component is
//! dropped, absolute paths, `..` escapes, Windows drive paths and a
//! `Chart.yaml` at the archive root are refused, directories and PAX headers
//! are skipped, a UTF-8 BOM is stripped from each file, the whole chart may
//! decompress to at most 100 MiB and each file to at most 5 MiB. Link and
//! device entries are kept as empty files, as Go's tar reader hands them to
//! Helm with no body. The tar format itself (ustar, GNU long names, PAX
//! `path`/`size` records) is read here; anything beyond the caps or
//! malformed is an error, never a panic.

use super::File;
use flate2::read::MultiGzDecoder;
use std::io::Read;

/// Helm's `MaxDecompressedChartSize`.
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Helm's `MaxDecompressedFileSize`.
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Bytes of tar stream (headers, padding, skipped entries included) read at
/// most, so a stream of empty entries cannot run forever.
const MAX_STREAM: u64 = 2 * MAX_DECOMPRESSED_CHART_SIZE;
/// PAX and GNU long-name records larger than this are refused.
const MAX_META_RECORD: u64 = 1024 * 1024;

/// Why an archive could not be read. The text is Helm's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    /// Helm's message.
    pub message: String,
    /// The gzip header was not valid (Helm words this case differently
    /// depending on the caller).
    pub bad_gzip_header: bool,
}

impl ArchiveError {
    fn msg(m: impl Into<String>) -> ArchiveError {
        ArchiveError {
            message: m.into(),
            bad_gzip_header: false,
        }
    }
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArchiveError {}

/// Whether the bytes start with the gzip signature Helm's `EnsureArchive`
/// accepts.
pub fn looks_gzipped(data: &[u8]) -> bool {
    data.starts_with(b"\x1f\x8b\x08")
}

/// Reads the files of a chart archive (Helm's `LoadArchiveFiles`).
pub fn read_archive(data: &[u8]) -> Result<Vec<File>, ArchiveError> {
    if data.len() < 10 || data[0] != 0x1f || data[1] != 0x8b {
        return Err(ArchiveError {
            message: if data.is_empty() {
                "EOF".to_string()
            } else {
                "gzip: invalid header".to_string()
            },
            bad_gzip_header: !data.is_empty(),
        });
    }
    let gz = MultiGzDecoder::new(data);
    let mut tr = TarStream {
        inner: gz.take(MAX_STREAM),
        read: 0,
    };
    let mut files = Vec::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    let too_big = || {
        ArchiveError::msg(format!(
            "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
        ))
    };
    while let Some(entry) = tr.next_entry()? {
        if entry.is_dir() {
            tr.skip(entry.body_len)?;
            continue;
        }
        let name = helm_name(&entry.name)?;
        if entry.size > remaining {
            return Err(too_big());
        }
        if entry.size > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(ArchiveError::msg(format!(
                "decompressed chart file {:?} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}",
                entry.name
            )));
        }
        let body = tr.read_body(entry.body_len)?;
        remaining -= body.len() as u64;
        if remaining == 0 {
            return Err(too_big());
        }
        let body = body
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&body);
        files.push(File::new(name, body.to_vec()));
    }
    if files.is_empty() {
        return Err(ArchiveError::msg("no files in chart archive"));
    }
    Ok(files)
}

/// The chart-relative name Helm derives from a tar entry name.
fn helm_name(raw: &str) -> Result<String, ArchiveError> {
    let delim = if raw.contains('\\') { '\\' } else { '/' };
    let mut parts = raw.split(delim);
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let joined = rest.join("/");
    if joined.starts_with('/') {
        return Err(ArchiveError::msg("chart illegally contains absolute paths"));
    }
    let n = clean_path(&joined);
    if n == "." {
        return Err(ArchiveError::msg(format!(
            "chart illegally contains content outside the base directory: {raw:?}"
        )));
    }
    if n.starts_with("..") {
        return Err(ArchiveError::msg(
            "chart illegally references parent directory",
        ));
    }
    let b = n.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        return Err(ArchiveError::msg("chart contains illegally named files"));
    }
    if first == "Chart.yaml" {
        return Err(ArchiveError::msg("chart yaml not in base directory"));
    }
    Ok(n)
}

/// Go's `path.Clean` for a relative path.
pub(crate) fn clean_path(p: &str) -> String {
    if is_clean(p) {
        return p.to_string();
    }
    clean_parts(p)
}

/// [`clean_path`] of a path already owned: kept, not copied, when clean.
pub(crate) fn clean_path_owned(p: String) -> String {
    if is_clean(&p) { p } else { clean_parts(&p) }
}

/// [`clean_path`] part by part.
fn clean_parts(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// Whether [`clean_path`] would give `p` back as it is: relative, no empty,
/// `.` or `..` part (most paths; checked without building anything).
fn is_clean(p: &str) -> bool {
    let b = p.as_bytes();
    if b.first().is_none_or(|&c| c == b'/') {
        return false;
    }
    // Each part starts at 0 or after a slash; only an empty part or one
    // starting with a dot can be unclean.
    let dirty = |start: usize| {
        matches!(
            b.get(start..),
            None | Some(
                [] | [b'/', ..] | [b'.'] | [b'.', b'/', ..] | [b'.', b'.'] | [b'.', b'.', b'/', ..]
            )
        )
    };
    !dirty(0) && !memchr::memchr_iter(b'/', b).any(|at| dirty(at + 1))
}

struct Entry {
    name: String,
    typeflag: u8,
    mode: u64,
    /// The size Helm checks (`hd.Size`).
    size: u64,
    /// Bytes of body in the stream that belong to this entry.
    body_len: u64,
}

impl Entry {
    fn is_dir(&self) -> bool {
        self.typeflag == b'5' || (self.mode & 0o170000) == 0o040000
    }
}

struct TarStream<R> {
    inner: R,
    read: u64,
}

impl<R: Read> TarStream<R> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ArchiveError::msg(gzip_error(&e))),
            }
        }
        self.read += n as u64;
        if n < buf.len() && self.read >= MAX_STREAM {
            return Err(ArchiveError::msg(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        Ok(n)
    }

    fn read_body(&mut self, len: u64) -> Result<Vec<u8>, ArchiveError> {
        let len_usize = usize::try_from(len)
            .map_err(|_| ArchiveError::msg("archive/tar: invalid tar header"))?;
        let mut body = vec![0u8; len_usize];
        if self.fill(&mut body)? < len_usize {
            return Err(ArchiveError::msg("unexpected EOF"));
        }
        self.skip_padding(len)?;
        Ok(body)
    }

    fn skip(&mut self, len: u64) -> Result<(), ArchiveError> {
        let mut left = len;
        let mut buf = [0u8; 8192];
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            if self.fill(&mut buf[..want])? < want {
                return Err(ArchiveError::msg("unexpected EOF"));
            }
            left -= want as u64;
        }
        self.skip_padding(len)
    }

    fn skip_padding(&mut self, len: u64) -> Result<(), ArchiveError> {
        let pad = ((512 - (len % 512)) % 512) as usize;
        let mut buf = [0u8; 512];
        // A missing final padding is tolerated as Go does at EOF.
        self.fill(&mut buf[..pad])?;
        Ok(())
    }

    fn next_entry(&mut self) -> Result<Option<Entry>, ArchiveError> {
        let mut long_name: Option<String> = None;
        let mut pax_path: Option<String> = None;
        let mut pax_size: Option<u64> = None;
        loop {
            let mut hdr = [0u8; 512];
            let n = self.fill(&mut hdr)?;
            if n == 0 {
                return Ok(None);
            }
            if n < 512 {
                return Err(ArchiveError::msg("unexpected EOF"));
            }
            if hdr.iter().all(|&b| b == 0) {
                return Ok(None);
            }
            if !checksum_ok(&hdr) {
                return Err(ArchiveError::msg("archive/tar: invalid tar header"));
            }
            let typeflag = hdr[156];
            let size = parse_numeric(&hdr[124..136])
                .ok_or_else(|| ArchiveError::msg("archive/tar: invalid tar header"))?;
            match typeflag {
                b'x' | b'g' | b'L' | b'K' => {
                    if size > MAX_META_RECORD {
                        return Err(ArchiveError::msg("archive/tar: invalid tar header"));
                    }
                    let body = self.read_body(size)?;
                    match typeflag {
                        b'x' => {
                            for (k, v) in parse_pax(&body)? {
                                match k.as_str() {
                                    "path" => pax_path = Some(v),
                                    "size" => {
                                        pax_size = Some(v.parse().map_err(|_| {
                                            ArchiveError::msg("archive/tar: invalid tar header")
                                        })?);
                                    }
                                    _ => {}
                                }
                            }
                        }
                        b'L' => {
                            let s = String::from_utf8_lossy(&body);
                            long_name = Some(s.trim_end_matches('\0').to_string());
                        }
                        _ => {}
                    }
                    continue;
                }
                _ => {}
            }
            let mode = parse_numeric(&hdr[100..108]).unwrap_or(0);
            let mut name = cstr(&hdr[0..100]);
            let ustar = &hdr[257..263] == b"ustar\0";
            if ustar {
                let prefix = cstr(&hdr[345..500]);
                if !prefix.is_empty() {
                    name = format!("{prefix}/{name}");
                }
            }
            if let Some(l) = long_name.take() {
                name = l;
            }
            if let Some(p) = pax_path.take() {
                name = p;
            }
            let size = pax_size.take().unwrap_or(size);
            let mut typeflag = typeflag;
            if typeflag == 0 {
                typeflag = if name.ends_with('/') { b'5' } else { b'0' };
            }
            // Header-only types carry no body in Go's reader.
            let body_len = if matches!(typeflag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6') {
                0
            } else {
                size
            };
            let size = if body_len == 0 { 0 } else { size };
            return Ok(Some(Entry {
                name,
                typeflag,
                mode,
                size,
                body_len,
            }));
        }
    }
}

fn gzip_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected EOF".to_string(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            let m = e.to_string();
            if m.contains("checksum") || m.contains("crc") {
                "gzip: invalid checksum".to_string()
            } else if m.contains("header") {
                "gzip: invalid header".to_string()
            } else {
                "flate: corrupt input".to_string()
            }
        }
        _ => e.to_string(),
    }
}

fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// A tar numeric field: octal text, or base-256 when the high bit is set.
fn parse_numeric(b: &[u8]) -> Option<u64> {
    if b.first().is_some_and(|&c| c & 0x80 != 0) {
        if b[0] & 0x40 != 0 {
            return None; // negative
        }
        let mut v: u64 = u64::from(b[0] & 0x3f);
        for &c in &b[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(c))?;
        }
        return Some(v);
    }
    let s: String = b
        .iter()
        .map(|&c| c as char)
        .filter(|&c| c != '\0')
        .collect();
    let s = s.trim_matches(' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn checksum_ok(hdr: &[u8; 512]) -> bool {
    let Some(want) = parse_numeric(&hdr[148..156]) else {
        return false;
    };
    let mut unsigned: i64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in hdr.iter().enumerate() {
        let c = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += i64::from(c);
        signed += i64::from(c as i8);
    }
    want as i64 == unsigned || want as i64 == signed
}

/// PAX extended header records: `LEN key=value\n`.
fn parse_pax(body: &[u8]) -> Result<Vec<(String, String)>, ArchiveError> {
    let bad = || ArchiveError::msg("archive/tar: invalid tar header");
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        if rest.iter().all(|&b| b == 0) {
            break;
        }
        let sp = rest.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let len: usize = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        if len <= sp + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad());
        }
        let rec = &rest[sp + 1..len - 1];
        let eq = rec.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        let k = String::from_utf8_lossy(&rec[..eq]).into_owned();
        let v = String::from_utf8_lossy(&rec[eq + 1..]).into_owned();
        out.push((k, v));
        rest = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths_are_told_without_cleaning_them() {
        let parts = ["a", ".", "..", "", "b.c", ".x", "..y", "x..", "..."];
        let mut paths = vec![String::new()];
        for _ in 0..3 {
            let mut longer = Vec::new();
            for p in &paths {
                for part in parts {
                    longer.push(if p.is_empty() {
                        part.to_string()
                    } else {
                        format!("{p}/{part}")
                    });
                }
            }
            paths.extend(longer);
        }
        for p in paths
            .iter()
            .flat_map(|p| [p.clone(), format!("/{p}"), format!("{p}/")])
        {
            // As the plain definition says, and a clean path cleans to itself.
            let expected = !p.is_empty()
                && !p.starts_with('/')
                && p.split('/').all(|part| !matches!(part, "" | "." | ".."));
            assert_eq!(is_clean(&p), expected, "{p:?}");
            assert!(!expected || clean_parts(&p) == p, "{p:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            helm_name("c/templates/a.yaml"),
            Ok("templates/a.yaml".to_string())
        );
        assert!(helm_name("c/../x").is_err());
        assert!(helm_name("c").is_err());
        assert!(helm_name("Chart.yaml").is_err());
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        // Paths taken as they are clean to themselves.
        let parts = ["", ".", "..", "a", "b.yaml", "_x.tpl", ".hidden", "a..b"];
        for x in parts {
            for y in parts {
                for z in parts {
                    for p in [
                        format!("{x}/{y}/{z}"),
                        format!("/{x}/{y}"),
                        format!("{x}/{y}/"),
                    ] {
                        assert_eq!(clean_path(&p), clean_parts(&p), "{p:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(read_archive(b"not gzip at all").is_err());
        assert!(read_archive(b"").is_err());
        assert!(read_archive(b"\x1f\x8b\x08\0\0\0\0\0\0\0garbage").is_err());
    }
}
