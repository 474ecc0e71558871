//! The database handles a service's business operations hold: [`Db`] (the pool) and [`Tx`]
//! (an open transaction). Both implement sea-orm's `ConnectionTrait`, so a service's `store/`
//! functions take either one (`db: &impl ConnectionTrait`), while the `service/` modules only
//! pass them along and begin and commit transactions: they never name an ORM type or call an
//! ORM API (a helper that works on either bounds its argument by [`Handle`]). Dropping a [`Tx`]
//! without [`Tx::commit`] rolls it back. [`page_with_total`] reads a page and its total count
//! in one statement, for every service's lists.

use std::ops::Deref;

use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Query};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, ExecResult, FromQueryResult, PaginatorTrait, QueryFilter, QueryResult,
    QuerySelect, QueryTrait, Select, Statement, TransactionTrait,
};

/// A service's database pool.
#[derive(Debug, Clone)]
pub struct Db(DatabaseConnection);

impl Db {
    /// Wraps an open pool.
    pub fn new(connection: DatabaseConnection) -> Self {
        Db(connection)
    }

    /// The underlying pool (for the store layer, migrations and tests).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.0
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Tx, DbErr> {
        Ok(Tx(self.0.begin().await?))
    }

    /// Which engine this pool talks to.
    pub fn backend(&self) -> DbBackend {
        self.0.get_database_backend()
    }
}

impl From<DatabaseConnection> for Db {
    fn from(connection: DatabaseConnection) -> Self {
        Db(connection)
    }
}

impl Deref for Db {
    type Target = DatabaseConnection;
    fn deref(&self) -> &DatabaseConnection {
        &self.0
    }
}

/// An open transaction: commit it, or drop it to roll back.
#[derive(Debug)]
pub struct Tx(DatabaseTransaction);

impl Tx {
    /// Commits everything done through this transaction.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.0.commit().await
    }
}

impl Deref for Tx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.0
    }
}

/// What a service's business operations pass to their store: the pool ([`Db`]) or an open
/// transaction ([`Tx`]). A `service/` helper that works either way takes `db: &impl Handle`
/// without naming the ORM; store functions accept it as a `ConnectionTrait`.
pub trait Handle: ConnectionTrait + Send + Sync {}

impl Handle for Db {}
impl Handle for Tx {}

/// Delegates every required method of `ConnectionTrait` to the wrapped connection.
macro_rules! delegate_connection {
    ($ty:ty) => {
        #[async_trait::async_trait]
        impl ConnectionTrait for $ty {
            fn get_database_backend(&self) -> DbBackend {
                self.0.get_database_backend()
            }
            async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
                self.0.execute_raw(stmt).await
            }
            async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
                self.0.execute_unprepared(sql).await
            }
            async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
                self.0.query_one_raw(stmt).await
            }
            async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
                self.0.query_all_raw(stmt).await
            }
            fn support_returning(&self) -> bool {
                self.0.support_returning()
            }
        }
    };
}

delegate_connection!(Db);
delegate_connection!(Tx);

/// The alias of the count a page's rows carry ([`page_with_total`]).
const TOTAL: &str = "total_count";

/// One page of `select` (its filters, window and order as given, at most `limit` rows) and,
/// when `count` is the condition every match meets (the page's window left out), how many
/// match in all: one statement, where the count is a scalar sub-select every row carries,
/// instead of a count and a page (one round trip instead of two; issue 14 item 6, ADR 0048).
/// A page without rows has no row to carry it: on the `first_page` nothing matches (0); past
/// the last match (a cursor after it) the matches are counted apart. Without `count` the
/// total is 0.
pub async fn page_with_total<E>(
    db: &impl ConnectionTrait,
    mut select: Select<E>,
    count: Option<Condition>,
    first_page: bool,
    limit: u64,
) -> Result<(Vec<E::Model>, u64), DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    if let Some(condition) = &count {
        let total = Query::select()
            .expr(Expr::col(Asterisk).count())
            .from(E::default())
            .cond_where(condition.clone())
            .to_owned();
        select = select.column_as(Expr::from(total), TOTAL);
    }
    let rows = db.query_all(&select.limit(limit).into_query()).await?;
    let mut total = None;
    let mut models = Vec::with_capacity(rows.len());
    for row in rows {
        if count.is_some() {
            total = Some(row.try_get::<i64>("", TOTAL)?);
        }
        models.push(E::Model::from_query_result(&row, "")?);
    }
    let total = match (count, total) {
        (Some(_), Some(n)) => u64::try_from(n).unwrap_or(0),
        (Some(condition), None) if !first_page => E::find().filter(condition).count(db).await?,
        _ => 0,
    };
    Ok((models, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Statement;

    async fn count(db: &impl ConnectionTrait) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    mod item {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "item")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub seq: i64,
            pub kind: String,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    #[tokio::test]
    async fn a_page_carries_the_count_of_every_match_and_a_page_past_the_end_counts_apart() {
        use sea_orm::{ColumnTrait, QueryOrder};
        let db = Db::new(crate::db::connect("sqlite::memory:").await.unwrap());
        db.execute_unprepared(
            "CREATE TABLE item (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL); \
             INSERT INTO item (seq, kind) VALUES \
             (1, 'a'), (2, 'b'), (3, 'a'), (4, 'a'), (5, 'b'), (6, 'a'), (7, 'a'), (8, 'b')",
        )
        .await
        .unwrap();
        let of = |kind: &str| Condition::all().add(item::Column::Kind.eq(kind));
        let page = async |kind: &str, after: Option<i64>, count: bool| {
            let mut select = item::Entity::find()
                .filter(of(kind))
                .order_by_desc(item::Column::Seq);
            if let Some(after) = after {
                select = select.filter(item::Column::Seq.lt(after));
            }
            let (rows, total) =
                page_with_total(&db, select, count.then(|| of(kind)), after.is_none(), 2)
                    .await
                    .unwrap();
            (rows.iter().map(|r| r.seq).collect::<Vec<_>>(), total)
        };
        assert_eq!(page("a", None, true).await, (vec![7, 6], 5));
        assert_eq!(page("a", Some(6), true).await, (vec![4, 3], 5));
        assert_eq!(page("a", Some(1), true).await, (vec![], 5), "past the end");
        assert_eq!(page("b", Some(5), true).await, (vec![2], 3));
        assert_eq!(page("c", None, true).await, (vec![], 0));
        assert_eq!(page("a", None, false).await, (vec![7, 6], 0), "not counted");
    }

    #[tokio::test]
    async fn a_dropped_transaction_rolls_back_and_a_committed_one_stays() {
        let db = Db::new(crate::db::connect("sqlite::memory:").await.unwrap());
        db.execute_unprepared("CREATE TABLE t (x INTEGER)")
            .await
            .unwrap();
        {
            let tx = db.begin().await.unwrap();
            tx.execute_unprepared("INSERT INTO t VALUES (1)")
                .await
                .unwrap();
            assert_eq!(count(&tx).await, 1);
        }
        assert_eq!(count(&db).await, 0, "dropped transaction rolled back");
        let tx = db.begin().await.unwrap();
        tx.execute_unprepared("INSERT INTO t VALUES (2)")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&db).await, 1);
    }
}
