//! The tonic adapter: proto → domain drafts, call the service, domain → proto, error →
//! status. No rules live here: every check is in the domain or the service.

use glocal_kit::error::{ServiceError as _, to_status};
use glocal_kit::grpc::{bad, caller, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::research_service_server::{ResearchService, ResearchServiceServer};
use tonic::{Request, Response, Status};

use crate::domain::{
    AreaCode, AttachmentDraft, ContactDraft, IdempotencyKey, InteractionDraft, InteractionKind,
    InvalidInput, LinkDraft, LocalizedDraft, LocalizedText, NewArea, NewContact, NewInteraction,
    NewOpportunity, NewOrganisation, NewProfile, NewRelationship, OpportunityDraft, OpportunityId,
    OpportunityStatus, OrganisationDraft, OrganisationId, OrganisationKind, PracticeContent,
    PracticeDraft, PracticeId, PracticeState, ProfileChange, ProfileChangeId, ProfileChangeStatus,
    ProfileDraft, RelationshipDraft, RelationshipFilter, RelationshipKind, RelationshipMove,
    RelationshipStatus, Revision,
};
use crate::error::ResearchError;
use crate::service::{
    self, Facets, InteractionLog, OpportunityFilter, OrganisationFilter, PracticeFilter,
    PracticeSearch, PracticeSort, Research,
};

/// The gRPC face of [`Research`].
#[derive(Debug, Clone)]
pub struct GrpcService {
    research: Research,
}

impl GrpcService {
    /// Wraps the service.
    pub fn new(research: Research) -> Self {
        GrpcService { research }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> ResearchServiceServer<GrpcService> {
        ResearchServiceServer::new(self)
    }
}

type GrpcResult<T> = Result<Response<T>, Status>;

fn status(e: ResearchError) -> Status {
    to_status(&e)
}

/// BAD_USER_INPUT on `field`: a number that names no value of its proto enum.
fn unknown_value(field: &str, v: i32) -> InvalidInput {
    InvalidInput::localized(
        field,
        glocal_kit::i18n::Message::new("input-unknown-value").arg("value", v),
    )
}

/// A parsed input, its bad input as BAD_USER_INPUT naming the field.
fn parsed<T>(r: Result<T, InvalidInput>) -> Result<T, Status> {
    r.map_err(|e| status(e.into()))
}

/// A practice's id and the revision the caller saw.
fn practice_at(id: &str, revision: i64) -> Result<(PracticeId, Revision), Status> {
    Ok((
        parsed(PracticeId::parse(id, "id"))?,
        parsed(Revision::parse(revision))?,
    ))
}

fn text_in(t: Option<&common::LocalizedText>) -> LocalizedDraft {
    t.map(|t| LocalizedDraft::of(&t.ko, &t.en, &t.zh, &t.ja))
        .unwrap_or_default()
}

fn text_out(t: &LocalizedText) -> common::LocalizedText {
    use crate::domain::Lang;
    common::LocalizedText {
        ko: t.get(Lang::Ko).to_owned(),
        en: t.get(Lang::En).to_owned(),
        zh: t.get(Lang::Zh).to_owned(),
        ja: t.get(Lang::Ja).to_owned(),
    }
}

fn state_in(v: i32, field: &str) -> Result<Option<PracticeState>, Status> {
    Ok(match pb::PracticeState::try_from(v) {
        Ok(pb::PracticeState::Unspecified) => None,
        Ok(pb::PracticeState::Draft) => Some(PracticeState::Draft),
        Ok(pb::PracticeState::InReview) => Some(PracticeState::InReview),
        Ok(pb::PracticeState::Published) => Some(PracticeState::Published),
        Ok(pb::PracticeState::Withdrawn) => Some(PracticeState::Withdrawn),
        Err(_) => {
            return Err(bad(unknown_value(field, v)));
        }
    })
}

fn state_out(s: PracticeState) -> pb::PracticeState {
    match s {
        PracticeState::Draft => pb::PracticeState::Draft,
        PracticeState::InReview => pb::PracticeState::InReview,
        PracticeState::Published => pb::PracticeState::Published,
        PracticeState::Withdrawn => pb::PracticeState::Withdrawn,
    }
}

macro_rules! enum_map {
    ($in_fn:ident, $out_fn:ident, $pb:ty, $domain:ty, $what:literal, { $($p:ident => $d:ident),* $(,)? }) => {
        fn $in_fn(v: i32, field: &str) -> Result<Option<$domain>, Status> {
            match <$pb>::try_from(v) {
                Ok(<$pb>::Unspecified) => Ok(None),
                $(Ok(<$pb>::$p) => Ok(Some(<$domain>::$d)),)*
                Err(_) => Err(bad(unknown_value(field, v))),
            }
        }

        fn $out_fn(v: $domain) -> $pb {
            match v {
                $(<$domain>::$d => <$pb>::$p,)*
            }
        }
    };
}

enum_map!(org_kind_in, org_kind_out, pb::OrganisationKind, OrganisationKind, "organisation kind", {
    LocalGovernmentAssociation => LocalGovernmentAssociation,
    OverseasOffice => OverseasOffice,
    ForeignMission => ForeignMission,
    ForeignAdvisor => ForeignAdvisor,
    ForeignLocalGovernment => ForeignLocalGovernment,
    Academia => Academia,
});
enum_map!(rel_kind_in, rel_kind_out, pb::RelationshipKind, RelationshipKind, "relationship kind", {
    SisterCity => SisterCity,
    FriendshipCity => FriendshipCity,
    Memorandum => Memorandum,
});
enum_map!(rel_status_in, rel_status_out, pb::RelationshipStatus, RelationshipStatus, "relationship status", {
    Proposed => Proposed,
    Active => Active,
    Suspended => Suspended,
    Ended => Ended,
});
enum_map!(interaction_kind_in, interaction_kind_out, pb::InteractionKind, InteractionKind, "interaction kind", {
    Meeting => Meeting,
    Visit => Visit,
    Exchange => Exchange,
    Other => Other,
});
enum_map!(opp_status_in, opp_status_out, pb::OpportunityStatus, OpportunityStatus, "opportunity status", {
    Proposed => Proposed,
    Open => Open,
    Closed => Closed,
    Declined => Declined,
});

fn list_in<T>(
    values: &[i32],
    field: &str,
    f: fn(i32, &str) -> Result<Option<T>, Status>,
) -> Result<Vec<T>, Status> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| f(*v, &format!("{field}[{i}]")).transpose())
        .collect()
}

