//! Reference data cached per process (issue 14 items 6 and 7; ADR 0055, widened by ADR
//! 0058). Calls keep reading things that change only through the directory's, the
//! calendar's and the service levels' administration, each of which writes a change event
//! (`Directory`, `BusinessCalendar`, `SlaPolicies`) with every change:
//!
//! - the callers' staff records (every call of bureau staff: their id and department scope
//!   what they see);
//! - whether a local government exists (every submission);
//! - each request type's service-level policy and the business calendar (every submission,
//!   reopening and judged service level);
//! - the people a change event names: the assignee's and the department lead's subjects
//!   (every write of a request).
//!
//! The cache:
//!
//! - serves only while this process reads the service's own change events
//!   ([`glocal_kit::outbox::tail`]): from the first read on, and never while the stream is
//!   unreadable (Redis down), when every lookup goes to the database;
//! - forgets everything on every change event of those three kinds (a change made through
//!   any replica is seen within the stream's delay), on a change this process made itself
//!   (at once, after its commit), and whenever reading (re)starts;
//! - keeps no answer longer than [`MAX_AGE`]: the backstop when events cannot be published
//!   although the stream can be read (a relay failing, Redis refusing writes);
//! - never stores an answer read before a change it has since been told about (a lookup
//!   remembers the cache's generation and stores only if no change came in between).
//!
//! What routing decides with stays live: the routing rules, the department's staff with
//! their absences and the loads are read in the submission's transaction.
//!
//! A service built without the watcher ([`OnlineBureau::new`] alone, as tests and
//! one-shot commands do), or whose outbox relay is off, never serves from the cache.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use glocal_kit::outbox::tail::{self, Tail};
use glocal_kit::store::Handle;

use super::{OnlineBureau, Result};
use crate::domain::RequestType;
use crate::domain::changes::{BUSINESS_CALENDAR, DIRECTORY, SLA_POLICIES};
use crate::domain::sla::{BusinessCalendar, SlaPolicy};
use crate::store;
use crate::store::directory as dir_store;

/// Most answers remembered of each kind; past it that kind starts over (staff are dozens,
/// local governments a few hundred).
const CAPACITY: usize = 4_096;

/// The longest an answer is served from the cache, whatever the stream says.
pub(super) const MAX_AGE: Duration = Duration::from_secs(30);

/// What a caller's staff record says about them, as calls need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StaffIdentity {
    pub(super) id: String,
    pub(super) department: String,
    pub(super) name: String,
}

/// The assignee's and the department lead's subjects, by (assignee id, department code).
type People = (Option<String>, Option<String>);

/// Answers of one kind, by key, each with when it was read.
type Slot<K, V> = HashMap<K, (Instant, V)>;

#[derive(Debug, Default)]
struct State {
    live: bool,
    generation: u64,
    by_subject: Slot<String, Option<StaffIdentity>>,
    local_governments: Slot<String, bool>,
    policies: Slot<RequestType, SlaPolicy>,
    holidays: Slot<(), Arc<Vec<chrono::NaiveDate>>>,
    people: Slot<(Option<String>, Option<String>), People>,
}

impl State {
    fn forget(&mut self) {
        self.generation += 1;
        self.by_subject.clear();
        self.local_governments.clear();
        self.policies.clear();
        self.holidays.clear();
        self.people.clear();
    }
}

/// The per-process cache of reference data (cheap to clone: shared).
#[derive(Debug, Clone, Default)]
pub(super) struct ReferenceCache(Arc<Mutex<State>>);

impl ReferenceCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached answer for `key` in `slot`, or (when not cached) the generation to store a
    /// fresh answer under (`None`: do not store, the cache is not serving).
    fn lookup<K: Hash + Eq, V: Clone>(
        &self,
        slot: fn(&mut State) -> &mut Slot<K, V>,
        key: &K,
    ) -> std::result::Result<V, Option<u64>> {
        let mut state = self.state();
        if !state.live {
            return Err(None);
        }
        let generation = state.generation;
        match slot(&mut state).get(key) {
            Some((at, found)) if at.elapsed() < MAX_AGE => Ok(found.clone()),
            _ => Err(Some(generation)),
        }
    }

    fn store<K: Hash + Eq, V>(
        &self,
        slot: fn(&mut State) -> &mut Slot<K, V>,
        key: K,
        generation: u64,
        found: V,
    ) {
        let mut state = self.state();
        if state.live && state.generation == generation {
            let answers = slot(&mut state);
            if answers.len() >= CAPACITY {
                answers.clear();
            }
            answers.insert(key, (Instant::now(), found));
        }
    }

    /// Forgets everything (a change this process made; call it after the commit).
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
            Tail::Event(event)
                if [DIRECTORY, BUSINESS_CALENDAR, SLA_POLICIES]
                    .contains(&event.aggregate_type.as_str()) =>
            {
                state.forget();
            }
            Tail::Event(_) => {}
        }
    }
}

