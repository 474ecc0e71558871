//! Review stages: scores, means and the cut that decides who moves on.
//!
//! Ranking rule (documented in docs/training.md): applications are ranked by their mean
//! score at the stage, compared exactly (no rounding); equal means share a rank
//! (competition ranking, "1-2-2-4"), listed in submission order. A TOP_N cut advances every
//! application ranked N or better, so **everyone tied with the N-th advances** (the cut may
//! pass more than N, never fewer when N are scored). A THRESHOLD cut advances every mean at
//! or above the threshold. Each application needs at least one score before a cut.
//!
//! Divisions: an edition with divisions (the speech contest's English, Chinese and Japanese)
//! ranks and cuts **each division on its own**: ranks restart at 1 in each division, TOP_N
//! advances the top N of each, THRESHOLD applies within each. The cut is refused while any
//! application of the stage, in any division, has no score: one cut closes the stage for
//! every division at once.

use std::cmp::Ordering;

use super::{CutRule, InvalidInput, LanguageCode};

/// A reviewer's score, 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    /// Parses a score; field `score`.
    pub fn parse(n: u32) -> Result<Self, InvalidInput> {
        match u8::try_from(n) {
            Ok(s @ 0..=100) => Ok(Score(s)),
            _ => Err(InvalidInput::new("score", "must be from 0 to 100")),
        }
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// The scores one application collected at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally<Id> {
    /// The application.
    pub id: Id,
    /// Its division (`None` when the edition has none).
    pub division: Option<LanguageCode>,
    /// Sum of its scores.
    pub total: i64,
    /// How many scores.
    pub count: i64,
}

impl<Id> Tally<Id> {
    /// The mean in hundredths, rounded down (8150 = 81.50); 0 when unscored.
    pub fn mean_centi(&self) -> i64 {
        if self.count == 0 {
            0
        } else {
            self.total * 100 / self.count
        }
    }

    /// Compares means exactly: total_a / count_a against total_b / count_b.
    fn cmp_mean(&self, other: &Tally<Id>) -> Ordering {
        (i128::from(self.total) * i128::from(other.count))
            .cmp(&(i128::from(other.total) * i128::from(self.count)))
    }
}

/// Where one application ended up at a cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutOutcome<Id> {
    /// The application.
    pub id: Id,
    /// Its division (`None` when the edition has none).
    pub division: Option<LanguageCode>,
    /// Its mean, in hundredths.
    pub mean_centi: i64,
    /// Competition rank (1 = best; ties share a rank).
    pub rank: u32,
    /// Moves on to the next stage.
    pub advanced: bool,
}

/// Ranks `tallies` (given in submission order) within each division and applies `rule` to
/// each division separately. Fails with the ids of the applications, of any division, that
/// have no score yet. Outcomes come division by division (in the order each division first
/// appears), best first within a division.
pub fn apply_cut<Id: Clone>(
    rule: CutRule,
    tallies: &[Tally<Id>],
) -> Result<Vec<CutOutcome<Id>>, Vec<Id>> {
    let unscored: Vec<Id> = tallies
        .iter()
        .filter(|t| t.count == 0)
        .map(|t| t.id.clone())
        .collect();
    if !unscored.is_empty() {
        return Err(unscored);
    }
    let mut divisions: Vec<&Option<LanguageCode>> = Vec::new();
    for t in tallies {
        if !divisions.contains(&&t.division) {
            divisions.push(&t.division);
        }
    }
    let mut out = Vec::with_capacity(tallies.len());
    for division in divisions {
        let group: Vec<&Tally<Id>> = tallies.iter().filter(|t| &t.division == division).collect();
        out.extend(rank_and_cut(rule, &group));
    }
    Ok(out)
}

