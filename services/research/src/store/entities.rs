//! One sea-orm entity per table. Ids are stored as text (hyphenated UUIDs) so both engines
//! and the SQLite FTS tables compare them alike; lists are stored as `,a,b,` so a
//! membership test is one portable `LIKE '%,a,%'`.

macro_rules! entity {
    ($(#[$doc:meta])* $module:ident, $table:literal, { $($(#[$fattr:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        pub(crate) mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($(#[$fattr])* pub $field: $ty),*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(
    /// `research_area`: the controlled vocabulary.
    research_area, "research_area", {
        #[sea_orm(primary_key, auto_increment = false)]
        code: String,
        label_ko: String,
        label_en: String,
        label_zh: String,
        label_ja: String,
        position: i32,
        created_at: DateTimeUtc,
    }
);

entity!(
    /// `practice`: the current version of each practice, with its search documents.
    practice, "practice", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        state: String,
        approved: bool,
        was_published: bool,
        version: i32,
        revision: i64,
        content: String,
        original_language: String,
        area_code: String,
        country: String,
        year: i32,
        local_government_code: String,
        source_organisation_id: String,
        tags: String,
        has_ko: bool,
        has_en: bool,
        has_zh: bool,
        has_ja: bool,
        doc_title: String,
        doc_summary: String,
        doc_body: String,
        doc_all: String,
        doc_en: String,
        author_subject: String,
        author_name: String,
        created_at: DateTimeUtc,
        updated_at: DateTimeUtc,
        listed_at: DateTimeUtc,
        published_at: Option<DateTimeUtc>,
        withdrawn_at: Option<DateTimeUtc>,
        withdrawal_reason: Option<String>,
        /// Where the draft came from (e.g. `training-trip-report:<id>`); unique.
        origin: Option<String>,
    }
);

entity!(
    /// `practice_version`: every content version of every practice.
    practice_version, "practice_version", {
        #[sea_orm(primary_key)]
        seq: i64,
        practice_id: String,
        version: i32,
        content: String,
        editor_subject: String,
        note: String,
        created_at: DateTimeUtc,
    }
);

entity!(
    /// `practice_history`: the audit trail of practices.
    practice_history, "practice_history", {
        #[sea_orm(primary_key)]
        seq: i64,
        practice_id: String,
        action: String,
        from_state: Option<String>,
        to_state: String,
        actor_subject: String,
        actor_name: String,
        at: DateTimeUtc,
        note: String,
        version: i32,
    }
);

entity!(
    /// `organisation`: partner organisations.
    organisation, "organisation", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        kind: String,
        name_ko: String,
        name_en: String,
        name_zh: String,
        name_ja: String,
        original_language: String,
        country: String,
        city: String,
        languages: String,
        website: String,
        description_ko: String,
        description_en: String,
        description_zh: String,
        description_ja: String,
        public: bool,
        created_at: DateTimeUtc,
        updated_at: DateTimeUtc,
        revision: i64,
    }
);

entity!(
    /// `contact`: people at partner organisations.
    contact, "contact", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        organisation_id: String,
        name: String,
        position: String,
        languages: String,
        expertise: String,
        email: String,
        phone: String,
        created_at: DateTimeUtc,
    }
);

entity!(
    /// `profile_change`: profile changes partners propose, pending until reviewed.
    profile_change, "profile_change", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        organisation_id: String,
        status: String,
        pending_key: String,
        proposal: String,
        base_revision: i64,
        proposed_by: String,
        proposed_by_name: String,
        proposed_at: DateTimeUtc,
        reviewed_by_name: Option<String>,
        reviewed_at: Option<DateTimeUtc>,
        reason: String,
    }
);

entity!(
    /// `relationship`: Korean ↔ foreign local-government ties.
    relationship, "relationship", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        kind: String,
        status: String,
        local_government_code: String,
        partner_organisation_id: String,
        live_key: String,
        signed_on: Option<String>,
        ended_on: Option<String>,
        note: String,
        created_at: DateTimeUtc,
        updated_at: DateTimeUtc,
        revision: i64,
    }
);

entity!(
    /// `interaction`: the log of a relationship.
    interaction, "interaction", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        relationship_id: String,
        kind: String,
        occurred_on: String,
        summary: String,
        recorded_by_subject: String,
        recorded_by_name: String,
        created_at: DateTimeUtc,
    }
);

entity!(
    /// `opportunity`: projects proposed through the network.
    opportunity, "opportunity", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        title_ko: String,
        title_en: String,
        title_zh: String,
        title_ja: String,
        description_ko: String,
        description_en: String,
        description_zh: String,
        description_ja: String,
        original_language: String,
        area_codes: String,
        countries: String,
        organisation_id: String,
        status: String,
        deadline: String,
        proposer_subject: String,
        created_at: DateTimeUtc,
        updated_at: DateTimeUtc,
        revision: i64,
    }
);

entity!(
    /// `exchange_project`: projects grown from an opportunity, with their participants
    /// stored as `,a,b,` lists.
    exchange_project, "exchange_project", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        opportunity_id: String,
        title_ko: String,
        title_en: String,
        title_zh: String,
        title_ja: String,
        description_ko: String,
        description_en: String,
        description_zh: String,
        description_ja: String,
        original_language: String,
        status: String,
        local_government_codes: String,
        organisation_ids: String,
        cancel_reason: String,
        created_by: String,
        created_at: DateTimeUtc,
        updated_at: DateTimeUtc,
        agreed_at: Option<DateTimeUtc>,
        started_at: Option<DateTimeUtc>,
        ended_at: Option<DateTimeUtc>,
        revision: i64,
    }
);

entity!(
    /// `exchange_project_interaction`: the log of an exchange project.
    project_interaction, "exchange_project_interaction", {
        #[sea_orm(primary_key)]
        seq: i64,
        id: String,
        project_id: String,
        kind: String,
        occurred_on: String,
        summary: String,
        recorded_by_subject: String,
        recorded_by_name: String,
        created_at: DateTimeUtc,
    }
);

entity!(
    /// `idempotency`: which resource a (caller, operation, key) created.
    idempotency, "idempotency", {
        #[sea_orm(primary_key)]
        seq: i64,
        subject: String,
        operation: String,
        key: String,
        resource_id: String,
        fingerprint: String,
        created_at: DateTimeUtc,
    }
);

/// `,a,b,`: a list as stored.
pub(crate) fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = String::from(",");
    for i in items {
        s.push_str(i.as_ref());
        s.push(',');
    }
    s
}

/// A stored `,a,b,` list.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip() {
        assert_eq!(join_list(&["a", "b"]), ",a,b,");
        assert_eq!(join_list::<&str>(&[]), "");
        assert_eq!(split_list(",a,b,"), ["a", "b"]);
        assert!(split_list("").is_empty());
    }
}
