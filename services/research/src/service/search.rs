//! Searching the library: ranked full-text search with filters and facet counts.

use glocal_kit::Caller;

use super::{
    FacetCount, Facets, PracticePage, PracticeSearch, PracticeSort, Research, Result, Viewer,
    bounded, viewer_of,
};
use crate::domain::{
    AreaCode, CountryCode, InvalidInput, Lang, LocalGovernmentCode, OrganisationId, PracticeState,
    Tag,
};
use crate::error::ResearchError;
use crate::store::practices as store;
use crate::store::search::{self, SearchQuery};

impl Research {
    /// Ranked full-text search (newest first without a query), with facet counts over the
    /// whole result set.
    pub async fn search_practices(
        &self,
        caller: Option<&Caller>,
        s: &PracticeSearch,
    ) -> Result<PracticePage> {
        let viewer = viewer_of(caller);
        let query = bounded(&s.query, "search", 0, 200)?;
        let terms: Vec<String> = query.split_whitespace().map(str::to_owned).collect();
        if terms.len() > 10 {
            return Err(ResearchError::invalid("search", "at most 10 words"));
        }
        let f = &s.filter;
        let states: Vec<&'static str> = if f.states.is_empty() {
            vec![PracticeState::Published.as_str()]
        } else {
            if viewer != Viewer::Staff && f.states.iter().any(|st| *st != PracticeState::Published)
            {
                return Err(ResearchError::Forbidden(
                    "only bureau staff may list unpublished practices".into(),
                ));
            }
            f.states.iter().map(|st| st.as_str()).collect()
        };
        let parse_all =
            |items: &[String],
             field: &str,
             parse: &dyn Fn(&str, &str) -> Result<String, InvalidInput>| {
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse(v, &format!("filter.{field}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()
            };
        let areas = parse_all(&f.area_codes, "areaCodes", &|v, p| {
            AreaCode::parse(v, p).map(|c| c.as_str().to_owned())
        })?;
        let countries = parse_all(&f.countries, "countries", &|v, p| {
            CountryCode::parse(v, p).map(|c| c.as_str().to_owned())
        })?;
        let languages = f
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| Lang::parse(l, &format!("filter.languages[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((i, _)) = f
            .years
            .iter()
            .enumerate()
            .find(|(_, y)| !(1900..=2100).contains(*y))
        {
            return Err(ResearchError::invalid(
                &format!("filter.years[{i}]"),
                "must be between 1900 and 2100",
            ));
        }
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let local_government_code = opt(&f.local_government_code)
            .map(|c| {
                LocalGovernmentCode::parse(&c, "filter.localGovernmentCode")
                    .map(|c| c.as_str().to_owned())
            })
            .transpose()?;
        let source_organisation_id = opt(&f.source_organisation_id)
            .map(|c| {
                OrganisationId::parse(&c, "filter.sourceOrganisationId").map(OrganisationId::to_key)
            })
            .transpose()?;
        let tag = opt(&f.tag)
            .map(|t| Tag::parse(&t, "filter.tag").map(|t| t.as_str().to_owned()))
            .transpose()?;
        let (offset, first) = self.window(&s.page)?;
        let by_rank = match s.sort {
            PracticeSort::Relevance => true,
            PracticeSort::Newest => false,
            PracticeSort::Default => !terms.is_empty(),
        };
        let q = SearchQuery {
            terms,
            states,
            areas,
            countries,
            years: f.years.clone(),
            languages,
            local_government_code,
            source_organisation_id,
            tag,
            by_rank,
            offset,
            limit: first + 1,
        };
        let ids = search::page(&self.db, &q).await?;
        let facets = search::facets(&self.db, &q).await?;
        let mut by_id: std::collections::HashMap<String, _> = store::find_many(&self.db, &ids)
            .await?
            .into_iter()
            .map(|r| (r.practice.id.to_key(), r.practice))
            .collect();
        let items: Vec<_> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
        let fc = |(value, count): (String, u64)| FacetCount { value, count };
        Ok(PracticePage {
            page: Self::paged(items, offset, first, facets.total),
            facets: Facets {
                areas: facets.areas.into_iter().map(fc).collect(),
                countries: facets.countries.into_iter().map(fc).collect(),
                years: facets
                    .years
                    .into_iter()
                    .map(|(y, count)| FacetCount {
                        value: y.to_string(),
                        count,
                    })
                    .collect(),
                languages: facets
                    .languages
                    .into_iter()
                    .map(|(l, count)| FacetCount {
                        value: l.as_str().to_owned(),
                        count,
                    })
                    .collect(),
            },
        })
    }
}
