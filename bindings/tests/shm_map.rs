//! The wal-index mapping imports (fs_map, fs_unmap, shm_barrier) on
//! wasmtime with the library's own configuration and imports, driven by a
//! small hand-assembled module whose code loads and stores in its linear
//! memory: two instances mapping one -shm file see each other's stores at
//! once (and so does another process), growth never moves the memory,
//! fs_unmap restores private zero memory, bad arguments are error codes.

use ferrolite::shm::{grow_file, write_zero_pages};
use ferrolite::wasm::imports::{define, HostState};
use ferrolite::wasm::module::config;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use wasmtime::{Engine, Instance, Linker, Module, Store, StoreLimitsBuilder, Val};

/// One wal-index region (32 KiB).
const REGION: u64 = 32768;
const BLK: u32 = REGION as u32;
const IOERR_SHMSIZE: i32 = 10 | (19 << 8);
const IOERR_SHMMAP: i32 = 10 | (21 << 8);

fn leb(b: &mut Vec<u8>, mut x: u32) {
    loop {
        let c = (x & 0x7f) as u8;
        x >>= 7;
        if x == 0 {
            b.push(c);
            return;
        }
        b.push(c | 0x80);
    }
}

fn name(b: &mut Vec<u8>, s: &str) {
    leb(b, s.len() as u32);
    b.extend_from_slice(s.as_bytes());
}

fn section(m: &mut Vec<u8>, id: u8, body: Vec<u8>) {
    m.push(id);
    leb(m, body.len() as u32);
    m.extend(body);
}

/// Imports fs_map/fs_unmap/shm_barrier; exports memory (1 page, no max),
/// map/unmap/barrier wrappers, i32 load/store and memory.grow.
fn test_module() -> Vec<u8> {
    const I32: u8 = 0x7f;
    const I64: u8 = 0x7e;
    let types: [(&[u8], &[u8]); 5] =
        [(&[I32, I64, I32, I32], &[I32]), (&[I32, I32], &[I32]), (&[], &[]), (&[I32], &[I32]), (&[I32, I32], &[])];
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    let mut s = vec![];
    leb(&mut s, types.len() as u32);
    for (p, r) in types {
        s.push(0x60);
        leb(&mut s, p.len() as u32);
        s.extend_from_slice(p);
        leb(&mut s, r.len() as u32);
        s.extend_from_slice(r);
    }
    section(&mut m, 1, s);
    let imports = [("fs_map", 0u8), ("fs_unmap", 1), ("shm_barrier", 2)];
    let mut s = vec![];
    leb(&mut s, imports.len() as u32);
    for (n, t) in imports {
        name(&mut s, "ferrolite_host");
        name(&mut s, n);
        s.extend([0, t]);
    }
    section(&mut m, 2, s);
    let funcs: [(&str, u8, &[u8]); 6] = [
        ("map", 0, &[0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x10, 0]),
        ("unmap", 1, &[0x20, 0, 0x20, 1, 0x10, 1]),
        ("barrier", 2, &[0x10, 2]),
        ("load", 3, &[0x20, 0, 0x28, 2, 0]),
        ("store", 4, &[0x20, 0, 0x20, 1, 0x36, 2, 0]),
        ("grow", 3, &[0x20, 0, 0x40, 0]),
    ];
    let mut s = vec![];
    leb(&mut s, funcs.len() as u32);
    s.extend(funcs.iter().map(|f| f.1));
    section(&mut m, 3, s);
    section(&mut m, 5, vec![1, 0, 1]);
    let mut s = vec![];
    leb(&mut s, funcs.len() as u32 + 1);
    name(&mut s, "memory");
    s.extend([2, 0]);
    for (i, f) in funcs.iter().enumerate() {
        name(&mut s, f.0);
        s.push(0);
        leb(&mut s, (imports.len() + i) as u32);
    }
    section(&mut m, 7, s);
    let mut s = vec![];
    leb(&mut s, funcs.len() as u32);
    for f in &funcs {
        let mut body = vec![0];
        body.extend_from_slice(f.2);
        body.push(0x0b);
        leb(&mut s, body.len() as u32);
        s.extend(body);
    }
    section(&mut m, 10, s);
    m
}

struct Env {
    engine: Engine,
    module: Module,
    linker: Linker<HostState>,
}

fn env() -> Env {
    let engine = Engine::new(&config()).unwrap();
    let module = Module::new(&engine, test_module()).unwrap();
    let mut linker = Linker::new(&engine);
    define(&mut linker).unwrap();
    Env { engine, module, linker }
}

struct Inst {
    store: Store<HostState>,
    inst: Instance,
}

impl Inst {
    fn new(e: &Env) -> Inst {
        let limits = StoreLimitsBuilder::new().memory_size(4 << 30).build();
        let mut store = Store::new(&e.engine, HostState::new(Arc::new(AtomicBool::new(false)), limits));
        store.limiter(|s| &mut s.limits);
        let inst = e.linker.instantiate(&mut store, &e.module).unwrap();
        let mem = inst.get_memory(&mut store, "memory").unwrap();
        store.data_mut().memory = Some(mem);
        Inst { store, inst }
    }

