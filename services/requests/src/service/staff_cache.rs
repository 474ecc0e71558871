//! The callers' staff records, cached per process (issue 14 item 6, ADR 0055). Every call of
//! bureau staff needs the caller's staff record (their id and department scope what they
//! see); it changes only through the directory's administration, which writes a
//! `Directory` change event with each change. The cache holds what a caller's subject maps
//! to (or that it maps to nobody) and:
//!
//! - serves only while this process reads the service's own change events
//!   ([`glocal_kit::outbox::tail`]): from the first read on, and never while the stream is
//!   unreadable (Redis down), when every lookup goes to the database;
//! - forgets everything on every directory change event (a change made through any replica
//!   is seen within the stream's delay), on a change this process made itself (at once), and
//!   whenever reading (re)starts;
//! - keeps no record longer than [`MAX_AGE`]: the backstop when events cannot be published
//!   although the stream can be read (a relay failing, Redis refusing writes);
//! - never stores a record read before a change it has since been told about (a lookup
//!   remembers the cache's generation and stores only if no change came in between).
//!
//! A service built without the watcher ([`OnlineBureau::new`] alone, as tests and
//! one-shot commands do), or whose outbox relay is off, never serves from the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use glocal_kit::outbox::tail::{self, Tail};

use super::{OnlineBureau, Result};
use crate::domain::changes::DIRECTORY;
use crate::store::directory as dir_store;

/// Most subjects remembered; past it the cache starts over (staff are dozens).
const CAPACITY: usize = 4_096;

/// The longest a record is served from the cache, whatever the stream says.
pub(super) const MAX_AGE: Duration = Duration::from_secs(30);

/// What a caller's staff record says about them, as calls need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StaffIdentity {
    pub(super) id: String,
    pub(super) department: String,
    pub(super) name: String,
}

#[derive(Debug, Default)]
struct State {
    live: bool,
    generation: u64,
    by_subject: HashMap<String, (Instant, Option<StaffIdentity>)>,
}

impl State {
    fn forget(&mut self) {
        self.generation += 1;
        self.by_subject.clear();
    }
}

/// The per-process cache of staff records by token subject (cheap to clone: shared).
#[derive(Debug, Clone, Default)]
pub(super) struct StaffCache(Arc<Mutex<State>>);

impl StaffCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached answer for `subject`, or (when not cached) the generation to store a fresh
    /// answer under (`None`: do not store, the cache is not serving).
    fn lookup(&self, subject: &str) -> Result<Option<StaffIdentity>, Option<u64>> {
        let state = self.state();
        if !state.live {
            return Err(None);
        }
        match state.by_subject.get(subject) {
            Some((at, found)) if at.elapsed() < MAX_AGE => Ok(found.clone()),
            _ => Err(Some(state.generation)),
        }
    }

    fn store(&self, subject: &str, generation: u64, found: Option<StaffIdentity>) {
        let mut state = self.state();
        if state.live && state.generation == generation {
            if state.by_subject.len() >= CAPACITY {
                state.by_subject.clear();
            }
            state
                .by_subject
                .insert(subject.to_owned(), (Instant::now(), found));
        }
    }

    /// Forgets every record (a change this process made).
    pub(super) fn forget(&self) {
        self.state().forget();
    }

    /// Applies what the watcher saw.
    fn apply(&self, seen: Tail<'_>) {
        let mut state = self.state();
        match seen {
            Tail::Live => {
                state.forget();
                state.live = true;
            }
            Tail::Lost => {
                state.forget();
                state.live = false;
            }
            Tail::Event(event) if event.aggregate_type == DIRECTORY => state.forget(),
            Tail::Event(_) => {}
        }
    }
}

impl OnlineBureau {
    /// Whether the staff cache serves: its watcher reads this service's change events
    /// (ADR 0055).
    pub fn staff_cache_serving(&self) -> bool {
        self.staff.state().live
    }

    /// The staff record of the caller `subject`, from the cache when it serves.
    pub(super) async fn staff_identity(&self, subject: &str) -> Result<Option<StaffIdentity>> {
        let generation = match self.staff.lookup(subject) {
            Ok(found) => return Ok(found),
            Err(generation) => generation,
        };
        let found =
            dir_store::staff_identity(&self.db, subject)
                .await?
                .map(|(id, department, name)| StaffIdentity {
                    id,
                    department,
                    name,
                });
        if let Some(generation) = generation {
            self.staff.store(subject, generation, found.clone());
        }
        Ok(found)
    }
}

/// Starts the watcher that lets `bureau`'s staff cache serve (ADR 0055), until `shutdown`;
/// with the outbox relay off (no change event is published) it does nothing and the cache
/// never serves.
pub fn spawn_staff_watch(
    bureau: &OnlineBureau,
    settings: &glocal_kit::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    if !settings.outbox.enabled {
        return tokio::spawn(async {});
    }
    let cache = bureau.staff.clone();
    tail::spawn(
        "requests-staff",
        "requests",
        settings,
        shutdown,
        move |seen| {
            cache.apply(seen);
        },
    )
}
