//! The research query root's resolvers.

use super::*;

#[Object]
impl ResearchQuery {
    /// The library: ranked full-text search over every language of title, summary and body
    /// (newest first without `search`), with filters and facet counts of all matches. The
    /// public sees published practices; bureau staff may filter by other states.
    async fn practices(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        filter: Option<PracticeFilter>,
        sort: Option<PracticeSort>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<PracticeConnection> {
        let message = pb::SearchPracticesRequest {
            query: search.unwrap_or_default(),
            filter: Some(filter.unwrap_or_default().into_proto()),
            page: page(first, after)?,
            sort: sort.map_or(0, PracticeSort::to_proto),
        };
        let r = read(
            ctx,
            Research,
            "SearchPractices",
            message,
            |mut client, request| async move { client.search_practices(request).await },
        )
        .await?
        .into_inner();
        if r.cursors.len() != r.practices.len() {
            return Err(error::internal(
                "SearchPractices returned a cursor count unlike its practice count",
            ));
        }
        let loaders = ResearchLoaders::new(ctx)?;
        let facets = r.facets.unwrap_or_default();
        let plain = |v: Vec<pb::FacetCount>| {
            v.into_iter()
                .map(|c| FacetCount {
                    value: c.value,
                    count: total(c.count),
                })
                .collect()
        };
        Ok(PracticeConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            facets: PracticeFacets {
                areas: facets
                    .areas
                    .into_iter()
                    .map(|c| AreaFacet(c, loaders.clone()))
                    .collect(),
                countries: plain(facets.countries),
                years: plain(facets.years),
                languages: facets
                    .languages
                    .into_iter()
                    .filter_map(|c| {
                        Some(LanguageFacet {
                            value: Language::from_tag(&c.value)?,
                            count: total(c.count),
                        })
                    })
                    .collect(),
            },
            edges: r
                .practices
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| PracticeEdge {
                    cursor,
                    node: Practice(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// One practice (or one earlier `version` of it). A withdrawn practice still answers,
    /// as a tombstone; one the caller may not see is NOT_FOUND.
    async fn practice(&self, ctx: &Context<'_>, id: ID, version: Option<i32>) -> Result<Practice> {
        let p = read(
            ctx,
            Research,
            "GetPractice",
            pb::GetPracticeRequest {
                id: id.0,
                version: version.unwrap_or(0),
            },
            |mut client, request| async move { client.get_practice(request).await },
        )
        .await?
        .into_inner();
        Ok(Practice(p, ResearchLoaders::new(ctx)?))
    }

    /// The research-area vocabulary, in order.
    async fn research_areas(&self, ctx: &Context<'_>) -> Result<Vec<ResearchArea>> {
        let r = read(
            ctx,
            Research,
            "ListAreas",
            pb::ListAreasRequest {},
            |mut client, request| async move { client.list_areas(request).await },
        )
        .await?
        .into_inner();
        Ok(r.areas.into_iter().map(ResearchArea).collect())
    }

    /// Profile changes partners proposed, oldest first (at most 100): bureau staff see every
    /// organisation's, a partner its own organisation's only.
    #[graphql(inaccessible)]
    async fn organisation_profile_changes(
        &self,
        ctx: &Context<'_>,
        organisation_id: Option<ID>,
        status: Option<OrganisationProfileChangeStatus>,
        #[graphql(default = 50)] first: Option<i32>,
    ) -> Result<Vec<OrganisationProfileChange>> {
        let message = pb::ListProfileChangesRequest {
            organisation_id: organisation_id.map(|i| i.0).unwrap_or_default(),
            status: status.map_or(0, OrganisationProfileChangeStatus::to_proto),
            first: u32::try_from(first.unwrap_or(50).max(1)).unwrap_or(1),
        };
        let r = read(
            ctx,
            Research,
            "ListProfileChanges",
            message,
            |mut client, request| async move { client.list_profile_changes(request).await },
        )
        .await?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(r.changes
            .into_iter()
            .map(|c| OrganisationProfileChange(c, loaders.clone()))
            .collect())
    }

    /// Partner organisations the caller may see, in the order they were added.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<OrganisationConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListOrganisationsRequest {
            kinds: f
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(OrganisationKind::to_proto)
                .collect(),
            country: f.country.unwrap_or_default(),
            name_contains: f.name_contains.unwrap_or_default(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            Research,
            "ListOrganisations",
            message,
            |mut client, request| async move { client.list_organisations(request).await },
        )
        .await?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(OrganisationConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .organisations
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| OrganisationEdge {
                    cursor,
                    node: Organisation(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// One organisation the caller may see (null otherwise).
    async fn organisation(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Organisation>> {
        let loaders = ResearchLoaders::new(ctx)?;
        load_organisation(&loaders, &id.0).await
    }

    /// Relationships between Korean and foreign local governments the caller may see.
    async fn relationships(
        &self,
        ctx: &Context<'_>,
        filter: Option<RelationshipFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<RelationshipConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListRelationshipsRequest {
            local_government_code: f.local_government_code.unwrap_or_default(),
            partner_organisation_id: f.partner_organisation_id.map(|i| i.0).unwrap_or_default(),
            kinds: f
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(RelationshipKind::to_proto)
                .collect(),
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(RelationshipStatus::to_proto)
                .collect(),
            page: page(first, after)?,
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
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(RelationshipConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .relationships
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| RelationshipEdge {
                    cursor,
                    node: Relationship(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// Opportunities the caller may see, newest first.
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        filter: Option<OpportunityFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<OpportunityConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListOpportunitiesRequest {
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(OpportunityStatus::to_proto)
                .collect(),
            area_code: f.area_code.unwrap_or_default(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            Research,
            "ListOpportunities",
            message,
            |mut client, request| async move { client.list_opportunities(request).await },
        )
        .await?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(OpportunityConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .opportunities
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| OpportunityEdge {
                    cursor,
                    node: Opportunity(node, loaders.clone()),
                })
                .collect(),
        })
    }
}
