//! Partner organisations and their contacts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use glocal_kit::store::page_with_total;

use super::Result;
use super::entities::{contact, join_list, organisation, split_list};
use super::search::contains_pattern;
use crate::domain::{
    Contact, ContactId, Lang, NewContact, NewOrganisation, Organisation, OrganisationId,
    OrganisationKind, Revision,
};
use crate::error::ResearchError;

/// Which organisations a list shows; empty fields do not filter.
#[derive(Debug, Default)]
pub(crate) struct OrganisationQuery<'a> {
    /// Public ones only.
    pub(crate) public_only: bool,
    /// Any of these kinds.
    pub(crate) kinds: &'a [OrganisationKind],
    /// In this country.
    pub(crate) country: Option<&'a str>,
    /// Substring of the name in any language (lower case).
    pub(crate) name_contains: Option<&'a str>,
}

/// The organisation's kind, if it exists.
pub(crate) async fn kind_of(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<OrganisationKind>> {
    organisation::Entity::find()
        .filter(organisation::Column::Id.eq(key))
        .one(db)
        .await?
        .map(|r| OrganisationKind::parse(&r.kind).map_err(ResearchError::corrupt))
        .transpose()
}

/// The organisation's revision, if it exists.
pub(crate) async fn revision_of(db: &impl ConnectionTrait, key: &str) -> Result<Option<i64>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.eq(key))
        .one(db)
        .await?
        .map(|r| r.revision))
}

