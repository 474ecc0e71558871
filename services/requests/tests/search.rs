//! Issue 17's full-text search over requests on real databases (PostgreSQL and SQLite):
//! Korean compounds and English stems, scoping (officials, staff, staff notes), the list's
//! filters, highlights, relevance and paging, and the index kept in step with every write.

use glocal_kit::{Caller, Role};
use glocal_requests::domain::search::{SearchField, SearchHit, SearchText};
use glocal_requests::domain::{
    DetailsDraft, InquiryDraft, InterpretationDraft, MessageBody, MessageKind, RequestType,
    SubmitDraft, TranslationModeKind,
};
use glocal_requests::service::{
    PageRequest, RequestFilter, SearchHitOrder, SearchPage, ServiceRequest,
};
use glocal_requests::{Config, OnlineBureau};
use sea_orm::DatabaseConnection;

struct Env {
    bureau: OnlineBureau,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        Env {
            bureau: OnlineBureau::new(db, Config::default()),
        }
    }

    async fn submit(&self, who: &Caller, draft: SubmitDraft) -> ServiceRequest {
        self.bureau
            .submit(Some(who), draft.parse().unwrap())
            .await
            .unwrap()
    }

    async fn search_page(
        &self,
        who: &Caller,
        query: &str,
        filter: RequestFilter,
        order: SearchHitOrder,
        first: u32,
        after: Option<String>,
    ) -> SearchPage {
        self.bureau
            .search(
                Some(who),
                &SearchText::parse(query, "query").unwrap(),
                filter,
                order,
                PageRequest { first, after },
                false,
            )
            .await
            .unwrap()
    }

    /// The titles of every hit of `query` for `who`, best first.
    async fn titles(&self, who: &Caller, query: &str) -> Vec<String> {
        self.search(who, query)
            .await
            .items
            .into_iter()
            .map(|h| h.request.title)
            .collect()
    }

    async fn search(&self, who: &Caller, query: &str) -> SearchPage {
        self.search_page(
            who,
            query,
            RequestFilter::default(),
            SearchHitOrder::Relevance,
            50,
            None,
        )
        .await
    }
}

fn seoul() -> Caller {
    Caller::new("official-seoul", "김민지", "11000", [Role::LocalOfficial])
}

fn busan() -> Caller {
    Caller::new("official-busan", "최유나", "26000", [Role::LocalOfficial])
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn translation(key: &str, title: &str, description: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InterpretationTranslation),
        title: title.into(),
        description: description.into(),
        details: Some(DetailsDraft::InterpretationTranslation(
            InterpretationDraft {
                mode: Some(TranslationModeKind::Translation),
                source_language: "ko".into(),
                target_language: "en".into(),
                document_pages: 10,
                ..InterpretationDraft::default()
            },
        )),
        local_government_code: String::new(),
    }
}

fn inquiry(key: &str, title: &str, description: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::GeneralInquiry),
        title: title.into(),
        description: description.into(),
        details: Some(DetailsDraft::GeneralInquiry(InquiryDraft {
            topic: "Anything".into(),
        })),
        local_government_code: String::new(),
    }
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

/// The snippet of a highlight with its matches in brackets.
fn marked(hit: &SearchHit, field: SearchField) -> Vec<String> {
    hit.highlights
        .iter()
        .filter(|h| h.field == field)
        .map(|h| {
            h.fragments
                .iter()
                .map(|f| {
                    if f.matched {
                        format!("[{}]", f.text)
                    } else {
                        f.text.clone()
                    }
                })
                .collect()
        })
        .collect()
}

