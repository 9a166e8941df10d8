//! The built front end (`pkg/`) served precompressed. The runtime compression layer uses a fast
//! brotli level; for a phone on 2G the largest files are worth the slowest, smallest encoding,
//! made once per build at start-up (about a quarter smaller for the wasm).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a pass over the folder did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Precompressed {
    pub files: usize,
    pub written: usize,
    pub raw_bytes: u64,
    pub brotli_bytes: u64,
}

const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "json", "svg"];

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// True when `derived` exists and is not older than `source`.
fn fresh(source: &Path, derived: &Path) -> bool {
    match (
        source.metadata().and_then(|m| m.modified()),
        derived.metadata().and_then(|m| m.modified()),
    ) {
        (Ok(s), Ok(d)) => d >= s,
        _ => false,
    }
}

/// Writes through a temporary name, so a half-written file is never served.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = sibling(path, ".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

pub fn brotli_max(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        // Quality 11, 4 MiB window: the smallest output brotli makes.
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(data)?;
        w.flush()?;
    }
    Ok(out)
}

pub fn gzip_max(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::best());
    w.write_all(data)?;
    w.finish()
}

/// Writes `<file>.br` and `<file>.gz` next to every compressible file of `dir` that lacks a
/// fresh one. Safe to run again: it only redoes what changed.
pub fn precompress_dir(dir: &Path) -> io::Result<Precompressed> {
    let mut done = Precompressed::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_file() || !is_compressible(&path) {
            continue;
        }
        done.files += 1;
        let (br, gz) = (sibling(&path, ".br"), sibling(&path, ".gz"));
        if fresh(&path, &br) && fresh(&path, &gz) {
            done.raw_bytes += path.metadata()?.len();
            done.brotli_bytes += br.metadata()?.len();
            continue;
        }
        let data = std::fs::read(&path)?;
        let small = brotli_max(&data)?;
        write_atomically(&br, &small)?;
        write_atomically(&gz, &gzip_max(&data)?)?;
        done.written += 1;
        done.raw_bytes += data.len() as u64;
        done.brotli_bytes += small.len() as u64;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compressed_copies_decode_to_the_file_and_are_redone_only_when_it_changes() {
        let dir = std::env::temp_dir().join(format!("reintegra-assets-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let wasm = dir.join("app.wasm");
        let body: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        std::fs::write(&wasm, &body).unwrap();
        std::fs::write(dir.join("icon.png"), b"not compressed").unwrap();

        let first = precompress_dir(&dir).unwrap();
        assert_eq!((first.files, first.written), (1, 1));
        assert!(first.brotli_bytes < first.raw_bytes / 4);
        let mut decoded = Vec::new();
        brotli::Decompressor::new(std::fs::File::open(dir.join("app.wasm.br")).unwrap(), 4096)
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, body);
        let mut gunzipped = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(dir.join("app.wasm.gz")).unwrap())
            .read_to_end(&mut gunzipped)
            .unwrap();
        assert_eq!(gunzipped, body);
        assert!(!dir.join("icon.png.br").exists());

        assert_eq!(precompress_dir(&dir).unwrap().written, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
