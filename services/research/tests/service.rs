//! The service on real databases: every test body runs on PostgreSQL (a fresh database per
//! test) and on SQLite in memory.

use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::testing::assert_every_page_counts;
use glocal_kit::{Caller, Role};
use glocal_research::domain::{
    AreaCode, ContactDraft, IdempotencyKey, Interaction, InteractionKind, Lang, LocalizedDraft,
    NewArea, NewInteraction, NewOpportunity, NewOrganisation, NewProfile, NewRelationship,
    OpportunityDraft, OpportunityId, OpportunityStatus, OrganisationDraft, OrganisationId,
    OrganisationKind, PracticeContent, PracticeDraft, PracticeId, PracticeOrigin, PracticeState,
    ProfileChangeId, ProfileChangeStatus, ProfileDraft, RelationshipKind, RelationshipMove,
    RelationshipStatus, Revision,
};
use glocal_research::service::{
    InteractionDraft, MAX_BATCH_IDS, OpportunityFilter, OrganisationFilter, PageRequest, Practice,
    PracticeFilter, PracticeSearch, Relationship, RelationshipDraft, RelationshipFilter,
};
use glocal_research::{Config, Research, ResearchError};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The service's writes as the gRPC adapter makes them: ids, revisions, keys and drafts
/// parsed first (bad input is BAD_USER_INPUT naming its field, before the service runs),
/// then the service called with domain types.
trait AsTheAdapterCalls {
    async fn draft_practice_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &PracticeDraft,
    ) -> Result<Practice, ResearchError>;
    async fn update_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        draft: &PracticeDraft,
        note: &str,
    ) -> Result<Practice, ResearchError>;
    async fn submit_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice, ResearchError>;
    async fn review_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        approve: bool,
        note: &str,
    ) -> Result<Practice, ResearchError>;
    async fn publish_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice, ResearchError>;
    async fn withdraw_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        reason: &str,
    ) -> Result<Practice, ResearchError>;
    async fn create_area_from(
        &self,
        caller: Option<&Caller>,
        code: &str,
        label: &LocalizedDraft,
    ) -> Result<glocal_research::domain::Area, ResearchError>;
    async fn delete_area_from(
        &self,
        caller: Option<&Caller>,
        code: &str,
    ) -> Result<(), ResearchError>;
    async fn create_organisation_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &OrganisationDraft,
    ) -> Result<glocal_research::domain::Organisation, ResearchError>;
    async fn propose_profile_change_from(
        &self,
        caller: Option<&Caller>,
        organisation_id: &str,
        draft: &ProfileDraft,
    ) -> Result<glocal_research::domain::ProfileChange, ResearchError>;
    async fn review_profile_change_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        approve: bool,
        reason: &str,
    ) -> Result<glocal_research::domain::ProfileChange, ResearchError>;
    async fn propose_opportunity_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &OpportunityDraft,
    ) -> Result<glocal_research::domain::Opportunity, ResearchError>;
    async fn set_opportunity_status_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<OpportunityStatus>,
    ) -> Result<glocal_research::domain::Opportunity, ResearchError>;
    async fn create_relationship_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &RelationshipDraft,
    ) -> Result<Relationship, ResearchError>;
    async fn set_relationship_status_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<RelationshipStatus>,
        on: &str,
        note: &str,
    ) -> Result<Relationship, ResearchError>;
    async fn record_interaction_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &InteractionDraft,
    ) -> Result<Interaction, ResearchError>;
}

fn practice_at(id: &str, revision: i64) -> Result<(PracticeId, Revision), ResearchError> {
    Ok((PracticeId::parse(id, "id")?, Revision::parse(revision)?))
}

impl AsTheAdapterCalls for Research {
    async fn create_relationship_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &RelationshipDraft,
    ) -> Result<Relationship, ResearchError> {
        self.create_relationship(caller, key, &NewRelationship::parse(draft)?)
            .await
    }

    async fn set_relationship_status_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<RelationshipStatus>,
        on: &str,
        note: &str,
    ) -> Result<Relationship, ResearchError> {
        let change = RelationshipMove::parse(id, revision, status, on, note)?;
        self.set_relationship_status(caller, &change).await
    }

    async fn record_interaction_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &InteractionDraft,
    ) -> Result<Interaction, ResearchError> {
        self.record_interaction(caller, key, &NewInteraction::parse(draft)?)
            .await
    }

    async fn draft_practice_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &PracticeDraft,
    ) -> Result<Practice, ResearchError> {
        let key = IdempotencyKey::parse(key)?;
        self.draft_practice(caller, key, PracticeContent::parse(draft)?)
            .await
    }

    async fn update_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        draft: &PracticeDraft,
        note: &str,
    ) -> Result<Practice, ResearchError> {
        let (id, revision) = practice_at(id, revision)?;
        let content = PracticeContent::parse(draft)?;
        self.update_practice(caller, id, revision, content, note)
            .await
    }

    async fn submit_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice, ResearchError> {
        let (id, revision) = practice_at(id, revision)?;
        self.submit_practice(caller, id, revision).await
    }

    async fn review_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        approve: bool,
        note: &str,
    ) -> Result<Practice, ResearchError> {
        let (id, revision) = practice_at(id, revision)?;
        self.review_practice(caller, id, revision, approve, note)
            .await
    }

    async fn publish_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
    ) -> Result<Practice, ResearchError> {
        let (id, revision) = practice_at(id, revision)?;
        self.publish_practice(caller, id, revision).await
    }

    async fn withdraw_practice_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        reason: &str,
    ) -> Result<Practice, ResearchError> {
        let (id, revision) = practice_at(id, revision)?;
        self.withdraw_practice(caller, id, revision, reason).await
    }

    async fn create_area_from(
        &self,
        caller: Option<&Caller>,
        code: &str,
        label: &LocalizedDraft,
    ) -> Result<glocal_research::domain::Area, ResearchError> {
        self.create_area(caller, NewArea::parse(code, label)?).await
    }

    async fn delete_area_from(
        &self,
        caller: Option<&Caller>,
        code: &str,
    ) -> Result<(), ResearchError> {
        self.delete_area(caller, AreaCode::parse(code, "code")?)
            .await
    }

    async fn create_organisation_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &OrganisationDraft,
    ) -> Result<glocal_research::domain::Organisation, ResearchError> {
        let key = IdempotencyKey::parse(key)?;
        self.create_organisation(caller, key, NewOrganisation::parse(draft)?)
            .await
    }

    async fn propose_profile_change_from(
        &self,
        caller: Option<&Caller>,
        organisation_id: &str,
        draft: &ProfileDraft,
    ) -> Result<glocal_research::domain::ProfileChange, ResearchError> {
        let id = OrganisationId::parse(organisation_id, "organisationId")?;
        self.propose_profile_change(caller, id, NewProfile::parse(draft)?)
            .await
    }

    async fn review_profile_change_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        approve: bool,
        reason: &str,
    ) -> Result<glocal_research::domain::ProfileChange, ResearchError> {
        let id = ProfileChangeId::parse(id, "id")?;
        self.review_profile_change(caller, id, approve, reason)
            .await
    }

    async fn propose_opportunity_from(
        &self,
        caller: Option<&Caller>,
        key: &str,
        draft: &OpportunityDraft,
    ) -> Result<glocal_research::domain::Opportunity, ResearchError> {
        let key = IdempotencyKey::parse(key)?;
        self.propose_opportunity(caller, key, NewOpportunity::parse(draft)?)
            .await
    }

    async fn set_opportunity_status_from(
        &self,
        caller: Option<&Caller>,
        id: &str,
        revision: i64,
        status: Option<OpportunityStatus>,
    ) -> Result<glocal_research::domain::Opportunity, ResearchError> {
        let id = OpportunityId::parse(id, "id")?;
        self.set_opportunity_status(caller, id, Revision::parse(revision)?, status)
            .await
    }
}

struct Env {
    db: DatabaseConnection,
    research: Research,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_research::migrate(&db).await.unwrap();
        let research = Research::new(db.clone(), Config { max_page_size: 50 });
        Env { db, research }
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    /// (practices, versions, history, outbox, audit, idempotency)
    async fn counts(&self) -> [i64; 6] {
        [
            self.count("practice").await,
            self.count("practice_version").await,
            self.count("practice_history").await,
            self.count("outbox").await,
            self.count("audit").await,
            self.count("idempotency").await,
        ]
    }

