//! Calendar dates as days since 1970-01-01 (UTC), without a date crate: key ages in policies,
//! `--today` and `--history --since` only need whole days, which days-from-civil gives exactly.

use std::fmt;

/// A calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// Today in UTC from the system clock.
    pub fn today() -> Date {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Date(secs.div_euclid(86_400))
    }

    pub fn days_since_epoch(self) -> i64 {
        self.0
    }

    /// (year, month, day) — civil-from-days (Howard Hinnant's algorithm).
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (days-from-civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses `YYYY-MM-DD` (a real calendar date), as used by manifests and `--today`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let err = || format!("`{text}` is not a date in the form YYYY-MM-DD");
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| {
        text.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(err());
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
        return Err(format!("`{text}` is not a calendar date"));
    }
    Ok(Date(days_from_civil(i64::from(y), m, d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_counts_days() {
        assert_eq!(parse_date("1970-01-01"), Ok(Date(0)));
        assert_eq!(parse_date("2000-03-01").unwrap().0 - parse_date("2000-02-28").unwrap().0, 2);
        assert_eq!(parse_date("2026-11-22").unwrap().to_string(), "2026-11-22");
        assert_eq!(parse_date("1969-12-31"), Ok(Date(-1)));
        assert!(parse_date("2026-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("2026-1-01").is_err());
        assert!(parse_date("２０２６-01-01").is_err());
    }
}
