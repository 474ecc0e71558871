//! The invitation fellowship (K2H, ADR 0051) in the graph: cost shares per payer and item,
//! the participants' costs with totals per payer (`participantCosts`), the relationship
//! rule's standing of an application and staff confirmation (`confirmRelationship`).
//!
//! The cross-service facts are resolved here and passed in, as the brief of every link
//! wants: an application's partner organisation is looked up in the research service's
//! partner network as the caller may see it (BAD_USER_INPUT `UNKNOWN_ORGANISATION`, or
//! `NOT_FOREIGN_LOCAL_GOVERNMENT` for another kind, before anything is written) and its
//! relationships' statuses are handed to the training service, whose domain rule decides;
//! host local-government codes are checked against the directory
//! (`UNKNOWN_LOCAL_GOVERNMENT`).

use async_graphql::ErrorExtensions;
use glocal_kit::i18n::Message;
use glocal_proto::research::v1 as rpb;

use super::*;
use crate::schema::personal_data::{Holder, PersonalDataEntity};
use crate::schema::research::Organisation;
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::{Research, TrainingFellowship};

proto_enum!(
    /// What a payer's share pays for.
    CostItem, pb::CostItem, "COST_ITEM_" {
        /// Pre-training before the placement.
        PreTraining,
        /// Medical and accident insurance.
        Insurance,
        /// Accommodation.
        Accommodation,
        /// Living expenses: the monthly stipend (always MONTHLY).
        LivingExpenses,
    }
);

proto_enum!(
    /// How often a share is paid per participant.
    CostFrequency, pb::CostFrequency, "COST_FREQUENCY_" {
        /// Every month of the stay, pro-rated for partial months as stipends are.
        Monthly,
        /// Once.
        OneOff,
    }
);

proto_enum!(
    /// Where a fellowship application stands on the relationship rule: its foreign local
    /// government's relationship with Korean local governments in the partner network.
    RelationshipStanding, pb::RelationshipStanding, "RELATIONSHIP_STANDING_" {
        /// An ACTIVE relationship: passes.
        Current,
        /// A PROPOSED relationship (under negotiation): passes.
        Intended,
        /// None the applicant could see: held; screening cannot pass it until staff
        /// confirm (`confirmRelationship`).
        Unconfirmed,
        /// Bureau staff confirmed a current or intended cooperation, with a note.
        ConfirmedByStaff,
    }
);

/// One payer's share of one item per participant.
#[derive(SimpleObject)]
pub struct PayerShare {
    /// Who pays.
    pub payer: Option<StipendPayer>,
    /// What for.
    pub item: Option<CostItem>,
    /// Per month or once.
    pub amount: TrainingMoney,
    /// Monthly or one-off.
    pub frequency: Option<CostFrequency>,
}

impl PayerShare {
    pub(super) fn from_proto(s: &pb::PayerShare) -> Self {
        PayerShare {
            payer: StipendPayer::from_proto(s.payer),
            item: CostItem::from_proto(s.item),
            amount: TrainingMoney::from_proto(s.amount.as_ref()),
            frequency: CostFrequency::from_proto(s.frequency),
        }
    }
}

/// One payer's share of one item per participant (at most one per payer and item).
#[derive(InputObject)]
pub struct PayerShareInput {
    /// Who pays.
    pub payer: StipendPayer,
    /// What for.
    pub item: CostItem,
    /// Per month or once, in integer minor units (positive).
    pub amount_minor: i64,
    /// ISO 4217, e.g. "KRW".
    pub currency: String,
    /// Monthly or one-off (living expenses are monthly).
    pub frequency: CostFrequency,
}

impl PayerShareInput {
    pub(super) fn into_proto(self) -> pb::PayerShare {
        pb::PayerShare {
            payer: self.payer.to_proto(),
            item: self.item.to_proto(),
            amount: Some(pb::Money {
                amount_minor: self.amount_minor,
                currency: self.currency,
            }),
            frequency: self.frequency.to_proto(),
        }
    }
}

/// One share priced for one participant.
#[derive(SimpleObject)]
pub struct ParticipantCost {
    /// Who pays.
    pub payer: Option<StipendPayer>,
    /// What for.
    pub item: Option<CostItem>,
    /// Monthly or one-off.
    pub frequency: Option<CostFrequency>,
    /// The share as the edition states it (per month or once).
    pub rate: TrainingMoney,
    /// What it comes to over the participant's stay (monthly shares pro-rated by days
    /// present, rounded down, as stipends are).
    pub amount: TrainingMoney,
}

