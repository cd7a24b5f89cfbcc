//! The rollback journal (`<db>-journal`, file format §4.1). How it ends
//! (delete / truncate / zero the header) is the pager's journal_mode.
//!
//! ```text
//! header (padded with zeros to the sector size, 512 here):
//!   0  8  magic d9 d5 05 f9 20 a1 63 d7
//!   8  4  number of page records that follow (0xffffffff = "to end of file")
//!  12  4  checksum nonce
//!  16  4  initial database size in pages
//!  20  4  sector size
//!  24  4  page size
//! then records: 4-byte page number, page_size bytes of the original page,
//! 4-byte checksum = nonce + data[page_size-200] + data[page_size-400] + ...
//! (while the index stays > 0). Further headers may follow at the next
//! sector boundary after a header's records.
//! ```
//!
//! Write order (synchronous=FULL; see `seal` for the others): header written with record count 0,
//! records appended, then before the database is written (commit, or a
//! cache spill): sync, write the count, sync ("seal"). Records appended
//! after a seal start a new segment with its own header at the next sector
//! boundary, as SQLite does. A hot
//! journal whose count is still 0 therefore means the database was never
//! touched, and playback does nothing but truncate.
//!
//! Playback stops at the first record that fails its checksum or names page
//! 0, a page past the initial size, or the lock page (SQLite's rules).

use crate::error::Result;
use crate::storage::varint::{get_u32, put_u32};
use crate::vfs::{OpenOptions, FileKind, SyncKind, Vfs, VfsFile};

pub const JOURNAL_MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
pub const SECTOR_SIZE: u32 = 512;

/// SQLite's sparse page checksum.
pub fn checksum(nonce: u32, data: &[u8]) -> u32 {
    let mut ck = nonce;
    let mut i = data.len() as i64 - 200;
    while i > 0 {
        ck = ck.wrapping_add(u32::from(data[i as usize]));
        i -= 200;
    }
    ck
}

/// An open journal being written by a write transaction.
pub struct JournalWriter {
    file: Box<dyn VfsFile>,
    nonce: u32,
    /// Records in the current segment (after the header at `hdr_off`).
    n_rec: u32,
    offset: u64,
    hdr_off: u64,
    /// The current segment's count is on disk: the next record starts a
    /// new segment (new header at the next sector boundary).
    sealed: bool,
    orig_size: u32,
    page_size: u32,
    buf: Vec<u8>,
}

fn header_bytes(nonce: u32, orig_size: u32, page_size: u32) -> Vec<u8> {
    let mut hdr = vec![0u8; SECTOR_SIZE as usize];
    hdr[..8].copy_from_slice(&JOURNAL_MAGIC);
    put_u32(&mut hdr, 8, 0);
    put_u32(&mut hdr, 12, nonce);
    put_u32(&mut hdr, 16, orig_size);
    put_u32(&mut hdr, 20, SECTOR_SIZE);
    put_u32(&mut hdr, 24, page_size);
    hdr
}

impl JournalWriter {
    /// Creates (or truncates) the journal and writes its header.
    pub fn create(vfs: &dyn Vfs, path: &str, orig_size: u32, page_size: u32) -> Result<JournalWriter> {
        let opts = OpenOptions { read_only: false, create: true, exclusive: false, kind: FileKind::MainJournal };
        let mut file = vfs.open(path, opts)?;
        file.truncate(0)?;
        let mut nb = [0u8; 4];
        vfs.randomness(&mut nb);
        let nonce = u32::from_be_bytes(nb);
        file.write_at(&header_bytes(nonce, orig_size, page_size), 0)?;
        Ok(JournalWriter {
            file,
            nonce,
            n_rec: 0,
            offset: u64::from(SECTOR_SIZE),
            hdr_off: 0,
            sealed: false,
            orig_size,
            page_size,
            buf: Vec::new(),
        })
    }

    /// Appends the original image of page `pgno`.
    pub fn append(&mut self, pgno: u32, data: &[u8]) -> Result<()> {
        if self.sealed {
            let s = u64::from(SECTOR_SIZE);
            let off = self.offset.div_ceil(s) * s;
            self.file.write_at(&header_bytes(self.nonce, self.orig_size, self.page_size), off)?;
            self.hdr_off = off;
            self.offset = off + s;
            self.n_rec = 0;
            self.sealed = false;
        }
        self.buf.clear();
        self.buf.extend_from_slice(&pgno.to_be_bytes());
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(&checksum(self.nonce, data).to_be_bytes());
        self.file.write_at(&self.buf, self.offset)?;
        self.offset += self.buf.len() as u64;
        self.n_rec += 1;
        Ok(())
    }