async fn korean_compounds_and_english_stems_match(env: Env) {
    env.submit(
        &seoul(),
        translation(
            "k1",
            "어린이 교통안전 교육 자료 번역",
            "초등학교 교통안전 교육 자료를 영어로 번역해 주세요.",
        ),
    )
    .await;
    env.submit(
        &seoul(),
        inquiry(
            "k2",
            "Bike sharing schemes in Europe",
            "Which capitals run public bike sharing, and how is it financed?",
        ),
    )
    .await;
    env.submit(
        &seoul(),
        inquiry("k3", "관광 안내 책자", "Night tourism brochure."),
    )
    .await;

    // A two-character Korean word inside a compound, in title and description.
    let page = env.search(&seoul(), "교통").await;
    assert_eq!(page.total_count, 1);
    let hit = &page.items[0];
    assert_eq!(hit.request.title, "어린이 교통안전 교육 자료 번역");
    assert_eq!(
        marked(hit, SearchField::Title),
        ["어린이 [교통]안전 교육 자료 번역"]
    );
    assert_eq!(
        marked(hit, SearchField::Description),
        ["초등학교 [교통]안전 교육 자료를 영어로 번역해 주세요."]
    );
    assert_eq!(hit.score, 5, "title (3) and description (2)");
    // A longer Korean word goes through the trigram index on SQLite.
    assert_eq!(env.titles(&seoul(), "교통안전").await.len(), 1);
    // Every word must match.
    assert_eq!(env.titles(&seoul(), "교통 관광").await.len(), 0);
    // English by its stem: "bikes" is nowhere in the text, "bike" is.
    assert_eq!(
        env.titles(&seoul(), "bikes").await,
        ["Bike sharing schemes in Europe"]
    );
    assert_eq!(
        env.titles(&seoul(), "FINANCING").await,
        ["Bike sharing schemes in Europe"]
    );
    let page = env.search(&seoul(), "bikes").await;
    assert_eq!(
        marked(&page.items[0], SearchField::Title),
        ["[Bike] sharing schemes in Europe"]
    );
    // Mixed Korean and English words; LIKE's wildcards are only text.
    assert_eq!(
        env.titles(&seoul(), "관광 brochure").await,
        ["관광 안내 책자"]
    );
    assert!(env.titles(&seoul(), "교%통").await.is_empty());
    assert!(env.titles(&seoul(), "B_ke").await.is_empty());
}

async fn officials_search_their_own_local_government_and_staff_their_scope(env: Env) {
    env.submit(
        &seoul(),
        translation("s1", "교통안전 홍보물 번역", "서울 교통공사 자료."),
    )
    .await;
    env.submit(
        &busan(),
        translation("b1", "부산 교통 정책 번역", "해운대 교통 자료."),
    )
    .await;
    assert_eq!(env.titles(&seoul(), "교통").await, ["교통안전 홍보물 번역"]);
    assert_eq!(env.titles(&busan(), "교통").await, ["부산 교통 정책 번역"]);
    // Busan does not find Seoul's request even by its exact words.
    assert!(env.titles(&busan(), "홍보물").await.is_empty());
    // The interpreters' department handles both; the exchange desk neither; an admin all.
    assert_eq!(
        env.titles(&staff("staff-interp-kim"), "교통").await.len(),
        2
    );
    assert!(
        env.titles(&staff("staff-exchange-choi"), "교통")
            .await
            .is_empty()
    );
    assert_eq!(env.titles(&admin(), "교통").await.len(), 2);
    // The list's filters narrow a search: by local government, by type.
    let page = env
        .search_page(
            &admin(),
            "교통",
            RequestFilter {
                local_government: Some(
                    glocal_requests::domain::LocalGovernmentCode::parse("26000").unwrap(),
                ),
                ..RequestFilter::default()
            },
            SearchHitOrder::Relevance,
            10,
            None,
        )
        .await;
    assert_eq!(page.total_count, 1);
    assert_eq!(page.items[0].request.title, "부산 교통 정책 번역");
    let page = env
        .search_page(
            &admin(),
            "교통",
            RequestFilter {
                types: vec![RequestType::GeneralInquiry],
                ..RequestFilter::default()
            },
            SearchHitOrder::Relevance,
            10,
            None,
        )
        .await;
    assert_eq!(page.total_count, 0);
}

async fn staff_notes_never_match_or_show_for_requesters(env: Env) {
    let r = env
        .submit(
            &seoul(),
            translation("n1", "Brochure translation", "Our city brochure."),
        )
        .await;
    env.bureau
        .add_note(
            Some(&admin()),
            r.id,
            body("내부 메모: 예산 초과 우려, zebra crossing budget"),
        )
        .await
        .unwrap();
    let r = env
        .bureau
        .send_mid_response(
            Some(&admin()),
            r.id,
            r.version,
            body("The brochure draft is on its way; the budget holds."),
            Some(chrono::Utc::now() + chrono::Duration::days(5)),
        )
        .await
        .unwrap();
    // The requester finds nothing by the note's words, the bureau does.
    for word in ["zebra", "예산", "메모"] {
        assert!(env.titles(&seoul(), word).await.is_empty(), "{word}");
        let page = env.search(&admin(), word).await;
        assert_eq!(page.total_count, 1, "{word}");
        let h = &page.items[0].highlights;
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(h[0].field, SearchField::Message);
        assert_eq!(h[0].message_kind, Some(MessageKind::StaffNote));
    }
    // A word in both the note and a response: the requester's highlights show only the
    // response.
    let page = env.search(&seoul(), "budget").await;
    assert_eq!(page.total_count, 1);
    let hit = &page.items[0];
    assert_eq!(hit.highlights.len(), 1, "{:?}", hit.highlights);
    assert_eq!(
        hit.highlights[0].message_kind,
        Some(MessageKind::MidResponse)
    );
    assert!(hit.request.messages.is_empty(), "no activity asked");
    let page = env.search(&admin(), "budget").await;
    assert_eq!(page.items[0].highlights.len(), 2);
    assert_eq!(page.items[0].request.id, r.id);
}