    fn call(&mut self, f: &str, args: &[Val]) -> i32 {
        let func = self.inst.get_func(&mut self.store, f).unwrap();
        let n = func.ty(&self.store).results().len();
        let mut out = vec![Val::I32(0); n];
        func.call(&mut self.store, args, &mut out).unwrap();
        out.first().map_or(0, |v| v.unwrap_i32())
    }

    fn open(&mut self, path: &PathBuf, flags: i32) -> i32 {
        let fd = self.store.data_mut().files.open(path.to_str().unwrap().as_bytes(), flags);
        assert!(fd >= 1, "open {path:?}: {fd}");
        fd
    }

    fn map(&mut self, fd: i32, off: i64, len: u32, at: u32) -> i32 {
        self.call("map", &[Val::I32(fd), Val::I64(off), Val::I32(len as i32), Val::I32(at as i32)])
    }

    fn unmap(&mut self, at: u32, len: u32) -> i32 {
        self.call("unmap", &[Val::I32(at as i32), Val::I32(len as i32)])
    }

    fn load(&mut self, at: u32) -> u32 {
        self.call("load", &[Val::I32(at as i32)]) as u32
    }

    fn store(&mut self, at: u32, v: u32) {
        self.call("store", &[Val::I32(at as i32), Val::I32(v as i32)]);
    }

    fn grow(&mut self, pages: u32) -> i32 {
        self.call("grow", &[Val::I32(pages as i32)])
    }

    fn base(&mut self) -> usize {
        let mem = self.store.data().memory.unwrap();
        mem.data_ptr(&self.store) as usize
    }

    fn pages(&mut self) -> usize {
        let mem = self.store.data().memory.unwrap();
        mem.data_size(&self.store) / 65536
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrolite-shm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

#[test]
fn two_instances_share_a_mapped_file() {
    let e = env();
    let (mut a, mut b) = (Inst::new(&e), Inst::new(&e));
    let path = temp("share.db-shm");
    let fa = a.open(&path, 2 | 8);
    let fb = b.open(&path, 2 | 8);
    assert_eq!(a.grow(2), 1);
    assert_eq!(b.grow(2), 1);
    assert_eq!(a.map(fa, 0, BLK, 65536), 0);
    assert_eq!(a.map(fa, BLK as i64, BLK, 65536 + BLK), 0);
    assert_eq!(b.map(fb, BLK as i64, BLK, 131072), 0, "b maps region 1 first, elsewhere");
    assert_eq!(b.map(fb, 0, BLK, 131072 + BLK), 0);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 2 * REGION, "fs_map grew the file");
    a.store(65536 + 120, 0xdead_beef);
    a.call("barrier", &[]);
    assert_eq!(b.load(131072 + BLK + 120), 0xdead_beef, "b sees a's store in region 0");
    b.store(131072 + 4, 0x0102_0304);
    b.call("barrier", &[]);
    assert_eq!(a.load(65536 + BLK + 4), 0x0102_0304, "a sees b's store in region 1");
    let data = std::fs::read(&path).unwrap();
    assert_eq!(u32_at(&data, 120), 0xdead_beef);
    assert_eq!(u32_at(&data, BLK as usize + 4), 0x0102_0304);
    // A write through the file shows in both mappings.
    std::os::unix::fs::FileExt::write_all_at(
        &std::fs::OpenOptions::new().write(true).open(&path).unwrap(),
        &[9, 8, 7, 6],
        200,
    )
    .unwrap();
    assert_eq!(a.load(65536 + 200), 0x0607_0809);
    assert_eq!(b.load(131072 + BLK + 200), 0x0607_0809);
}

#[test]
fn growth_never_moves_the_memory() {
    let e = env();
    let (mut a, mut b) = (Inst::new(&e), Inst::new(&e));
    let path = temp("grow.db-shm");
    let fa = a.open(&path, 2);
    let fb = b.open(&path, 2);
    a.grow(1);
    b.grow(1);
    assert_eq!(a.map(fa, 0, BLK, 65536), 0);
    assert_eq!(b.map(fb, 0, BLK, 65536 + BLK), 0);
    let base = a.base();
    for i in 0..40u32 {
        assert!(a.grow(50) > 0, "grow {i}");
        assert_eq!(a.base(), base, "memory moved at {} pages", a.pages());
        let top = (a.pages() * 65536 - 4) as u32;
        a.store(top, i);
        a.store(65536 + 8, 1000 + i);
        assert_eq!(b.load(65536 + BLK + 8), 1000 + i, "mapping still shared after growth {i}");
    }
    assert_eq!(a.pages(), 2 + 40 * 50);
}

#[test]
fn unmap_restores_private_zero_memory() {
    let e = env();
    let mut a = Inst::new(&e);
    let path = temp("unmap.db-shm");
    std::fs::write(&path, vec![0xab; BLK as usize]).unwrap();
    let fd = a.open(&path, 0);
    a.grow(1);
    assert_eq!(a.map(fd, 0, BLK, 65536), 0);
    assert_eq!(a.load(65536 + 40), 0xabab_abab);
    assert_eq!(a.unmap(65536, BLK), 0);
    for off in [0, 40, BLK - 4] {
        assert_eq!(a.load(65536 + off), 0, "byte {off} after fs_unmap");
    }
    a.store(65536 + 40, 5);
    assert_eq!(a.load(65536 + 40), 5);
    assert_eq!(std::fs::read(&path).unwrap(), vec![0xab; BLK as usize], "store after unmap reached the file");
    assert_eq!(a.map(fd, 0, BLK, 65536), 0, "re-map");
    assert_eq!(a.load(65536 + 40), 0xabab_abab);
}

#[test]
fn bad_arguments_are_error_codes() {
    let e = env();
    let mut a = Inst::new(&e);
    let path = temp("bad.db-shm");
    let fd = a.open(&path, 2);
    a.grow(1);
    let cases: [(&str, i32, i64, u32, u32); 11] = [
        ("unaligned address", fd, 0, BLK, 65536 + 4096),
        ("unaligned offset", fd, 4096, BLK, 65536),
        ("negative offset", fd, -(BLK as i64), BLK, 65536),
        ("short length", fd, 0, 4096, 65536),
        ("zero length", fd, 0, 0, 65536),
        ("negative length", fd, 0, 0xffff_8000, 65536),
        ("past the end", fd, 0, BLK, 131072),
        ("straddling the end", fd, 0, 2 * BLK, 65536 + BLK),
        ("near 4 GiB", fd, 0, BLK, 0xffff_8000),
        ("unknown handle", 99, 0, BLK, 65536),
        ("handle 0", 0, 0, BLK, 65536),
    ];
    for (what, f, off, len, at) in cases {
        assert_eq!(a.map(f, off, len, at), IOERR_SHMMAP, "fs_map: {what}");
    }
    for (what, _, _, len, at) in [cases[0], cases[3], cases[4], cases[5], cases[6], cases[7], cases[8]] {
        assert_eq!(a.unmap(at, len), IOERR_SHMMAP, "fs_unmap: {what}");
    }
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "a refused map changed the file");
    // Read-only: a short file is IOERR_SHMSIZE; a long one maps privately.
    let ro = temp("ro.db-shm");
    std::fs::write(&ro, [0u8; 100]).unwrap();
    let rfd = a.open(&ro, 1 | 8);
    assert_eq!(a.map(rfd, 0, BLK, 65536), IOERR_SHMSIZE);
    std::fs::write(&ro, vec![1u8; BLK as usize]).unwrap();
    assert_eq!(a.map(rfd, 0, BLK, 65536), 0);
    assert_eq!(a.load(65536), 0x0101_0101);
    a.store(65536, 0);
    assert_eq!(std::fs::read(&ro).unwrap()[0], 1, "a store into a read-only mapping reached the file");
}

