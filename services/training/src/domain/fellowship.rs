//! The invitation fellowship's (K2H) own rules: the foreign local government's relationship
//! with Korean local governments, the host local government of a participant, and the cost
//! shares per payer and item with what they come to for one participant.
//!
//! **Relationship rule** (docs/training.md, ADR 0051). An application to an edition of an
//! `INVITATION_FELLOWSHIP` programme names its foreign local government, an organisation of
//! the research service's partner network. The gateway looks up that organisation's
//! relationships as the applicant may see them and passes their statuses in; from them
//! [`relationship_standing`] decides: an `ACTIVE` relationship is a **current** one, a
//! `PROPOSED` one an **intended** one (either passes); none of those, no look-up at all, or
//! no organisation named holds the application **for staff confirmation**: it is
//! submitted, but screening cannot pass it until a manager records `confirmRelationship`
//! with a note ([`confirm_relationship`]). Nothing is silently accepted.
//!
//! **Cost shares.** Each share is one payer's (the association or the host local government)
//! amount for one item (pre-training, insurance, accommodation, living expenses), monthly or
//! one-off, in integer minor units. The monthly living-expense shares are the stipend lines
//! ([`CostPolicy::stipends`](super::CostPolicy::stipends)); [`participant_costs`] prices
//! every share for one participant's stay, monthly ones pro-rated as stipends are.

use chrono::NaiveDate;
use glocal_kit::i18n::Message;
use glocal_kit::text_enum;

use super::{
    CostShare, InvalidInput, LocalGovernmentCode, Money, Payer, ProgrammeKind, StipendLine,
    schedule,
};

text_enum!(
    /// What a cost share pays for.
    CostItem, "item" {
        /// Pre-training before the placement.
        PreTraining => "PRE_TRAINING",
        /// Medical and accident insurance.
        Insurance => "INSURANCE",
        /// Accommodation.
        Accommodation => "ACCOMMODATION",
        /// Living expenses: the monthly stipend.
        LivingExpenses => "LIVING_EXPENSES",
    }
);

text_enum!(
    /// How often a cost share is paid per participant.
    CostFrequency, "frequency" {
        /// Every month of the stay (pro-rated for partial months).
        Monthly => "MONTHLY",
        /// Once.
        OneOff => "ONE_OFF",
    }
);

text_enum!(
    /// The status of a partner-network relationship between a Korean and a foreign local
    /// government, as the research service reports it.
    PartnerRelationshipStatus, "relationships" {
        /// Under negotiation.
        Proposed => "PROPOSED",
        /// In force.
        Active => "ACTIVE",
        /// Paused.
        Suspended => "SUSPENDED",
        /// Ended.
        Ended => "ENDED",
    }
);

text_enum!(
    /// Where a fellowship application stands on the relationship rule.
    RelationshipStanding, "relationship" {
        /// An active relationship with a Korean local government: passes.
        Current => "CURRENT",
        /// A proposed relationship (under negotiation): passes.
        Intended => "INTENDED",
        /// None found: held until staff confirm.
        Unconfirmed => "UNCONFIRMED",
        /// Staff confirmed a current or intended cooperation, with a note.
        ConfirmedByStaff => "CONFIRMED_BY_STAFF",
    }
);

impl RelationshipStanding {
    /// Whether screening may pass the application.
    pub fn passes(self) -> bool {
        self != RelationshipStanding::Unconfirmed
    }
}

/// Whether screening may pass an application standing at `standing` (`None`: not a
/// fellowship application, nothing to hold).
pub fn may_pass_screening(standing: Option<RelationshipStanding>) -> bool {
    standing.is_none_or(RelationshipStanding::passes)
}

/// Whether applications to a programme of `kind` name their foreign local government and
/// are held to the relationship rule (the invitation fellowship, K2H).
pub fn requires_partner(kind: ProgrammeKind) -> bool {
    kind == ProgrammeKind::InvitationFellowship
}