async fn messages_are_searchable_as_soon_as_they_are_written(env: Env) {
    let r = env
        .submit(
            &seoul(),
            inquiry("m1", "Visa letters", "Who issues invitation letters?"),
        )
        .await;
    assert!(env.titles(&seoul(), "싱가포르").await.is_empty());
    env.bureau
        .reply(
            Some(&seoul()),
            r.id,
            body("초청 대상은 싱가포르 전문가 두 명입니다."),
        )
        .await
        .unwrap();
    let page = env.search(&seoul(), "싱가포르").await;
    assert_eq!(page.total_count, 1);
    assert_eq!(
        marked(&page.items[0], SearchField::Message),
        ["초청 대상은 [싱가포르] 전문가 두 명입니다."]
    );
    assert_eq!(page.items[0].score, 1);
}

async fn hits_come_best_first_and_page_by_cursor(env: Env) {
    // Five requests: "harbour" in the title of two, in the description of three.
    for (i, (title, description)) in [
        ("Harbour festival", "Lanterns."),
        ("Lantern parade", "Along the harbour."),
        ("Harbour tour", "Boats."),
        ("Ferry guide", "Harbour ferries."),
        ("City walk", "From the harbour to the hill."),
    ]
    .into_iter()
    .enumerate()
    {
        env.submit(&seoul(), inquiry(&format!("p{i}"), title, description))
            .await;
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = env
            .search_page(
                &seoul(),
                "harbour",
                RequestFilter::default(),
                SearchHitOrder::Relevance,
                2,
                after,
            )
            .await;
        assert_eq!(page.total_count, 5);
        seen.extend(
            page.items
                .iter()
                .map(|h| (h.score, h.request.title.clone())),
        );
        if !page.has_next_page {
            break;
        }
        after = page.cursors.last().cloned();
    }
    assert_eq!(
        seen,
        [
            (3, "Harbour tour".to_owned()),
            (3, "Harbour festival".to_owned()),
            (2, "City walk".to_owned()),
            (2, "Ferry guide".to_owned()),
            (2, "Lantern parade".to_owned()),
        ]
    );
    // Newest first, the same hits.
    let page = env
        .search_page(
            &seoul(),
            "harbour",
            RequestFilter::default(),
            SearchHitOrder::Newest,
            3,
            None,
        )
        .await;
    let titles: Vec<_> = page
        .items
        .iter()
        .map(|h| h.request.title.as_str())
        .collect();
    assert_eq!(titles, ["City walk", "Ferry guide", "Harbour tour"]);
    assert!(page.has_next_page);
    let rest = env
        .search_page(
            &seoul(),
            "harbour",
            RequestFilter::default(),
            SearchHitOrder::Newest,
            3,
            page.cursors.last().cloned(),
        )
        .await;
    assert_eq!(rest.items.len(), 2);
    assert!(!rest.has_next_page);
    // Past the end: an empty page still counts every match.
    let past = env
        .search_page(
            &seoul(),
            "harbour",
            RequestFilter::default(),
            SearchHitOrder::Newest,
            3,
            rest.cursors.last().cloned(),
        )
        .await;
    assert!(past.items.is_empty());
    assert_eq!(past.total_count, 5);
    // A cursor of the other order is bad input.
    let wrong = env
        .bureau
        .search(
            Some(&seoul()),
            &SearchText::parse("harbour", "query").unwrap(),
            RequestFilter::default(),
            SearchHitOrder::Relevance,
            PageRequest {
                first: 2,
                after: page.cursors.last().cloned(),
            },
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(
        glocal_kit::error::ServiceError::code(&wrong),
        glocal_kit::error::ErrorCode::BadUserInput
    );
}

glocal_kit::on_both_backends!(
    korean_compounds_and_english_stems_match,
    officials_search_their_own_local_government_and_staff_their_scope,
    staff_notes_never_match_or_show_for_requesters,
    messages_are_searchable_as_soon_as_they_are_written,
    hits_come_best_first_and_page_by_cursor,
);
