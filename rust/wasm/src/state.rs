//! The 64-byte state block every export refreshes before it returns, so hosts
//! read a call's results in place instead of making more calls (docs/abi.md,
//! "The state block").
//!
//! Layout (little-endian, `#[repr(C)]`, checked at compile time):
//!
//! | offset | type | field                                   |
//! |--------|------|-----------------------------------------|
//! | 0      | i32  | rc: primary result code of the last call |
//! | 4      | i32  | extended result code                    |
//! | 8      | i64  | changes                                 |
//! | 16     | i64  | total_changes                           |
//! | 24     | i64  | last_insert_rowid                       |
//! | 32     | i32  | stmt made by `fl_prepare` (0 = none)     |
//! | 36     | i32  | tail: byte offset of the next statement |
//! | 40     | i32  | out_ptr                                 |
//! | 44     | i32  | out_len                                 |
//! | 48     | i32  | err_ptr                                 |
//! | 52     | i32  | err_len                                 |
//! | 56     | i32  | autocommit (1 = no transaction open)    |
//! | 60     | i32  | reserved, always 0                      |
//!
//! Invariants:
//! - Fields are `Cell`s (`repr(transparent)`), so the block is written with
//!   safe code from anywhere, including the panic hook, without borrowing the
//!   session.
//! - Addresses (out, err) are only meaningful on wasm32, where pointers are
//!   32 bits; natively they are truncated and tests use the session's
//!   accessors instead.

use std::cell::Cell;

#[repr(C)]
pub struct StateBlock {
    pub rc: Cell<i32>,
    pub extended: Cell<i32>,
    pub changes: Cell<i64>,
    pub total_changes: Cell<i64>,
    pub last_insert_rowid: Cell<i64>,
    pub stmt: Cell<i32>,
    pub tail: Cell<i32>,
    pub out_ptr: Cell<i32>,
    pub out_len: Cell<i32>,
    pub err_ptr: Cell<i32>,
    pub err_len: Cell<i32>,
    pub autocommit: Cell<i32>,
    pub reserved: Cell<i32>,
}

const _: () = {
    assert!(std::mem::size_of::<StateBlock>() == 64);
    assert!(std::mem::offset_of!(StateBlock, changes) == 8);
    assert!(std::mem::offset_of!(StateBlock, last_insert_rowid) == 24);
    assert!(std::mem::offset_of!(StateBlock, stmt) == 32);
    assert!(std::mem::offset_of!(StateBlock, out_ptr) == 40);
    assert!(std::mem::offset_of!(StateBlock, err_ptr) == 48);
    assert!(std::mem::offset_of!(StateBlock, autocommit) == 56);
    assert!(std::mem::offset_of!(StateBlock, reserved) == 60);
};

impl StateBlock {
    pub const fn new() -> StateBlock {
        StateBlock {
            rc: Cell::new(0),
            extended: Cell::new(0),
            changes: Cell::new(0),
            total_changes: Cell::new(0),
            last_insert_rowid: Cell::new(0),
            stmt: Cell::new(0),
            tail: Cell::new(0),
            out_ptr: Cell::new(0),
            out_len: Cell::new(0),
            err_ptr: Cell::new(0),
            err_len: Cell::new(0),
            autocommit: Cell::new(1),
            reserved: Cell::new(0),
        }
    }

    /// Address of the block in linear memory.
    pub fn addr(&self) -> i32 {
        addr(self as *const StateBlock as *const u8)
    }

    pub fn set_out(&self, bytes: &[u8]) {
        self.out_ptr.set(addr(bytes.as_ptr()));
        self.out_len.set(len32(bytes.len()));
    }

    pub fn clear_out(&self) {
        self.out_ptr.set(0);
        self.out_len.set(0);
    }

    pub fn set_err(&self, msg: &str) {
        self.err_ptr.set(addr(msg.as_ptr()));
        self.err_len.set(len32(msg.len()));
    }

    pub fn clear_err(&self) {
        self.err_ptr.set(0);
        self.err_len.set(0);
    }
}

impl Default for StateBlock {
    fn default() -> Self {
        StateBlock::new()
    }
}

/// A pointer as a wasm32 address.
pub fn addr(p: *const u8) -> i32 {
    p as usize as u32 as i32
}

/// A length as the i32 the ABI carries (lengths never reach 2^31 on wasm32,
/// whose memory is at most 4 GiB and whose allocations are below 2 GiB).
pub fn len32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
