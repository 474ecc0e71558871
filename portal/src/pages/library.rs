//! The library of foreign best practices for everyone (`/practices`, `/practices/<id>`, where
//! the Atom feed's entries link): a search over the published practices in the page's
//! language, narrowed by research area, country and year through the facets the API counts
//! over every match (each a link with its count; a chosen one is a link that removes it), and
//! a practice's page. GET forms and plain links: no JavaScript needed.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Page, api_error, render, url_encode};
use crate::PortalState;
use crate::api::ApiError;
use crate::operations::{Library, PracticePage, library, practice_page};
use crate::session::Visit;
use crate::time::kst;

/// The longest search the form passes on (the API refuses longer ones).
const MAX_SEARCH_CHARS: usize = 200;

/// `?search=&area=&country=&year=&after=`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LibraryQuery {
    /// Words to look for (any language).
    #[serde(default)]
    pub search: String,
    /// A research area's code.
    #[serde(default)]
    pub area: String,
    /// An ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: String,
    /// A year.
    #[serde(default)]
    pub year: String,
    /// The cursor of the page before.
    #[serde(default)]
    pub after: String,
}

impl LibraryQuery {
    /// The list's URL with these filters, `change` applied (a facet set or cleared), from
    /// the first page.
    fn href(&self, change: (&str, &str)) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("search", self.search.as_str()),
            ("area", self.area.as_str()),
            ("country", self.country.as_str()),
            ("year", self.year.as_str()),
        ] {
            let value = if name == change.0 { change.1 } else { value };
            if !value.is_empty() {
                parts.push(format!("{name}={}", url_encode(value)));
            }
        }
        if parts.is_empty() {
            "/practices".to_owned()
        } else {
            format!("/practices?{}", parts.join("&"))
        }
    }
}

/// One value of a facet: its label, how many matches have it, and the link that chooses it
/// (or, when chosen, removes it).
pub struct FacetLink {
    /// What a person reads.
    pub label: String,
    /// Matches with it.
    pub count: i64,
    /// The list with it chosen, or without it when it is.
    pub href: String,
    /// Whether it is chosen now.
    pub chosen: bool,
}

/// One facet: its name's catalogue key, its values.
pub struct Facet {
    /// `library-facet-area`, `…-country`, `…-year`.
    pub key: &'static str,
    /// Its values, as the API orders them.
    pub links: Vec<FacetLink>,
}

/// One practice in the list.
pub struct PracticeRow {
    /// Its id.
    pub id: String,
    /// Title in the page's language.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Where and when: city, country, year, area.
    pub facts: String,
}

/// The library's search page.
#[derive(Template)]
#[template(path = "library.html")]
pub struct LibraryView {
    /// The frame.
    pub page: Page,
    /// The search as typed.
    pub search: String,
    /// The filters chosen, to keep them with a new search.
    pub area: String,
    /// The country chosen.
    pub country: String,
    /// The year chosen.
    pub year: String,
    /// The facets of every match.
    pub facets: Vec<Facet>,
    /// How many practices match.
    pub total: i64,
    /// This page of them.
    pub rows: Vec<PracticeRow>,
    /// The next page's link.
    pub next: Option<String>,
}

/// One practice's page.
#[derive(Template)]
#[template(path = "practice.html")]
pub struct PracticeView {
    /// The frame (its heading is the practice's title).
    pub page: Page,
    /// Summary.
    pub summary: String,
    /// The text, paragraph by paragraph.
    pub paragraphs: Vec<String>,
    /// City, country, year.
    pub place: String,
    /// Research area.
    pub area: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Links (title, URL).
    pub links: Vec<(String, String)>,
    /// Published (KST).
    pub published: String,
    /// Why it was withdrawn, when it was.
    pub withdrawn: Option<String>,
}

fn facts(city: Option<&str>, country: &str, year: i64, area: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    match city.filter(|c| !c.is_empty()) {
        Some(city) => parts.push(format!("{city}, {country}")),
        None => parts.push(country.to_owned()),
    }
    parts.push(year.to_string());
    parts.extend(area.map(str::to_owned));
    parts.join(" · ")
}

