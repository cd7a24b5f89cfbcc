//! Date and time functions: date, time, datetime, julianday, unixepoch,
//! strftime. Time values: 'now', ISO-8601 'YYYY-MM-DD[ T]HH:MM[:SS[.fff]]',
//! 'HH:MM[:SS]', a julian day number, or with the 'unixepoch' modifier a
//! unix time. Modifiers: '[+-]N days|hours|minutes|seconds|months|years',
//! 'start of day|month|year', 'unixepoch', 'utc'/'localtime' (UTC only),
//! 'weekday N'. Anything unparseable gives NULL, as in SQLite.
//!
//! Internally a moment is `ijd`: milliseconds since the julian epoch
//! (noon UTC, 24 Nov 4714 BC), as SQLite's DateTime.iJD.

use super::FuncEnv;
use crate::error::Result;
use crate::value::ops::text_of;
use crate::value::Value;

const UNIX_EPOCH_IJD: i64 = 210_866_760_000_000;
const MAX_IJD: i64 = 464_269_060_799_999;

fn ymd_to_ijd(y: i64, m: i64, d: i64) -> i64 {
    let (mut y, mut m) = (y, m);
    if m <= 2 {
        y -= 1;
        m += 12;
    }
    let a = y / 100;
    let b = 2 - a + a / 4;
    let x1 = 36525 * (y + 4716) / 100;
    let x2 = 306001 * (m + 1) / 10000;
    (x1 + x2 + d + b) * 86_400_000 - 131_716_800_000
}

/// (year, month, day) of a moment.
fn ijd_to_ymd(ijd: i64) -> (i64, i64, i64) {
    let z = (ijd + 43_200_000) / 86_400_000;
    let alpha = ((z as f64 - 1867216.25) / 36524.25) as i64;
    let a = z + 1 + alpha - alpha / 4;
    let b = a + 1524;
    let c = ((b as f64 - 122.1) / 365.25) as i64;
    let d = (36525 * (c & 32767)) / 100;
    let e = ((b - d) as f64 / 30.6001) as i64;
    let x1 = (30.6001 * e as f64) as i64;
    let day = b - d - x1;
    let month = if e < 14 { e - 1 } else { e - 13 };
    let year = if month > 2 { c - 4716 } else { c - 4715 };
    (year, month, day)
}

/// (hour, minute, seconds-with-fraction) of a moment.
fn ijd_to_hms(ijd: i64) -> (i64, i64, f64) {
    let ms = (ijd + 43_200_000).rem_euclid(86_400_000);
    let h = ms / 3_600_000;
    let m = (ms % 3_600_000) / 60_000;
    let s = (ms % 60_000) as f64 / 1000.0;
    (h, m, s)
}

