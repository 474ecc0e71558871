//! Review stages: scores, means and the cut that decides who moves on.
//!
//! Ranking rule (documented in docs/training.md): applications are ranked by their mean
//! score at the stage, compared exactly (no rounding); equal means share a rank
//! (competition ranking, "1-2-2-4"), listed in submission order. A TOP_N cut advances every
//! application ranked N or better, so **everyone tied with the N-th advances** (the cut may
//! pass more than N, never fewer when N are scored). A THRESHOLD cut advances every mean at
//! or above the threshold. Each application needs at least one score before a cut.

use std::cmp::Ordering;

use super::{CutRule, InvalidInput};

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
    /// Its mean, in hundredths.
    pub mean_centi: i64,
    /// Competition rank (1 = best; ties share a rank).
    pub rank: u32,
    /// Moves on to the next stage.
    pub advanced: bool,
}

/// Ranks `tallies` (given in submission order) and applies `rule`. Fails with the ids of
/// the applications that have no score yet.
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
    let mut order: Vec<usize> = (0..tallies.len()).collect();
    // A stable sort keeps submission order among equal means.
    order.sort_by(|&a, &b| tallies[b].cmp_mean(&tallies[a]));
    let mut out = Vec::with_capacity(tallies.len());
    let mut rank = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        let t = &tallies[i];
        let tied_with_previous = pos > 0 && t.cmp_mean(&tallies[order[pos - 1]]) == Ordering::Equal;
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
            mean_centi: t.mean_centi(),
            rank,
            advanced,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &'static str, scores: &[i64]) -> Tally<&'static str> {
        Tally {
            id,
            total: scores.iter().sum(),
            count: i64::try_from(scores.len()).unwrap(),
        }
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
}