impl OnlineBureau {
    /// Whether the reference cache serves: its watcher reads this service's change events
    /// (ADR 0055).
    pub fn reference_cache_serving(&self) -> bool {
        self.reference.state().live
    }

    /// The answer for `key` in `slot`: from the cache when it serves and holds one, else
    /// `read` (stored when the cache serves and nothing changed meanwhile).
    async fn cached<K: Hash + Eq, V: Clone>(
        &self,
        slot: fn(&mut State) -> &mut Slot<K, V>,
        key: K,
        read: impl AsyncFnOnce() -> Result<V>,
    ) -> Result<V> {
        let generation = match self.reference.lookup(slot, &key) {
            Ok(found) => return Ok(found),
            Err(generation) => generation,
        };
        let found = read().await?;
        if let Some(generation) = generation {
            self.reference.store(slot, key, generation, found.clone());
        }
        Ok(found)
    }

    /// The staff record of the caller `subject`.
    pub(super) async fn staff_identity(&self, subject: &str) -> Result<Option<StaffIdentity>> {
        self.cached(
            |s| &mut s.by_subject,
            subject.to_owned(),
            async || {
                Ok(dir_store::staff_identity(&self.db, subject).await?.map(
                    |(id, department, name)| StaffIdentity {
                        id,
                        department,
                        name,
                    },
                ))
            },
        )
        .await
    }

    /// Whether the local government `code` is in the directory.
    pub(super) async fn local_government_exists(&self, code: &str) -> Result<bool> {
        self.cached(
            |s| &mut s.local_governments,
            code.to_owned(),
            async || {
                let codes = [code.to_owned()];
                Ok(!dir_store::local_governments(&self.db, &codes)
                    .await?
                    .is_empty())
            },
        )
        .await
    }

    /// The service-level policy of `ty` (read through `db` when not cached).
    pub(super) async fn policy(&self, db: &impl Handle, ty: RequestType) -> Result<SlaPolicy> {
        self.cached(
            |s| &mut s.policies,
            ty,
            async || store::sla::policy_of(db, ty).await,
        )
        .await
    }

    /// The business calendar: the configured working day with the stored holidays off
    /// (read through `db` when not cached).
    pub(super) async fn calendar(&self, db: &impl Handle) -> Result<BusinessCalendar> {
        let holidays = self
            .cached(
                |s| &mut s.holidays,
                (),
                async || Ok(Arc::new(store::sla::holiday_dates(db).await?)),
            )
            .await?;
        let (opens, closes) = self.config.workday;
        Ok(BusinessCalendar::new(
            opens,
            closes,
            holidays.iter().copied(),
        )?)
    }

    /// The subjects of the staff member `assignee` and of `department`'s lead, as a change
    /// event names them (read through `db` when not cached).
    pub(super) async fn people_of(
        &self,
        db: &impl Handle,
        assignee: Option<&str>,
        department: Option<&str>,
    ) -> Result<People> {
        let key = (assignee.map(str::to_owned), department.map(str::to_owned));
        self.cached(
            |s| &mut s.people,
            key,
            async || dir_store::people_of(db, assignee, department).await,
        )
        .await
    }
}

/// Starts the watcher that lets `bureau`'s reference cache serve (ADR 0055, ADR 0058),
/// until `shutdown`; with the outbox relay off (no change event is published) it does
/// nothing and the cache never serves.
pub fn spawn_reference_watch(
    bureau: &OnlineBureau,
    settings: &glocal_kit::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    if !settings.outbox.enabled {
        return tokio::spawn(async {});
    }
    let cache = bureau.reference.clone();
    tail::spawn(
        "requests-reference",
        "requests",
        settings,
        shutdown,
        move |seen| {
            cache.apply(seen);
        },
    )
}