    /// The journal file itself (playback of an in-memory journal).
    pub fn file_mut(&mut self) -> &mut dyn VfsFile {
        &mut *self.file
    }

    pub fn record_count(&self) -> u32 {
        self.n_rec
    }

    /// Makes the journal durable before the database is written, per
    /// PRAGMA synchronous (`sync`: 0 OFF, 1 NORMAL, >= 2 FULL), as SQLite's
    /// syncJournal: FULL syncs the records, writes the record count into
    /// the header and syncs again; NORMAL writes the count and syncs once;
    /// OFF only writes the count.
    pub fn seal(&mut self, sync: u8) -> Result<()> {
        if self.sealed {
            return Ok(());
        }
        if sync >= 2 {
            self.file.sync(SyncKind::Full)?;
        }
        self.file.write_at(&self.n_rec.to_be_bytes(), self.hdr_off + 8)?;
        if sync >= 1 {
            self.file.sync(SyncKind::Full)?;
        }
        self.sealed = true;
        Ok(())
    }
}

/// Outcome of a playback.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Playback {
    pub pages_restored: u32,
    /// Page size taken from the journal header (None when no valid header).
    pub page_size: Option<u32>,
    pub orig_size: Option<u32>,
}

/// Plays a hot journal back into `db`: writes every valid original page,
/// truncates the database to its initial size and syncs it. The caller
/// holds EXCLUSIVE and deletes the journal afterwards.
pub fn playback(journal: &mut dyn VfsFile, db: &mut dyn VfsFile) -> Result<Playback> {
    let jsize = journal.size()?;
    let mut out = Playback::default();
    let mut hdr_off: u64 = 0;
    let mut first = true;
    let mut page = Vec::new();
    loop {
        // A header must fit entirely.
        let mut hdr = [0u8; 28];
        if hdr_off + 28 > jsize {
            break;
        }
        journal.read_at(&mut hdr, hdr_off)?;
        if hdr[..8] != JOURNAL_MAGIC {
            break;
        }
        let mut n_rec = get_u32(&hdr, 8);
        let nonce = get_u32(&hdr, 12);
        let orig = get_u32(&hdr, 16);
        let sector = get_u32(&hdr, 20);
        let psize = get_u32(&hdr, 24);
        let psize_ok = (512..=65536).contains(&psize) && psize.is_power_of_two() && orig < 0x7fff_ffff;
        let sector_ok = (32..=65536).contains(&sector) && sector.is_power_of_two();
        if !psize_ok || !sector_ok {
            break;
        }
        if first {
            if out.page_size.is_some_and(|p| p != psize) {
                break;
            }
            out.page_size = Some(psize);
            out.orig_size = Some(orig);
        } else if out.page_size != Some(psize) {
            break;
        }
        let rec_size = u64::from(psize) + 8;
        let mut off = hdr_off + u64::from(sector);
        if n_rec == 0xffff_ffff {
            n_rec = (jsize.saturating_sub(off) / rec_size) as u32;
        }
        if first {
            // Shrink the database back to its initial size (never grow it:
            // a damaged header must not make us allocate or extend).
            let want = u64::from(orig) * u64::from(psize);
            if db.size()? > want {
                db.truncate(want)?;
            }
            first = false;
        }
        let lock_page = (crate::vfs::lock::PENDING_BYTE / u64::from(psize)) as u32 + 1;
        page.resize(psize as usize + 8, 0);
        let mut done = false;
        for _ in 0..n_rec {
            if off + rec_size > jsize {
                done = true;
                break;
            }
            journal.read_at(&mut page, off)?;
            let pgno = get_u32(&page, 0);
            let data = &page[4..4 + psize as usize];
            let ck = get_u32(&page, 4 + psize as usize);
            if pgno == 0 || pgno == lock_page || ck != checksum(nonce, data) {
                done = true;
                break;
            }
            if pgno <= orig {
                db.write_at(data, u64::from(pgno - 1) * u64::from(psize))?;
                out.pages_restored += 1;
            }
            off += rec_size;
        }
        if done || n_rec == 0 {
            break;
        }
        // The next header starts at the next sector boundary.
        let s = u64::from(sector);
        hdr_off = off.div_ceil(s) * s;
    }
    db.sync(SyncKind::Full)?;
    Ok(out)
}
