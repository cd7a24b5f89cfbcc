//! The on-disk compiled-module cache: a first load compiles and stores, a
//! second load deserializes, and a damaged file falls back to compiling
//! (and is replaced). One test per binary: it sets process environment.

use ferrolite::wasm::cache;
use ferrolite::wasm::module::WASM;
use wasmtime::{Config, Engine};

#[test]
fn cache_stores_reloads_and_survives_damage() {
    let dir = std::env::temp_dir().join(format!("ferrolite-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::env::set_var("FERROLITE_COMPILE_CACHE_DIR", &dir);
    assert_eq!(cache::dir().as_deref(), Some(dir.as_path()));
    let engine = Engine::new(&Config::new()).unwrap();

    let exports = |m: &wasmtime::Module| m.exports().map(|e| e.name().to_string()).collect::<Vec<_>>();
    let first = cache::load_or_compile(&engine, WASM).unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    assert!(file.file_name().unwrap().to_str().unwrap().starts_with("engine-"));
    let stored = std::fs::read(file).unwrap();
    assert!(wasmtime::Engine::detect_precompiled(&stored).is_some());

    let second = cache::load_or_compile(&engine, WASM).unwrap();
    assert_eq!(exports(&first), exports(&second));
    assert_eq!(std::fs::read(file).unwrap(), stored, "a cache hit does not rewrite");

    std::fs::write(file, b"not a compiled module").unwrap();
    let third = cache::load_or_compile(&engine, WASM).unwrap();
    assert_eq!(exports(&first), exports(&third));
    assert!(wasmtime::Engine::detect_precompiled(&std::fs::read(file).unwrap()).is_some(), "damaged file replaced");

    std::env::set_var("FERROLITE_NO_COMPILE_CACHE", "1");
    assert_eq!(cache::dir(), None);
    let _ = std::fs::remove_dir_all(&dir);
}
