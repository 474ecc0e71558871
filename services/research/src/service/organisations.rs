//! Partner organisations and their contacts.

use glocal_kit::outbox::EntityRef;
use std::collections::HashMap;

use glocal_kit::Caller;
use serde_json::json;

use super::{
    Claim, OrganisationFilter, Page, PageRequest, Research, Result, Viewer, bounded, org_store,
    require_staff, viewer_of,
};
use crate::domain::{
    CountryCode, IdempotencyKey, NewContact, NewOrganisation, Organisation, OrganisationId,
};
use crate::error::ResearchError;
use crate::store::organisations::OrganisationQuery;

impl Research {
    /// Adds a partner organisation with its contacts (bureau staff). Idempotent per key.
    pub async fn create_organisation(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        org: NewOrganisation,
    ) -> Result<Organisation> {
        self.create_organisation_as(caller, key, org, OrganisationId::new())
            .await
    }

    /// [`Self::create_organisation`] with the id chosen by the caller: the demo's
    /// well-known organisations, which other services' demo data link to.
    pub(crate) async fn create_organisation_as(
        &self,
        caller: Option<&Caller>,
        key: IdempotencyKey,
        org: NewOrganisation,
        id: OrganisationId,
    ) -> Result<Organisation> {
        let actor = require_staff(caller, "action-add-organisations")?;
        let tx = match self
            .claim(
                &actor,
                "create_organisation",
                &key,
                &format!("{org:?}"),
                &id.to_key(),
            )
            .await?
        {
            Claim::Replay(existing) => return self.organisation(caller, &existing).await,
            Claim::Claimed(tx) => tx,
        };
        for (i, c) in org.contacts.iter().enumerate() {
            Self::require_areas(
                &tx,
                c.expertise_area_codes(),
                &format!("contacts[{i}].expertiseAreaCodes"),
            )
            .await?;
        }
        let now = self.now();
        let created = org_store::insert(&tx, id, &org, now).await?;
        Self::audit(&tx, "organisation", &id.to_key(), "OrganisationCreated", &actor, now, json!({
            "id": id.to_key(), "kind": org.kind.as_str(), "country": org.country, "public": org.public,
        }), Vec::new()).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Adds a contact to an organisation (bureau staff).
    pub async fn add_contact(
        &self,
        caller: Option<&Caller>,
        org_id: OrganisationId,
        new: NewContact,
    ) -> Result<Organisation> {
        let actor = require_staff(caller, "action-add-contacts")?;
        let now = self.now();
        let tx = self.db.begin().await?;
        org_store::kind_of(&tx, &org_id.to_key())
            .await?
            .ok_or(ResearchError::NotFound("organisation"))?;
        Self::require_areas(
            &tx,
            new.expertise_area_codes(),
            "contact.expertiseAreaCodes",
        )
        .await?;
        let contact_id = org_store::insert_contact(&tx, &org_id.to_key(), &new, now)
            .await?
            .id
            .to_key();
        org_store::touch(&tx, &org_id.to_key(), now).await?;
        Self::audit(
            &tx,
            "organisation",
            &org_id.to_key(),
            "ContactAdded",
            &actor,
            now,
            json!({
                "id": org_id.to_key(), "contactId": contact_id,
            }),
            vec![EntityRef::new("Contact", &contact_id)],
        )
        .await?;
        tx.commit().await?;
        self.organisation(caller, &org_id.to_key()).await
    }

    async fn organisation(&self, caller: Option<&Caller>, id: &str) -> Result<Organisation> {
        self.batch_get_organisations(caller, &[id.to_owned()])
            .await?
            .pop()
            .ok_or(ResearchError::NotFound("organisation"))
    }

    /// Several organisations, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_organisations(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Organisation>> {
        let viewer = viewer_of(caller);
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|i| {
                OrganisationId::parse(i, "ids")
                    .ok()
                    .map(OrganisationId::to_key)
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let staff = viewer == Viewer::Staff;
        let views = org_store::find_many(&self.db, &keys, !staff, staff).await?;
        let by_id: HashMap<String, Organisation> =
            views.into_iter().map(|o| (o.id.to_key(), o)).collect();
        Ok(keys.iter().filter_map(|k| by_id.get(k).cloned()).collect())
    }

    /// A page of the organisations the caller may see, in the order they were added.
    pub async fn list_organisations(
        &self,
        caller: Option<&Caller>,
        filter: &OrganisationFilter,
        page: &PageRequest,
    ) -> Result<Page<Organisation>> {
        let viewer = viewer_of(caller);
        let (offset, first) = self.window(page)?;
        let staff = viewer == Viewer::Staff;
        let country = if filter.country.trim().is_empty() {
            None
        } else {
            Some(CountryCode::parse(&filter.country, "filter.country")?)
        };
        let name = bounded(&filter.name_contains, "filter.nameContains", 0, 100)?.to_lowercase();
        let query = OrganisationQuery {
            public_only: !staff,
            kinds: &filter.kinds,
            country: country.as_ref().map(|c| c.as_str()),
            name_contains: (!name.is_empty()).then_some(name.as_str()),
        };
        let (total, items) = org_store::list(&self.db, &query, staff, offset, first + 1).await?;
        Ok(Self::paged(items, offset, first, total))
    }
}
