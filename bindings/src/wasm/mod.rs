//! Running the engine's wasm module on wasmtime: the compiled module shared by
//! the process, the `ferrolite_host` imports, and one instance per connection.

pub mod cache;
pub mod imports;
pub mod instance;
pub mod module;