/// Ranks one division's `tallies` (all scored, in submission order) and applies `rule`.
fn rank_and_cut<Id: Clone>(rule: CutRule, tallies: &[&Tally<Id>]) -> Vec<CutOutcome<Id>> {
    let mut order: Vec<usize> = (0..tallies.len()).collect();
    // A stable sort keeps submission order among equal means.
    order.sort_by(|&a, &b| tallies[b].cmp_mean(tallies[a]));
    let mut out = Vec::with_capacity(tallies.len());
    let mut rank = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        let t = tallies[i];
        let tied_with_previous = pos > 0 && t.cmp_mean(tallies[order[pos - 1]]) == Ordering::Equal;
        if !tied_with_previous {
            rank = u32::try_from(pos + 1).unwrap_or(u32::MAX);
        }
        let advanced = match rule {
            CutRule::None => true,
            CutRule::TopN(n) => rank <= n,
            CutRule::Threshold(min) => t.total >= i64::from(min) * t.count,
        };
        out.push(CutOutcome {
            id: t.id.clone(),
            division: t.division.clone(),
            mean_centi: t.mean_centi(),
            rank,
            advanced,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &'static str, scores: &[i64]) -> Tally<&'static str> {
        Tally {
            id,
            division: None,
            total: scores.iter().sum(),
            count: i64::try_from(scores.len()).unwrap(),
        }
    }

    fn in_division(division: &str, id: &'static str, scores: &[i64]) -> Tally<&'static str> {
        Tally {
            division: Some(LanguageCode::parse(division).unwrap()),
            ..t(id, scores)
        }
    }

    fn ranks(out: &[CutOutcome<&'static str>]) -> Vec<(&'static str, u32)> {
        out.iter().map(|o| (o.id, o.rank)).collect()
    }

    fn advanced(out: &[CutOutcome<&'static str>]) -> Vec<&'static str> {
        out.iter().filter(|o| o.advanced).map(|o| o.id).collect()
    }

    #[test]
    fn scores_are_zero_to_a_hundred() {
        assert_eq!(Score::parse(100).unwrap().get(), 100);
        assert_eq!(Score::parse(101).unwrap_err().field(), "score");
    }

    #[test]
    fn top_n_advances_the_best_means() {
        let tallies = [
            t("a", &[70, 80]),
            t("b", &[90, 95]),
            t("c", &[60]),
            t("d", &[85, 85]),
        ];
        let out = apply_cut(CutRule::TopN(2), &tallies).unwrap();
        assert_eq!(
            out.iter().map(|o| o.id).collect::<Vec<_>>(),
            ["b", "d", "a", "c"]
        );
        assert_eq!(out.iter().map(|o| o.rank).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(advanced(&out), ["b", "d"]);
        assert_eq!(out[0].mean_centi, 9250);
    }

    #[test]
    fn everyone_tied_with_the_nth_advances() {
        // 80 = (70+90)/2 = 80/1: exact comparison, no rounding.
        let tallies = [
            t("a", &[90]),
            t("b", &[70, 90]),
            t("c", &[80]),
            t("d", &[79, 80, 80]),
        ];
        let out = apply_cut(CutRule::TopN(2), &tallies).unwrap();
        assert_eq!(out.iter().map(|o| o.rank).collect::<Vec<_>>(), [1, 2, 2, 4]);
        // Ties keep submission order: b before c.
        assert_eq!(advanced(&out), ["a", "b", "c"]);
    }

    #[test]
    fn means_of_different_review_counts_compare_as_fractions() {
        // 133/2 = 66.5 < 200/3 = 66.67, whatever the number of reviewers.
        let tallies = [t("x", &[66, 67]), t("y", &[66, 67, 67])];
        let out = apply_cut(CutRule::TopN(1), &tallies).unwrap();
        assert_eq!(advanced(&out), ["y"]);
        assert_eq!((out[0].mean_centi, out[1].mean_centi), (6666, 6650));
    }

    #[test]
    fn threshold_and_none() {
        let tallies = [t("a", &[59, 60]), t("b", &[60]), t("c", &[100])];
        let out = apply_cut(CutRule::Threshold(60), &tallies).unwrap();
        assert_eq!(advanced(&out), ["c", "b"]);
        let out = apply_cut(CutRule::None, &tallies).unwrap();
        assert_eq!(advanced(&out).len(), 3);
    }

    #[test]
    fn unscored_applications_block_the_cut() {
        let tallies = [t("a", &[50]), t("b", &[]), t("c", &[])];
        assert_eq!(
            apply_cut(CutRule::TopN(1), &tallies).unwrap_err(),
            ["b", "c"]
        );
    }

    #[test]
    fn each_division_is_ranked_and_cut_on_its_own() {
        // The best of zh (70) is below every en mean: one ranking across languages would
        // pass no zh speaker; per division, the top one of each passes.
        let tallies = [
            in_division("en", "en1", &[90]),
            in_division("zh", "zh1", &[60]),
            in_division("en", "en2", &[95]),
            in_division("zh", "zh2", &[70]),
            in_division("ja", "ja1", &[50]),
        ];
        let out = apply_cut(CutRule::TopN(1), &tallies).unwrap();
        assert_eq!(
            ranks(&out),
            [("en2", 1), ("en1", 2), ("zh2", 1), ("zh1", 2), ("ja1", 1)]
        );
        assert_eq!(advanced(&out), ["en2", "zh2", "ja1"]);
        assert_eq!(out[2].division.as_ref().unwrap().as_str(), "zh");
    }

    #[test]
    fn ties_are_per_division() {
        // en: 80, 80, 70 → ranks 1-1-3, both 80s pass TOP_N 1; zh: 80 alone passes and
        // the zh 75 is ranked 2 in zh, not 4 overall.
        let tallies = [
            in_division("en", "a", &[80]),
            in_division("zh", "b", &[80]),
            in_division("en", "c", &[70, 90]),
            in_division("en", "d", &[70]),
            in_division("zh", "e", &[75]),
        ];
        let out = apply_cut(CutRule::TopN(1), &tallies).unwrap();
        assert_eq!(
            ranks(&out),
            [("a", 1), ("c", 1), ("d", 3), ("b", 1), ("e", 2)]
        );
        assert_eq!(advanced(&out), ["a", "c", "b"]);
    }

    #[test]
    fn thresholds_apply_within_each_division() {
        let tallies = [
            in_division("en", "a", &[59]),
            in_division("ja", "b", &[60]),
            in_division("en", "c", &[61]),
        ];
        let out = apply_cut(CutRule::Threshold(60), &tallies).unwrap();
        assert_eq!(ranks(&out), [("c", 1), ("a", 2), ("b", 1)]);
        assert_eq!(advanced(&out), ["c", "b"]);
    }

    #[test]
    fn an_unscored_application_of_any_division_blocks_the_cut() {
        let tallies = [in_division("en", "a", &[50]), in_division("zh", "b", &[])];
        assert_eq!(apply_cut(CutRule::TopN(1), &tallies).unwrap_err(), ["b"]);
    }
}