/// `GET /practices[?search=…][&after=…]`: anyone.
pub async fn list(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<LibraryQuery>,
) -> Response {
    let search: String = query
        .search
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SEARCH_CHARS)
        .collect();
    let after = query.after.trim().to_owned();
    let chosen = LibraryQuery {
        search: search.clone(),
        area: query.area.trim().to_owned(),
        country: query.country.trim().to_uppercase(),
        year: query.year.trim().to_owned(),
        after: String::new(),
    };
    let year = chosen.year.parse::<i64>().ok();
    let one = |v: &str| (!v.is_empty()).then(|| vec![v.to_owned()]);
    let filter = library::PracticeFilter {
        area_codes: one(&chosen.area),
        countries: one(&chosen.country),
        years: year.map(|y| vec![y]),
        languages: None,
        states: None,
        local_government_code: None,
        source_organisation_id: None,
        tag: None,
    };
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let data = match state
        .api
        .run::<Library>(
            token,
            visit.lang,
            library::Variables {
                search: (!search.is_empty()).then(|| search.clone()),
                filter: Some(filter),
                after: (!after.is_empty()).then_some(after),
            },
        )
        .await
    {
        Ok(d) => d,
        // A cursor from elsewhere, or a filter the API refuses: start over without them.
        Err(ApiError::BadInput { .. }) => {
            return axum::response::Redirect::to(&format!(
                "/practices?search={}",
                url_encode(&search)
            ))
            .into_response();
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let p = data.practices;
    let link = |name: &'static str, value: String, label: String, count: i64, now: &str| {
        let is = value == now;
        FacetLink {
            href: chosen.href((name, if is { "" } else { value.as_str() })),
            label,
            count,
            chosen: is,
        }
    };
    let facets = vec![
        Facet {
            key: "library-facet-area",
            links: p
                .facets
                .areas
                .iter()
                .map(|a| {
                    let label = a
                        .area
                        .as_ref()
                        .map_or_else(|| a.value.clone(), |x| x.label.clone());
                    link("area", a.value.clone(), label, a.count, &chosen.area)
                })
                .collect(),
        },
        Facet {
            key: "library-facet-country",
            links: p
                .facets
                .countries
                .iter()
                .map(|c| {
                    link(
                        "country",
                        c.value.clone(),
                        c.value.clone(),
                        c.count,
                        &chosen.country,
                    )
                })
                .collect(),
        },
        Facet {
            key: "library-facet-year",
            links: p
                .facets
                .years
                .iter()
                .map(|y| {
                    link(
                        "year",
                        y.value.clone(),
                        y.value.clone(),
                        y.count,
                        &chosen.year,
                    )
                })
                .collect(),
        },
    ];
    let rows = p
        .edges
        .into_iter()
        .map(|e| {
            let n = e.node;
            PracticeRow {
                facts: facts(
                    n.city.as_deref(),
                    &n.country,
                    n.year,
                    n.area.as_ref().map(|a| a.label.as_str()),
                ),
                id: n.id,
                title: n.title,
                summary: n.summary,
            }
        })
        .collect();
    let next = p
        .page_info
        .end_cursor
        .filter(|_| p.page_info.has_next_page)
        .map(|c| {
            let first = chosen.href(("", ""));
            let joiner = if first.contains('?') { '&' } else { '?' };
            format!("{first}{joiner}after={}", url_encode(&c))
        });
    render(
        StatusCode::OK,
        &LibraryView {
            page: Page::new(&visit, &uri, "library-title"),
            search,
            area: chosen.area.clone(),
            country: chosen.country.clone(),
            year: chosen.year.clone(),
            facets,
            total: p.total_count,
            rows,
            next,
        },
    )
}

/// `GET /practices/{id}`: anyone may read a published practice (and a withdrawn one's
/// tombstone).
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let p = match state
        .api
        .run::<PracticePage>(
            token,
            visit.lang,
            practice_page::Variables { id: id.clone() },
        )
        .await
    {
        Ok(d) => d.practice,
        // A malformed id names no practice.
        Err(ApiError::BadInput { .. }) => {
            return api_error(&visit, &uri, &ApiError::NotFound(id));
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let mut page = Page::new(&visit, &uri, "library-title");
    page.title = p.title;
    render(
        StatusCode::OK,
        &PracticeView {
            page,
            summary: p.summary,
            paragraphs: p
                .body
                .split("\n\n")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            place: facts(p.city.as_deref(), &p.country, p.year, None),
            area: p.area.map(|a| a.label).unwrap_or_default(),
            tags: p.tags,
            links: p.links.into_iter().map(|l| (l.title, l.url)).collect(),
            published: p.published_at.as_deref().map(kst).unwrap_or_default(),
            withdrawn: p.tombstone.then(|| p.withdrawal_reason.unwrap_or_default()),
        },
    )
}