fn num_at(s: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    if *i + n > s.len() {
        return None;
    }
    let mut v = 0;
    for k in 0..n {
        let c = s[*i + k];
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    *i += n;
    Some(v)
}

/// Parses "HH:MM[:SS[.fff]]" at i; returns ms since midnight.
fn parse_hms(s: &[u8], i: &mut usize) -> Option<i64> {
    let h = num_at(s, i, 2)?;
    if s.get(*i) != Some(&b':') {
        return None;
    }
    *i += 1;
    let m = num_at(s, i, 2)?;
    let mut ms = 0i64;
    if s.get(*i) == Some(&b':') {
        *i += 1;
        let sec = num_at(s, i, 2)?;
        ms = sec * 1000;
        if s.get(*i) == Some(&b'.') {
            *i += 1;
            let mut scale = 100;
            let mut frac = 0;
            while *i < s.len() && s[*i].is_ascii_digit() {
                frac += i64::from(s[*i] - b'0') * scale;
                scale /= 10;
                *i += 1;
            }
            ms += frac;
        }
    }
    if h > 24 || m > 59 || ms >= 60_000 {
        return None;
    }
    Some(h * 3_600_000 + m * 60_000 + ms)
}

fn parse_time_value(v: &Value, now_ms: i64) -> Option<i64> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some((*i as f64 * 86_400_000.0 + 0.5) as i64),
        Value::Real(r) if r.is_finite() => Some((*r * 86_400_000.0 + 0.5) as i64),
        Value::Real(_) => None,
        _ => {
            let t = text_of(v)?;
            let t = t.trim();
            if t.eq_ignore_ascii_case("now") {
                return Some(now_ms + UNIX_EPOCH_IJD);
            }
            let s = t.as_bytes();
            let mut i = 0;
            let neg = s.first() == Some(&b'-');
            if neg {
                i += 1;
            }
            if s.len() >= i + 10 && s[i + 4] == b'-' {
                let y = num_at(s, &mut i, 4)?;
                i += 1;
                let mo = num_at(s, &mut i, 2)?;
                if s.get(i) != Some(&b'-') {
                    return None;
                }
                i += 1;
                let d = num_at(s, &mut i, 2)?;
                if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
                    return None;
                }
                let y = if neg { -y } else { y };
                let mut ijd = ymd_to_ijd(y, mo, d);
                while i < s.len() && (s[i] == b' ' || s[i] == b'T') {
                    i += 1;
                }
                if i < s.len() {
                    ijd += parse_hms(s, &mut i)?;
                    if s.get(i) == Some(&b'Z') || s.get(i) == Some(&b'z') {
                        i += 1;
                    }
                }
                return if i == s.len() { Some(ijd) } else { None };
            }
            if s.len() >= 5 && s[2] == b':' {
                let ms = parse_hms(s, &mut i)?;
                return if i == s.len() { Some(ymd_to_ijd(2000, 1, 1) + ms) } else { None };
            }
            let r: f64 = t.parse().ok()?;
            if !r.is_finite() {
                return None;
            }
            Some((r * 86_400_000.0 + 0.5) as i64)
        }
    }
}

fn apply_modifier(ijd: &mut i64, m: &str, first_arg: &Value) -> Option<()> {
    let m = m.trim().to_ascii_lowercase();
    match m.as_str() {
        "unixepoch" => {
            let secs = match first_arg {
                Value::Integer(i) => *i as f64,
                Value::Real(r) => *r,
                v => text_of(v)?.trim().parse().ok()?,
            };
            if !secs.is_finite() || secs.abs() > 1.0e14 {
                return None;
            }
            *ijd = (secs * 1000.0).round() as i64 + UNIX_EPOCH_IJD;
            return Some(());
        }
        "utc" | "localtime" | "auto" | "subsec" | "subsecond" => return Some(()),
        "start of day" => {
            let (y, mo, d) = ijd_to_ymd(*ijd);
            *ijd = ymd_to_ijd(y, mo, d);
            return Some(());
        }
        "start of month" => {
            let (y, mo, _) = ijd_to_ymd(*ijd);
            *ijd = ymd_to_ijd(y, mo, 1);
            return Some(());
        }
        "start of year" => {
            let (y, _, _) = ijd_to_ymd(*ijd);
            *ijd = ymd_to_ijd(y, 1, 1);
            return Some(());
        }
        _ => {}
    }
    if let Some(n) = m.strip_prefix("weekday ") {
        let n: i64 = n.trim().parse().ok()?;
        if !(0..=6).contains(&n) {
            return None;
        }
        let cur = ((*ijd + 129_600_000) / 86_400_000) % 7;
        let add = (n - cur).rem_euclid(7);
        *ijd += add * 86_400_000;
        return Some(());
    }
    let (numtxt, unit) = m.split_once(' ').map(|(a, b)| (a, b.trim())).unwrap_or((&m, ""));
    let n: f64 = numtxt.parse().ok()?;
    // Anything this large leaves the representable range (year 9999).
    if !n.is_finite() || n.abs() > 1.0e12 {
        return None;
    }
    let unit = unit.trim_end_matches('s');
    match unit {
        "day" => *ijd = ijd.saturating_add((n * 86_400_000.0).round() as i64),
        "hour" => *ijd = ijd.saturating_add((n * 3_600_000.0).round() as i64),
        "minute" => *ijd = ijd.saturating_add((n * 60_000.0).round() as i64),
        "second" => *ijd = ijd.saturating_add((n * 1000.0).round() as i64),
        "month" | "year" => {
            let months = if unit == "year" { n as i64 * 12 } else { n as i64 };
            if months.abs() > 1_000_000 || !(0..=MAX_IJD).contains(ijd) {
                return None;
            }
            let (y, mo, d) = ijd_to_ymd(*ijd);
            let tod = (*ijd + 43_200_000).rem_euclid(86_400_000);
            let total = y * 12 + (mo - 1) + months;
            let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
            *ijd = ymd_to_ijd(ny, nm, 1) + (d - 1) * 86_400_000 + tod;
        }
        _ => return None,
    }
    Some(())
}

