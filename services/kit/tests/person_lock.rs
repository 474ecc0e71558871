//! A person's lock (ADR 0040) on the real PostgreSQL server: while one transaction holds it,
//! another asking for the same person waits until the first ends, whatever other people it
//! asks for with it; a transaction about other people does not wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use glocal_kit::privacy::lock_people;
use glocal_kit::testing::TestDatabase;
use sea_orm::{Database, TransactionTrait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_lock_holds_others_off_until_its_transaction_ends() {
    let database = TestDatabase::postgres().await;
    let db = Database::connect(&database.url).await.unwrap();

    let first = db.begin().await.unwrap();
    lock_people(&first, &["official-seoul"]).await.unwrap();

    // Someone else: not held.
    let other = db.begin().await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(10),
        lock_people(&other, &["official-busan"]),
    )
    .await
    .expect("another person's lock is free")
    .unwrap();
    other.commit().await.unwrap();

    // The same person, asked with another one (in any order): waits for the first.
    let done = Arc::new(AtomicBool::new(false));
    let waiter = {
        let db = db.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let second = db.begin().await.unwrap();
            lock_people(&second, &["official-busan", "official-seoul"])
                .await
                .unwrap();
            done.store(true, Ordering::SeqCst);
            second.commit().await.unwrap();
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !done.load(Ordering::SeqCst),
        "the second transaction took the lock while the first held it"
    );
    first.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("the second transaction gets the lock once the first ends")
        .unwrap();
    assert!(done.load(Ordering::SeqCst));
}

#[tokio::test]
async fn on_sqlite_there_is_nothing_to_take() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let tx = db.begin().await.unwrap();
    lock_people(&tx, &["official-seoul"]).await.unwrap();
    tx.commit().await.unwrap();
}
