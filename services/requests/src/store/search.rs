//! Full-text search over requests, in SQL per engine (ADR 0025), following the practice
//! search of the research service.
//!
//! `request_search` holds one search document per request: its title, description, the
//! messages a requester may read (`messages`), the staff notes (`notes`) and `doc`
//! (title, description and messages in one text). [`reindex`] rewrites it from the request
//! and its messages in the caller's transaction, on every insert of a request or a message.
//!
//! A word matches when it is a substring of the document (case-insensitive; a two-character
//! Korean word inside a longer compound) or when its English stem matches the English text.
//! Requesters' searches read `doc` only; the bureau's read `notes` too.
//! - PostgreSQL: `ILIKE` accelerated by pg_trgm GIN indexes, and `to_tsvector('english')`
//!   against `plainto_tsquery('english')` on GIN expression indexes.
//! - SQLite: FTS5 with the trigram tokenizer (`request_fts_tri`) for words of three or more
//!   characters (shorter ones fall back to `LIKE`), and FTS5 with the porter stemmer
//!   (`request_fts_en`); both keyed by the request's `seq` as their rowid, columns filtered
//!   (`{title description messages}`) for requesters.
//!
//! One statement answers a page: the scoped and filtered requests joined with their
//! documents, every word's predicate, the score (per word: 3 for a title match, 2 for the
//! description, 1 for messages or notes) and the total (`COUNT(*) OVER ()`), with the cursor
//! applied outside so the total counts every match.

use glocal_kit::migration::{a, big, index, table, text, uuid};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    Value,
};
use sea_orm_migration::prelude::{
    DbErr, MigrationName, MigrationTrait, SchemaManager, async_trait,
};

use super::entities::{request_message, service_request};
use super::requests::{ListQuery, StoredRequest};
use crate::domain::search::is_english;
use crate::domain::{MessageKind, RequestId};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// The order of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchOrder {
    /// Highest score first, then newest.
    Relevance,
    /// Newest first.
    Newest,
}

/// Where a search page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchAfter {
    /// After this (score, `seq`) in relevance order.
    Relevance(i32, i64),
    /// After this `seq` in newest-first order.
    Newest(i64),
}

/// A search: the list query's scope and filters (its order, cursor and limit are not
/// used), the words, whether staff notes are searched, and the window.
#[derive(Debug, Clone)]
pub(crate) struct SearchQuery<'a> {
    pub list: &'a ListQuery,
    pub terms: &'a [String],
    /// The bureau searches its staff notes too; requesters never do.
    pub notes: bool,
    pub order: SearchOrder,
    pub after: Option<SearchAfter>,
    pub limit: u64,
}

/// One row of a search page: the request and its score.
#[derive(Debug, Clone)]
pub(crate) struct ScoredRequest {
    pub request: StoredRequest,
    pub score: i32,
}

/// A piece of custom SQL with its values and the backend's placeholders.
struct Frag {
    backend: DbBackend,
    sql: String,
    values: Vec<Value>,
}

impl Frag {
    fn new(backend: DbBackend) -> Self {
        Frag {
            backend,
            sql: String::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        if self.backend == DbBackend::Postgres {
            let n = self.values.len();
            self.sql.push_str(&format!("${n}"));
        } else {
            self.sql.push('?');
        }
        self
    }

    fn pg(&self) -> bool {
        self.backend == DbBackend::Postgres
    }

    fn like(&self) -> &'static str {
        if self.pg() { "ILIKE" } else { "LIKE" }
    }

    fn expr(self) -> Expr {
        Expr::cust_with_values(self.sql, self.values)
    }
}

/// `%term%` with LIKE's wildcards escaped (escape character `!`).
fn contains_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// An FTS5 query for `term` as one phrase, restricted to `columns` (all when `None`).
fn fts_query(term: &str, columns: Option<&str>) -> String {
    let phrase = format!("\"{}\"", term.replace('"', "\"\""));
    match columns {
        Some(cols) => format!("{{{cols}}} : {phrase}"),
        None => phrase,
    }
}

/// The FTS5 columns a requester's search reads.
const PUBLIC_COLUMNS: &str = "title description messages";