fn content_in(c: Option<&pb::PracticeContent>) -> PracticeDraft {
    let Some(c) = c else {
        return PracticeDraft::default();
    };
    PracticeDraft {
        title: text_in(c.title.as_ref()),
        summary: text_in(c.summary.as_ref()),
        body: text_in(c.body.as_ref()),
        original_language: c.original_language.clone(),
        area_code: c.area_code.clone(),
        country: c.country.clone(),
        city: c.city.clone(),
        local_government_code: c.local_government_code.clone(),
        source_organisation_id: c.source_organisation_id.clone(),
        year: c.year,
        tags: c.tags.clone(),
        links: c
            .links
            .iter()
            .map(|l| LinkDraft {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
        attachments: c
            .attachments
            .iter()
            .map(|a| AttachmentDraft {
                name: a.name.clone(),
                media_type: a.media_type.clone(),
                size_bytes: a.size_bytes,
                url: a.url.clone(),
            })
            .collect(),
    }
}

fn content_out(c: &PracticeContent) -> pb::PracticeContent {
    pb::PracticeContent {
        title: Some(text_out(&c.title)),
        summary: Some(text_out(&c.summary)),
        body: Some(text_out(&c.body)),
        original_language: c.original_language.as_str().to_owned(),
        area_code: c.area_code.clone(),
        country: c.country.clone(),
        city: c.city.clone(),
        local_government_code: c.local_government_code.clone().unwrap_or_default(),
        source_organisation_id: c.source_organisation_id.clone().unwrap_or_default(),
        year: c.year,
        tags: c.tags.clone(),
        links: c
            .links
            .iter()
            .map(|l| pb::Link {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
        attachments: c
            .attachments
            .iter()
            .map(|a| pb::Attachment {
                name: a.name.clone(),
                media_type: a.media_type.clone(),
                size_bytes: a.size_bytes,
                url: a.url.clone(),
            })
            .collect(),
    }
}

fn practice_out(p: service::Practice) -> pb::Practice {
    pb::Practice {
        id: p.id.to_key(),
        version: p.version,
        latest_version: p.latest_version,
        revision: p.revision.get(),
        state: state_out(p.state) as i32,
        content: Some(content_out(&p.content)),
        tombstone: p.tombstone,
        approved: p.approved,
        author_subject: p.author_subject,
        author_name: p.author_name,
        created_at: Some(ts(p.created_at)),
        updated_at: Some(ts(p.updated_at)),
        published_at: p.published_at.map(ts),
        withdrawn_at: p.withdrawn_at.map(ts),
        withdrawal_reason: p.withdrawal_reason.unwrap_or_default(),
        origin: p.origin.unwrap_or_default(),
        languages: p
            .content
            .languages()
            .into_iter()
            .map(|l| l.as_str().to_owned())
            .collect(),
        history: p
            .history
            .into_iter()
            .map(|h| pb::PracticeHistoryEntry {
                action: h.action,
                from_state: h.from_state.map_or(0, |s| state_out(s) as i32),
                to_state: state_out(h.to_state) as i32,
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: Some(ts(h.at)),
                note: h.note,
                version: h.version,
            })
            .collect(),
        versions: p
            .versions
            .into_iter()
            .map(|v| pb::PracticeVersionInfo {
                version: v.version,
                created_at: Some(ts(v.created_at)),
                editor_subject: v.editor_subject,
                note: v.note,
            })
            .collect(),
    }
}

fn facets_out(f: Facets) -> pb::PracticeFacets {
    let out = |v: Vec<service::FacetCount>| {
        v.into_iter()
            .map(|c| pb::FacetCount {
                value: c.value,
                count: c.count,
            })
            .collect()
    };
    pb::PracticeFacets {
        areas: out(f.areas),
        countries: out(f.countries),
        years: out(f.years),
        languages: out(f.languages),
    }
}

fn contact_in(c: Option<&pb::ContactInput>) -> ContactDraft {
    c.map(|c| ContactDraft {
        name: c.name.clone(),
        position: c.position.clone(),
        languages: c.languages.clone(),
        expertise_area_codes: c.expertise_area_codes.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
    })
    .unwrap_or_default()
}

fn organisation_out(o: service::Organisation) -> pb::Organisation {
    pb::Organisation {
        id: o.id.to_key(),
        kind: org_kind_out(o.kind) as i32,
        name: Some(text_out(&o.name)),
        original_language: o.original_language.as_str().to_owned(),
        country: o.country,
        city: o.city,
        languages: o.languages,
        website: o.website,
        description: Some(text_out(&o.description)),
        public: o.public,
        contacts: o
            .contacts
            .into_iter()
            .map(|c| pb::Contact {
                id: c.id.to_key(),
                name: c.name,
                position: c.position,
                languages: c.languages,
                expertise_area_codes: c.expertise_area_codes,
                email: c.email.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
            })
            .collect(),
        created_at: Some(ts(o.created_at)),
        revision: o.revision.get(),
    }
}

fn profile_in(p: Option<&pb::ProfileInput>) -> ProfileDraft {
    p.map(|p| ProfileDraft {
        name: text_in(p.name.as_ref()),
        original_language: p.original_language.clone(),
        city: p.city.clone(),
        languages: p.languages.clone(),
        website: p.website.clone(),
        description: text_in(p.description.as_ref()),
        contacts: p.contacts.iter().map(|c| contact_in(Some(c))).collect(),
    })
    .unwrap_or_default()
}

fn change_status_in(v: i32, field: &str) -> Result<Option<ProfileChangeStatus>, Status> {
    Ok(match pb::ProfileChangeStatus::try_from(v) {
        Ok(pb::ProfileChangeStatus::Unspecified) => None,
        Ok(pb::ProfileChangeStatus::Pending) => Some(ProfileChangeStatus::Pending),
        Ok(pb::ProfileChangeStatus::Approved) => Some(ProfileChangeStatus::Approved),
        Ok(pb::ProfileChangeStatus::Rejected) => Some(ProfileChangeStatus::Rejected),
        Err(_) => {
            return Err(bad(unknown_value(field, v)));
        }
    })
}

fn profile_change_out(c: ProfileChange) -> pb::ProfileChange {
    let status = match c.status {
        ProfileChangeStatus::Pending => pb::ProfileChangeStatus::Pending,
        ProfileChangeStatus::Approved => pb::ProfileChangeStatus::Approved,
        ProfileChangeStatus::Rejected => pb::ProfileChangeStatus::Rejected,
    };
    let p = c.profile.to_draft();
    let text = |d: &LocalizedDraft| common::LocalizedText {
        ko: d.ko.clone(),
        en: d.en.clone(),
        zh: d.zh.clone(),
        ja: d.ja.clone(),
    };
    pb::ProfileChange {
        id: c.id.to_key(),
        organisation_id: c.organisation_id.to_key(),
        status: status as i32,
        profile: Some(pb::ProfileInput {
            name: Some(text(&p.name)),
            original_language: p.original_language,
            city: p.city,
            languages: p.languages,
            website: p.website,
            description: Some(text(&p.description)),
            contacts: p
                .contacts
                .into_iter()
                .map(|c| pb::ContactInput {
                    name: c.name,
                    position: c.position,
                    languages: c.languages,
                    expertise_area_codes: c.expertise_area_codes,
                    email: c.email,
                    phone: c.phone,
                })
                .collect(),
        }),
        base_revision: c.base_revision.get(),
        proposed_by_name: c.proposed_by_name,
        proposed_at: Some(ts(c.proposed_at)),
        reviewed_by_name: c.reviewed_by_name.unwrap_or_default(),
        reviewed_at: c.reviewed_at.map(ts),
        reason: c.reason,
    }
}

fn relationship_out(r: service::Relationship) -> pb::Relationship {
    pb::Relationship {
        id: r.id.to_key(),
        kind: rel_kind_out(r.kind) as i32,
        status: rel_status_out(r.status) as i32,
        local_government_code: r.local_government_code,
        partner_organisation_id: r.partner_organisation_id,
        signed_on: r.signed_on.unwrap_or_default(),
        ended_on: r.ended_on.unwrap_or_default(),
        note: r.note,
        created_at: Some(ts(r.created_at)),
        revision: r.revision.get(),
        interaction_count: r.interaction_count,
    }
}

fn interaction_out(i: service::Interaction) -> pb::Interaction {
    pb::Interaction {
        id: i.id.to_key(),
        relationship_id: i.relationship_id,
        kind: interaction_kind_out(i.kind) as i32,
        occurred_on: i.occurred_on,
        summary: i.summary,
        recorded_by_subject: i.recorded_by_subject,
        recorded_by_name: i.recorded_by_name,
        created_at: Some(ts(i.created_at)),
    }
}

/// One relationship's first page, or the error ListInteractions would have failed with for
/// it (the same code, message and field as its status).
fn interaction_page_out(log: InteractionLog) -> pb::InteractionPage {
    match log.page {
        Ok(page) => pb::InteractionPage {
            relationship_id: log.relationship_id,
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            interactions: page.items.into_iter().map(interaction_out).collect(),
            error: None,
        },
        Err(e) => pb::InteractionPage {
            relationship_id: log.relationship_id,
            error: Some(pb::PageError {
                code: e.code().as_str().to_owned(),
                message: to_status(&e).message().to_owned(),
                field: e.field().unwrap_or_default().to_owned(),
            }),
            ..pb::InteractionPage::default()
        },
    }
}

fn opportunity_out(o: service::Opportunity) -> pb::Opportunity {
    pb::Opportunity {
        id: o.id.to_key(),
        title: Some(text_out(&o.title)),
        description: Some(text_out(&o.description)),
        original_language: o.original_language.as_str().to_owned(),
        area_codes: o.area_codes,
        countries: o.countries,
        organisation_id: o.organisation_id.unwrap_or_default(),
        status: opp_status_out(o.status) as i32,
        deadline: o.deadline.unwrap_or_default(),
        proposer_subject: o.proposer_subject,
        created_at: Some(ts(o.created_at)),
        revision: o.revision.get(),
    }
}

#[tonic::async_trait]
impl ResearchService for GrpcService {
    async fn list_areas(
        &self,
        _req: Request<pb::ListAreasRequest>,
    ) -> GrpcResult<pb::ListAreasResponse> {
        let areas = self.research.list_areas().await.map_err(status)?;
        Ok(Response::new(pb::ListAreasResponse {
            areas: areas
                .into_iter()
                .map(|a| pb::Area {
                    label: Some(text_out(&a.label)),
                    code: a.code,
                    position: a.position,
                    practice_count: a.practice_count,
                })
                .collect(),
        }))
    }

    async fn create_area(&self, req: Request<pb::CreateAreaRequest>) -> GrpcResult<pb::Area> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let a = self
            .research
            .create_area(
                caller.as_ref(),
                parsed(NewArea::parse(&m.code, &text_in(m.label.as_ref())))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::Area {
            label: Some(text_out(&a.label)),
            code: a.code,
            position: a.position,
            practice_count: a.practice_count,
        }))
    }

    async fn delete_area(
        &self,
        req: Request<pb::DeleteAreaRequest>,
    ) -> GrpcResult<pb::DeleteAreaResponse> {
        let caller = caller(&req)?;
        self.research
            .delete_area(
                caller.as_ref(),
                parsed(AreaCode::parse(&req.get_ref().code, "code"))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteAreaResponse {}))
    }

    async fn draft_practice(
        &self,
        req: Request<pb::DraftPracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let key = parsed(IdempotencyKey::parse(&m.idempotency_key))?;
        let content = parsed(PracticeContent::parse(&content_in(m.content.as_ref())))?;
        let p = if m.origin.trim().is_empty() {
            self.research
                .draft_practice(caller.as_ref(), key, content)
                .await
        } else {
            let origin = parsed(crate::domain::PracticeOrigin::parse(&m.origin))?;
            self.research
                .draft_practice_from_origin(caller.as_ref(), key, content, &origin)
                .await
        }
        .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn update_practice(
        &self,
        req: Request<pb::UpdatePracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let (id, revision) = practice_at(&m.id, m.revision)?;
        let p = self
            .research
            .update_practice(
                caller.as_ref(),
                id,
                revision,
                parsed(PracticeContent::parse(&content_in(m.content.as_ref())))?,
                &m.note,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn submit_practice(
        &self,
        req: Request<pb::SubmitPracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let (id, revision) = practice_at(&m.id, m.revision)?;
        let p = self
            .research
            .submit_practice(caller.as_ref(), id, revision)
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn review_practice(
        &self,
        req: Request<pb::ReviewPracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let (id, revision) = practice_at(&m.id, m.revision)?;
        let p = self
            .research
            .review_practice(caller.as_ref(), id, revision, m.approve, &m.note)
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn publish_practice(
        &self,
        req: Request<pb::PublishPracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let (id, revision) = practice_at(&m.id, m.revision)?;
        let p = self
            .research
            .publish_practice(caller.as_ref(), id, revision)
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn withdraw_practice(
        &self,
        req: Request<pb::WithdrawPracticeRequest>,
    ) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let (id, revision) = practice_at(&m.id, m.revision)?;
        let p = self
            .research
            .withdraw_practice(caller.as_ref(), id, revision, &m.reason)
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn get_practice(&self, req: Request<pb::GetPracticeRequest>) -> GrpcResult<pb::Practice> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = PracticeId::parse(&m.id, "id").map_err(|e| status(e.into()))?;
        if m.version < 0 {
            return Err(bad(InvalidInput::new("version", "must be positive")));
        }
        let p = self
            .research
            .get_practice(caller.as_ref(), id, (m.version > 0).then_some(m.version))
            .await
            .map_err(status)?;
        Ok(Response::new(practice_out(p)))
    }

    async fn batch_get_practices(
        &self,
        req: Request<pb::BatchGetPracticesRequest>,
    ) -> GrpcResult<pb::BatchGetPracticesResponse> {
        let caller = caller(&req)?;
        let ids = req.into_inner().ids;
        let practices = self
            .research
            .batch_get_practices(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetPracticesResponse {
            practices: practices.into_iter().map(practice_out).collect(),
        }))
    }

    async fn search_practices(
        &self,
        req: Request<pb::SearchPracticesRequest>,
    ) -> GrpcResult<pb::SearchPracticesResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let f = m.filter.unwrap_or_default();
        let search = PracticeSearch {
            query: m.query,
            filter: PracticeFilter {
                states: list_in(&f.states, "filter.states", state_in)?,
                area_codes: f.area_codes,
                countries: f.countries,
                years: f.years,
                languages: f.languages,
                local_government_code: f.local_government_code,
                source_organisation_id: f.source_organisation_id,
                tag: f.tag,
            },
            page: m.page.clone().unwrap_or_default().into(),
            sort: match pb::PracticeSort::try_from(m.sort) {
                Ok(pb::PracticeSort::Unspecified) => PracticeSort::Default,
                Ok(pb::PracticeSort::Relevance) => PracticeSort::Relevance,
                Ok(pb::PracticeSort::Newest) => PracticeSort::Newest,
                Err(_) => {
                    return Err(bad(unknown_value("sort", m.sort)));
                }
            },
        };
        let result = self
            .research
            .search_practices(caller.as_ref(), &search)
            .await
            .map_err(status)?;
        let page = result.page;
        Ok(Response::new(pb::SearchPracticesResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            practices: page.items.into_iter().map(practice_out).collect(),
            facets: Some(facets_out(result.facets)),
        }))
    }

    async fn create_organisation(
        &self,
        req: Request<pb::CreateOrganisationRequest>,
    ) -> GrpcResult<pb::Organisation> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let draft = OrganisationDraft {
            kind: org_kind_in(m.kind, "kind")?,
            name: text_in(m.name.as_ref()),
            original_language: m.original_language,
            country: m.country,
            city: m.city,
            languages: m.languages,
            website: m.website,
            description: text_in(m.description.as_ref()),
            public: m.public,
            contacts: m.contacts.iter().map(|c| contact_in(Some(c))).collect(),
        };
        let o = self
            .research
            .create_organisation(
                caller.as_ref(),
                parsed(IdempotencyKey::parse(&m.idempotency_key))?,
                parsed(NewOrganisation::parse(&draft))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(organisation_out(o)))
    }

    async fn add_contact(
        &self,
        req: Request<pb::AddContactRequest>,
    ) -> GrpcResult<pb::Organisation> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let o = self
            .research
            .add_contact(
                caller.as_ref(),
                parsed(OrganisationId::parse(&m.organisation_id, "organisationId"))?,
                parsed(NewContact::parse(
                    &contact_in(m.contact.as_ref()),
                    "contact",
                ))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(organisation_out(o)))
    }

    async fn batch_get_organisations(
        &self,
        req: Request<pb::BatchGetOrganisationsRequest>,
    ) -> GrpcResult<pb::BatchGetOrganisationsResponse> {
        let caller = caller(&req)?;
        let ids = req.into_inner().ids;
        let orgs = self
            .research
            .batch_get_organisations(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetOrganisationsResponse {
            organisations: orgs.into_iter().map(organisation_out).collect(),
        }))
    }

    async fn list_organisations(
        &self,
        req: Request<pb::ListOrganisationsRequest>,
    ) -> GrpcResult<pb::ListOrganisationsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = OrganisationFilter {
            kinds: list_in(&m.kinds, "filter.kinds", org_kind_in)?,
            country: m.country,
            name_contains: m.name_contains,
        };
        let page = self
            .research
            .list_organisations(
                caller.as_ref(),
                &filter,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListOrganisationsResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            organisations: page.items.into_iter().map(organisation_out).collect(),
        }))
    }

    async fn propose_profile_change(
        &self,
        req: Request<pb::ProposeProfileChangeRequest>,
    ) -> GrpcResult<pb::ProfileChange> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let change = self
            .research
            .propose_profile_change(
                caller.as_ref(),
                parsed(OrganisationId::parse(&m.organisation_id, "organisationId"))?,
                parsed(NewProfile::parse(&profile_in(m.profile.as_ref())))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(profile_change_out(change)))
    }

    async fn review_profile_change(
        &self,
        req: Request<pb::ReviewProfileChangeRequest>,
    ) -> GrpcResult<pb::ProfileChange> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let change = self
            .research
            .review_profile_change(
                caller.as_ref(),
                parsed(ProfileChangeId::parse(&m.id, "id"))?,
                m.approve,
                &m.reason,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(profile_change_out(change)))
    }

    async fn list_profile_changes(
        &self,
        req: Request<pb::ListProfileChangesRequest>,
    ) -> GrpcResult<pb::ListProfileChangesResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let changes = self
            .research
            .list_profile_changes(
                caller.as_ref(),
                &m.organisation_id,
                change_status_in(m.status, "status")?,
                m.first,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListProfileChangesResponse {
            changes: changes.into_iter().map(profile_change_out).collect(),
        }))
    }

    async fn create_relationship(
        &self,
        req: Request<pb::CreateRelationshipRequest>,
    ) -> GrpcResult<pb::Relationship> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = parsed(NewRelationship::parse(&RelationshipDraft {
            kind: rel_kind_in(m.kind, "kind")?,
            local_government_code: m.local_government_code,
            partner_organisation_id: m.partner_organisation_id,
            status: rel_status_in(m.status, "status")?,
            signed_on: m.signed_on,
            note: m.note,
        }))?;
        let r = self
            .research
            .create_relationship(caller.as_ref(), &m.idempotency_key, &new)
            .await
            .map_err(status)?;
        Ok(Response::new(relationship_out(r)))
    }

    async fn set_relationship_status(
        &self,
        req: Request<pb::SetRelationshipStatusRequest>,
    ) -> GrpcResult<pb::Relationship> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let r = self
            .research
            .set_relationship_status(
                caller.as_ref(),
                &parsed(RelationshipMove::parse(
                    &m.id,
                    m.revision,
                    rel_status_in(m.status, "status")?,
                    &m.on,
                    &m.note,
                ))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(relationship_out(r)))
    }

    async fn batch_get_relationships(
        &self,
        req: Request<pb::BatchGetRelationshipsRequest>,
    ) -> GrpcResult<pb::BatchGetRelationshipsResponse> {
        let caller = caller(&req)?;
        let ids = req.into_inner().ids;
        let rels = self
            .research
            .batch_get_relationships(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetRelationshipsResponse {
            relationships: rels.into_iter().map(relationship_out).collect(),
        }))
    }

    async fn list_relationships(
        &self,
        req: Request<pb::ListRelationshipsRequest>,
    ) -> GrpcResult<pb::ListRelationshipsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = parsed(RelationshipFilter::parse(
            &m.local_government_code,
            &m.partner_organisation_id,
            list_in(&m.kinds, "filter.kinds", rel_kind_in)?,
            list_in(&m.statuses, "filter.statuses", rel_status_in)?,
        ))?;
        let page = self
            .research
            .list_relationships(
                caller.as_ref(),
                &filter,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListRelationshipsResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            relationships: page.items.into_iter().map(relationship_out).collect(),
        }))
    }

    async fn record_interaction(
        &self,
        req: Request<pb::RecordInteractionRequest>,
    ) -> GrpcResult<pb::Interaction> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = parsed(NewInteraction::parse(&InteractionDraft {
            relationship_id: m.relationship_id,
            kind: interaction_kind_in(m.kind, "kind")?,
            occurred_on: m.occurred_on,
            summary: m.summary,
        }))?;
        let i = self
            .research
            .record_interaction(caller.as_ref(), &m.idempotency_key, &new)
            .await
            .map_err(status)?;
        Ok(Response::new(interaction_out(i)))
    }

    async fn list_interactions(
        &self,
        req: Request<pb::ListInteractionsRequest>,
    ) -> GrpcResult<pb::ListInteractionsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let page = self
            .research
            .list_interactions(
                caller.as_ref(),
                &m.relationship_id,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListInteractionsResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            interactions: page.items.into_iter().map(interaction_out).collect(),
        }))
    }

    async fn batch_list_interactions(
        &self,
        req: Request<pb::BatchListInteractionsRequest>,
    ) -> GrpcResult<pb::BatchListInteractionsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let logs = self
            .research
            .batch_list_interactions(caller.as_ref(), &m.relationship_ids, m.first)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchListInteractionsResponse {
            pages: logs.into_iter().map(interaction_page_out).collect(),
        }))
    }

    async fn propose_opportunity(
        &self,
        req: Request<pb::ProposeOpportunityRequest>,
    ) -> GrpcResult<pb::Opportunity> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let draft = OpportunityDraft {
            title: text_in(m.title.as_ref()),
            description: text_in(m.description.as_ref()),
            original_language: m.original_language,
            area_codes: m.area_codes,
            countries: m.countries,
            organisation_id: m.organisation_id,
            deadline: m.deadline,
        };
        let o = self
            .research
            .propose_opportunity(
                caller.as_ref(),
                parsed(IdempotencyKey::parse(&m.idempotency_key))?,
                parsed(NewOpportunity::parse(&draft))?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(opportunity_out(o)))
    }

    async fn set_opportunity_status(
        &self,
        req: Request<pb::SetOpportunityStatusRequest>,
    ) -> GrpcResult<pb::Opportunity> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let o = self
            .research
            .set_opportunity_status(
                caller.as_ref(),
                parsed(OpportunityId::parse(&m.id, "id"))?,
                parsed(Revision::parse(m.revision))?,
                opp_status_in(m.status, "status")?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(opportunity_out(o)))
    }

    async fn batch_get_opportunities(
        &self,
        req: Request<pb::BatchGetOpportunitiesRequest>,
    ) -> GrpcResult<pb::BatchGetOpportunitiesResponse> {
        let caller = caller(&req)?;
        let ids = req.into_inner().ids;
        let opps = self
            .research
            .batch_get_opportunities(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetOpportunitiesResponse {
            opportunities: opps.into_iter().map(opportunity_out).collect(),
        }))
    }

    async fn list_opportunities(
        &self,
        req: Request<pb::ListOpportunitiesRequest>,
    ) -> GrpcResult<pb::ListOpportunitiesResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = OpportunityFilter {
            statuses: list_in(&m.statuses, "filter.statuses", opp_status_in)?,
            area_code: m.area_code,
        };
        let page = self
            .research
            .list_opportunities(
                caller.as_ref(),
                &filter,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListOpportunitiesResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            opportunities: page.items.into_iter().map(opportunity_out).collect(),
        }))
    }
}

pub mod projects;
