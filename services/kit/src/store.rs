//! The database handles a service's business operations hold: [`Db`] (the pool) and [`Tx`]
//! (an open transaction). Both implement sea-orm's `ConnectionTrait`, so a service's `store/`
//! functions take either one (`db: &impl ConnectionTrait`), while the `service/` modules only
//! pass them along and begin and commit transactions: they never name an ORM type or call an
//! ORM API (a helper that works on either bounds its argument by [`Handle`]). Dropping a [`Tx`]
//! without [`Tx::commit`] rolls it back.

use std::ops::Deref;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
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