    /// Drafts, submits, approves (as another staff member) and publishes.
    async fn publish(&self, key: &str, draft: &PracticeDraft) -> Practice {
        let r = &self.research;
        let d = r
            .draft_practice_from(Some(&author()), key, draft)
            .await
            .unwrap();
        let id = d.id.to_key();
        let s = r
            .submit_practice_from(Some(&author()), &id, d.revision.get())
            .await
            .unwrap();
        let a = r
            .review_practice_from(Some(&reviewer()), &id, s.revision.get(), true, "")
            .await
            .unwrap();
        r.publish_practice_from(Some(&reviewer()), &id, a.revision.get())
            .await
            .unwrap()
    }

    async fn search(&self, caller: Option<&Caller>, query: &str) -> Vec<String> {
        self.search_with(caller, query, PracticeFilter::default())
            .await
            .page
            .items
            .iter()
            .map(|p| {
                p.content
                    .title()
                    .get(p.content.original_language())
                    .to_owned()
            })
            .collect()
    }

    async fn search_with(
        &self,
        caller: Option<&Caller>,
        query: &str,
        filter: PracticeFilter,
    ) -> glocal_research::service::PracticePage {
        self.research
            .search_practices(
                caller,
                &PracticeSearch {
                    query: query.into(),
                    filter,
                    ..PracticeSearch::default()
                },
            )
            .await
            .unwrap()
    }
}

fn author() -> Caller {
    Caller::new("staff-lee", "Lee", "GAOK", [Role::BureauStaff])
}

fn reviewer() -> Caller {
    Caller::new("staff-park", "Park", "GAOK", [Role::BureauStaff])
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn official(org: &str) -> Caller {
    Caller::new(
        format!("official-{org}"),
        "Official",
        org,
        [Role::LocalOfficial],
    )
}

fn partner() -> Caller {
    Caller::new("partner-clair", "CLAIR", "CLAIR", [Role::Partner])
}

fn code(e: &ResearchError) -> ErrorCode {
    e.code()
}

#[track_caller]
fn assert_code<T: std::fmt::Debug>(r: Result<T, ResearchError>, want: ErrorCode) -> ResearchError {
    let e = r.expect_err("expected an error");
    assert_eq!(code(&e), want, "{e}");
    e
}

fn practice(
    lang: &str,
    title: &str,
    summary: &str,
    area: &str,
    country: &str,
    year: i32,
) -> PracticeDraft {
    let mut t = LocalizedDraft::default();
    let mut s = LocalizedDraft::default();
    match lang {
        "ko" => (t.ko, s.ko) = (title.into(), summary.into()),
        "zh" => (t.zh, s.zh) = (title.into(), summary.into()),
        "ja" => (t.ja, s.ja) = (title.into(), summary.into()),
        _ => (t.en, s.en) = (title.into(), summary.into()),
    }
    PracticeDraft {
        title: t,
        summary: s,
        original_language: lang.into(),
        area_code: area.into(),
        country: country.into(),
        year,
        ..PracticeDraft::default()
    }
}

fn lanes() -> PracticeDraft {
    practice(
        "en",
        "Bicycle lanes for commuters",
        "Protected lanes across the city.",
        "transportation",
        "NL",
        2020,
    )
}

async fn workflow_versions_and_history(env: Env) {
    let r = &env.research;
    let d = r
        .draft_practice_from(Some(&author()), "k1", &lanes())
        .await
        .unwrap();
    assert_eq!(
        (d.state, d.version, d.revision.get(), d.approved),
        (PracticeState::Draft, 1, 1, false)
    );
    let id = d.id.to_key();
    // Nobody outside the bureau sees a draft.
    assert_code(r.get_practice(None, d.id, None).await, ErrorCode::NotFound);
    assert_code(
        r.get_practice(Some(&official("11000")), d.id, None).await,
        ErrorCode::NotFound,
    );

    // Editing a draft changes it in place.
    let mut edited = lanes();
    edited.summary.en = "Protected lanes, now with signals.".into();
    let e = r
        .update_practice_from(Some(&author()), &id, 1, &edited, "typo")
        .await
        .unwrap();
    assert_eq!((e.version, e.revision.get()), (1, 2));

    let s = r
        .submit_practice_from(Some(&author()), &id, 2)
        .await
        .unwrap();
    assert_eq!(s.state, PracticeState::InReview);
    // Four eyes: the author may not review; publishing needs an approval.
    assert_code(
        r.review_practice_from(Some(&author()), &id, 3, true, "")
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        r.publish_practice_from(Some(&reviewer()), &id, 3).await,
        ErrorCode::Conflict,
    );
    // Requesting changes needs a note and goes back to DRAFT.
    let e = assert_code(
        r.review_practice_from(Some(&reviewer()), &id, 3, false, " ")
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("note"));
    let back = r
        .review_practice_from(Some(&reviewer()), &id, 3, false, "Cite the source")
        .await
        .unwrap();
    assert_eq!(back.state, PracticeState::Draft);
    let s = r
        .submit_practice_from(Some(&author()), &id, back.revision.get())
        .await
        .unwrap();
    let a = r
        .review_practice_from(Some(&reviewer()), &id, s.revision.get(), true, "ok")
        .await
        .unwrap();
    assert!(a.approved);
    let p = r
        .publish_practice_from(Some(&reviewer()), &id, a.revision.get())
        .await
        .unwrap();
    assert_eq!(p.state, PracticeState::Published);
    assert!(p.published_at.is_some());

    // The public sees it now.
    let public = r.get_practice(None, d.id, None).await.unwrap();
    assert_eq!(
        public.content.summary().get(Lang::En),
        "Protected lanes, now with signals."
    );
    assert!(public.history.is_empty(), "history is for bureau staff");

    // Editing a published practice makes version 2; version 1 stays readable.
    let mut v2 = edited.clone();
    v2.summary.en = "Protected lanes and a bike highway.".into();
    let p2 = r
        .update_practice_from(
            Some(&author()),
            &id,
            p.revision.get(),
            &v2,
            "highway opened",
        )
        .await
        .unwrap();
    assert_eq!(
        (p2.state, p2.version, p2.latest_version),
        (PracticeState::Published, 2, 2)
    );
    let old = r.get_practice(None, d.id, Some(1)).await.unwrap();
    assert_eq!((old.version, old.latest_version), (1, 2));
    assert_eq!(
        old.content.summary().get(Lang::En),
        "Protected lanes, now with signals."
    );
    let new = r.get_practice(None, d.id, None).await.unwrap();
    assert_eq!(
        new.content.summary().get(Lang::En),
        "Protected lanes and a bike highway."
    );
    assert_eq!(
        new.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(new.versions[1].note, "highway opened");
    assert_code(
        r.get_practice(None, d.id, Some(3)).await,
        ErrorCode::NotFound,
    );

    let staff_view = r.get_practice(Some(&author()), d.id, None).await.unwrap();
    let actions: Vec<&str> = staff_view
        .history
        .iter()
        .map(|h| h.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "draft",
            "edit",
            "submit",
            "request_changes",
            "submit",
            "approve",
            "publish",
            "edit"
        ]
    );
    // Every change wrote one history row and one outbox row; versions: 2.
    let [practices, versions, history, outbox, _, keys] = env.counts().await;
    assert_eq!(
        (practices, versions, history, outbox, keys),
        (1, 2, 8, 8, 1)
    );
}

async fn stale_revisions_and_illegal_actions_change_nothing(env: Env) {
    let r = &env.research;
    let p = env.publish("k1", &lanes()).await;
    let id = p.id.to_key();
    let before = env.counts().await;
    assert_code(
        r.update_practice_from(Some(&author()), &id, p.revision.get() - 1, &lanes(), "")
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        r.submit_practice_from(Some(&author()), &id, p.revision.get())
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        r.publish_practice_from(Some(&author()), &id, p.revision.get())
            .await,
        ErrorCode::Conflict,
    );
    assert_code(
        r.withdraw_practice_from(Some(&author()), &id, p.revision.get(), "")
            .await,
        ErrorCode::BadUserInput,
    );
    assert_code(
        r.withdraw_practice_from(Some(&official("11000")), &id, p.revision.get(), "no")
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        r.withdraw_practice_from(None, &id, p.revision.get(), "no")
            .await,
        ErrorCode::Unauthenticated,
    );
    assert_eq!(env.counts().await, before);
    assert_eq!(
        r.get_practice(None, p.id, None).await.unwrap().revision,
        p.revision
    );
}

async fn concurrent_transitions_let_exactly_one_win(env: Env) {
    let r = env.research.clone();
    let d = r
        .draft_practice_from(Some(&author()), "k1", &lanes())
        .await
        .unwrap();
    let id = d.id.to_key();
    let mut calls = Vec::new();
    for _ in 0..8 {
        let (r, id) = (r.clone(), id.clone());
        calls.push(tokio::spawn(async move {
            r.submit_practice_from(Some(&author()), &id, 1).await
        }));
    }
    let mut ok = 0;
    for c in calls {
        match c.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code(), ErrorCode::Conflict, "{e}"),
        }
    }
    assert_eq!(ok, 1);
    let p = r.get_practice(Some(&author()), d.id, None).await.unwrap();
    assert_eq!((p.state, p.revision.get()), (PracticeState::InReview, 2));
    assert_eq!(p.history.len(), 2);
}