/// Checks the partner organisation an application to a programme of `kind` names: only
/// fellowship applications name one (field `partnerOrganisationId`). A fellowship
/// application may leave it out (its city may not be in the partner network yet, or the
/// form it used does not ask): it is then held like one without a relationship.
pub fn check_partner(kind: ProgrammeKind, partner: Option<&str>) -> Result<(), InvalidInput> {
    if partner.is_some() && !requires_partner(kind) {
        return Err(InvalidInput::localized(
            "partnerOrganisationId",
            Message::new("input-partner-organisation-fellowship-only"),
        ));
    }
    Ok(())
}

/// The standing of a fellowship application when it is submitted: a named partner
/// organisation's looked-up statuses decide ([`relationship_standing`]); no partner named
/// holds it.
pub fn standing_on_submit(
    partner: Option<&str>,
    statuses: Option<&[PartnerRelationshipStatus]>,
) -> RelationshipStanding {
    match partner {
        Some(_) => relationship_standing(statuses),
        None => RelationshipStanding::Unconfirmed,
    }
}

/// The standing the looked-up statuses give: `None` when nobody looked (a direct call that
/// passed no facts) holds the application like an empty list does.
pub fn relationship_standing(
    statuses: Option<&[PartnerRelationshipStatus]>,
) -> RelationshipStanding {
    let statuses = statuses.unwrap_or_default();
    if statuses.contains(&PartnerRelationshipStatus::Active) {
        RelationshipStanding::Current
    } else if statuses.contains(&PartnerRelationshipStatus::Proposed) {
        RelationshipStanding::Intended
    } else {
        RelationshipStanding::Unconfirmed
    }
}

/// Staff confirm a held application's relationship, only an `Unconfirmed` one (else the
/// standing it has: CONFLICT `RELATIONSHIP_NOT_HELD` for the caller). `statuses` are the
/// partner organisation's relationships as the confirming staff see them (they see
/// proposed ones the applicant does not): an active or proposed one makes it `Current` or
/// `Intended`; otherwise staff vouch for it (`ConfirmedByStaff`).
pub fn confirm_relationship(
    standing: Option<RelationshipStanding>,
    statuses: Option<&[PartnerRelationshipStatus]>,
) -> Result<RelationshipStanding, Option<RelationshipStanding>> {
    match standing {
        Some(RelationshipStanding::Unconfirmed) => Ok(match relationship_standing(statuses) {
            RelationshipStanding::Unconfirmed => RelationshipStanding::ConfirmedByStaff,
            seen => seen,
        }),
        other => Err(other),
    }
}

/// Checks a participant's host: one of the edition's `hosts` (any when it lists none);
/// field `hostCode`.
pub fn check_host(hosts: &[String], host: &LocalGovernmentCode) -> Result<(), InvalidInput> {
    if hosts.is_empty() || hosts.iter().any(|h| h == host.as_str()) {
        Ok(())
    } else {
        Err(InvalidInput::localized(
            "hostCode",
            Message::new("input-not-edition-host").arg("hosts", hosts.join(", ")),
        ))
    }
}

/// The monthly living-expense shares as stipend lines, one per payer, in share order.
pub fn stipend_lines(shares: &[CostShare]) -> Vec<StipendLine> {
    shares
        .iter()
        .filter(|s| s.item == CostItem::LivingExpenses && s.frequency == CostFrequency::Monthly)
        .map(|s| StipendLine {
            payer: s.payer,
            monthly: s.amount.clone(),
        })
        .collect()
}

/// What one share comes to for one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostAmount {
    /// Who pays.
    pub payer: Payer,
    /// What for.
    pub item: CostItem,
    /// Monthly or once.
    pub frequency: CostFrequency,
    /// The share as the edition states it (per month or once).
    pub rate: Money,
    /// What it comes to over the participant's stay.
    pub amount: Money,
}

/// One payer's total in one currency; for the host local government, which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerTotal {
    /// Who pays.
    pub payer: Payer,
    /// The host local government's code when the payer is the host (`None` before the
    /// placement, and for the association).
    pub host_code: Option<String>,
    /// The total.
    pub amount: Money,
}

