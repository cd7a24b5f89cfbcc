//! LIKE (ASCII case-insensitive, optional ESCAPE) and GLOB (case-sensitive,
//! `*`, `?`, `[...]` classes) pattern matching over Unicode scalar values.
//!
//! Invariant: matching is iterative with one backtrack point per `%`/`*`,
//! so runtime is bounded by pattern length x text length.

/// `text LIKE pattern [ESCAPE esc]`.
pub fn like(pattern: &str, text: &str, esc: Option<char>) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t, esc, false)
}

/// `text GLOB pattern`.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t, None, true)
}

fn fold(c: char) -> char {
    c.to_ascii_lowercase()
}

/// Matches one `[...]` class at p[pi] (pi points after '['); returns
/// (matched, index after ']') or None if unterminated.
fn class(p: &[char], mut pi: usize, c: char) -> Option<(bool, usize)> {
    let mut negate = false;
    if pi < p.len() && p[pi] == '^' {
        negate = true;
        pi += 1;
    }
    let mut found = false;
    let mut first = true;
    while pi < p.len() {
        if p[pi] == ']' && !first {
            return Some((found != negate, pi + 1));
        }
        first = false;
        if pi + 2 < p.len() && p[pi + 1] == '-' && p[pi + 2] != ']' {
            if p[pi] <= c && c <= p[pi + 2] {
                found = true;
            }
            pi += 3;
        } else {
            if p[pi] == c {
                found = true;
            }
            pi += 1;
        }
    }
    None
}

fn matches(p: &[char], t: &[char], esc: Option<char>, glob: bool) -> bool {
    let (many, one) = if glob { ('*', '?') } else { ('%', '_') };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut back: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            let pc = p[pi];
            if pc == many && Some(pc) != esc {
                // Collapse runs of wildcards.
                while pi < p.len() && (p[pi] == many || p[pi] == one) && Some(p[pi]) != esc {
                    if p[pi] == one {
                        if ti >= t.len() {
                            return false;
                        }
                        ti += 1;
                    }
                    pi += 1;
                }
                if pi == p.len() {
                    return true;
                }
                back = Some((pi, ti));
                continue;
            }
            if ti < t.len() {
                let tc = t[ti];
                let (ok, adv) = if pc == one && Some(pc) != esc {
                    (true, 1)
                } else if glob && pc == '[' {
                    match class(p, pi + 1, tc) {
                        Some((m, next)) => (m, next - pi),
                        None => (false, 1),
                    }
                } else if !glob && Some(pc) == esc {
                    if pi + 1 >= p.len() {
                        return false;
                    }
                    (fold(p[pi + 1]) == fold(tc), 2)
                } else if glob {
                    (pc == tc, 1)
                } else {
                    (fold(pc) == fold(tc), 1)
                };
                if ok {
                    pi += adv;
                    ti += 1;
                    continue;
                }
            }
        } else if ti == t.len() {
            return true;
        }
        // Mismatch: backtrack to the last '%'.
        match back {
            Some((bp, bt)) if bt < t.len() => {
                back = Some((bp, bt + 1));
                pi = bp;
                ti = bt + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_and_glob() {
        assert!(like("a%", "ABC", None));
        assert!(like("%b_", "abc", None));
        assert!(!like("a_", "abc", None));
        assert!(like("a\\%", "a%", Some('\\')));
        assert!(!like("a\\%", "ab", Some('\\')));
        assert!(like("%", "", None));
        assert!(glob("a*c", "abbbc"));
        assert!(!glob("A*", "abc"));
        assert!(glob("[a-c]?", "bz"));
        assert!(glob("[^a-c]*", "zz"));
        assert!(!glob("[^a-c]*", "az"));
    }
}