async fn tombstone_after_withdrawal(env: Env) {
    let r = &env.research;
    let p = env.publish("k1", &lanes()).await;
    let w = r
        .withdraw_practice_from(
            Some(&reviewer()),
            &p.id.to_key(),
            p.revision.get(),
            "Outdated figures",
        )
        .await
        .unwrap();
    assert_eq!(w.state, PracticeState::Withdrawn);
    assert!(!w.tombstone, "bureau staff still see the content");
    for viewer in [None, Some(partner()), Some(official("26000"))] {
        let t = r.get_practice(viewer.as_ref(), p.id, None).await.unwrap();
        assert!(t.tombstone);
        assert_eq!(t.state, PracticeState::Withdrawn);
        assert_eq!(t.withdrawal_reason.as_deref(), Some("Outdated figures"));
        assert_eq!(
            t.content.title().get(Lang::En),
            "Bicycle lanes for commuters"
        );
        assert!(t.content.summary().is_empty());
        // Earlier versions of a withdrawn practice are tombstones too.
        assert!(
            r.get_practice(viewer.as_ref(), p.id, Some(1))
                .await
                .unwrap()
                .content
                .summary()
                .is_empty()
        );
    }
    // It left the library and the batch lookup says it was withdrawn.
    assert!(env.search(None, "bicycle").await.is_empty());
    let batch = r.batch_get_practices(None, &[p.id.to_key()]).await.unwrap();
    assert!(batch[0].tombstone);
    // A draft that was never published leaves nothing public behind.
    let d = r
        .draft_practice_from(Some(&author()), "k2", &lanes())
        .await
        .unwrap();
    r.withdraw_practice_from(Some(&author()), &d.id.to_key(), 1, "duplicate")
        .await
        .unwrap();
    assert_code(r.get_practice(None, d.id, None).await, ErrorCode::NotFound);
    assert!(
        r.batch_get_practices(None, &[d.id.to_key()])
            .await
            .unwrap()
            .is_empty()
    );
    // Withdrawn is final.
    assert_code(
        r.submit_practice_from(Some(&author()), &d.id.to_key(), 2)
            .await,
        ErrorCode::Conflict,
    );
}

async fn vocabulary_in_four_languages(env: Env) {
    let r = &env.research;
    let areas = r.list_areas().await.unwrap();
    assert_eq!(areas.len(), 17);
    for a in &areas {
        for l in Lang::ALL {
            assert!(!a.label.get(l).is_empty(), "{} lacks {l}", a.code);
        }
    }
    let transport = areas.iter().find(|a| a.code == "transportation").unwrap();
    assert_eq!(
        Lang::ALL.map(|l| transport.label.get(l)),
        ["교통", "Transportation", "交通", "交通"]
    );
    let label = LocalizedDraft::of("스마트시티", "Smart city", "智慧城市", "スマートシティ");
    assert_code(
        r.create_area_from(Some(&author()), "smart_city", &label)
            .await,
        ErrorCode::Forbidden,
    );
    let e = assert_code(
        r.create_area_from(
            Some(&admin()),
            "smart_city",
            &LocalizedDraft::of("스마트시티", "Smart city", "智慧城市", ""),
        )
        .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("label.ja"));
    let created = r
        .create_area_from(Some(&admin()), "smart_city", &label)
        .await
        .unwrap();
    assert_eq!(created.position, 18);
    assert_code(
        r.create_area_from(Some(&admin()), "smart_city", &label)
            .await,
        ErrorCode::Conflict,
    );

    // A concept in use cannot be deleted; an unused one can.
    env.publish(
        "k1",
        &practice("en", "Smart poles", "", "smart_city", "KR", 2024),
    )
    .await;
    assert_code(
        r.delete_area_from(Some(&admin()), "smart_city").await,
        ErrorCode::Conflict,
    );
    assert_eq!(
        r.list_areas()
            .await
            .unwrap()
            .iter()
            .find(|a| a.code == "smart_city")
            .unwrap()
            .practice_count,
        1
    );
    r.delete_area_from(Some(&admin()), "fire_prevention")
        .await
        .unwrap();
    assert_code(
        r.delete_area_from(Some(&admin()), "fire_prevention").await,
        ErrorCode::NotFound,
    );
    assert_eq!(r.list_areas().await.unwrap().len(), 17);
    // Contacts and opportunities count as use too.
    let org = OrganisationDraft {
        kind: Some(OrganisationKind::Academia),
        name: LocalizedDraft::of("", "Aalto", "", ""),
        original_language: "en".into(),
        country: "FI".into(),
        public: true,
        contacts: vec![ContactDraft {
            name: "Aino".into(),
            expertise_area_codes: vec!["welfare".into()],
            ..ContactDraft::default()
        }],
        ..OrganisationDraft::default()
    };
    r.create_organisation_from(Some(&author()), "o1", &org)
        .await
        .unwrap();
    assert_code(
        r.delete_area_from(Some(&admin()), "welfare").await,
        ErrorCode::Conflict,
    );
}

async fn concurrent_deletion_never_orphans_a_practice(env: Env) {
    let r = env.research.clone();
    let label = LocalizedDraft::of("가", "A", "甲", "あ");
    for round in 0..4 {
        let code = format!("temp_{round}");
        r.create_area_from(Some(&admin()), &code, &label)
            .await
            .unwrap();
        let mut calls = Vec::new();
        for i in 0..4 {
            let (r, code) = (r.clone(), code.clone());
            calls.push(tokio::spawn(async move {
                let d = practice("en", "Temp", "", &code, "KR", 2024);
                r.draft_practice_from(Some(&author()), &format!("k-{code}-{i}"), &d)
                    .await
                    .map(|_| ())
            }));
        }
        let (r2, code2) = (r.clone(), code.clone());
        calls.push(tokio::spawn(async move {
            r2.delete_area_from(Some(&admin()), &code2).await
        }));
        for c in calls {
            if let Err(e) = c.await.unwrap() {
                assert!(
                    matches!(e.code(), ErrorCode::BadUserInput | ErrorCode::Conflict),
                    "{e}"
                );
            }
        }
    }
    // Every practice's area still exists.
    let backend = env.db.get_database_backend();
    let orphans: i64 = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM practice p WHERE NOT EXISTS (SELECT 1 FROM research_area a WHERE a.code = p.area_code)",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    assert_eq!(orphans, 0);
}

