//! A person's notices (`/notices`): the inbox the notifier keeps for them (the same notices
//! their e-mail carries), newest first, 20 a page, the unread ones marked; each can be marked
//! read, or all at once.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Page, api_error, render, url_encode};
use crate::PortalState;
use crate::i18n::Words;
use crate::operations::{MarkNoticesRead, MyNotices, mark_notices_read, my_notices};
use crate::session::Visit;
use crate::time::kst;

/// Notices on one page.
const PAGE_SIZE: i64 = 20;

/// One notice.
pub struct NoticeRow {
    /// Its id (the mark-read form's value).
    pub id: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Where in the portal it points (a path of this portal).
    pub href: String,
    /// When it was made (KST).
    pub at: String,
    /// Whether it is still unread.
    pub unread: bool,
}

/// The page.
#[derive(Template)]
#[template(path = "notices.html")]
pub struct NoticesView {
    /// The frame.
    pub page: Page,
    /// This page's notices.
    pub notices: Vec<NoticeRow>,
    /// How many match in all.
    pub total: i64,
    /// How many are unread.
    pub unread: i64,
    /// Whether only unread ones are shown.
    pub unread_only: bool,
    /// The next page's link, if there is one.
    pub more: Option<String>,
    /// What the last action did.
    pub notice: Option<String>,
}

/// `?unread=1&after=…&marked=N`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoticesQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: Option<String>,
    /// The cursor of the page before.
    #[serde(default)]
    pub after: Option<String>,
    /// How many the last action marked read.
    #[serde(default)]
    pub marked: Option<i64>,
}

/// The path of a notice's link: notices point into the portal at its public URL, which
/// may not be the address this page was reached at.
fn local_path(link: &str) -> String {
    if link.starts_with('/') && !link.starts_with("//") {
        return link.to_owned();
    }
    match reqwest::Url::parse(link) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => "/".into(),
    }
}

/// `GET /notices`.
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<NoticesQuery>,
) -> Response {
    let Some(person) = super::signed_in(&visit) else {
        return super::to_sign_in();
    };
    let w = Words(visit.lang);
    let unread_only = query.unread.as_deref().is_some_and(|u| !u.is_empty());
    let data = match state
        .api
        .run::<MyNotices>(
            Some(person.token.as_str()),
            visit.lang,
            my_notices::Variables {
                first: Some(PAGE_SIZE),
                after: query.after.clone().filter(|a| !a.is_empty()),
                unread_only: Some(unread_only),
            },
        )
        .await
    {
        Ok(d) => d.notifications,
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let more = (data.page_info.has_next_page)
        .then_some(data.page_info.end_cursor)
        .flatten()
        .map(|cursor| {
            format!(
                "/notices?{}after={}",
                if unread_only { "unread=1&" } else { "" },
                url_encode(&cursor)
            )
        });
    let notices = data
        .edges
        .into_iter()
        .map(|e| NoticeRow {
            href: local_path(&e.node.link),
            unread: e.node.read_at.is_none(),
            at: e.node.created_at.as_deref().map(kst).unwrap_or_default(),
            id: e.node.id,
            subject: e.node.subject,
            body: e.node.body,
        })
        .collect();
    render(
        StatusCode::OK,
        &NoticesView {
            page: Page::new(&visit, &uri, "notices-title"),
            notices,
            total: data.total_count,
            unread: data.unread_count,
            unread_only,
            more,
            notice: query.marked.map(|n| w.t1("notices-marked", "count", &n)),
        },
    )
}

/// `POST /notices/read`: marks one notice read (`id`), or every unread one (`all`).
pub async fn mark_read(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::Form(values): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit) else {
        return super::to_sign_in();
    };
    let value = |name: &str| {
        values
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let (ids, all) = match value("id") {
        Some(id) => (Some(vec![id]), None),
        None => (None, Some(value("all").is_some())),
    };
    let back = if value("unread").is_some() {
        "/notices?unread=1&marked="
    } else {
        "/notices?marked="
    };
    match state
        .api
        .run::<MarkNoticesRead>(
            Some(person.token.as_str()),
            visit.lang,
            mark_notices_read::Variables { ids, all },
        )
        .await
    {
        Ok(d) => {
            Redirect::to(&format!("{back}{}", d.mark_notifications_read.marked)).into_response()
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn a_notice_links_to_a_path_of_this_portal() {
        assert_eq!(
            local_path("https://glocal.example.org/requests/abc"),
            "/requests/abc"
        );
        assert_eq!(
            local_path("http://127.0.0.1:8081/events/e?x=1"),
            "/events/e?x=1"
        );
        assert_eq!(local_path("/requests/abc"), "/requests/abc");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("not a url"), "/");
    }
}