/// Adds the organisation (first revision) with its contacts; answers it as stored, its
/// contacts' personal details included.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    id: OrganisationId,
    org: &NewOrganisation,
    at: DateTime<Utc>,
) -> Result<Organisation> {
    let (name_ko, name_en, name_zh, name_ja) = org.name.clone().into_parts();
    let (d_ko, d_en, d_zh, d_ja) = org.description.clone().into_parts();
    organisation::Entity::insert(organisation::ActiveModel {
        id: Set(id.to_key()),
        kind: Set(org.kind.as_str().to_owned()),
        name_ko: Set(name_ko),
        name_en: Set(name_en),
        name_zh: Set(name_zh),
        name_ja: Set(name_ja),
        original_language: Set(org.original_language.as_str().to_owned()),
        country: Set(org.country.clone()),
        city: Set(org.city.clone()),
        languages: Set(join_list(&org.languages)),
        website: Set(org.website.clone()),
        description_ko: Set(d_ko),
        description_en: Set(d_en),
        description_zh: Set(d_zh),
        description_ja: Set(d_ja),
        public: Set(org.public),
        created_at: Set(at),
        updated_at: Set(at),
        revision: Set(1),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    let mut contacts = Vec::with_capacity(org.contacts.len());
    for c in &org.contacts {
        contacts.push(insert_contact(db, &id.to_key(), c, at).await?);
    }
    Ok(Organisation {
        id,
        kind: org.kind,
        name: org.name.clone(),
        original_language: org.original_language,
        country: org.country.clone(),
        city: org.city.clone(),
        languages: org.languages.clone(),
        website: org.website.clone(),
        description: org.description.clone(),
        public: org.public,
        contacts,
        created_at: at,
        revision: Revision::FIRST,
    })
}

/// Adds a contact to the organisation; answers it, personal details included.
pub(crate) async fn insert_contact(
    db: &impl ConnectionTrait,
    org_key: &str,
    contact: &NewContact,
    at: DateTime<Utc>,
) -> Result<Contact> {
    let id = ContactId::new();
    contact::Entity::insert(contact::ActiveModel {
        id: Set(id.to_key()),
        organisation_id: Set(org_key.to_owned()),
        name: Set(contact.name.clone()),
        position: Set(contact.position.clone()),
        languages: Set(join_list(&contact.languages)),
        expertise: Set(join_list(&contact.expertise_area_codes)),
        email: Set(contact.email.clone()),
        phone: Set(contact.phone.clone()),
        created_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(Contact {
        id,
        name: contact.name.clone(),
        position: contact.position.clone(),
        languages: contact.languages.clone(),
        expertise_area_codes: contact.expertise_area_codes.clone(),
        email: Some(contact.email.clone()),
        phone: Some(contact.phone.clone()),
    })
}

/// Counts a change of the organisation (its revision goes up by one).
pub(crate) async fn touch(db: &impl ConnectionTrait, key: &str, at: DateTime<Utc>) -> Result<()> {
    organisation::Entity::update_many()
        .col_expr(
            organisation::Column::Revision,
            Expr::col(organisation::Column::Revision).add(1),
        )
        .col_expr(organisation::Column::UpdatedAt, Expr::value(at))
        .filter(organisation::Column::Id.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// The organisations with these keys (public ones only, if so), in no particular order;
/// contacts' e-mail and phone only `with_personal_details`.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    keys: &[String],
    public_only: bool,
    with_personal_details: bool,
) -> Result<Vec<Organisation>> {
    let mut q = organisation::Entity::find().filter(organisation::Column::Id.is_in(keys.to_vec()));
    if public_only {
        q = q.filter(organisation::Column::Public.eq(true));
    }
    let rows = q.all(db).await?;
    views(db, rows, with_personal_details).await
}

/// A window of the list, in the order they were added, and how many match in all.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    query: &OrganisationQuery<'_>,
    with_personal_details: bool,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Organisation>)> {
    let mut cond = Condition::all();
    if query.public_only {
        cond = cond.add(organisation::Column::Public.eq(true));
    }
    if !query.kinds.is_empty() {
        cond = cond.add(organisation::Column::Kind.is_in(query.kinds.iter().map(|k| k.as_str())));
    }
    if let Some(country) = query.country {
        cond = cond.add(organisation::Column::Country.eq(country));
    }
    if let Some(name) = query.name_contains {
        let pattern = contains_pattern(name);
        let mut any = Condition::any();
        for column in [
            organisation::Column::NameKo,
            organisation::Column::NameEn,
            organisation::Column::NameZh,
            organisation::Column::NameJa,
        ] {
            any = any.add(
                Expr::expr(Func::lower(Expr::col(column)))
                    .like(LikeExpr::new(pattern.clone()).escape('!')),
            );
        }
        cond = cond.add(any);
    }
    let select = organisation::Entity::find()
        .filter(cond.clone())
        .order_by_asc(organisation::Column::Seq)
        .offset(offset);
    let (rows, total) = page_with_total(db, select, Some(cond), offset == 0, limit).await?;
    Ok((total, views(db, rows, with_personal_details).await?))
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<organisation::Model>,
    with_personal_details: bool,
) -> Result<Vec<Organisation>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut contacts: HashMap<String, Vec<Contact>> = HashMap::new();
    if !ids.is_empty() {
        for c in contact::Entity::find()
            .filter(contact::Column::OrganisationId.is_in(ids))
            .order_by_asc(contact::Column::Seq)
            .all(db)
            .await?
        {
            contacts
                .entry(c.organisation_id.clone())
                .or_default()
                .push(Contact {
                    id: ContactId::parse(&c.id, "id").map_err(ResearchError::corrupt)?,
                    name: c.name,
                    position: c.position,
                    languages: split_list(&c.languages),
                    expertise_area_codes: split_list(&c.expertise),
                    email: with_personal_details.then_some(c.email),
                    phone: with_personal_details.then_some(c.phone),
                });
        }
    }
    rows.into_iter()
        .map(|r| {
            Ok(Organisation {
                id: OrganisationId::parse(&r.id, "id").map_err(ResearchError::corrupt)?,
                kind: OrganisationKind::parse(&r.kind).map_err(ResearchError::corrupt)?,
                name: super::localized(&r.name_ko, &r.name_en, &r.name_zh, &r.name_ja),
                original_language: Lang::parse(&r.original_language, "originalLanguage")
                    .map_err(ResearchError::corrupt)?,
                description: super::localized(
                    &r.description_ko,
                    &r.description_en,
                    &r.description_zh,
                    &r.description_ja,
                ),
                languages: split_list(&r.languages),
                contacts: contacts.remove(&r.id).unwrap_or_default(),
                revision: Revision::parse(r.revision).map_err(ResearchError::corrupt)?,
                country: r.country,
                city: r.city,
                website: r.website,
                public: r.public,
                created_at: r.created_at,
            })
        })
        .collect()
}