async fn search_in_four_languages(env: Env) {
    env.publish(
        "ko",
        &practice(
            "ko",
            "대중교통정책 혁신",
            "버스 노선 개편",
            "transportation",
            "KR",
            2021,
        ),
    )
    .await;
    env.publish(
        "zh",
        &practice(
            "zh",
            "城市公共交通规划",
            "地铁与公交一体化",
            "transportation",
            "CN",
            2020,
        ),
    )
    .await;
    env.publish(
        "ja",
        &practice(
            "ja",
            "地域公共交通計画",
            "コミュニティバスの運行",
            "transportation",
            "JP",
            2019,
        ),
    )
    .await;
    env.publish("en-title", &lanes()).await;
    env.publish(
        "en-body",
        &practice(
            "en",
            "Commuter parking",
            "A garage where each bicycle has a place.",
            "transportation",
            "DE",
            2018,
        ),
    )
    .await;
    env.publish(
        "en-other",
        &practice(
            "en",
            "Elderly care at home",
            "Nurses visit daily.",
            "welfare",
            "SE",
            2017,
        ),
    )
    .await;

    // Korean: a two-character word inside a longer compound, and a longer one.
    assert_eq!(env.search(None, "정책").await, ["대중교통정책 혁신"]);
    assert_eq!(env.search(None, "대중교통").await, ["대중교통정책 혁신"]);
    // Chinese and Japanese share 交通; each finds its own compound too.
    let mut both = env.search(None, "交通").await;
    both.sort();
    assert_eq!(both, ["地域公共交通計画", "城市公共交通规划"]);
    assert_eq!(env.search(None, "规划").await, ["城市公共交通规划"]);
    assert_eq!(env.search(None, "計画").await, ["地域公共交通計画"]);
    assert_eq!(env.search(None, "バス").await, ["地域公共交通計画"]);
    // English: plural and singular match; a title hit outranks a summary hit.
    assert_eq!(
        env.search(None, "bicycle").await,
        ["Bicycle lanes for commuters", "Commuter parking"]
    );
    assert_eq!(
        env.search(None, "bicycles").await,
        ["Bicycle lanes for commuters", "Commuter parking"]
    );
    assert_eq!(
        env.search(None, "LANE").await,
        ["Bicycle lanes for commuters"]
    );
    // All words must match.
    assert_eq!(
        env.search(None, "bicycle garage").await,
        ["Commuter parking"]
    );
    assert!(env.search(None, "submarine").await.is_empty());
    // Wildcards are literal.
    assert!(env.search(None, "%").await.is_empty());
    // Without a query: everything published, newest first.
    assert_eq!(env.search(None, "").await.len(), 6);
    let e = assert_code(
        env.research
            .search_practices(
                None,
                &PracticeSearch {
                    query: "a ".repeat(11),
                    ..PracticeSearch::default()
                },
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("search"));
}

async fn facets_match_the_results_and_pages_cover_them(env: Env) {
    let mut years = Vec::new();
    for i in 0..7 {
        let (lang, area, country) = match i % 3 {
            0 => ("en", "transportation", "NL"),
            1 => ("ja", "environment", "JP"),
            _ => ("ko", "transportation", "KR"),
        };
        let year = 2018 + (i % 2);
        years.push(year);
        let mut d = practice(
            lang,
            &format!("교통 transport 交通 {i}"),
            "",
            area,
            country,
            year,
        );
        if i == 3 {
            d.summary.ko = "한국어 요약도 있음".into();
        }
        env.publish(&format!("k{i}"), &d).await;
    }
    // One draft that search must not count.
    env.research
        .draft_practice_from(
            Some(&author()),
            "draft",
            &practice("en", "transport draft", "", "transportation", "NL", 2018),
        )
        .await
        .unwrap();

    let filter = PracticeFilter {
        area_codes: vec!["transportation".into()],
        ..PracticeFilter::default()
    };
    let all = env.search_with(None, "transport", filter.clone()).await;
    assert_eq!(all.page.total_count, 5);
    let sum = |v: &[glocal_research::service::FacetCount]| v.iter().map(|c| c.count).sum::<u64>();
    assert_eq!(sum(&all.facets.areas), 5);
    assert_eq!(sum(&all.facets.countries), 5);
    assert_eq!(sum(&all.facets.years), 5);
    assert_eq!(all.facets.areas[0].value, "transportation");
    let countries: Vec<(&str, u64)> = all
        .facets
        .countries
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(countries, [("NL", 3), ("KR", 2)]);
    // Languages: one practice has two, so the language counts add up to one more than the total.
    let langs: Vec<(&str, u64)> = all
        .facets
        .languages
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(langs, [("ko", 3), ("en", 3)]);
    let by_lang = env
        .search_with(
            None,
            "transport",
            PracticeFilter {
                languages: vec!["ja".into()],
                ..filter.clone()
            },
        )
        .await;
    assert_eq!(
        by_lang.page.total_count, 0,
        "no Japanese transport practice in the area"
    );
    let jp = env
        .search_with(
            None,
            "",
            PracticeFilter {
                languages: vec!["ja".into()],
                ..PracticeFilter::default()
            },
        )
        .await;
    assert_eq!(jp.page.total_count, 2);
    assert_eq!(
        jp.facets
            .languages
            .iter()
            .find(|c| c.value == "ja")
            .unwrap()
            .count,
        2
    );
    let in_year = env
        .search_with(
            None,
            "",
            PracticeFilter {
                years: vec![2019],
                ..PracticeFilter::default()
            },
        )
        .await;
    assert_eq!(
        in_year.page.total_count,
        years.iter().filter(|y| **y == 2019).count() as u64
    );

    // Paging walks every result once.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = env
            .research
            .search_practices(
                None,
                &PracticeSearch {
                    query: "transport".into(),
                    page: PageRequest {
                        first: 2,
                        after: after.clone(),
                    },
                    ..PracticeSearch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.page.total_count, 7);
        seen.extend(page.page.items.iter().map(|p| p.id));
        if !page.page.has_next_page {
            break;
        }
        after = page.page.end_cursor().map(str::to_owned);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);

    // Staff may list drafts; others may not.
    let drafts = env
        .search_with(
            Some(&author()),
            "",
            PracticeFilter {
                states: vec![PracticeState::Draft],
                ..PracticeFilter::default()
            },
        )
        .await;
    assert_eq!(drafts.page.total_count, 1);
    assert_code(
        env.research
            .search_practices(
                Some(&partner()),
                &PracticeSearch {
                    filter: PracticeFilter {
                        states: vec![PracticeState::Draft],
                        ..PracticeFilter::default()
                    },
                    ..PracticeSearch::default()
                },
            )
            .await,
        ErrorCode::Forbidden,
    );
    let e = assert_code(
        env.research
            .search_practices(
                None,
                &PracticeSearch {
                    filter: PracticeFilter {
                        countries: vec!["Korea".into()],
                        ..PracticeFilter::default()
                    },
                    ..PracticeSearch::default()
                },
            )
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("filter.countries[0]"));
}

async fn idempotent_drafts(env: Env) {
    let r = env.research.clone();
    let a = r
        .draft_practice_from(Some(&author()), "same", &lanes())
        .await
        .unwrap();
    let b = r
        .draft_practice_from(Some(&author()), "same", &lanes())
        .await
        .unwrap();
    assert_eq!(a.id, b.id);
    let mut other = lanes();
    other.year = 2021;
    assert_code(
        r.draft_practice_from(Some(&author()), "same", &other).await,
        ErrorCode::Conflict,
    );
    // Another caller's key space is separate.
    let c = r
        .draft_practice_from(Some(&reviewer()), "same", &lanes())
        .await
        .unwrap();
    assert_ne!(c.id, a.id);
    // Concurrent retries make one practice.
    let mut calls = Vec::new();
    for _ in 0..6 {
        let r = r.clone();
        calls.push(tokio::spawn(async move {
            r.draft_practice_from(Some(&author()), "burst", &lanes())
                .await
        }));
    }
    let mut ids = Vec::new();
    for c in calls {
        ids.push(c.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(env.count("practice").await, 3);
}

async fn bad_input_writes_nothing(env: Env) {
    let r = &env.research;
    let before = env.counts().await;
    let cases: Vec<(PracticeDraft, &str)> = vec![
        (
            {
                let mut d = lanes();
                d.country = "Netherlands".into();
                d
            },
            "country",
        ),
        (
            {
                let mut d = lanes();
                d.area_code = "space_travel".into();
                d
            },
            "areaCode",
        ),
        (
            {
                let mut d = lanes();
                d.source_organisation_id = PracticeId::new().to_key();
                d
            },
            "sourceOrganisationId",
        ),
        (
            {
                let mut d = lanes();
                d.title.en = String::new();
                d
            },
            "title.en",
        ),
        (
            {
                let mut d = lanes();
                d.year = 3000;
                d
            },
            "year",
        ),
    ];
    for (draft, field) in cases {
        let e = assert_code(
            r.draft_practice_from(Some(&author()), "k", &draft).await,
            ErrorCode::BadUserInput,
        );
        assert_eq!(e.field(), Some(field));
    }
    let e = assert_code(
        r.draft_practice_from(Some(&author()), " ", &lanes()).await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("idempotencyKey"));
    assert_code(
        r.draft_practice_from(Some(&partner()), "k", &lanes()).await,
        ErrorCode::Forbidden,
    );
    assert_eq!(env.counts().await, before);
    // The key is still free after a failed attempt.
    r.draft_practice_from(Some(&author()), "k", &lanes())
        .await
        .unwrap();
}

fn foreign_city(name: &str, public: bool) -> OrganisationDraft {
    OrganisationDraft {
        kind: Some(OrganisationKind::ForeignLocalGovernment),
        name: LocalizedDraft::of("", "", "", name),
        original_language: "ja".into(),
        country: "JP".into(),
        languages: vec!["ja".into()],
        public,
        contacts: vec![ContactDraft {
            name: "Sato".into(),
            position: "International Relations".into(),
            languages: vec!["ja".into(), "ko".into()],
            expertise_area_codes: vec!["cultural_tourism".into()],
            email: "sato@example.jp".into(),
            phone: "+81 6 0000 0000".into(),
        }],
        ..OrganisationDraft::default()
    }
}

async fn partner_network_scoping(env: Env) {
    let r = &env.research;
    let osaka = r
        .create_organisation_from(Some(&author()), "o1", &foreign_city("大阪市", true))
        .await
        .unwrap();
    let hidden = r
        .create_organisation_from(Some(&author()), "o2", &foreign_city("非公開市", false))
        .await
        .unwrap();
    assert_code(
        r.create_organisation_from(Some(&partner()), "o3", &foreign_city("x", true))
            .await,
        ErrorCode::Forbidden,
    );

    // Contacts' personal details only for bureau staff; private organisations only for staff.
    let staff_view = r
        .batch_get_organisations(Some(&author()), &[osaka.id.to_key(), hidden.id.to_key()])
        .await
        .unwrap();
    assert_eq!(staff_view.len(), 2);
    assert_eq!(
        staff_view[0].contacts[0].email.as_deref(),
        Some("sato@example.jp")
    );
    let partner_view = r
        .batch_get_organisations(Some(&partner()), &[hidden.id.to_key(), osaka.id.to_key()])
        .await
        .unwrap();
    assert_eq!(partner_view.len(), 1);
    assert_eq!(partner_view[0].contacts[0].email, None);
    assert_eq!(partner_view[0].contacts[0].phone, None);
    assert_eq!(partner_view[0].contacts[0].name, "Sato");
    let listed = r
        .list_organisations(
            None,
            &OrganisationFilter {
                name_contains: "大阪".into(),
                ..OrganisationFilter::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.total_count, 1);
    assert_eq!(
        r.list_organisations(
            None,
            &OrganisationFilter::default(),
            &PageRequest::default()
        )
        .await
        .unwrap()
        .total_count,
        1
    );
    assert_eq!(
        r.list_organisations(
            Some(&admin()),
            &OrganisationFilter::default(),
            &PageRequest::default()
        )
        .await
        .unwrap()
        .total_count,
        2
    );
    assert_every_page_counts(2, async |page| {
        r.list_organisations(Some(&admin()), &OrganisationFilter::default(), &page)
            .await
            .unwrap()
    })
    .await;

    // Relationships: a proposed one is for staff and its own local government only.
    let draft = RelationshipDraft {
        kind: Some(RelationshipKind::SisterCity),
        local_government_code: "26000".into(),
        partner_organisation_id: osaka.id.to_key(),
        status: None,
        signed_on: String::new(),
        note: String::new(),
    };
    let rel = r
        .create_relationship_from(Some(&author()), "r1", &draft)
        .await
        .unwrap();
    assert_eq!(rel.status, RelationshipStatus::Proposed);
    assert!(
        r.batch_get_relationships(None, &[rel.id.to_key()])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        r.batch_get_relationships(Some(&official("11000")), &[rel.id.to_key()])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        r.batch_get_relationships(Some(&official("26000")), &[rel.id.to_key()])
            .await
            .unwrap()
            .len(),
        1
    );
    // One live relationship of a kind per pair.
    let e = assert_code(
        r.create_relationship_from(Some(&author()), "r2", &draft)
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("RELATIONSHIP_EXISTS"));
    assert_eq!(
        e.catalogue_message()
            .map(|m| m.render(glocal_kit::i18n::Lang::Ko)),
        Some("26000은(는) 이 상대와 이미 유효한 SISTER_CITY 관계가 있습니다".to_owned())
    );
    let mut not_city = draft.clone();
    not_city.partner_organisation_id = r
        .create_organisation_from(
            Some(&author()),
            "o4",
            &OrganisationDraft {
                kind: Some(OrganisationKind::Academia),
                ..foreign_city("大学", true)
            },
        )
        .await
        .unwrap()
        .id
        .to_key();
    let e = assert_code(
        r.create_relationship_from(Some(&author()), "r3", &not_city)
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("partnerOrganisationId"));

    let active = r
        .set_relationship_status_from(
            Some(&author()),
            &rel.id.to_key(),
            1,
            Some(RelationshipStatus::Active),
            "2026-05-01",
            "",
        )
        .await
        .unwrap();
    assert_eq!(
        (active.status, active.signed_on.as_deref()),
        (RelationshipStatus::Active, Some("2026-05-01"))
    );
    // A stale revision and an illegal move are both CONFLICT; the move says which.
    assert_code(
        r.set_relationship_status_from(
            Some(&author()),
            &rel.id.to_key(),
            1,
            Some(RelationshipStatus::Ended),
            "",
            "",
        )
        .await,
        ErrorCode::Conflict,
    );
    let e = assert_code(
        r.set_relationship_status_from(
            Some(&author()),
            &rel.id.to_key(),
            2,
            Some(RelationshipStatus::Proposed),
            "",
            "",
        )
        .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("ILLEGAL_STATUS_MOVE"));
    let public = r
        .list_relationships(
            None,
            &RelationshipFilter::parse("26000", "", Vec::new(), Vec::new()).unwrap(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(public.total_count, 1);

    // The interaction log: staff and the local government concerned.
    let visit = InteractionDraft {
        relationship_id: rel.id.to_key(),
        kind: Some(InteractionKind::Visit),
        occurred_on: "2026-06-01".into(),
        summary: "Mayor's visit".into(),
    };
    let i = r
        .record_interaction_from(Some(&official("26000")), "i1", &visit)
        .await
        .unwrap();
    assert_eq!(i.recorded_by_subject, "official-26000");
    assert_code(
        r.record_interaction_from(Some(&official("11000")), "i1", &visit)
            .await,
        ErrorCode::Forbidden,
    );
    assert_code(
        r.record_interaction_from(None, "i1", &visit).await,
        ErrorCode::Unauthenticated,
    );
    assert_code(
        r.list_interactions(Some(&partner()), &rel.id.to_key(), &PageRequest::default())
            .await,
        ErrorCode::Forbidden,
    );
    let log = r
        .list_interactions(Some(&author()), &rel.id.to_key(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.items.len(), 1);
    let e = assert_code(
        r.record_interaction_from(
            Some(&author()),
            "i2",
            &InteractionDraft {
                occurred_on: "June".into(),
                ..visit.clone()
            },
        )
        .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("occurredOn"));
    assert_eq!(
        r.batch_get_relationships(None, &[rel.id.to_key()])
            .await
            .unwrap()[0]
            .interaction_count,
        1
    );

    // Once ended, a new relationship of the same kind may start.
    let ended = r
        .set_relationship_status_from(
            Some(&author()),
            &rel.id.to_key(),
            2,
            Some(RelationshipStatus::Ended),
            "2030-01-01",
            "",
        )
        .await
        .unwrap();
    assert_eq!(ended.ended_on.as_deref(), Some("2030-01-01"));
    r.create_relationship_from(Some(&author()), "r4", &draft)
        .await
        .unwrap();
    assert_code(
        r.record_interaction_from(Some(&author()), "i3", &visit)
            .await,
        ErrorCode::Conflict,
    );
}

/// A relationship between `lg` and `partner`, recorded by staff.
async fn relationship(
    r: &Research,
    key: &str,
    lg: &str,
    partner: &str,
    status: RelationshipStatus,
) -> String {
    r.create_relationship_from(
        Some(&author()),
        key,
        &RelationshipDraft {
            kind: Some(RelationshipKind::FriendshipCity),
            local_government_code: lg.into(),
            partner_organisation_id: partner.into(),
            status: Some(status),
            signed_on: String::new(),
            note: String::new(),
        },
    )
    .await
    .unwrap()
    .id
    .to_key()
}

async fn batched_logs_answer_like_single_lists(env: Env) {
    let r = &env.research;
    let osaka = r
        .create_organisation_from(Some(&author()), "o1", &foreign_city("大阪市", true))
        .await
        .unwrap()
        .id
        .to_key();
    let busan = relationship(r, "r1", "26000", &osaka, RelationshipStatus::Active).await;
    let seoul = relationship(r, "r2", "11000", &osaka, RelationshipStatus::Active).await;
    let quiet = relationship(r, "r3", "26350", &osaka, RelationshipStatus::Active).await;
    // Under negotiation: invisible to everyone but staff and Daegu.
    let proposed = relationship(r, "r4", "27000", &osaka, RelationshipStatus::Proposed).await;
    // Five entries for Busan (two on one day: the later recorded comes first), two for
    // Seoul, none for the quiet one.
    let log = [
        (&busan, "2026-01-05"),
        (&busan, "2026-03-01"),
        (&seoul, "2025-06-30"),
        (&busan, "2026-03-01"),
        (&busan, "2025-12-31"),
        (&seoul, "2026-02-14"),
        (&busan, "2026-02-10"),
    ];
    for (i, (rel, on)) in log.iter().enumerate() {
        let draft = InteractionDraft {
            relationship_id: (*rel).clone(),
            kind: Some(InteractionKind::Meeting),
            occurred_on: (*on).into(),
            summary: format!("entry {i}"),
        };
        r.record_interaction_from(Some(&author()), &format!("i{i}"), &draft)
            .await
            .unwrap();
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    let ids = vec![
        busan.clone(),
        seoul.clone(),
        quiet.clone(),
        proposed.clone(),
        unknown,
        "nope".to_owned(),
        // Asked twice (and in upper case), answered twice under the id as asked.
        busan.to_uppercase(),
    ];

    for caller in [
        Some(author()),
        Some(official("26000")),
        Some(official("27000")),
        Some(partner()),
        None,
    ] {
        for first in [0, 1, 2, 5, 6, 80] {
            let batch = r
                .batch_list_interactions(caller.as_ref(), &ids, first)
                .await
                .unwrap();
            assert_eq!(
                batch
                    .iter()
                    .map(|l| l.relationship_id.as_str())
                    .collect::<Vec<_>>(),
                ids.iter().map(String::as_str).collect::<Vec<_>>()
            );
            for (id, entry) in ids.iter().zip(batch) {
                let page = PageRequest { first, after: None };
                let single = r.list_interactions(caller.as_ref(), id, &page).await;
                let what = format!("{caller:?}, first {first}, {id}");
                match (entry.page, single) {
                    (Ok(batched), Ok(single)) => assert_eq!(batched, single, "{what}"),
                    (Err(batched), Err(single)) => assert_eq!(
                        (code(&batched), batched.to_string(), batched.field()),
                        (code(&single), single.to_string(), single.field()),
                        "{what}"
                    ),
                    (batched, single) => panic!("{what}: batch {batched:?}, single {single:?}"),
                }
            }
        }
    }

    // What the callers get, spelled out (staff, then Busan's official).
    let staff = r
        .batch_list_interactions(Some(&author()), &ids, 2)
        .await
        .unwrap();
    let summaries = |i: usize| -> Vec<String> {
        let page = staff[i].page.as_ref().unwrap();
        page.items.iter().map(|x| x.summary.clone()).collect()
    };
    assert_eq!(summaries(0), ["entry 3", "entry 1"]);
    assert_eq!(summaries(1), ["entry 5", "entry 2"]);
    assert!(summaries(2).is_empty());
    assert!(summaries(3).is_empty());
    let busan_page = staff[0].page.as_ref().unwrap();
    assert_eq!(
        (busan_page.total_count, busan_page.has_next_page),
        (5, true)
    );
    assert_eq!(staff[6].page.as_ref().unwrap(), busan_page);
    assert_eq!(
        code(staff[4].page.as_ref().unwrap_err()),
        ErrorCode::NotFound
    );
    let e = staff[5].page.as_ref().unwrap_err();
    assert_eq!(
        (code(e), e.field()),
        (ErrorCode::BadUserInput, Some("relationshipId"))
    );
    // The batch's cursors continue on the single list.
    let rest = r
        .list_interactions(
            Some(&author()),
            &busan,
            &PageRequest {
                first: 10,
                after: busan_page.end_cursor().map(str::to_owned),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.items
            .iter()
            .map(|x| x.summary.as_str())
            .collect::<Vec<_>>(),
        ["entry 6", "entry 0", "entry 4"]
    );
    let mine = r
        .batch_list_interactions(Some(&official("26000")), &ids, 0)
        .await
        .unwrap();
    let codes: Vec<Option<ErrorCode>> = mine
        .iter()
        .map(|l| l.page.as_ref().err().map(code))
        .collect();
    assert_eq!(
        codes,
        [
            None,
            Some(ErrorCode::Forbidden),
            Some(ErrorCode::Forbidden),
            Some(ErrorCode::NotFound),
            Some(ErrorCode::NotFound),
            Some(ErrorCode::BadUserInput),
            None,
        ]
    );

    // Nothing asked, nothing answered; the cap is BAD_USER_INPUT for the whole call.
    assert!(
        r.batch_list_interactions(Some(&author()), &[], 5)
            .await
            .unwrap()
            .is_empty()
    );
    let many = vec![busan.clone(); MAX_BATCH_IDS];
    assert_eq!(
        r.batch_list_interactions(Some(&author()), &many, 5)
            .await
            .unwrap()
            .len(),
        MAX_BATCH_IDS
    );
    let too_many = vec![busan; MAX_BATCH_IDS + 1];
    let e = assert_code(
        r.batch_list_interactions(Some(&author()), &too_many, 5)
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("relationshipIds"));
}

async fn opportunities_are_screened(env: Env) {
    let r = &env.research;
    let draft = OpportunityDraft {
        title: LocalizedDraft::of("", "Youth climate camp", "", ""),
        original_language: "en".into(),
        area_codes: vec!["environment".into()],
        countries: vec!["jp".into()],
        deadline: "2027-03-31".into(),
        ..OpportunityDraft::default()
    };
    assert_code(
        r.propose_opportunity_from(None, "p1", &draft).await,
        ErrorCode::Unauthenticated,
    );
    let e = assert_code(
        r.propose_opportunity_from(
            Some(&partner()),
            "p1",
            &OpportunityDraft {
                area_codes: vec!["space".into()],
                ..draft.clone()
            },
        )
        .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("areaCodes[0]"));
    let o = r
        .propose_opportunity_from(Some(&partner()), "p1", &draft)
        .await
        .unwrap();
    assert_eq!(
        (o.status, o.countries.clone()),
        (OpportunityStatus::Proposed, vec!["JP".to_owned()])
    );
    let all = OpportunityFilter::default();
    assert_eq!(
        r.list_opportunities(None, &all, &PageRequest::default())
            .await
            .unwrap()
            .total_count,
        0
    );
    assert_eq!(
        r.list_opportunities(Some(&partner()), &all, &PageRequest::default())
            .await
            .unwrap()
            .total_count,
        1
    );
    assert_every_page_counts(1, async |page| {
        r.list_opportunities(Some(&partner()), &all, &page)
            .await
            .unwrap()
    })
    .await;
    assert_code(
        r.set_opportunity_status_from(
            Some(&partner()),
            &o.id.to_key(),
            1,
            Some(OpportunityStatus::Open),
        )
        .await,
        ErrorCode::Forbidden,
    );
    r.set_opportunity_status_from(
        Some(&author()),
        &o.id.to_key(),
        1,
        Some(OpportunityStatus::Open),
    )
    .await
    .unwrap();
    assert_code(
        r.set_opportunity_status_from(
            Some(&author()),
            &o.id.to_key(),
            1,
            Some(OpportunityStatus::Closed),
        )
        .await,
        ErrorCode::Conflict,
    );
    let public = r
        .list_opportunities(
            None,
            &OpportunityFilter {
                area_code: "environment".into(),
                ..all.clone()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(public.total_count, 1);
    assert_eq!(
        r.list_opportunities(
            None,
            &OpportunityFilter {
                area_code: "welfare".into(),
                ..all
            },
            &PageRequest::default()
        )
        .await
        .unwrap()
        .total_count,
        0
    );
    // The environment area is now in use.
    assert_code(
        r.delete_area_from(Some(&admin()), "environment").await,
        ErrorCode::Conflict,
    );
}

async fn demo_seeds_once(env: Env) {
    assert!(glocal_research::demo::seed_demo(&env.db).await.unwrap());
    assert!(!glocal_research::demo::seed_demo(&env.db).await.unwrap());
    let all = env.search_with(None, "", PracticeFilter::default()).await;
    assert!(all.page.total_count >= 24, "{}", all.page.total_count);
    assert!(all.facets.areas.len() >= 12);
    assert_eq!(all.facets.languages.len(), 4);
    assert!(!env.search(None, "交通").await.is_empty());
    // The README's example, on both engines (SQLite is what `glocal dev` runs on).
    assert!(!env.search(None, "교통").await.is_empty());
    assert!(!env.search(None, "bicycles").await.is_empty());
    let rels = env
        .research
        .list_relationships(
            None,
            &RelationshipFilter::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(rels.total_count, 4);
    assert_every_page_counts(4, async |page| {
        env.research
            .list_relationships(None, &RelationshipFilter::default(), &page)
            .await
            .unwrap()
    })
    .await;
}

fn partner_of(org: &str) -> Caller {
    Caller::new(format!("router-{org}"), "Partner", org, [Role::Partner])
}

fn profile(name: &str, contact: &str) -> ProfileDraft {
    ProfileDraft {
        name: LocalizedDraft::of("", name, "", ""),
        original_language: "en".into(),
        city: "Osaka".into(),
        languages: vec!["ja".into(), "en".into()],
        website: "https://new.example.jp".into(),
        contacts: vec![ContactDraft {
            name: contact.into(),
            email: format!("{}@example.jp", contact.to_lowercase()),
            expertise_area_codes: vec!["cultural_tourism".into()],
            ..ContactDraft::default()
        }],
        ..ProfileDraft::default()
    }
}

async fn partner_profile_changes(env: Env) {
    let r = &env.research;
    let osaka = r
        .create_organisation_from(Some(&author()), "o1", &foreign_city("大阪市", true))
        .await
        .unwrap();
    let kyoto = r
        .create_organisation_from(Some(&author()), "o2", &foreign_city("京都市", true))
        .await
        .unwrap();
    let (osaka_key, kyoto_key) = (osaka.id.to_key(), kyoto.id.to_key());
    let osaka_partner = partner_of(&osaka_key);
    let before = env.count("outbox").await;

    // Another partner's organisation, staff, a token without the organisation, bad input:
    // refused, nothing written.
    let e = assert_code(
        r.propose_profile_change_from(Some(&osaka_partner), &kyoto_key, &profile("Kyoto", "Ito"))
            .await,
        ErrorCode::Forbidden,
    );
    assert_eq!(e.reason(), Some("NOT_OWN_ORGANISATION"));
    for caller in [partner(), author()] {
        assert_code(
            r.propose_profile_change_from(Some(&caller), &osaka_key, &profile("Osaka", "Ito"))
                .await,
            ErrorCode::Forbidden,
        );
    }
    let mut bad = profile("Osaka", "Ito");
    bad.contacts[0].expertise_area_codes = vec!["no_such_area".into()];
    let e = assert_code(
        r.propose_profile_change_from(Some(&osaka_partner), &osaka_key, &bad)
            .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(e.field(), Some("contacts[0].expertiseAreaCodes[0]"));
    assert_eq!(env.count("profile_change").await, 0);
    assert_eq!(env.count("outbox").await, before);

    // A pending change: the organisation stays as approved, for everyone.
    let change = r
        .propose_profile_change_from(
            Some(&osaka_partner),
            &osaka_key,
            &profile("Osaka City", "Ito"),
        )
        .await
        .unwrap();
    assert_eq!(change.status, ProfileChangeStatus::Pending);
    assert_eq!(change.base_revision, osaka.revision);
    for caller in [None, Some(&osaka_partner), Some(&author())] {
        let seen = r
            .batch_get_organisations(caller, std::slice::from_ref(&osaka_key))
            .await
            .unwrap();
        assert_eq!(seen[0].name.get(Lang::Ja), "大阪市");
        assert_eq!(seen[0].contacts[0].name, "Sato");
    }
    let e = assert_code(
        r.propose_profile_change_from(Some(&osaka_partner), &osaka_key, &profile("Again", "Ito"))
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("PROFILE_CHANGE_PENDING"));

    // Who sees it: staff and the organisation's own partner.
    let kyoto_partner = partner_of(&kyoto_key);
    for (caller, n) in [(&author(), 1), (&osaka_partner, 1), (&kyoto_partner, 0)] {
        let listed = r
            .list_profile_changes(Some(caller), &osaka_key, None, 0)
            .await
            .unwrap();
        assert_eq!(listed.len(), n, "{}", caller.subject);
    }
    assert!(
        r.list_profile_changes(Some(&kyoto_partner), "", None, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_code(
        r.list_profile_changes(Some(&official("11000")), "", None, 0)
            .await,
        ErrorCode::Forbidden,
    );

    // Only staff review; approval applies the profile and replaces the contacts.
    let id = change.id.to_key();
    assert_code(
        r.review_profile_change_from(Some(&osaka_partner), &id, true, "")
            .await,
        ErrorCode::Forbidden,
    );
    let approved = r
        .review_profile_change_from(Some(&reviewer()), &id, true, "")
        .await
        .unwrap();
    assert_eq!(approved.status, ProfileChangeStatus::Approved);
    assert_eq!(approved.reviewed_by_name.as_deref(), Some("Park"));
    // The answer is what was written: the same as a read afterwards.
    let stored = r
        .list_profile_changes(Some(&reviewer()), &osaka_key, None, 100)
        .await
        .unwrap();
    assert_eq!(stored.iter().find(|c| c.id == approved.id), Some(&approved));
    let now = r
        .batch_get_organisations(None, std::slice::from_ref(&osaka_key))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (
            now.name.get(Lang::En),
            now.city.as_str(),
            now.website.as_str()
        ),
        ("Osaka City", "Osaka", "https://new.example.jp")
    );
    assert_eq!(now.original_language, Lang::En);
    assert_eq!(now.country, "JP", "the country is the bureau's");
    assert!(now.public);
    assert_eq!(
        now.contacts
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Ito"]
    );
    assert_eq!(now.revision.get(), osaka.revision.get() + 1);
    let e = assert_code(
        r.review_profile_change_from(Some(&reviewer()), &id, false, "late")
            .await,
        ErrorCode::Conflict,
    );
    assert_eq!(e.reason(), Some("PROFILE_CHANGE_DECIDED"));

    // A rejection needs a reason and changes nothing else.
    let second = r
        .propose_profile_change_from(
            Some(&osaka_partner),
            &osaka_key,
            &profile("Renamed", "Kato"),
        )
        .await
        .unwrap();
    assert_code(
        r.review_profile_change_from(Some(&reviewer()), &second.id.to_key(), false, "")
            .await,
        ErrorCode::BadUserInput,
    );
    let rejected = r
        .review_profile_change_from(
            Some(&reviewer()),
            &second.id.to_key(),
            false,
            "not our name",
        )
        .await
        .unwrap();
    assert_eq!(
        (rejected.status, rejected.reason.as_str()),
        (ProfileChangeStatus::Rejected, "not our name")
    );
    let still = r
        .batch_get_organisations(None, std::slice::from_ref(&osaka_key))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(still.name.get(Lang::En), "Osaka City");
    let pending = r
        .list_profile_changes(Some(&author()), "", Some(ProfileChangeStatus::Pending), 0)
        .await
        .unwrap();
    assert!(pending.is_empty());
    // Kyoto was never touched; every step left an audit row and a change event.
    let kyoto_now = r
        .batch_get_organisations(None, &[kyoto_key])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(kyoto_now, kyoto_view_without_details(kyoto));
    assert_eq!(env.count("outbox").await, before + 4);
    assert_eq!(env.count("profile_change").await, 2);
}

/// `o` as the public sees it (no contact details).
fn kyoto_view_without_details(
    mut o: glocal_research::domain::Organisation,
) -> glocal_research::domain::Organisation {
    for c in &mut o.contacts {
        c.email = None;
        c.phone = None;
    }
    o
}

async fn concurrent_reviews_let_exactly_one_win(env: Env) {
    let r = &env.research;
    let osaka = r
        .create_organisation_from(Some(&author()), "o1", &foreign_city("大阪市", true))
        .await
        .unwrap();
    let key = osaka.id.to_key();
    let change = r
        .propose_profile_change_from(Some(&partner_of(&key)), &key, &profile("Osaka City", "Ito"))
        .await
        .unwrap();
    let id = change.id.to_key();
    let (lee, park) = (author(), reviewer());
    let (a, b) = tokio::join!(
        r.review_profile_change_from(Some(&lee), &id, true, ""),
        r.review_profile_change_from(Some(&park), &id, false, "no"),
    );
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "{a:?} {b:?}"
    );
    let loser = a.err().or(b.err()).unwrap();
    assert!(
        matches!(code(&loser), ErrorCode::Conflict | ErrorCode::Unavailable),
        "{loser}"
    );
}

// ---- files (ADR 0026) ----------------------------------------------------------------

/// A store of files for one test: a fresh folder, or a bucket of a fresh S3 server.
struct Files {
    store: glocal_kit::files::FileStore,
    folder: Option<std::path::PathBuf>,
    _s3: Option<glocal_kit::testing::S3Server>,
}

impl Files {
    fn folder() -> Files {
        let dir =
            std::env::temp_dir().join(format!("glocal-research-files-{}", uuid::Uuid::new_v4()));
        Files {
            store: glocal_kit::files::FileStore::folder(&dir).unwrap(),
            folder: Some(dir),
            _s3: None,
        }
    }

    async fn s3() -> Files {
        let s3 = glocal_kit::testing::S3Server::start().await;
        let store = glocal_kit::files::FileStore::open(
            &s3.settings(),
            glocal_kit::config::Environment::Production,
            std::path::Path::new("/nonexistent"),
            "research",
        )
        .unwrap();
        Files {
            store,
            folder: None,
            _s3: Some(s3),
        }
    }

    async fn objects(&self) -> Vec<String> {
        self.store
            .keys_older_than(chrono::Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        if let Some(dir) = &self.folder {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Uploads `bytes` in 64 KiB chunks.
async fn put_report(
    research: &Research,
    who: Option<&Caller>,
    owner: &str,
    name: &str,
    bytes: &[u8],
) -> Result<glocal_kit::attachments::StoredFile, ResearchError> {
    use futures::StreamExt;
    use glocal_kit::attachments::{FileName, FileOwner};
    let chunks: Vec<Result<bytes::Bytes, ResearchError>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    research
        .upload(
            who,
            owner,
            FileName::parse(name).unwrap(),
            futures::stream::iter(chunks).boxed(),
        )
        .await
}

async fn reports_in_a_folder(env: Env) {
    practice_reports_follow_the_practice(env, Files::folder()).await;
}

async fn reports_in_s3(env: Env) {
    practice_reports_follow_the_practice(env, Files::s3().await).await;
}

async fn practice_reports_follow_the_practice(env: Env, files: Files) {
    use futures::TryStreamExt;
    use glocal_kit::attachments::{FileName, FileOwner, Limits, Shelf};
    let research = env.research.clone().with_files(Shelf::new(
        files.store.clone(),
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_owner_bytes: 16 * 1024 * 1024,
            max_owner_files: 5,
        },
        glocal_research::service::FILE_TABLE,
    ));
    let published = env.publish("k1", &lanes()).await;
    let draft = research
        .draft_practice_from(Some(&author()), "k2", &lanes())
        .await
        .unwrap();
    let (p, d) = (published.id.to_key(), draft.id.to_key());
    let name = FileName::parse("report.pdf").unwrap();

    // Staff attach, to drafts and published practices alike; nobody else.
    research
        .check_upload(Some(&author()), &p, &name)
        .await
        .unwrap();
    for who in [Some(official("26000")), Some(partner()), None] {
        let refused = research.check_upload(who.as_ref(), &p, &name).await;
        assert!(
            matches!(
                code(&refused.unwrap_err()),
                ErrorCode::Forbidden | ErrorCode::Unauthenticated
            ),
            "{who:?}"
        );
    }
    assert_code(
        research
            .check_upload(Some(&author()), &PracticeId::new().to_key(), &name)
            .await,
        ErrorCode::NotFound,
    );
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(7 * 1024 * 1024, b'r');
    let report = put_report(&research, Some(&author()), &p, "report.pdf", &content)
        .await
        .unwrap();
    assert_eq!(report.media_type, "application/pdf");
    put_report(
        &research,
        Some(&author()),
        &d,
        "notes.txt",
        "초안 메모".as_bytes(),
    )
    .await
    .unwrap();
    assert_code(
        put_report(
            &research,
            Some(&official("26000")),
            &p,
            "x.pdf",
            b"%PDF-1.4",
        )
        .await,
        ErrorCode::Forbidden,
    );

    // Whoever reads the practice reads its reports: the public a published one's, staff
    // a draft's too.
    let both = [p.clone(), d.clone()];
    let names = |files: Vec<glocal_kit::attachments::StoredFile>| {
        files.into_iter().map(|f| f.file_name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(research.files_of(Some(&reviewer()), &both).await.unwrap()),
        vec!["report.pdf", "notes.txt"]
    );
    for who in [None, Some(partner()), Some(official("26000"))] {
        assert_eq!(
            names(research.files_of(who.as_ref(), &both).await.unwrap()),
            vec!["report.pdf"]
        );
    }
    let (head, body) = research.download(None, report.id).await.unwrap();
    assert_eq!(head, report);
    let got: Vec<bytes::Bytes> = body.try_collect().await.unwrap();
    assert_eq!(got.concat(), content);
    let notes = research
        .files_of(Some(&author()), std::slice::from_ref(&d))
        .await
        .unwrap();
    assert_code(
        research
            .download(Some(&partner()), notes[0].id)
            .await
            .map(|(f, _)| f),
        ErrorCode::NotFound,
    );

    // A refused type leaves nothing behind.
    let before = (
        env.count("practice_file").await,
        files.objects().await.len(),
    );
    assert_code(
        put_report(
            &research,
            Some(&author()),
            &p,
            "tool.pdf",
            b"\x7fELF\x02\x01",
        )
        .await,
        ErrorCode::BadUserInput,
    );
    assert_eq!(
        (
            env.count("practice_file").await,
            files.objects().await.len()
        ),
        before
    );

    // A withdrawn practice: no more reports, and its tombstone shows none (staff still do).
    let current = research
        .get_practice(Some(&author()), published.id, None)
        .await
        .unwrap();
    research
        .withdraw_practice_from(Some(&reviewer()), &p, current.revision.get(), "Outdated")
        .await
        .unwrap();
    assert_code(
        research.check_upload(Some(&author()), &p, &name).await,
        ErrorCode::Conflict,
    );
    assert!(research.files_of(None, &both).await.unwrap().is_empty());
    assert_code(
        research.download(None, report.id).await.map(|(f, _)| f),
        ErrorCode::NotFound,
    );
    assert_eq!(
        names(
            research
                .files_of(Some(&author()), std::slice::from_ref(&p))
                .await
                .unwrap()
        ),
        vec!["report.pdf"]
    );
}

async fn an_erased_author_is_pseudonymised_everywhere(env: Env) {
    let r = &env.research;
    let d = r
        .draft_practice_from(Some(&author()), "erase-1", &lanes())
        .await
        .unwrap();
    let outbox = env.count("outbox").await;
    assert!(r.erase_person("staff-lee").await.unwrap() >= 2);
    let after = r.get_practice(Some(&admin()), d.id, None).await.unwrap();
    assert!(glocal_kit::privacy::is_pseudonym(&after.author_name));
    assert_eq!(after.author_subject, after.author_name);
    assert_eq!(
        (after.state, after.version),
        (d.state, d.version),
        "the practice itself stays"
    );
    assert_eq!(
        env.count("outbox").await,
        outbox + 1,
        "one change for the caches"
    );
    for (table, column) in [
        ("practice", "author_subject"),
        ("practice_version", "editor_subject"),
        ("practice_history", "actor_subject"),
        ("audit", "actor_subject"),
    ] {
        let backend = env.db.get_database_backend();
        let n = env
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = 'staff-lee'"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(n, 0, "{table}.{column}");
    }
    // Handling the event again changes nothing.
    assert_eq!(r.erase_person("staff-lee").await.unwrap(), 0);
}

async fn one_origin_drafts_one_practice_whoever_asks(env: Env) {
    // ADR 0052: a training trip report published as a practice names its origin; drafting
    // again from it — another caller, another key, other content, concurrently — answers
    // the practice drafted first.
    let r = env.research.clone();
    let origin = PracticeOrigin::parse("training-trip-report:8f1d").unwrap();
    let draft = |caller: Caller, key: &'static str, year: i32| {
        let r = r.clone();
        let origin = origin.clone();
        async move {
            let mut d = lanes();
            d.year = year;
            r.draft_practice_from_origin(
                Some(&caller),
                IdempotencyKey::parse(key).unwrap(),
                PracticeContent::parse(&d).unwrap(),
                &origin,
            )
            .await
        }
    };
    let mut calls = Vec::new();
    for (i, caller) in [author(), reviewer(), admin(), author()]
        .into_iter()
        .enumerate()
    {
        let key = ["k1", "k2", "k3", "k1"][i];
        calls.push(tokio::spawn(draft(caller, key, 2020 + i as i32)));
    }
    let mut ids = Vec::new();
    for c in calls {
        let p = c.await.unwrap().unwrap();
        assert_eq!(p.origin.as_deref(), Some("training-trip-report:8f1d"));
        assert_eq!(p.state, PracticeState::Draft);
        ids.push(p.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one practice: {ids:?}");
    assert_eq!(env.count("practice").await, 1);
    let again = draft(reviewer(), "k9", 2030).await.unwrap();
    assert_eq!(again.id, ids[0]);
    assert_eq!(env.count("practice").await, 1);
    // Officials may not draft, origin or not; a draft without origin has none.
    let err = draft(official("11000"), "k", 2020).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::Forbidden);
    let plain = r
        .draft_practice_from(Some(&author()), "plain", &lanes())
        .await
        .unwrap();
    assert_eq!(plain.origin, None);
    assert!(PracticeOrigin::parse("two words").is_err());
}

glocal_kit::on_both_backends!(
    an_erased_author_is_pseudonymised_everywhere,
    partner_profile_changes,
    concurrent_reviews_let_exactly_one_win,
    reports_in_a_folder,
    reports_in_s3,
    workflow_versions_and_history,
    stale_revisions_and_illegal_actions_change_nothing,
    concurrent_transitions_let_exactly_one_win,
    tombstone_after_withdrawal,
    vocabulary_in_four_languages,
    concurrent_deletion_never_orphans_a_practice,
    search_in_four_languages,
    facets_match_the_results_and_pages_cover_them,
    idempotent_drafts,
    bad_input_writes_nothing,
    partner_network_scoping,
    batched_logs_answer_like_single_lists,
    opportunities_are_screened,
    demo_seeds_once,
    one_origin_drafts_one_practice_whoever_asks,
);
