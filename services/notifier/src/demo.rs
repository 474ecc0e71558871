//! Demo contacts for `glocal dev` and `glocal seed`: the demo people of the requests
//! service (officials and bureau staff) with addresses under `example.kr` and their
//! languages, so that the notices of a walkthrough are written (as `.eml` files in dev)
//! in the right language; and two research subscriptions (ADR 0045): the Seoul official
//! follows transportation practices in Korean as they are published, the Busan official
//! gets a weekly digest of welfare and environment practices in any language.

use sea_orm::DatabaseConnection;

use crate::domain::Language;
use crate::domain::subscriptions::SubscriptionDraft;
use crate::error::NotifierError;
use crate::service::{Config, Notifier};
use crate::store;

/// The demo people's contacts: (subject, address, language). Every department lead of the
/// requests service's demo directory is here, so a breach notice reaches them in dev.
pub const DEMO_CONTACTS: [(&str, &str, Language); 10] = [
    ("official-seoul", "minji.kim@seoul.example.kr", Language::Ko),
    (
        "official-busan",
        "sungho.park@busan.example.kr",
        Language::Ko,
    ),
    (
        "staff-interp-kim",
        "seoyeon.kim@gaok.example.kr",
        Language::Ko,
    ),
    (
        "staff-japan-sato",
        "yuki.sato@gaok.example.kr",
        Language::Ja,
    ),
    (
        "staff-exchange-choi",
        "yujin.choi@gaok.example.kr",
        Language::Ko,
    ),
    (
        "official-foreign-1",
        "official@partner.example.org",
        Language::En,
    ),
    (
        "staff-overseas-kang",
        "dohyun.kang@gaok.example.kr",
        Language::Ko,
    ),
    (
        "staff-research-han",
        "jiwoo.han@gaok.example.kr",
        Language::Ko,
    ),
    (
        "staff-general-seo",
        "minjae.seo@gaok.example.kr",
        Language::Ko,
    ),
    ("admin", "admin@gaok.example.kr", Language::Ko),
];

/// The demo research subscriptions: (subscriber, area codes, languages, frequency).
pub const DEMO_SUBSCRIPTIONS: [(&str, &[&str], &[&str], &str); 2] = [
    ("official-seoul", &["transportation"], &["ko"], "IMMEDIATE"),
    ("official-busan", &["welfare", "environment"], &[], "WEEKLY"),
];

/// Loads the demo contacts when no contact is stored yet; returns whether it did.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<bool, NotifierError> {
    if store::contact(db, DEMO_CONTACTS[0].0).await?.is_some() {
        return Ok(false);
    }
    let notifier = Notifier::new(
        db.clone(),
        Config {
            portal_url: String::new(),
            max_page_size: 1,
        },
    );
    for (subject, email, language) in DEMO_CONTACTS {
        notifier.seed_contact(subject, email, language).await?;
    }
    for (subject, areas, languages, frequency) in DEMO_SUBSCRIPTIONS {
        let draft = SubscriptionDraft::parse(
            &areas.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
            &languages
                .iter()
                .map(|l| (*l).to_owned())
                .collect::<Vec<_>>(),
            frequency,
        )?;
        let official =
            glocal_kit::Caller::new(subject, subject, "", [glocal_kit::Role::LocalOfficial]);
        notifier
            .subscribe_to_research(Some(&official), &draft)
            .await?;
    }
    Ok(true)
}