#[test]
fn another_process_shares_the_mapping() {
    let e = env();
    let mut a = Inst::new(&e);
    let path = temp("proc.db-shm");
    let fd = a.open(&path, 2);
    a.grow(1);
    assert_eq!(a.map(fd, 0, BLK, 65536), 0);
    a.store(65536 + 16, 4242);
    let script = r#"
import mmap, struct, sys
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 32768, mmap.MAP_SHARED)
print(struct.unpack_from("<I", m, 16)[0], flush=True)
struct.pack_into("<I", m, 20, 777)
sys.stdin.readline()
print(struct.unpack_from("<I", m, 24)[0], flush=True)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is required for this test");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "4242");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while a.load(65536 + 20) != 777 {
        assert!(std::time::Instant::now() < deadline, "python's store never showed");
    }
    a.store(65536 + 24, 31337);
    a.call("barrier", &[]);
    child.stdin.take().unwrap().write_all(b"\n").unwrap();
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "31337");
    assert!(child.wait().unwrap().success());
}

#[test]
fn growing_a_shm_file_keeps_its_bytes() {
    type Grow = fn(&std::fs::File, u64, u64) -> std::io::Result<()>;
    let grows: [(&str, Grow); 2] = [("grow_file", grow_file), ("write_zero_pages", write_zero_pages)];
    for (what, grow) in grows {
        let path = temp(&format!("{what}.db-shm"));
        std::fs::write(&path, vec![7u8; 5000]).unwrap();
        let f = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        grow(&f, 5000, 2 * REGION).unwrap();
        grow(&f, 5000, REGION).unwrap();
        drop(f);
        let data = std::fs::read(&path).unwrap();
        assert_eq!(data.len() as u64, 2 * REGION, "{what}");
        assert!(data[..5000].iter().all(|&b| b == 7) && data[5000..].iter().all(|&b| b == 0), "{what}");
    }
}