/// One payer's total in one currency.
#[derive(SimpleObject)]
pub struct PayerCostTotal {
    /// Who pays.
    pub payer: Option<StipendPayer>,
    /// The host local government's code when the host pays (null before placement).
    pub host_code: Option<String>,
    /// The total.
    pub amount: TrainingMoney,
}

fn totals(t: &[pb::PayerTotal]) -> Vec<PayerCostTotal> {
    t.iter()
        .map(|t| PayerCostTotal {
            payer: StipendPayer::from_proto(t.payer),
            host_code: non_empty(&t.host_code).map(str::to_owned),
            amount: TrainingMoney::from_proto(t.amount.as_ref()),
        })
        .collect()
}

/// One accepted participant's costs.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ParticipantCosts {
    /// The participant's application.
    pub application_id: ID,
    #[graphql(skip)]
    pub(super) name: String,
    /// Their host local government's code, once placed.
    pub host_code: Option<String>,
    /// First day of the stay priced.
    pub joined_on: Option<Date>,
    /// Last day of the stay priced.
    pub left_on: Option<Date>,
    /// Every share priced.
    pub costs: Vec<ParticipantCost>,
    /// Per payer and currency.
    pub totals: Vec<PayerCostTotal>,
}

#[async_graphql::ComplexObject]
impl ParticipantCosts {
    /// Their name (a read by bureau staff is logged, ADR 0039).
    async fn full_name(&self, ctx: &Context<'_>) -> &str {
        Holder::new(
            PersonalDataEntity::TrainingApplication,
            &self.application_id,
            None,
        )
        .read(ctx, "profile.fullName", self.name.as_str())
    }
}

/// An edition's costs for the participants the caller may see, with totals per payer.
#[derive(SimpleObject)]
pub struct ParticipantCostSheet {
    /// The edition.
    pub edition_id: ID,
    /// The participants, in acceptance order.
    pub participants: Vec<ParticipantCosts>,
    /// Over them: per payer (per host local government for the hosts) and currency.
    pub totals: Vec<PayerCostTotal>,
}

