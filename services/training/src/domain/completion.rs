//! Completion and certificates: who has completed an edition (by attendance), and the
//! unguessable code a certificate is verified by.
//!
//! Completion rule (documented in docs/training.md): the sessions that count for a
//! participant are those that have ended plus any with a record for them; an ended session
//! without a record counts as ABSENT, an EXCUSED one does not count. A participant completes
//! when they attended (PRESENT or LATE) at least [`COMPLETION_PERCENT`] % of the sessions that
//! count, or when none counts.

use std::fmt;

use super::{AttendanceStatus, InvalidInput};

/// Share of counted sessions a participant must attend to complete.
pub const COMPLETION_PERCENT: u32 = 80;

/// One session as it counts for one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRecord {
    /// The session is over.
    pub ended: bool,
    /// What was recorded for the participant, if anything.
    pub status: Option<AttendanceStatus>,
}

/// A participant's attendance, summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// Sessions attended (present or late).
    pub attended: u32,
    /// Sessions that count.
    pub counted: u32,
}

impl Completion {
    /// Sums up `records`.
    pub fn of(records: &[SessionRecord]) -> Completion {
        let mut attended = 0;
        let mut counted = 0;
        for r in records {
            let status = match (r.status, r.ended) {
                (Some(s), _) => s,
                (None, true) => AttendanceStatus::Absent,
                (None, false) => continue,
            };
            match status {
                AttendanceStatus::Present | AttendanceStatus::Late => {
                    attended += 1;
                    counted += 1;
                }
                AttendanceStatus::Absent => counted += 1,
                AttendanceStatus::Excused => {}
            }
        }
        Completion { attended, counted }
    }

    /// The participant completes.
    pub fn completes(self) -> bool {
        self.attended * 100 >= COMPLETION_PERCENT * self.counted
    }

    /// What a participant who does not complete is told.
    pub fn message(self) -> glocal_kit::i18n::Message {
        glocal_kit::i18n::Message::new("certificate-attendance")
            .arg("attended", self.attended)
            .arg("counted", self.counted)
            .arg("percent", COMPLETION_PERCENT)
    }
}

impl fmt::Display for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attended {} of {} sessions (at least {COMPLETION_PERCENT}% needed)",
            self.attended, self.counted
        )
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A certificate's verification code: `GLC-` and 20 Crockford base-32 characters in groups
/// of four (100 random bits from the operating system's generator).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateCode(String);

impl CertificateCode {
    /// A new random code.
    pub fn generate() -> Self {
        // Two v4 UUIDs, minus their fixed version and variant bytes: 28 random bytes.
        let mut bytes = Vec::with_capacity(28);
        for _ in 0..2 {
            let u = uuid::Uuid::new_v4();
            bytes.extend(
                u.as_bytes()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 6 && *i != 8)
                    .map(|(_, b)| *b),
            );
        }
        let chars: String = bytes
            .iter()
            .take(20)
            .map(|b| CROCKFORD[usize::from(b & 31)] as char)
            .collect();
        CertificateCode(Self::grouped(&chars))
    }

    fn grouped(chars: &str) -> String {
        let groups: Vec<&str> = (0..5).map(|g| &chars[g * 4..g * 4 + 4]).collect();
        format!("GLC-{}", groups.join("-"))
    }

    /// Parses a code as people type it: any case, with or without dashes and spaces, with
    /// I/L read as 1 and O as 0; field `code`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let bad = || {
            InvalidInput::new(
                "code",
                "is not a certificate code (GLC-XXXX-XXXX-XXXX-XXXX-XXXX)",
            )
        };
        let upper = s.trim().to_ascii_uppercase();
        let body = upper.strip_prefix("GLC").ok_or_else(bad)?;
        let chars: String = body
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| match c {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            })
            .collect();
        if chars.len() != 20 || !chars.bytes().all(|b| CROCKFORD.contains(&b)) {
            return Err(bad());
        }
        Ok(CertificateCode(Self::grouped(&chars)))
    }

    /// The canonical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttendanceStatus::*;

    fn rec(ended: bool, status: Option<AttendanceStatus>) -> SessionRecord {
        SessionRecord { ended, status }
    }

    #[test]
    fn eighty_percent_attendance_completes() {
        let four_of_five = [
            rec(true, Some(Present)),
            rec(true, Some(Late)),
            rec(true, Some(Present)),
            rec(true, Some(Present)),
            rec(true, Some(Absent)),
        ];
        let c = Completion::of(&four_of_five);
        assert_eq!((c.attended, c.counted), (4, 5));
        assert!(c.completes());
        let three_of_five = [
            rec(true, Some(Present)),
            rec(true, Some(Absent)),
            rec(true, Some(Present)),
            rec(true, None),
            rec(true, Some(Present)),
        ];
        let c = Completion::of(&three_of_five);
        assert_eq!((c.attended, c.counted), (3, 5));
        assert!(!c.completes());
        assert_eq!(
            c.to_string(),
            "attended 3 of 5 sessions (at least 80% needed)"
        );
    }

    #[test]
    fn excused_and_future_sessions_do_not_count() {
        let c = Completion::of(&[
            rec(true, Some(Present)),
            rec(true, Some(Excused)),
            rec(false, None),
            rec(false, Some(Late)),
        ]);
        assert_eq!((c.attended, c.counted), (2, 2));
        assert!(c.completes());
        assert!(Completion::of(&[]).completes());
    }

    #[test]
    fn codes_are_random_canonical_and_forgiving() {
        let a = CertificateCode::generate();
        let b = CertificateCode::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), "GLC-XXXX-XXXX-XXXX-XXXX-XXXX".len());
        assert_eq!(CertificateCode::parse(a.as_str()).unwrap(), a);
        let sloppy = a.as_str().to_ascii_lowercase().replace('-', " ");
        assert_eq!(CertificateCode::parse(&sloppy).unwrap(), a);
        assert_eq!(
            CertificateCode::parse("glc-oooo-iiii-llll-0000-1111")
                .unwrap()
                .as_str(),
            "GLC-0000-1111-1111-0000-1111"
        );
        for bad in [
            "",
            "GLC-1234",
            "XYZ-0000-1111-1111-0000-1111",
            "GLC-UUUU-1111-1111-0000-1111",
        ] {
            assert_eq!(
                CertificateCode::parse(bad).unwrap_err().field(),
                "code",
                "{bad}"
            );
        }
    }
}
