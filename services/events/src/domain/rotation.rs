//! A series' host rotation: the countries that take turns hosting its editions, in order
//! (the Korea–China–Japan conference rotates KR → CN → JP → KR …). Cancelled editions do
//! not take a turn.

use glocal_kit::i18n::Message;

use super::{CountryCode, InvalidInput};

/// The order in which countries host a series' editions; empty when the series does not rotate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rotation(Vec<CountryCode>);

/// An edition proposed out of turn, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct OutOfTurn {
    /// The country whose turn it is.
    pub expected: CountryCode,
    /// Why, in English (logs, the status text).
    pub reason: String,
    /// Why, as a catalogue message to say in the reader's language.
    pub said: Message,
}

impl OutOfTurn {
    fn new(expected: CountryCode, said: Message) -> Self {
        OutOfTurn {
            expected,
            reason: said.render(glocal_kit::i18n::Lang::En),
            said,
        }
    }
}

impl Rotation {
    /// Parses a rotation: no countries, or at least two distinct ones; field `rotation`.
    pub fn parse(codes: &[String]) -> Result<Self, InvalidInput> {
        let mut out: Vec<CountryCode> = Vec::new();
        for (i, c) in codes.iter().enumerate() {
            let code = CountryCode::parse(c).map_err(|e| e.at(format!("rotation[{i}]")))?;
            if out.contains(&code) {
                return Err(InvalidInput::localized(
                    format!("rotation[{i}]"),
                    Message::new("input-rotation-repeated").arg("country", &code),
                ));
            }
            out.push(code);
        }
        if out.len() == 1 {
            return Err(InvalidInput::localized(
                "rotation",
                Message::new("input-rotation-too-short"),
            ));
        }
        Ok(Rotation(out))
    }

    /// The countries, in order.
    pub fn countries(&self) -> &[CountryCode] {
        &self.0
    }

    /// True when the series rotates.
    pub fn is_rotating(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whose turn it is after an edition hosted by `last` (`None` before the first edition,
    /// when any country of the rotation may start, or when the series does not rotate).
    pub fn next_after(&self, last: Option<&CountryCode>) -> Option<&CountryCode> {
        let last = last?;
        let i = self.0.iter().position(|c| c == last)?;
        self.0.get((i + 1) % self.0.len())
    }

    /// Checks that `host` may host the edition after one hosted by `last`.
    pub fn check_turn(
        &self,
        last: Option<&CountryCode>,
        host: &CountryCode,
    ) -> Result<(), OutOfTurn> {
        if !self.is_rotating() {
            return Ok(());
        }
        let order = self
            .0
            .iter()
            .map(CountryCode::as_str)
            .collect::<Vec<_>>()
            .join(" → ");
        if !self.0.contains(host) {
            return Err(OutOfTurn::new(
                self.next_after(last).unwrap_or(&self.0[0]).clone(),
                Message::new("rotation-not-in-rotation")
                    .arg("host", host)
                    .arg("order", &order),
            ));
        }
        match (last, self.next_after(last)) {
            (Some(last), Some(expected)) if expected != host => Err(OutOfTurn::new(
                expected.clone(),
                Message::new("rotation-out-of-turn")
                    .arg("last", last)
                    .arg("expected", expected)
                    .arg("order", &order)
                    .arg("host", host),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(codes: &[&str]) -> Rotation {
        Rotation::parse(&codes.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    #[test]
    fn the_next_host_follows_the_order_and_wraps() {
        let r = rotation(&["KR", "CN", "JP"]);
        assert_eq!(r.next_after(Some(&cc("KR"))), Some(&cc("CN")));
        assert_eq!(r.next_after(Some(&cc("CN"))), Some(&cc("JP")));
        assert_eq!(r.next_after(Some(&cc("JP"))), Some(&cc("KR")));
        assert_eq!(r.next_after(None), None);
    }

    #[test]
    fn out_of_turn_is_refused_with_the_reason() {
        let r = rotation(&["KR", "CN", "JP"]);
        assert!(r.check_turn(None, &cc("JP")).is_ok());
        assert!(r.check_turn(Some(&cc("KR")), &cc("CN")).is_ok());
        let e = r.check_turn(Some(&cc("KR")), &cc("JP")).unwrap_err();
        assert_eq!(e.expected, cc("CN"));
        assert!(e.reason.contains("hosted by KR"), "{}", e.reason);
        assert!(e.reason.contains("KR → CN → JP"), "{}", e.reason);
        assert_eq!(e.said.key, "rotation-out-of-turn");
        assert!(
            e.said
                .render(glocal_kit::i18n::Lang::Ko)
                .contains("다음 개최국은 CN"),
            "said in Korean too"
        );
        let e = r.check_turn(Some(&cc("KR")), &cc("US")).unwrap_err();
        assert!(e.reason.contains("not in this series"), "{}", e.reason);
        assert_eq!(e.said.key, "rotation-not-in-rotation");
    }

    #[test]
    fn no_rotation_allows_any_host() {
        let r = Rotation::default();
        assert!(r.check_turn(Some(&cc("KR")), &cc("KR")).is_ok());
    }

    #[test]
    fn rotations_parse() {
        assert!(Rotation::parse(&[]).is_ok());
        assert_eq!(
            Rotation::parse(&["KR".into()]).unwrap_err().field(),
            "rotation"
        );
        assert_eq!(
            Rotation::parse(&["KR".into(), "KR".into()])
                .unwrap_err()
                .field(),
            "rotation[1]"
        );
        assert_eq!(
            Rotation::parse(&["KR".into(), "cn".into()])
                .unwrap_err()
                .field(),
            "rotation[1]"
        );
    }
}