/// The predicate of one word.
fn term_predicate(f: &mut Frag, term: &str, notes: bool) {
    let english = is_english(term);
    let columns = (!notes).then_some(PUBLIC_COLUMNS);
    let like = f.like();
    f.push("(");
    if f.pg() || term.chars().count() < 3 {
        f.push(&format!("request_search.doc {like} "));
        f.bind(contains_pattern(term)).push(" ESCAPE '!'");
        if notes {
            f.push(&format!(" OR request_search.notes {like} "));
            f.bind(contains_pattern(term)).push(" ESCAPE '!'");
        }
    } else {
        f.push("service_request.seq IN (SELECT rowid FROM request_fts_tri WHERE request_fts_tri MATCH ");
        f.bind(fts_query(term, columns)).push(")");
    }
    if english {
        if f.pg() {
            for column in ["doc", "notes"].into_iter().take(if notes { 2 } else { 1 }) {
                f.push(&format!(
                    " OR to_tsvector('english', request_search.{column}) @@ plainto_tsquery('english', "
                ));
                f.bind(term.to_owned()).push(")");
            }
        } else {
            f.push(" OR service_request.seq IN (SELECT rowid FROM request_fts_en WHERE request_fts_en MATCH ");
            f.bind(fts_query(term, columns)).push(")");
        }
    }
    f.push(")");
}

/// The score: per word and field, the field's weight when the word matches it.
fn score(f: &mut Frag, terms: &[String], notes: bool) {
    let like = f.like();
    f.push("CAST((0");
    for term in terms {
        let english = is_english(term);
        let fields: &[(&str, i32)] = if notes {
            &[
                ("title", 3),
                ("description", 2),
                ("messages", 1),
                ("notes", 1),
            ]
        } else {
            &[("title", 3), ("description", 2), ("messages", 1)]
        };
        for &(field, weight) in fields {
            f.push(&format!(" + (CASE WHEN (request_search.{field} {like} "));
            f.bind(contains_pattern(term)).push(" ESCAPE '!'");
            if english {
                if f.pg() {
                    f.push(&format!(
                        " OR to_tsvector('english', request_search.{field}) @@ plainto_tsquery('english', "
                    ));
                    f.bind(term.clone()).push(")");
                } else {
                    f.push(" OR service_request.seq IN (SELECT rowid FROM request_fts_en WHERE request_fts_en MATCH ");
                    f.bind(fts_query(term, Some(field))).push(")");
                }
            }
            f.push(&format!(") THEN {weight} ELSE 0 END)"));
        }
    }
    f.push(") AS INTEGER)");
}

/// Every match of `q` with its score and the total: the statement a page reads from.
fn matches(backend: DbBackend, q: &SearchQuery<'_>) -> SelectStatement {
    let mut select = Query::select();
    select
        .column((service_request::Entity, Asterisk))
        .from(service_request::Entity)
        .inner_join(
            a("request_search"),
            Expr::col((a("request_search"), a("request_seq")))
                .equals((service_request::Entity, service_request::Column::Seq)),
        )
        .cond_where(q.list.condition());
    for term in q.terms {
        let mut f = Frag::new(backend);
        term_predicate(&mut f, term, q.notes);
        select.and_where(f.expr());
    }
    let mut f = Frag::new(backend);
    score(&mut f, q.terms, q.notes);
    select.expr_as(f.expr(), a("score"));
    select.expr_as(Expr::cust("COUNT(*) OVER ()"), a("total"));
    select.to_owned()
}

/// One page of the requests matching `q` in its order, and how many match in all.
pub(crate) async fn page(
    db: &impl ConnectionTrait,
    q: &SearchQuery<'_>,
) -> Result<(Vec<ScoredRequest>, u64)> {
    let backend = db.get_database_backend();
    let hit = Alias::new("hit");
    let col = |c: &str| Expr::col((hit.clone(), a(c)));
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(matches(backend, q), hit.clone());
    match q.after {
        Some(SearchAfter::Relevance(score, seq)) => {
            outer.and_where(
                col("score")
                    .lt(score)
                    .or(col("score").eq(score).and(col("seq").lt(seq))),
            );
        }
        Some(SearchAfter::Newest(seq)) => {
            outer.and_where(col("seq").lt(seq));
        }
        None => {}
    }
    if q.order == SearchOrder::Relevance {
        outer.order_by((hit.clone(), a("score")), Order::Desc);
    }
    outer
        .order_by((hit.clone(), a("seq")), Order::Desc)
        .limit(q.limit);
    let rows = db.query_all(&outer).await?;
    let mut total = None;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        total = Some(row.try_get::<i64>("", "total")?);
        let score = row.try_get::<i32>("", "score")?;
        let model = service_request::Model::from_query_result(&row, "")?;
        out.push(ScoredRequest {
            request: StoredRequest::try_from(model)?,
            score,
        });
    }
    let total = match total {
        Some(n) => n,
        // A page past the last match: count them apart (only then).
        None if q.after.is_some() => {
            let mut count = Query::select();
            count
                .expr_as(Expr::cust("COUNT(*)"), a("total"))
                .from_subquery(matches(backend, q), hit);
            match db.query_one(&count).await? {
                Some(row) => row.try_get::<i64>("", "total")?,
                None => 0,
            }
        }
        None => 0,
    };
    Ok((out, u64::try_from(total).unwrap_or(0)))
}