/// One accepted participant's costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantCosts {
    /// The participant's application.
    pub application_id: super::ApplicationId,
    /// Their name.
    pub full_name: String,
    /// Their host local government, once placed.
    pub host_code: Option<String>,
    /// First day of the stay priced.
    pub joined_on: NaiveDate,
    /// Last day.
    pub left_on: NaiveDate,
    /// Every share priced.
    pub costs: Vec<CostAmount>,
    /// Per payer and currency.
    pub totals: Vec<PayerTotal>,
}

/// An edition's costs for the participants a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostSheet {
    /// The edition.
    pub edition_id: super::EditionId,
    /// The participants, in acceptance order.
    pub participants: Vec<ParticipantCosts>,
    /// Over them, per payer (and host local government) and currency.
    pub totals: Vec<PayerTotal>,
}

/// Every share priced for a participant present from `joined_on` to `left_on` in an
/// edition from `starts_on` to `ends_on`: one-off shares once, monthly shares with the
/// stipend arithmetic (each month pro-rated by days present, rounded down), so the living
/// expenses equal the stipend schedule's payments.
pub fn participant_costs(
    shares: &[CostShare],
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    joined_on: NaiveDate,
    left_on: NaiveDate,
) -> Vec<CostAmount> {
    shares
        .iter()
        .map(|s| {
            let total = match s.frequency {
                CostFrequency::OneOff => s.amount.amount_minor(),
                CostFrequency::Monthly => {
                    let line = StipendLine {
                        payer: s.payer,
                        monthly: s.amount.clone(),
                    };
                    schedule(&[line], starts_on, ends_on, joined_on, left_on)
                        .iter()
                        .map(|p| p.amount_minor)
                        .fold(0i64, i64::saturating_add)
                }
            };
            CostAmount {
                payer: s.payer,
                item: s.item,
                frequency: s.frequency,
                rate: s.amount.clone(),
                amount: Money::new(total, s.amount.currency()).unwrap_or_else(|_| s.amount.clone()),
            }
        })
        .collect()
}

/// A participant's totals per payer and currency: the host's shares carry `host`.
pub fn payer_totals<'a>(
    amounts: impl IntoIterator<Item = &'a CostAmount>,
    host: Option<&str>,
) -> Vec<PayerTotal> {
    sum_totals(amounts.into_iter().map(|a| {
        PayerTotal {
            payer: a.payer,
            host_code: (a.payer == Payer::HostLocalGovernment)
                .then(|| host.map(str::to_owned))
                .flatten(),
            amount: a.amount.clone(),
        }
    }))
}