fn moment(env: &FuncEnv<'_>, a: &[Value]) -> Option<i64> {
    let mut ijd = if a.is_empty() { env.now_ms + UNIX_EPOCH_IJD } else { parse_time_value(&a[0], env.now_ms)? };
    for m in a.iter().skip(1) {
        let t = text_of(m)?;
        apply_modifier(&mut ijd, &t, &a[0])?;
        if !(0..=MAX_IJD).contains(&ijd) {
            return None;
        }
    }
    if !(0..=MAX_IJD).contains(&ijd) {
        return None;
    }
    Some(ijd)
}

fn fmt_date(ijd: i64) -> String {
    let (y, m, d) = ijd_to_ymd(ijd);
    format!("{y:04}-{m:02}-{d:02}")
}

fn fmt_time(ijd: i64) -> String {
    let (h, m, s) = ijd_to_hms(ijd);
    format!("{h:02}:{m:02}:{:02}", s as i64)
}

pub fn date(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(moment(env, a).map(|j| Value::Text(fmt_date(j))).unwrap_or(Value::Null))
}

pub fn time(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(moment(env, a).map(|j| Value::Text(fmt_time(j))).unwrap_or(Value::Null))
}

pub fn datetime(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(moment(env, a).map(|j| Value::Text(format!("{} {}", fmt_date(j), fmt_time(j)))).unwrap_or(Value::Null))
}

pub fn julianday(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(moment(env, a).map(|j| Value::Real(j as f64 / 86_400_000.0)).unwrap_or(Value::Null))
}

pub fn unixepoch(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    Ok(moment(env, a).map(|j| Value::Integer((j - UNIX_EPOCH_IJD).div_euclid(1000))).unwrap_or(Value::Null))
}

pub fn strftime(env: &mut FuncEnv<'_>, a: &[Value]) -> Result<Value> {
    let Some(fmt) = text_of(&a[0]).map(|s| s.into_owned()) else { return Ok(Value::Null) };
    let Some(j) = moment(env, &a[1..]) else { return Ok(Value::Null) };
    let (y, mo, d) = ijd_to_ymd(j);
    let (h, mi, s) = ijd_to_hms(j);
    let mut out = String::new();
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('m') => out.push_str(&format!("{mo:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('H') => out.push_str(&format!("{h:02}")),
            Some('M') => out.push_str(&format!("{mi:02}")),
            Some('S') => out.push_str(&format!("{:02}", s as i64)),
            Some('f') => out.push_str(&format!("{s:06.3}")),
            Some('s') => out.push_str(&((j - UNIX_EPOCH_IJD).div_euclid(1000)).to_string()),
            Some('J') => out.push_str(&crate::value::num::format_real(j as f64 / 86_400_000.0)),
            Some('w') => out.push_str(&(((j + 129_600_000) / 86_400_000) % 7).to_string()),
            Some('j') => {
                let doy = (ymd_to_ijd(y, mo, d) - ymd_to_ijd(y, 1, 1)) / 86_400_000 + 1;
                out.push_str(&format!("{doy:03}"))
            }
            Some('%') => out.push('%'),
            _ => return Ok(Value::Null),
        }
    }
    Ok(Value::Text(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_dates() {
        let j = ymd_to_ijd(2024, 2, 29);
        assert_eq!(ijd_to_ymd(j), (2024, 2, 29));
        assert_eq!(fmt_date(UNIX_EPOCH_IJD), "1970-01-01");
        assert_eq!(fmt_time(UNIX_EPOCH_IJD + 3_723_000), "01:02:03");
        let mut x = parse_time_value(&Value::Text("2024-01-31 10:00:00".into()), 0).unwrap();
        apply_modifier(&mut x, "+1 day", &Value::Null).unwrap();
        assert_eq!(format!("{} {}", fmt_date(x), fmt_time(x)), "2024-02-01 10:00:00");
    }
}