/// The SQLite FTS5 tables that mirror `request_search` (PostgreSQL indexes the table itself).
const FTS_TABLES: [&str; 2] = ["request_fts_tri", "request_fts_en"];

/// Runs the statement `f` holds.
async fn run(db: &impl ConnectionTrait, f: Frag) -> Result<()> {
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        f.backend, f.sql, f.values,
    ))
    .await?;
    Ok(())
}

/// Rewrites the search document of request `id` from the request and its messages (and,
/// on SQLite, its rows in the FTS tables); call it in the transaction that wrote them.
pub(crate) async fn reindex(db: &impl ConnectionTrait, id: RequestId) -> Result<()> {
    let Some(request) = service_request::Entity::find()
        .filter(service_request::Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let mut messages = Vec::new();
    let mut notes = Vec::new();
    for m in request_message::Entity::find()
        .filter(request_message::Column::RequestId.eq(id.as_uuid()))
        .order_by_asc(request_message::Column::Seq)
        .all(db)
        .await?
    {
        if m.kind == MessageKind::StaffNote.as_str() {
            notes.push(m.body);
        } else {
            messages.push(m.body);
        }
    }
    let messages = messages.join("\n");
    let notes = notes.join("\n");
    let doc = format!("{}\n{}\n{messages}", request.title, request.description);
    let backend = db.get_database_backend();
    let mut f = Frag::new(backend);
    f.push("INSERT INTO request_search (request_id, request_seq, title, description, messages, notes, doc) VALUES (");
    f.bind(id.as_uuid()).push(", ");
    f.bind(request.seq).push(", ");
    f.bind(request.title.clone()).push(", ");
    f.bind(request.description.clone()).push(", ");
    f.bind(messages.clone()).push(", ");
    f.bind(notes.clone()).push(", ");
    f.bind(doc).push(
        ") ON CONFLICT (request_seq) DO UPDATE SET title = excluded.title, \
         description = excluded.description, messages = excluded.messages, \
         notes = excluded.notes, doc = excluded.doc",
    );
    run(db, f).await?;
    if backend == DbBackend::Postgres {
        return Ok(());
    }
    for fts in FTS_TABLES {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM {fts} WHERE rowid = ?"),
            [request.seq.into()],
        ))
        .await?;
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO {fts} (rowid, title, description, messages, notes) VALUES (?, ?, ?, ?, ?)"
            ),
            [
                request.seq.into(),
                request.title.clone().into(),
                request.description.clone().into(),
                messages.clone().into(),
                notes.clone().into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Writes the search document of a request just inserted (no messages yet) from `title`
/// and `description`, taking its `seq` from the row in the same statement: what
/// [`reindex`] would write, without reading the request and its messages back.
pub(crate) async fn index_new(
    db: &impl ConnectionTrait,
    id: RequestId,
    title: &str,
    description: &str,
) -> Result<()> {
    let backend = db.get_database_backend();
    let doc = format!("{title}\n{description}\n");
    let mut f = Frag::new(backend);
    f.push(
        "INSERT INTO request_search (request_id, request_seq, title, description, messages, \
         notes, doc) SELECT id, seq, title, description, '', '', ",
    );
    f.bind(doc).push(" FROM service_request WHERE id = ");
    f.bind(id.as_uuid());
    run(db, f).await?;
    if backend == DbBackend::Postgres {
        return Ok(());
    }
    for fts in FTS_TABLES {
        let mut f = Frag::new(backend);
        f.push(&format!(
            "INSERT INTO {fts} (rowid, title, description, messages, notes) \
             SELECT seq, title, description, '', '' FROM service_request WHERE id = "
        ));
        f.bind(id.as_uuid());
        run(db, f).await?;
    }
    Ok(())
}

/// `request_search` with its indexes (pg_trgm and English full text on PostgreSQL, two FTS5
/// tables on SQLite), filled from the requests and messages already stored.
pub(crate) struct RequestSearch;

impl MigrationName for RequestSearch {
    fn name(&self) -> &str {
        "m20261203_200001_request_search"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RequestSearch {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "request_search",
            vec![
                uuid("request_id"),
                big("request_seq"),
                text("title"),
                text("description"),
                text("messages"),
                text("notes"),
                text("doc"),
            ],
        ))
        .await?;
        m.create_index(index(
            "request_search",
            "request_search_request",
            &["request_seq"],
            true,
        ))
        .await?;
        let c = m.get_connection();
        let pg = m.get_database_backend() == DbBackend::Postgres;
        let (newline, aggregate) = if pg {
            ("chr(10)", "string_agg(m.body, chr(10) ORDER BY m.seq)")
        } else {
            ("char(10)", "group_concat(m.body, char(10))")
        };
        let bodies = |op: &str| {
            format!(
                "COALESCE((SELECT {aggregate} FROM request_message m \
                 WHERE m.request_id = r.id AND m.kind {op} 'STAFF_NOTE'), '')"
            )
        };
        c.execute_unprepared(&format!(
            "INSERT INTO request_search (request_id, request_seq, title, description, messages, notes, doc) \
             SELECT r.id, r.seq, r.title, r.description, {msgs}, {notes}, \
             r.title || {newline} || r.description || {newline} || {msgs} \
             FROM service_request r",
            msgs = bodies("<>"),
            notes = bodies("="),
        ))
        .await?;
        let statements: &[&str] = if pg {
            &[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX IF NOT EXISTS request_search_doc_trgm ON request_search USING gin (doc gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS request_search_notes_trgm ON request_search USING gin (notes gin_trgm_ops)",
                "CREATE INDEX IF NOT EXISTS request_search_doc_en ON request_search USING gin (to_tsvector('english', doc))",
                "CREATE INDEX IF NOT EXISTS request_search_notes_en ON request_search USING gin (to_tsvector('english', notes))",
            ]
        } else {
            &[
                "CREATE VIRTUAL TABLE IF NOT EXISTS request_fts_tri USING fts5(title, description, messages, notes, tokenize = 'trigram')",
                "CREATE VIRTUAL TABLE IF NOT EXISTS request_fts_en USING fts5(title, description, messages, notes, tokenize = 'porter unicode61')",
                "INSERT INTO request_fts_tri (rowid, title, description, messages, notes) SELECT request_seq, title, description, messages, notes FROM request_search",
                "INSERT INTO request_fts_en (rowid, title, description, messages, notes) SELECT request_seq, title, description, messages, notes FROM request_search",
            ]
        };
        for sql in statements {
            c.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_quote_and_filter_columns() {
        assert_eq!(fts_query("say \"hi\"", None), "\"say \"\"hi\"\"\"");
        assert_eq!(
            fts_query("교통안전", Some(PUBLIC_COLUMNS)),
            "{title description messages} : \"교통안전\""
        );
        assert_eq!(contains_pattern("50%_a!b"), "%50!%!_a!!b%");
    }

    #[test]
    fn requesters_predicates_never_read_notes() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            for term in ["교통", "교통안전", "bikes"] {
                let mut f = Frag::new(backend);
                term_predicate(&mut f, term, false);
                score(&mut f, &[term.to_owned()], false);
                assert!(!f.sql.contains("notes"), "{backend:?} {term}: {}", f.sql);
                for v in &f.values {
                    if let Value::String(Some(s)) = v {
                        assert!(!s.contains("notes"), "{s}");
                    }
                }
            }
        }
        let mut f = Frag::new(DbBackend::Sqlite);
        term_predicate(&mut f, "교통안전", false);
        assert!(f.sql.contains("request_fts_tri MATCH ?"), "{}", f.sql);
        let mut f = Frag::new(DbBackend::Sqlite);
        term_predicate(&mut f, "교통", true);
        assert!(f.sql.contains("request_search.notes LIKE ?"), "{}", f.sql);
        let mut f = Frag::new(DbBackend::Postgres);
        term_predicate(&mut f, "bikes", true);
        assert!(
            f.sql.contains("plainto_tsquery('english', $4)"),
            "{}",
            f.sql
        );
    }
}