/// Sums totals per payer, host local government and currency: payers in their order
/// ([`Payer::ALL`]), then hosts and currencies as they first appear.
pub fn sum_totals(totals: impl IntoIterator<Item = PayerTotal>) -> Vec<PayerTotal> {
    let mut sums: Vec<(Payer, Option<String>, String, i64)> = Vec::new();
    for t in totals {
        let currency = t.amount.currency();
        match sums
            .iter_mut()
            .find(|(p, h, c, _)| *p == t.payer && *h == t.host_code && c == currency)
        {
            Some((_, _, _, sum)) => *sum = sum.saturating_add(t.amount.amount_minor()),
            None => sums.push((
                t.payer,
                t.host_code.clone(),
                currency.to_owned(),
                t.amount.amount_minor(),
            )),
        }
    }
    sums.sort_by_key(|(p, _, _, _)| Payer::ALL.iter().position(|x| x == p));
    sums.into_iter()
        .filter_map(|(payer, host_code, currency, total)| {
            Money::new(total, &currency).ok().map(|amount| PayerTotal {
                payer,
                host_code,
                amount,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn share(payer: Payer, item: CostItem, frequency: CostFrequency, won: i64) -> CostShare {
        CostShare {
            payer,
            item,
            frequency,
            amount: Money::new(won, "KRW").unwrap(),
        }
    }

    /// The bureau's K2H split: the association pays pre-training, insurance and 400,000 won
    /// a month; the host pays accommodation and 400,000 won a month.
    fn k2h() -> Vec<CostShare> {
        use CostFrequency::*;
        use CostItem::*;
        use Payer::*;
        vec![
            share(Association, PreTraining, OneOff, 1_500_000),
            share(Association, Insurance, OneOff, 300_000),
            share(Association, LivingExpenses, Monthly, 400_000),
            share(HostLocalGovernment, Accommodation, Monthly, 600_000),
            share(HostLocalGovernment, LivingExpenses, Monthly, 400_000),
        ]
    }

    #[test]
    fn an_active_relationship_is_current_a_proposed_one_intended_none_is_held() {
        use PartnerRelationshipStatus::*;
        let standing = |s: &[PartnerRelationshipStatus]| relationship_standing(Some(s));
        assert_eq!(standing(&[Ended, Active]), RelationshipStanding::Current);
        assert_eq!(standing(&[Proposed, Active]), RelationshipStanding::Current);
        assert_eq!(
            standing(&[Suspended, Proposed]),
            RelationshipStanding::Intended
        );
        assert_eq!(
            standing(&[Suspended, Ended]),
            RelationshipStanding::Unconfirmed
        );
        assert_eq!(standing(&[]), RelationshipStanding::Unconfirmed);
        // Nobody looked: held, never passed.
        assert_eq!(
            relationship_standing(None),
            RelationshipStanding::Unconfirmed
        );
        assert!(RelationshipStanding::Intended.passes());
        assert!(RelationshipStanding::ConfirmedByStaff.passes());
        assert!(!RelationshipStanding::Unconfirmed.passes());
        assert!(may_pass_screening(None));
        assert!(may_pass_screening(Some(RelationshipStanding::Current)));
        assert!(!may_pass_screening(Some(RelationshipStanding::Unconfirmed)));
    }

    #[test]
    fn staff_confirm_only_a_held_application_with_what_they_see() {
        let held = Some(RelationshipStanding::Unconfirmed);
        assert_eq!(
            confirm_relationship(held, None),
            Ok(RelationshipStanding::ConfirmedByStaff)
        );
        assert_eq!(
            confirm_relationship(held, Some(&[PartnerRelationshipStatus::Ended])),
            Ok(RelationshipStanding::ConfirmedByStaff)
        );
        // Staff see the negotiation the applicant could not: intended.
        assert_eq!(
            confirm_relationship(held, Some(&[PartnerRelationshipStatus::Proposed])),
            Ok(RelationshipStanding::Intended)
        );
        for s in [
            RelationshipStanding::Current,
            RelationshipStanding::Intended,
            RelationshipStanding::ConfirmedByStaff,
        ] {
            assert_eq!(confirm_relationship(Some(s), None), Err(Some(s)));
        }
        assert_eq!(confirm_relationship(None, None), Err(None));
    }

    #[test]
    fn only_fellowship_applications_name_a_partner_and_naming_none_holds_them() {
        let k2h = ProgrammeKind::InvitationFellowship;
        assert!(check_partner(k2h, Some("org")).is_ok());
        assert!(check_partner(k2h, None).is_ok());
        assert!(check_partner(ProgrammeKind::Academy, None).is_ok());
        assert_eq!(
            check_partner(ProgrammeKind::Academy, Some("org"))
                .unwrap_err()
                .field(),
            "partnerOrganisationId"
        );
        let active = [PartnerRelationshipStatus::Active];
        assert_eq!(
            standing_on_submit(Some("org"), Some(&active)),
            RelationshipStanding::Current
        );
        // Facts about nobody's relationships do not count without a partner named.
        assert_eq!(
            standing_on_submit(None, Some(&active)),
            RelationshipStanding::Unconfirmed
        );
    }

    #[test]
    fn the_host_is_one_of_the_editions_hosts() {
        let hosts = vec!["11000".to_owned(), "26000".to_owned()];
        let code = |c: &str| LocalGovernmentCode::parse(c).unwrap();
        assert!(check_host(&hosts, &code("26000")).is_ok());
        let e = check_host(&hosts, &code("41000")).unwrap_err();
        assert_eq!(e.field(), "hostCode");
        assert!(e.message().contains("11000, 26000"));
        assert!(check_host(&[], &code("41000")).is_ok());
    }

    #[test]
    fn stipends_come_from_the_monthly_living_expense_shares() {
        let lines = stipend_lines(&k2h());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].payer, Payer::Association);
        assert_eq!(lines[1].payer, Payer::HostLocalGovernment);
        assert!(lines.iter().all(|l| l.monthly.amount_minor() == 400_000));
    }

    #[test]
    fn a_full_stay_costs_each_payer_its_shares() {
        let costs = participant_costs(
            &k2h(),
            d("2026-04-01"),
            d("2026-09-30"),
            d("2026-04-01"),
            d("2026-09-30"),
        );
        let amounts: Vec<i64> = costs.iter().map(|c| c.amount.amount_minor()).collect();
        assert_eq!(
            amounts,
            [1_500_000, 300_000, 2_400_000, 3_600_000, 2_400_000]
        );
        let totals = payer_totals(&costs, Some("26000"));
        assert_eq!(
            totals
                .iter()
                .map(|t| (t.payer, t.host_code.as_deref(), t.amount.amount_minor()))
                .collect::<Vec<_>>(),
            [
                (Payer::Association, None, 4_200_000),
                (Payer::HostLocalGovernment, Some("26000"), 6_000_000)
            ]
        );
        // Two participants hosted by different local governments: one total per host.
        let other = payer_totals(&costs, Some("11000"));
        let edition = sum_totals(totals.into_iter().chain(other));
        assert_eq!(
            edition
                .iter()
                .map(|t| (t.payer, t.host_code.as_deref(), t.amount.amount_minor()))
                .collect::<Vec<_>>(),
            [
                (Payer::Association, None, 8_400_000),
                (Payer::HostLocalGovernment, Some("26000"), 6_000_000),
                (Payer::HostLocalGovernment, Some("11000"), 6_000_000)
            ]
        );
    }

    #[test]
    fn a_short_stay_pro_rates_monthly_shares_like_stipends_and_one_offs_stay_whole() {
        // 16 April to 10 September: April 15/30 days, September 10/30 days.
        let costs = participant_costs(
            &k2h(),
            d("2026-04-01"),
            d("2026-09-30"),
            d("2026-04-16"),
            d("2026-09-10"),
        );
        let living = &costs[2];
        assert_eq!(living.item, CostItem::LivingExpenses);
        assert_eq!(
            living.amount.amount_minor(),
            200_000 + 4 * 400_000 + 133_333
        );
        assert_eq!(costs[0].amount.amount_minor(), 1_500_000);
        assert_eq!(
            costs[3].amount.amount_minor(),
            300_000 + 4 * 600_000 + 200_000
        );
    }

    #[test]
    fn totals_keep_currencies_apart() {
        let mut shares = k2h();
        shares.push(CostShare {
            payer: Payer::Association,
            item: CostItem::Insurance,
            frequency: CostFrequency::OneOff,
            amount: Money::new(5_000, "USD").unwrap(),
        });
        let costs = participant_costs(
            &shares,
            d("2026-04-01"),
            d("2026-04-30"),
            d("2026-04-01"),
            d("2026-04-30"),
        );
        let totals = payer_totals(&costs, None);
        let said: Vec<String> = totals
            .iter()
            .map(|t| format!("{} {}", t.payer, t.amount))
            .collect();
        assert_eq!(
            said,
            [
                "ASSOCIATION 2200000 KRW",
                "ASSOCIATION 5000 USD",
                "HOST_LOCAL_GOVERNMENT 1000000 KRW"
            ]
        );
    }
}
