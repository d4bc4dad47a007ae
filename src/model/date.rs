//! Calendar dates as day numbers, durations like `90d`, and "today". No I/O besides the clock.

/// A calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// Parses `YYYY-MM-DD` (an optional time part after `T` or a space is ignored).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let day_part = text.split(['T', ' ']).next()?;
        let mut parts = day_part.split('-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some()
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// The date as `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = civil_from_days(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// This date plus `days`.
    pub fn plus(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// Today, from `FIELDBOOK_TODAY=YYYY-MM-DD` when set, else the system clock (UTC).
    pub fn today() -> Result<Date, String> {
        if let Ok(value) = std::env::var("FIELDBOOK_TODAY") {
            return Date::parse(&value).ok_or_else(|| {
                format!("FIELDBOOK_TODAY=`{value}` is not a date of the form YYYY-MM-DD")
            });
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Ok(Date(secs.div_euclid(86_400)))
    }
}

/// `90d`, `12w`, `6m`, `1y` → days (months count 30 days, years 365).
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let number: i64 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
    if number < 0 {
        return None;
    }
    let days = match unit {
        'd' => 1,
        'w' => 7,
        'm' => 30,
        'y' => 365,
        _ => return None,
    };
    number.checked_mul(days)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for text in ["1970-01-01", "2000-02-29", "2026-11-27", "1999-12-31"] {
            assert_eq!(Date::parse(text).unwrap().iso(), text);
        }
    }
    #[test]
    fn epoch_is_zero() {
        assert_eq!(Date::parse("1970-01-02"), Some(Date(1)));
    }
    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("next week"), None);
    }
    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d"), Some(90));
        assert_eq!(parse_duration("6m"), Some(180));
        assert_eq!(parse_duration("2w"), Some(14));
        assert_eq!(parse_duration("1y"), Some(365));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration(""), None);
    }
}
