//! On-disk cache of the compiled engine module, so only the first process on
//! a machine pays for compiling it (about 0.7 s in release; a cached load
//! takes milliseconds).
//!
//! Location: `$FERROLITE_COMPILE_CACHE_DIR` if set, else the user cache
//! directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
//! macOS) + `ferrolite/wasmtime`. `FERROLITE_NO_COMPILE_CACHE=1` turns it off
//! (the Go driver honours the same variable).
//!
//! File name: `engine-<key>.cwasm`, where the key hashes the module bytes and
//! wasmtime's compatibility hash (its version and the engine configuration),
//! so a changed module or runtime never loads stale code.
//!
//! Invariants:
//! - The cache is best effort: any failure to read, write or deserialize
//!   falls back to compiling; it never makes opening fail.
//! - Files are written to a temporary name and renamed into place, so a
//!   reader never sees a partial file.
//! - Only files this library wrote in a directory the user owns are loaded
//!   (the same trust wasmtime's own cache places in its directory); they
//!   are read into memory before deserializing, so a file changed later
//!   cannot affect a loaded module.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use wasmtime::{Engine, Module};

/// FNV-1a, 64 bits: a stable hash (std's DefaultHasher may change between
/// Rust releases, which would only cost cache misses, but FNV never does).
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
}

fn key(engine: &Engine, wasm: &[u8]) -> String {
    let mut a = Fnv(0xcbf2_9ce4_8422_2325);
    let mut b = Fnv(0x6c62_272e_07bb_0142);
    for h in [&mut a, &mut b] {
        wasm.hash(h);
        engine.precompile_compatibility_hash().hash(h);
        std::env::consts::ARCH.hash(h);
        env!("CARGO_PKG_VERSION").hash(h);
    }
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

/// The cache directory, or None when caching is off or no home is known.
pub fn dir() -> Option<PathBuf> {
    if std::env::var_os("FERROLITE_NO_COMPILE_CACHE").is_some_and(|v| v == "1") {
        return None;
    }
    if let Some(d) = std::env::var_os("FERROLITE_COMPILE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let base = if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Caches"))
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
    };
    base.map(|b| b.join("ferrolite").join("wasmtime"))
}

/// Loads the compiled module from the cache, or compiles it and stores it.
pub fn load_or_compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Module> {
    let Some(dir) = dir() else { return Module::new(engine, wasm) };
    let path = dir.join(format!("engine-{}.cwasm", key(engine, wasm)));
    if let Ok(bytes) = std::fs::read(&path) {
        // SAFETY: the file was written by `store` below from
        // Module::serialize of this same module (the name carries the hash
        // of the module bytes and of wasmtime's compatibility data), in a
        // directory owned by the user; wasmtime further checks its header,
        // version and configuration and returns an error on mismatch.
        if let Ok(m) = unsafe { Module::deserialize(engine, &bytes) } {
            return Ok(m);
        }
    }
    let module = Module::new(engine, wasm)?;
    store(&dir, &path, &module);
    Ok(module)
}

fn store(dir: &std::path::Path, path: &std::path::Path, module: &Module) {
    let Ok(bytes) = module.serialize() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, path).is_ok() {
        return;
    }
    let _ = std::fs::remove_file(&tmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
