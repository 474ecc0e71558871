//! Proto ⇄ domain of the invitation fellowship (ADR 0051): the cost policy's structured
//! shares (and the deprecated stipend lines and free-text costs), the relationship facts
//! and standing, and the participants' cost sheet.

use super::*;
use crate::domain::{
    CostFrequency, CostItem, CostPolicy, CostShareDraft, CostSheet, PartnerRelationshipStatus,
    PayerTotal, RelationshipStanding,
};

enum_bridge!(
    item_to_pb,
    item_from_pb,
    CostItem,
    pb::CostItem,
    "COST_ITEM_"
);
enum_bridge!(
    frequency_to_pb,
    frequency_from_pb,
    CostFrequency,
    pb::CostFrequency,
    "COST_FREQUENCY_"
);
enum_bridge!(
    standing_to_pb,
    standing_from_pb,
    RelationshipStanding,
    pb::RelationshipStanding,
    "RELATIONSHIP_STANDING_"
);
enum_bridge!(
    partner_status_to_pb,
    partner_status_from_pb,
    PartnerRelationshipStatus,
    pb::PartnerRelationshipStatus,
    "PARTNER_RELATIONSHIP_STATUS_"
);

/// A fellowship application's standing as the API sends it.
pub(super) fn standing_out(s: RelationshipStanding) -> i32 {
    standing_to_pb(s)
}

/// An edition's cost policy as the API sends it: the shares, the living-expense shares
/// again as stipend lines, and the free-text notes as costs.
pub(super) fn policy_to_pb(p: CostPolicy) -> pb::CostPolicy {
    pb::CostPolicy {
        stipends: p
            .stipends()
            .iter()
            .map(|s| pb::StipendLine {
                payer: payer_to_pb(s.payer),
                monthly: Some(money_to_pb(&s.monthly)),
            })
            .collect(),
        costs: p
            .notes
            .into_iter()
            .map(|c| pb::CostShare {
                payer: payer_to_pb(c.payer),
                item: c.item,
            })
            .collect(),
        shares: p
            .shares
            .iter()
            .map(|s| pb::PayerShare {
                payer: payer_to_pb(s.payer),
                item: item_to_pb(s.item),
                amount: Some(money_to_pb(&s.amount)),
                frequency: frequency_to_pb(s.frequency),
            })
            .collect(),
    }
}

/// The drafts of a policy as a client sends it: shares, stipend lines, free-text costs.
pub(super) type PolicyDrafts = (Vec<CostShareDraft>, Vec<StipendDraft>, Vec<CostDraft>);

/// Parses the enums of a policy a client sent (BAD_USER_INPUT naming the field).
pub(super) fn policy_drafts(policy: pb::CostPolicy) -> Result<PolicyDrafts, Status> {
    let shares = policy
        .shares
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let at = |f: &str| format!("costPolicy.shares[{i}].{f}");
            let amount = s.amount.unwrap_or_default();
            Ok(CostShareDraft {
                payer: payer_from_pb(s.payer, &at("payer"))?,
                item: item_from_pb(s.item, &at("item"))?,
                amount_minor: amount.amount_minor,
                currency: amount.currency,
                frequency: frequency_from_pb(s.frequency, &at("frequency"))?,
            })
        })
        .collect::<Result<_, Status>>()?;
    let stipends = policy
        .stipends
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let monthly = s.monthly.unwrap_or_default();
            Ok(StipendDraft {
                payer: payer_from_pb(s.payer, &format!("costPolicy.stipends[{i}].payer"))?,
                amount_minor: monthly.amount_minor,
                currency: monthly.currency,
            })
        })
        .collect::<Result<_, Status>>()?;
    let costs = policy
        .costs
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(CostDraft {
                payer: payer_from_pb(c.payer, &format!("costPolicy.costs[{i}].payer"))?,
                item: c.item,
            })
        })
        .collect::<Result<_, Status>>()?;
    Ok((shares, stipends, costs))
}

/// The relationship facts a gateway passed; `None` when it passed none.
pub(super) fn facts_from_pb(
    facts: Option<pb::RelationshipFacts>,
) -> Result<Option<Vec<PartnerRelationshipStatus>>, Status> {
    facts
        .map(|f| {
            f.statuses
                .iter()
                .map(|s| partner_status_from_pb(*s, "relationships.statuses"))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.into_iter().flatten().collect())
        })
        .transpose()
}

fn total_to_pb(t: PayerTotal) -> pb::PayerTotal {
    pb::PayerTotal {
        payer: payer_to_pb(t.payer),
        host_code: t.host_code.unwrap_or_default(),
        amount: Some(money_to_pb(&t.amount)),
    }
}

/// A cost sheet as the API sends it.
pub(super) fn sheet_to_pb(s: CostSheet) -> pb::ListParticipantCostsResponse {
    pb::ListParticipantCostsResponse {
        edition_id: s.edition_id.to_string(),
        participants: s
            .participants
            .into_iter()
            .map(|p| pb::ParticipantCosts {
                application_id: p.application_id.to_string(),
                full_name: p.full_name,
                host_code: p.host_code.unwrap_or_default(),
                joined_on: date(p.joined_on),
                left_on: date(p.left_on),
                costs: p
                    .costs
                    .into_iter()
                    .map(|c| pb::CostAmount {
                        payer: payer_to_pb(c.payer),
                        item: item_to_pb(c.item),
                        frequency: frequency_to_pb(c.frequency),
                        rate: Some(money_to_pb(&c.rate)),
                        amount: Some(money_to_pb(&c.amount)),
                    })
                    .collect(),
                totals: p.totals.into_iter().map(total_to_pb).collect(),
            })
            .collect(),
        totals: s.totals.into_iter().map(total_to_pb).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fellowship_enums_cross_the_wire_by_name() {
        for v in CostItem::ALL {
            assert_eq!(item_from_pb(item_to_pb(*v), "f").unwrap(), Some(*v));
        }
        for v in CostFrequency::ALL {
            assert_eq!(
                frequency_from_pb(frequency_to_pb(*v), "f").unwrap(),
                Some(*v)
            );
        }
        for v in RelationshipStanding::ALL {
            assert_eq!(standing_from_pb(standing_to_pb(*v), "f").unwrap(), Some(*v));
        }
        for v in PartnerRelationshipStatus::ALL {
            let n = partner_status_to_pb(*v);
            assert_ne!(n, 0);
            assert_eq!(partner_status_from_pb(n, "f").unwrap(), Some(*v));
        }
        assert!(item_from_pb(99, "f").is_err());
    }

    #[test]
    fn missing_facts_stay_missing_and_empty_facts_are_facts() {
        assert_eq!(facts_from_pb(None).unwrap(), None);
        assert_eq!(
            facts_from_pb(Some(pb::RelationshipFacts::default())).unwrap(),
            Some(vec![])
        );
    }
}