impl ParticipantCostSheet {
    fn from_proto(r: pb::ListParticipantCostsResponse) -> Self {
        ParticipantCostSheet {
            edition_id: ID(r.edition_id),
            totals: totals(&r.totals),
            participants: r
                .participants
                .into_iter()
                .map(|p| ParticipantCosts {
                    application_id: ID(p.application_id),
                    name: p.full_name,
                    host_code: non_empty(&p.host_code).map(str::to_owned),
                    joined_on: date(&p.joined_on),
                    left_on: date(&p.left_on),
                    totals: totals(&p.totals),
                    costs: p
                        .costs
                        .iter()
                        .map(|c| ParticipantCost {
                            payer: StipendPayer::from_proto(c.payer),
                            item: CostItem::from_proto(c.item),
                            frequency: CostFrequency::from_proto(c.frequency),
                            rate: TrainingMoney::from_proto(c.rate.as_ref()),
                            amount: TrainingMoney::from_proto(c.amount.as_ref()),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Confirms a held fellowship application's relationship.
#[derive(InputObject)]
pub struct ConfirmRelationshipInput {
    /// Application id.
    pub id: ID,
    /// The version last seen.
    pub version: i32,
    /// Why staff confirm it, e.g. "MOU with Busan under negotiation, per the mayor's
    /// letter of 2 March" (required).
    pub note: String,
}

/// The fellowship's query fields.
#[derive(Default)]
pub struct FellowshipQuery;

#[Object]
impl FellowshipQuery {
    /// An edition's cost shares priced for each accepted participant, with totals per
    /// payer: bureau staff who manage the edition see every participant, officials of a
    /// host local government the participants placed with it, a participant their own.
    /// UNAUTHENTICATED without a token, FORBIDDEN for partners.
    #[graphql(inaccessible)]
    async fn participant_costs(
        &self,
        ctx: &Context<'_>,
        edition_id: ID,
    ) -> Result<ParticipantCostSheet> {
        let message = pb::ListParticipantCostsRequest {
            edition_id: edition_id.0,
        };
        let r = read(
            ctx,
            TrainingFellowship,
            "ListParticipantCosts",
            message,
            |mut client, request| async move { client.list_participant_costs(request).await },
        )
        .await?
        .into_inner();
        Ok(ParticipantCostSheet::from_proto(r))
    }
}

/// The fellowship's mutation fields.
#[derive(Default)]
pub struct FellowshipMutation;

#[Object]
impl FellowshipMutation {
    /// Confirms the relationship of a fellowship application held as UNCONFIRMED (bureau
    /// staff who manage the edition), quoting its version, with a note kept in its history.
    /// Its partner organisation's relationships are read again as the staff member sees
    /// them (proposed ones included): an active or proposed one makes it CURRENT or
    /// INTENDED, otherwise it becomes CONFIRMED_BY_STAFF; screening may pass it then.
    /// Another standing is CONFLICT `RELATIONSHIP_NOT_HELD`; an empty note BAD_USER_INPUT
    /// on `note`.
    async fn confirm_relationship(
        &self,
        ctx: &Context<'_>,
        input: ConfirmRelationshipInput,
    ) -> Result<TrainingApplication> {
        let application = read(
            ctx,
            Training,
            "GetApplication",
            pb::GetApplicationRequest {
                id: input.id.0.clone(),
            },
            |mut client, request| async move { client.get_application(request).await },
        )
        .await?
        .into_inner();
        let relationships = if application.partner_organisation_id.is_empty() {
            None
        } else {
            relationship_facts(ctx, &application.partner_organisation_id, true).await?
        };
        let message = pb::ConfirmRelationshipRequest {
            id: input.id.0,
            version: i64::from(input.version),
            note: input.note,
            relationships,
        };
        let (mut client, request) = call(ctx, TrainingFellowship, message)?;
        Ok(TrainingApplication(
            client
                .confirm_relationship(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}

fn refuse(said: Message, reason: &'static str) -> async_graphql::Error {
    error::bad_input_said(&said, "partnerOrganisationId")
        .extend_with(move |_, ext| ext.set("reason", reason))
}

/// Most pages of relationships read for one organisation (100 each).
const MAX_RELATIONSHIP_PAGES: usize = 10;

/// Checks the partner organisation an application names and, when `with_relationships`,
/// reads its relationships' statuses as the caller may see them. `None` when the id is
/// empty or not a UUID (the training service refuses it then). An organisation the caller
/// cannot see is BAD_USER_INPUT `UNKNOWN_ORGANISATION`, one of another kind
/// `NOT_FOREIGN_LOCAL_GOVERNMENT`.
pub(super) async fn relationship_facts(
    ctx: &Context<'_>,
    organisation_id: &str,
    with_relationships: bool,
) -> Result<Option<pb::RelationshipFacts>> {
    let Ok(id) = uuid::Uuid::parse_str(organisation_id.trim()) else {
        return Ok(None);
    };
    let id = id.to_string();
    let Some(org) = ResearchLoaders::new(ctx)?
        .organisations()
        .load_one(id.clone())
        .await?
    else {
        return Err(refuse(
            Message::new("input-project-unknown-organisation").arg("id", &id),
            "UNKNOWN_ORGANISATION",
        ));
    };
    if org.kind != rpb::OrganisationKind::ForeignLocalGovernment as i32 {
        return Err(refuse(
            Message::new("input-partner-not-foreign-local-government").arg("id", &id),
            "NOT_FOREIGN_LOCAL_GOVERNMENT",
        ));
    }
    if !with_relationships {
        return Ok(Some(pb::RelationshipFacts::default()));
    }
    let mut statuses = Vec::new();
    let mut after = String::new();
    for _ in 0..MAX_RELATIONSHIP_PAGES {
        let message = rpb::ListRelationshipsRequest {
            partner_organisation_id: id.clone(),
            page: Some(PageRequest {
                first: 100,
                after: after.clone(),
            }),
            ..Default::default()
        };
        let r = read(
            ctx,
            Research,
            "ListRelationships",
            message,
            |mut client, request| async move { client.list_relationships(request).await },
        )
        .await?
        .into_inner();
        statuses.extend(r.relationships.iter().filter_map(|rel| {
            let name = rpb::RelationshipStatus::try_from(rel.status).ok()?;
            let name = name.as_str_name().strip_prefix("RELATIONSHIP_STATUS_")?;
            pb::PartnerRelationshipStatus::from_str_name(&format!(
                "PARTNER_RELATIONSHIP_STATUS_{name}"
            ))
            .map(|s| s as i32)
        }));
        match r.page_info {
            Some(p) if p.has_next_page && !p.end_cursor.is_empty() => after = p.end_cursor,
            _ => break,
        }
    }
    Ok(Some(pb::RelationshipFacts { statuses }))
}

/// The partner organisation a fellowship application names, as the caller may see it in
/// the partner network.
pub(super) async fn partner_organisation(
    ctx: &Context<'_>,
    id: &str,
) -> Result<Option<Organisation>> {
    if id.is_empty() {
        return Ok(None);
    }
    let loaders = ResearchLoaders::new(ctx)?;
    Ok(loaders
        .organisations()
        .load_one(id.to_owned())
        .await?
        .map(|o| Organisation(o, loaders.clone())))
}
